"""A misconfigured environment stops start-up with one clear line, never a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    environment.update(env, DJANGO_SETTINGS_MODULE="coverage_site.settings")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"DATABASE_URL": "nosuchdb://host/name"}, "DATABASE_URL"),
        ({"DEBUG": "false", "SECRET_KEY": ""}, "SECRET_KEY"),
        ({"DEBUG": "maybe-ish"}, "DEBUG"),
        ({"CACHE_URL": "nosuchcache://x"}, "CACHE_URL"),
    ],
)
def test_misconfiguration_stops_with_one_clear_line(env, named):
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration error:")
    assert named in lines[0]


def test_defaults_start_without_any_variable(tmp_path):
    result = _manage("check", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.returncode == 0, result.stderr
