"""Secrets a user or client typed never come back in a log line or a report, through the real CLI."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.api.test_cli import run

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_key_or_token_in_a_url_is_masked_in_the_access_log(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATAGRAPH_")}
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "--store", str(tmp_path / "s"), "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, "the server did not start"
            time.sleep(0.2)
        httpx.get(f"{base}/stats?api_key=dg_0123abcd_TopSecretKeyPart&x=1")
        httpx.get(f"{base}/healthz?access_token=TopSecretToken&password=TopSecretPassword")
        httpx.get(f"{base}/metrics/dg_0123abcd_TopSecretInPath")
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=30)
    assert "GET /stats?api_key=***&x=1" in output and "GET /healthz?access_token=***&password=***" in output
    assert "TopSecret" not in output


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("postgresql+psycopg://alice:s3cr@tPart@127.0.0.1:1/shop", "tPart"),
        ("postgresql+psycopg://alice@127.0.0.1:1/shop?password=hunter2Secret", "hunter2Secret"),
        ("postgresql+psycopg://alice:hunter3Secret@127.0.0.1:1/shop", "hunter3Secret"),
    ],
)
def test_load_sql_never_prints_the_password(tmp_path, url, secret):
    done = run(tmp_path / "s", "load", "sql", url)
    assert done.returncode == 1
    assert secret not in done.stdout + done.stderr and "s3cr" not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
