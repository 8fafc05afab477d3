"""Run `evidence` in a subprocess and learn its peak memory: `python -c MEASURED ARGS...`
prints `PEAK_RSS_KB=<n>` as the last line on stderr. Used by the hostile-input tests and the
big-store benchmark."""

import re

MEASURED = (
    # VmHWM, not getrusage: on Linux ru_maxrss survives exec, so a child forked from a big
    # parent would report the parent's peak
    "import re, sys\n"
    "from evidence.cli import main\n"
    "try:\n    main()\n"
    "finally:\n"
    "    status = open('/proc/self/status').read()\n"
    "    kb = int(re.search(r'VmHWM:\\s+(\\d+)', status).group(1))\n"
    "    sys.stderr.write(f'\\nPEAK_RSS_KB={kb}\\n')\n"
)
PEAK = re.compile(r"PEAK_RSS_KB=(\d+)")
