"""`tierdesk bench api` runs end to end: a real gunicorn server on a free port against a
throwaway SQLite database, real HTTP, 1 and 2 clients (tiny numbers: this checks the tool)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_bench_api_runs_against_a_real_server(tmp_path):  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["TIERDESK_VAR_DIR"] = str(tmp_path)  # the command's own database lives in a temp dir
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tierdesk.cli",
            "bench",
            "api",
            "--requests",
            "6",
            "--seed",
            "3",
            "--clients",
            "1,2",
            "--workers",
            "1",
            "--threads",
            "2",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "| create ticket (POST /tickets) | 1 | 6 | 0 |" in out
    assert "| list tickets (GET /tickets, 25/page) | 2 | 6 | 0 |" in out
