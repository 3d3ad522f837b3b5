"""Paths to the npm-installed checkers (package.json) and a loud failure when one is missing.

``make test`` installs them with ``npm ci --ignore-scripts``; a test that needs one fails, never
skips, when it is absent, so a missing tool cannot pass as a green suite.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
INSTALL_HINT = "run `make node-deps` (npm ci --ignore-scripts) in the project root"


def require_file(path: Path) -> Path:
    if not path.is_file():
        pytest.fail(f"{path.relative_to(ROOT)} is missing: {INSTALL_HINT}.")
    return path


def require_java() -> str:
    java = shutil.which("java")
    if java is None:
        pytest.fail(
            "java is not installed: the Nu Html Checker needs Java 17 (apt-get install "
            "-y openjdk-17-jre-headless)."
        )
    return java


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/7")


def real_redis_cache(settings):
    """Make the default cache real Redis at ``TEST_REDIS_URL`` (default db 7), with the backend
    ``CACHE_URL=redis://…`` selects in production, emptied; returns a client to it. Skipped when
    Redis is unreachable, except in CI (``CI=true``), where that is a failure."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Redis at {REDIS_URL} is required in CI (CI=true): {error}")
        pytest.skip(f"Redis at {REDIS_URL} is unreachable: {error}")
    settings.CACHES = {
        "default": {"BACKEND": "coverage_site.redis_cache.RedisCache", "LOCATION": REDIS_URL}
    }
    return client
