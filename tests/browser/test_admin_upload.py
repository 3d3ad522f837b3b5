"""An editor uploads the seed report in real Chromium and lands on the new draft."""

from pathlib import Path

import pytest

from articles.models import Article, ArticleStatus
from tests.browser.test_admin_workflow import _log_in
from tests.factories import editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED = Path(__file__).resolve().parents[2] / "articles/seed/apec-ceo-summit-2025-report.txt"


def test_editor_uploads_a_report_and_opens_the_draft(live_server, page, screenshot):
    editor(username="chief")
    _log_in(page, live_server.url, "chief")
    page.goto(f"{live_server.url}/admin/articles/article/")
    page.click("text=Upload a report")
    page.set_input_files("#id_report", str(SEED))
    page.fill("#id_title", "Korea pitches itself as the AI hub")
    screenshot("admin-upload-form")
    page.click("input[type=submit]")
    page.wait_for_url("**/change/")
    assert "Imported “Korea pitches itself as the AI hub” (draft)." in page.inner_text(
        ".messagelist"
    )
    screenshot("admin-upload-result")
    article = Article.objects.get()
    assert article.status == ArticleStatus.DRAFT
    assert page.input_value("#id_title") == "Korea pitches itself as the AI hub"


def test_a_bad_file_is_explained_in_the_form(live_server, page, tmp_path):
    broken = tmp_path / "broken.txt"
    broken.write_text("AWS invests $5 billion.[3]\n\nSources\n\n[1] A https://example.org/a\n")
    editor(username="chief")
    _log_in(page, live_server.url, "chief")
    page.goto(f"{live_server.url}/admin/articles/article/upload/")
    page.set_input_files("#id_report", str(broken))
    page.fill("#id_title", "Broken")
    page.click("input[type=submit]")
    assert "Nothing was imported" in page.inner_text(".errorlist")
    assert "[3]" in page.inner_text(".errorlist")
    assert not Article.objects.exists()
