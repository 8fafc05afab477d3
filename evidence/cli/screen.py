"""`evidence review screen`: one candidate at a time in the terminal, one key per decision.

Every decision is written as it is made, so quitting, Ctrl-C or a closed input loses nothing;
the session ends with "Screened N; M left". A key or a reason that is not understood is asked
again. `u` undoes the reviewer's latest decision and shows that candidate again. The order is
the service's (relevance, refit as decisions come in, or design); it is read again after each
decision, so a refit takes effect at once.
"""

from __future__ import annotations

from typing import Any

import typer

from evidence import console
from evidence.errors import EvidenceError, InputError, NotFound

KEYS = {"i": "include", "e": "exclude", "m": "maybe", "s": "skip", "u": "undo", "q": "quit"}
PROMPT = "[i]nclude, [e]xclude, [m]aybe, [s]kip, [u]ndo, [q]uit"
AUTHORS_SHOWN = 6


class _Stop(Exception):
    """The reviewer ended the session (q, Ctrl-C, end of input)."""


def _ask(text: str, default: str = "") -> str:
    try:
        return typer.prompt(text, default=default, show_default=False)
    except (typer.Abort, KeyboardInterrupt, EOFError):
        raise _Stop() from None


def _key() -> str:
    while True:
        answer = _ask(PROMPT, default="s").strip().lower()
        if answer[:1] in KEYS and (len(answer) == 1 or answer in KEYS.values()):
            return KEYS[answer[:1]]
        console.warn(f"unknown key {answer!r}; use i, e, m, s, u or q")


def _reason() -> str:
    from evidence.review.prisma import EXCLUSION_REASONS, parse_reason

    for i, (_slug, label) in enumerate(EXCLUSION_REASONS, 1):
        console.say(f"  {i}. {label}")
    while True:
        answer = _ask("Reason (number)")
        try:
            return parse_reason(answer)
        except InputError as exc:
            console.warn(f"{exc.message}; type 1-{len(EXCLUSION_REASONS)}")


def _show(c: dict[str, Any], left: int) -> None:
    out = console.out
    score = f" · relevance {c['relevance']:.2f}" if c.get("relevance") is not None else ""
    out.print(f"\n[{left} left] PMID {c['pmid']} · {c['design'] or 'unknown design'}{score}",
              style="bold", markup=False)  # fmt: skip
    out.print(c["title"] or "(no title)", markup=False)
    authors = c.get("authors") or []
    if authors:
        more = ", et al." if len(authors) > AUTHORS_SHOWN else ""
        out.print(", ".join(authors[:AUTHORS_SHOWN]) + more, markup=False)
    out.print(f"{c['journal'] or '?'} {c['year'] or ''}".strip(), style="dim", markup=False)
    if c.get("my_decision"):
        out.print(f"(you decided: {c['my_decision']})", style="dim", markup=False)
    out.print(c["abstract"] or "(no abstract)", markup=False)


class Session:
    """One screening session's state: what was decided here, skipped, to show next."""

    def __init__(self, engine: Any, policy_id: str, reviewer: str, order: str) -> None:
        self.engine, self.policy_id, self.reviewer, self.order = engine, policy_id, reviewer, order
        self.done = 0
        self.skipped: set[str] = set()
        self.again: str | None = None  # an undone candidate, shown next
        self.cycle: int | None = None

    def view(self) -> dict[str, Any]:
        from evidence.services.review import candidates

        return candidates(self.engine, self.policy_id, unscreened=True, reviewer=self.reviewer,
                          order=self.order)  # fmt: skip

    def next(self) -> tuple[dict[str, Any] | None, int]:
        view = self.view()
        self.cycle = view["cycle"]
        if view["status"] != "open":
            raise InputError(f"cycle {view['cycle']} is closed", hint="start a new cycle first")
        rows = view["candidates"]
        if self.again:
            wanted = [r for r in rows if r["pmid"] == self.again]
            self.again = None
            if wanted:
                return wanted[0], len(rows)
        rest = [r for r in rows if r["pmid"] not in self.skipped]
        return (rest[0] if rest else None), len(rows)

    def decide(self, c: dict[str, Any], decision: str) -> None:
        from evidence.services.review import decide

        reason = _reason() if decision == "exclude" else None
        note = _ask("Note (optional)")
        decide(self.engine, self.policy_id, c["pmid"], decision, reason=reason, note=note,
               reviewer=self.reviewer)  # fmt: skip
        self.done += 1

    def undo(self) -> None:
        from evidence.services.review import undo_last

        try:
            result = undo_last(self.engine, self.policy_id, reviewer=self.reviewer)
        except NotFound:
            console.warn("nothing to undo")
            return
        console.say(f"Undid {result['undone']['decision']} on PMID {result['pmid']}.")
        self.done = max(0, self.done - 1)
        self.skipped.discard(result["pmid"])
        self.again = result["pmid"]

    def step(self) -> bool:
        """Show one candidate and act on the key; False when nothing is left to show."""
        c, left = self.next()
        if c is None:
            return False
        _show(c, left)
        action = _key()
        if action == "quit":
            raise _Stop()
        if action == "skip":
            self.skipped.add(c["pmid"])
        elif action == "undo":
            self.undo()
        else:
            self.decide(c, action)
        return True


def run_screen(engine: Any, policy_id: str, reviewer: str, order: str = "relevance") -> None:
    session = Session(engine, policy_id, reviewer, order)
    try:
        while session.step():
            pass
    except (_Stop, KeyboardInterrupt):
        pass
    except EvidenceError:
        raise
    _summary(session)


def _summary(session: Session) -> None:
    try:
        view = session.view()
    except KeyboardInterrupt:  # a second Ctrl-C: still say what was kept
        console.say(f"Screened {session.done}; every decision is saved.")
        return
    left = view["progress"]["left"]
    console.say(f"Screened {session.done}; {left} left in cycle {view['cycle']}.")
