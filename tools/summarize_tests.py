#!/usr/bin/env python3
"""Summarize a test run of scripts/test and decide whether it passed.

Reads the log of the Odoo test run and, if given, pytest's JUnit XML report,
prints the problems found and one summary line, and exits 1 when the run
failed. Failure means any of:

- Odoo reported failed or erroring tests, or exited non-zero, or never
  printed its final result line (crash);
- zero Odoo tests ran, or zero tests ran overall;
- a browser test (tour) was skipped: Odoo skips them, instead of failing,
  when Chromium or the websocket-client package is missing;
- Odoo logged an ERROR or CRITICAL line (how Odoo itself judges a build: a
  module that fails to install, for one, shows only as such lines);
- pytest reported failures or errors, or crashed.
"""

import argparse
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")
# Odoo's log format: "%(asctime)s %(pid)s %(levelname)s %(dbname)s %(name)s: %(message)s"
LOG_RE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>[\w.]+): (?P<message>.*?)\s*$"
)
# odoo/tests/result.py OdooTestResult.__str__, logged once per database at the end.
RESULT_RE = re.compile(
    r"^(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<run>\d+) tests when loading database"
)
SKIP_RE = re.compile(r"^skipped (?P<test>.+?) : (?P<reason>.*)$")
# A skip whose test name or reason says it is a browser test.
BROWSER_RE = re.compile(
    r"chrome|chromium|websocket|browser|devtools|tour", re.IGNORECASE
)
# ERROR lines that only report test failures, which are already counted.
TEST_REPORT_RE = re.compile(
    r"^(FAIL|ERROR): "
    r"|^Module \w+: \d+ failures, \d+ errors of \d+ tests"
    r"|^At least one test failed when loading the modules"
    r"|^Test suite halted: max failed tests"
    r"|: at least one error occurred in a test$"
)


@dataclass
class OdooResult:
    run: int = 0
    failed: int = 0
    errors: int = 0
    reported: bool = False
    skipped_browser: list = field(default_factory=list)
    skipped_other: list = field(default_factory=list)
    error_logs: list = field(default_factory=list)


def parse_odoo_log(text):
    result = OdooResult()
    for raw in text.splitlines():
        match = LOG_RE.match(ANSI_RE.sub("", raw))
        if not match:
            continue  # traceback or other continuation line
        level, message = match["level"], match["message"]
        if match["logger"] == "odoo.tests.result" and (
            counts := RESULT_RE.match(message)
        ):
            result.reported = True
            result.run = int(counts["run"])
            result.failed = int(counts["failed"])
            result.errors = int(counts["errors"])
            continue
        if level == "INFO" and (skip := SKIP_RE.match(message)):
            target = (
                result.skipped_browser
                if BROWSER_RE.search(skip[0])
                else result.skipped_other
            )
            target.append(f"{match['logger']}: {skip['test']} ({skip['reason']})")
        elif level in ("ERROR", "CRITICAL") and not TEST_REPORT_RE.search(message):
            result.error_logs.append(f"{level} {match['logger']}: {message}")
    return result


@dataclass
class PytestResult:
    tests: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0

    @property
    def passed(self):
        return self.tests - self.failed - self.errors - self.skipped


def parse_junit(path):
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
    result = PytestResult()
    for suite in suites:
        result.tests += int(suite.get("tests", 0))
        result.failed += int(suite.get("failures", 0))
        result.errors += int(suite.get("errors", 0))
        result.skipped += int(suite.get("skipped", 0))
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--odoo-log", required=True, type=Path, help="log of the Odoo test run"
    )
    parser.add_argument(
        "--odoo-rc", type=int, default=0, help="exit code of the Odoo test run"
    )
    parser.add_argument(
        "--junit",
        type=Path,
        action="append",
        default=[],
        help="a pytest JUnit XML report; repeat it for each pytest run (omit when pytest did not run)",
    )
    parser.add_argument(
        "--pytest-rc",
        type=int,
        action="append",
        default=[],
        help="exit code of each pytest run, in the order of --junit (5: no test collected)",
    )
    args = parser.parse_args(argv)

    odoo = parse_odoo_log(args.odoo_log.read_text(encoding="utf-8", errors="replace"))
    pytest = PytestResult()
    problems = []
    pytest_rcs = args.pytest_rc + [0] * (len(args.junit) - len(args.pytest_rc))
    for junit, rc in zip(args.junit, pytest_rcs):
        if junit.is_file():
            run = parse_junit(junit)
            pytest.tests += run.tests
            pytest.failed += run.failed
            pytest.errors += run.errors
            pytest.skipped += run.skipped
        elif rc != 5:
            problems.append(f"pytest exited with {rc} and wrote no report ({junit})")

    if not odoo.reported:
        problems.append(
            f"Odoo printed no test result line (exit code {args.odoo_rc}): see {args.odoo_log}"
        )
    elif args.odoo_rc != 0 and not (odoo.failed or odoo.errors):
        problems.append(f"Odoo exited with {args.odoo_rc}")
    if odoo.reported and odoo.run == 0:
        problems.append(
            "no Odoo test ran: check TEST_TAGS and that the addons have tests"
        )
    if odoo.failed or odoo.errors:
        problems.append(
            f"Odoo tests: {odoo.failed} failed, {odoo.errors} error(s): see {args.odoo_log}"
        )
    problems += [f"browser test skipped: {line}" for line in odoo.skipped_browser]
    problems += [f"Odoo logged {line}" for line in odoo.error_logs[:20]]
    if len(odoo.error_logs) > 20:
        problems.append(
            f"... and {len(odoo.error_logs) - 20} more ERROR/CRITICAL lines"
        )
    if pytest.failed or pytest.errors:
        problems.append(f"pytest: {pytest.failed} failed, {pytest.errors} error(s)")
    problems += [f"pytest exited with {rc} ({junit})" for junit, rc in zip(args.junit, pytest_rcs)
                 if rc not in (0, 5) and not (pytest.failed or pytest.errors)]
    if odoo.run + pytest.tests == 0:
        problems.append("no test ran at all")

    for line in odoo.skipped_other:
        print(f"note: skipped {line}")
    for problem in problems:
        print(f"FAILURE: {problem}")

    # Totals in the plain "N passed, N failed" form that generic CI tooling reads.
    odoo_skipped = len(odoo.skipped_browser) + len(odoo.skipped_other)
    odoo_passed = max(odoo.run - odoo.failed - odoo.errors - odoo_skipped, 0)
    print(
        f"total: {odoo_passed + pytest.passed} passed, "
        f"{odoo.failed + odoo.errors + pytest.failed + pytest.errors} failed, "
        f"{odoo_skipped + pytest.skipped} skipped"
    )
    verdict = "FAILED" if problems else "OK"
    skipped_other = f", {len(odoo.skipped_other)} skipped" if odoo.skipped_other else ""
    print(
        f"TESTS: odoo {odoo.run} run, {odoo.failed} failed, {odoo.errors} errors, "
        f"{len(odoo.skipped_browser)} skipped-browser{skipped_other}, {len(odoo.error_logs)} error-logs"
        f" | pytest {pytest.passed} passed, {pytest.failed + pytest.errors} failed => {verdict}"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
