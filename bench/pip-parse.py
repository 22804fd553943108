"""pip's own requirements-file parser, timed inside Python (no interpreter start-up in the numbers).

Usage: python3 pip-parse.py FILE WARMUP RUNS
Prints one JSON object: pip's version, the milliseconds of every timed run of
`parse_requirements` (pip reads the file, joins lines, strips comments, splits options with
shlex and optparse), and of `parse_requirements` followed by `install_req_from_parsed_requirement`
for every requirement (which also parses each one as PEP 508 with packaging).
"""
import json
import logging
import sys
import time
import warnings

logging.disable(logging.CRITICAL)
warnings.filterwarnings("ignore")

import pip  # noqa: E402
from pip._internal.network.session import PipSession  # noqa: E402
from pip._internal.req.constructors import install_req_from_parsed_requirement  # noqa: E402
from pip._internal.req.req_file import parse_requirements  # noqa: E402


def main() -> None:
    path, warmup, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    session = PipSession()
    parse_ms, full_ms = [], []
    requirements = 0
    for run in range(warmup + runs):
        started = time.perf_counter()
        parsed = list(parse_requirements(path, session=session))
        parsed_at = time.perf_counter()
        for requirement in parsed:
            try:
                install_req_from_parsed_requirement(requirement)
            except Exception:  # a local path pip cannot find still cost the parse
                pass
        finished = time.perf_counter()
        if run >= warmup:
            parse_ms.append((parsed_at - started) * 1000)
            full_ms.append((finished - started) * 1000)
        requirements = len(parsed)
    print(json.dumps({"version": pip.__version__, "parse_ms": parse_ms, "full_ms": full_ms, "requirements": requirements}))


main()
