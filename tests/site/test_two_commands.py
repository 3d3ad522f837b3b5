"""What `make run` does on a fresh machine: migrate, import the seed, demo accounts, a site that
answers with the seeded article."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from http import HTTPStatus
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED_SIDECAR = json.loads(
    (ROOT / "articles" / "seed" / "apec-ceo-summit-2025-report.json").read_text(encoding="utf-8")
)


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


def _setup(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", "setup", f"PY={sys.executable}", "VENV=.venv"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_make_run_steps_give_a_site_with_demo_logins(tmp_path):
    """Setup imports the seed and prints one login per role; the home page shows the article."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}"}
    env["DJANGO_SETTINGS_MODULE"] = "coverage_site.settings"
    env.pop("CACHE_URL", None)
    make = _setup(env)
    assert make.returncode == 0, make.stderr
    for role in ("Reporter", "Fact-checker", "Editor"):
        assert role in make.stdout
    assert "password:" in make.stdout
    assert f"{SEED_SIDECAR['slug']} (created, published)" in make.stdout
    again = _setup(env)  # `make run` again on the same database: the import changes nothing
    assert again.returncode == 0, again.stderr
    assert f"{SEED_SIDECAR['slug']} (unchanged, published)" in again.stdout

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
        assert SEED_SIDECAR["title"] in body
        assert f'href="/articles/{SEED_SIDECAR["slug"]}/"' in body
        status, body = _get(f"http://127.0.0.1:{port}/articles/{SEED_SIDECAR['slug']}/")
        assert status == HTTPStatus.OK
        assert "Ulsan" in body
        status, body = _get(f"http://127.0.0.1:{port}/admin/login/")
        assert status == HTTPStatus.OK
        assert "Username" in body
    finally:
        server.terminate()
        server.wait(timeout=10)
