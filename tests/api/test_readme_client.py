"""The README's Python client, run as written against a live server."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from .world import build_world


def readme_client_code() -> str:
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    block = re.search(r"<!-- readme-client.*?-->\n```python\n(.*?)```", readme, re.S)
    assert block, "the README's client example is missing"
    return block.group(1)


@pytest.mark.django_db(transaction=True)
def test_readme_client_pulls_every_verified_claim_about_an_entity(live_server, capsys):
    """The example prints the verified claim about SK Group with its source, nothing else."""
    world = build_world()
    code = readme_client_code().replace("http://127.0.0.1:8000", live_server.url)
    exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    printed = capsys.readouterr().out.splitlines()
    assert printed == [f"{world.verified.pk} {world.verified.text} ['{world.source.url}']"]
