"""A pytest plugin (loaded by pyproject's addopts): with --fail-on-skip, a skip is a failure unless allowed.

`make test`, and so CI, passes the flag: a test that cannot reach what it needs (a server that did not
start, material that is missing) is a fault of the set-up, not a pass to count.
"""

from __future__ import annotations

import pytest

# Skips accepted all the same, as substrings of their reasons; each needs its why beside it.
ALLOWED_SKIPS: tuple[str, ...] = ()

_skipped: list[tuple[str, str]] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fail-on-skip",
        action="store_true",
        help="fail the run when a test skips for a reason not in tests/skip_gate.py's ALLOWED_SKIPS",
    )


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        _skipped.append((report.nodeid, reason.removeprefix("Skipped: ")))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not session.config.getoption("--fail-on-skip"):
        return
    refused = [(test, why) for test, why in _skipped if not any(a in why for a in ALLOWED_SKIPS)]
    if not refused:
        return
    lines = [f"{len(refused)} test(s) skipped for a reason not in ALLOWED_SKIPS (tests/skip_gate.py):"]
    lines += [f"  {test}: {why}" for test, why in refused]
    lines.append(
        "start what they need with `make services`, or allow the reason in ALLOWED_SKIPS with its why"
    )
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line("\n".join(lines), red=True, bold=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
