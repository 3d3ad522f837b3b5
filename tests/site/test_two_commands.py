"""What `make run` does on a fresh machine: migrate, demo accounts, a site that answers."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from http import HTTPStatus
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_make_run_steps_give_a_site_with_demo_logins(tmp_path):
    """Setup prints one login per role; / and /admin/ answer on the served site."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}"}
    env["DJANGO_SETTINGS_MODULE"] = "coverage_site.settings"
    env.pop("CACHE_URL", None)
    make = subprocess.run(
        ["make", "--no-print-directory", "setup", f"PY={sys.executable}", "VENV=.venv"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert make.returncode == 0, make.stderr
    for role in ("Reporter", "Fact-checker", "Editor"):
        assert role in make.stdout
    assert "password:" in make.stdout

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        assert status == HTTPStatus.OK
        assert "Summit Coverage" in body
        status, body = _get(f"http://127.0.0.1:{port}/admin/login/")
        assert status == HTTPStatus.OK
        assert "Username" in body
    finally:
        server.terminate()
        server.wait(timeout=10)
