"""``manage.py import_report``: what it prints, the sidecar, and one clear line on bad input."""

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, ArticleStatus
from tests.articles.import_helpers import ROOT, SECOND, SEED, SEED_SIDECAR, snapshot

pytestmark = pytest.mark.django_db


def _run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_report", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_prints_slug_and_counts_then_unchanged():
    """First run creates and publishes; the second changes nothing and says so."""
    out, err = _run(SEED, "--status", "published")
    assert out.splitlines()[0] == f"{SEED_SIDECAR['slug']} (created, published)"
    assert "created: " in out and "19 claims" in out and "1 sources" in out
    assert "dropped 4 line(s) of page furniture after the sources, from line 37 (“Reply”)" in out
    assert err == ""
    out, _ = _run(SEED, "--status", "published")
    assert out.splitlines()[0] == f"{SEED_SIDECAR['slug']} (unchanged, published)"
    assert "created:" not in out


def test_uses_the_sidecar_and_flags_override_it(tmp_path):
    """The .json next to the report supplies metadata; --title and --published win."""
    report = tmp_path / "report.txt"
    shutil.copy(SEED, report)
    report.with_suffix(".json").write_text(json.dumps(SEED_SIDECAR), encoding="utf-8")
    _run(report, "--title", "Korea's AI pitch", "--published", "2025-10-30")
    article = Article.objects.get(slug=SEED_SIDECAR["slug"])
    assert article.title == "Korea's AI pitch"
    assert article.published_at.date() == dt.date(2025, 10, 30)
    assert article.standfirst == SEED_SIDECAR["standfirst"]
    assert article.status == ArticleStatus.DRAFT


def test_warnings_go_to_stderr():
    """An uncited source is a warning line, the import still succeeds."""
    out, err = _run(SECOND)
    assert out.startswith("tokyo-ai-infrastructure-forum-2026-capital-follows-the-chips (created")
    assert "warning: line 22: source [5]" in err


@pytest.fixture
def bad_files(tmp_path):
    files = {
        "empty": b"",
        "binary": bytes(range(256)) * 4,
        "undecodable": "Café talks.[1]\n\nSources\n[1] A https://a.example\n".encode("cp1252"),
        "no-sources": b"Leaders met.[1]\n",
        "dangling": b"Leaders met.[1]\n\nAnd agreed.[2]\n\nSources\n[1] A https://a.example\n",
        "bad-sidecar": b"Leaders met.[1]\n\nSources\n[1] A https://a.example\n",
    }
    paths = {}
    for name, data in files.items():
        paths[name] = tmp_path / f"{name}.txt"
        paths[name].write_bytes(data)
    (tmp_path / "bad-sidecar.json").write_text('{"title": "x",}', encoding="utf-8")
    paths["missing"] = tmp_path / "nowhere.txt"
    paths["directory"] = tmp_path
    return paths


BAD = {
    "empty": "the report is empty",
    "binary": "line 1: this is a binary file",
    "undecodable": "line 1: the text cannot be decoded as UTF-8",
    "no-sources": "the report has no Sources section",
    "dangling": "line 3: marker [2] points at no source",
    "bad-sidecar": "bad-sidecar.json: line 1: not valid JSON",
    "missing": "cannot read",
    "directory": "cannot read",
}


@pytest.mark.parametrize("case", BAD)
def test_bad_input_is_one_command_error_and_changes_nothing(case, bad_files):
    """Each bad input raises CommandError naming the problem; the database is untouched."""
    call_command("import_report", str(SEED), stdout=StringIO())
    before = snapshot()
    with pytest.raises(CommandError, match=BAD[case].replace("[", r"\[").replace("]", r"\]")):
        _run(bad_files[case], "--title", "T")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [("--published", "yesterday", "is not a date"), ("--status", "live", "is not one of")],
)
def test_bad_options_are_refused(option, value, message):
    """Dates and statuses are checked with a message, not a traceback."""
    with pytest.raises(CommandError, match=message):
        _run(SEED, option, value)
    assert not Article.objects.exists()


@pytest.mark.parametrize("case", ["empty", "binary", "dangling", "missing"])
def test_command_line_shows_one_line_and_exits_non_zero(case, bad_files, tmp_path):
    """Run for real: exit status 1, a single line on stderr, no traceback."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}
    env["DJANGO_SETTINGS_MODULE"] = "coverage_site.settings"
    done = subprocess.run(
        [sys.executable, "manage.py", "import_report", str(bad_files[case])],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0
    assert BAD[case] in done.stderr
