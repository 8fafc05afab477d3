"""The terminal's messages: what a user reads on stderr, piped or forced into colour."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = (
    "import sys\n"
    "from evidence import console\n"
    "console.say('Wrote r.txt :smile: [bold]x[/bold]')\n"
    "console.warn('3 references \\x1b[2J unparsed')\n"
    "console.error('no policy')\n"
    "print('rich' in sys.modules)\n"
)


def _run(**env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    return subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          env={**base, **env}, check=True)


def test_piped_messages_are_plain_lines_and_do_not_load_rich() -> None:
    done = _run()
    assert done.stderr.splitlines() == [
        "Wrote r.txt :smile: [bold]x[/bold]",  # no emoji or markup made of a policy's words
        "Warning: 3 references \\x1b[2J unparsed",  # control characters shown, never obeyed
        "Error: no policy",
    ]
    assert done.stdout.strip() == "False"


def test_forced_colour_still_goes_through_rich() -> None:
    done = _run(FORCE_COLOR="1")
    assert "\x1b[" in done.stderr  # the warning's and the error's colours
    assert ":smile:" in done.stderr and "[bold]x[/bold]" in done.stderr
    assert done.stdout.strip() == "True"
