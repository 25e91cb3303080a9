"""`make test` fails on a skip: run pytest on a skipping test, with and without --fail-on-skip."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_pytest(tmp_path: Path, *flags: str) -> subprocess.CompletedProcess:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_needs_a_server.py").write_text(
        "import pytest\n\n"
        "def test_passes():\n    pass\n\n"
        "def test_needs_a_server():\n    pytest.skip('PostgreSQL not reachable at 127.0.0.1:5432')\n"
    )
    plugin = ["-p", "tests.skip_gate", "-c", str(tmp_path / "pytest.ini")]
    return subprocess.run(
        [sys.executable, "-m", "pytest", *plugin, *flags, str(tmp_path / "test_needs_a_server.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_skip_fails_the_run_and_is_named_with_its_reason(tmp_path):
    run = run_pytest(tmp_path, "--fail-on-skip")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 passed, 1 skipped" in run.stdout
    assert (
        "test_needs_a_server.py::test_needs_a_server: PostgreSQL not reachable at 127.0.0.1:5432"
        in run.stdout
    )


def test_without_the_flag_a_skip_is_only_reported(tmp_path):
    run = run_pytest(tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed, 1 skipped" in run.stdout
