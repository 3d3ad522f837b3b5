"""Paths to the npm-installed checkers (package.json) and a loud failure when one is missing.

``make test`` installs them with ``npm ci --ignore-scripts``; a test that needs one fails, never
skips, when it is absent, so a missing tool cannot pass as a green suite.
"""

from __future__ import annotations

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
