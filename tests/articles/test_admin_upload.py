"""The admin's report upload runs the importer, shows its errors, and opens the new draft."""

from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article, ArticleStatus, Claim, Source
from entities.models import Entity
from tests.factories import editor, fact_checker, reporter

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SEED = (ROOT / "articles/seed/apec-ceo-summit-2025-report.txt").read_bytes()
UPLOAD = reverse("admin:articles_article_upload")


def _post(client, content: bytes, **fields):
    data = {"report": SimpleUploadedFile("report.txt", content), "status": "draft", **fields}
    return client.post(UPLOAD, data)


def _counts():
    return (Article.objects.count(), Claim.objects.count(), Entity.objects.count())


def test_upload_creates_a_draft_and_opens_it(client):
    """A good file becomes a draft with its claims; the editor lands on its change page."""
    client.force_login(editor())
    response = _post(client, SEED, title="APEC CEO Summit 2025")
    article = Article.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("admin:articles_article_change", args=[article.pk])
    assert article.status == ArticleStatus.DRAFT
    assert Claim.objects.filter(appearances__article=article).count() >= 10
    page = client.get(response["Location"])
    assert "Imported “APEC CEO Summit 2025” (draft)." in page.content.decode()


def test_upload_link_is_on_the_article_list_for_reporters(client):
    client.force_login(reporter())
    assert UPLOAD in client.get(reverse("admin:articles_article_changelist")).content.decode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02\x03binary\x00", "binary"),
        (b"Korea invests.[1]\n\nNo sources here.\n", "Sources"),
        (
            b"AWS invests $5 billion.[2]\n\nSources\n\n[1] A story https://example.org/a\n",
            "marker [2]",
        ),
    ],
)
def test_bad_file_shows_the_problem_in_the_form_and_writes_nothing(client, content, message):
    client.force_login(editor())
    before = _counts()
    response = _post(client, content, title="Bad report")
    assert response.status_code == HTTPStatus.OK
    error = response.context["form"].errors["report"][0]
    assert message.lower() in error.lower()
    assert error in response.content.decode()
    assert _counts() == before
    assert not Source.objects.exists()


def test_malformed_metadata_is_reported(client):
    client.force_login(editor())
    response = _post(client, SEED, sidecar=SimpleUploadedFile("meta.json", b"{not json"))
    assert "not valid JSON: line 1" in response.context["form"].errors["sidecar"][0]
    assert not Article.objects.exists()


def test_reporter_cannot_import_straight_to_published(client):
    """The choice is not offered, and a crafted POST is refused like the missing option."""
    client.force_login(reporter())
    page = client.get(UPLOAD).content.decode()
    assert 'value="published"' not in page
    response = _post(client, SEED, title="Sneaky", status="published")
    assert response.status_code == HTTPStatus.OK
    assert "status" in response.context["form"].errors
    assert not Article.objects.exists()


def test_fact_checker_may_not_upload(client):
    client.force_login(fact_checker())
    assert client.get(UPLOAD).status_code == HTTPStatus.FORBIDDEN
    assert _post(client, SEED, title="No").status_code == HTTPStatus.FORBIDDEN
    assert not Article.objects.exists()


def test_uploading_the_same_file_twice_changes_nothing(client):
    client.force_login(editor())
    _post(client, SEED, title="APEC CEO Summit 2025")
    before = _counts()
    response = _post(client, SEED, title="APEC CEO Summit 2025")
    assert response.status_code == HTTPStatus.FOUND
    assert _counts() == before
    assert "already up to date" in client.get(response["Location"]).content.decode()
