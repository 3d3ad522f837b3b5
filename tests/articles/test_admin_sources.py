"""Sources in the admin: duplicates caught by normalised URL; who cites each source."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from articles.models import Source
from tests.admin_forms import submit
from tests.factories import (
    CitationFactory,
    ClaimSourceFactory,
    SourceFactory,
    reporter,
)

pytestmark = pytest.mark.django_db

ADD = "admin:articles_source_add"


def test_same_document_with_tracking_parameters_is_a_form_error(client):
    """The form names the existing source and links to it; no copy is stored."""
    existing = SourceFactory(url="https://news.example.org/apec/ceo-summit", title="CEO summit")
    client.force_login(reporter())
    response = submit(
        client,
        reverse(ADD),
        "source_form",
        url="http://News.Example.org/apec/ceo-summit/?utm_source=x#top",
        title="A copy",
    )
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "This is the same document as the source" in page
    assert reverse("admin:articles_source_change", args=[existing.pk]) in page
    assert Source.objects.count() == 1


def test_a_new_source_is_stored_normalised(client):
    """A fresh URL is saved in its canonical form."""
    client.force_login(reporter())
    response = submit(
        client, reverse(ADD), "source_form", url="news.example.org/new/?utm_medium=x", title="New"
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Source.objects.get().url == "https://news.example.org/new"


def test_a_non_web_address_is_a_form_error(client):
    """An address that is not http(s) is explained, not a 500."""
    client.force_login(reporter())
    response = submit(
        client, reverse(ADD), "source_form", url="ftp://files.example.org/a", title="X"
    )
    assert response.status_code == HTTPStatus.OK
    assert "is not a web address (http or https)" in response.content.decode()
    assert not Source.objects.exists()


def test_source_page_lists_citing_articles_and_backed_claims(client):
    """Each source shows the articles citing it (with their marker) and the claims it backs."""
    source = SourceFactory()
    citation = CitationFactory(source=source, number=3, article__title="Chip story")
    link = ClaimSourceFactory(source=source, claim__text="Samsung pledged more chips.")
    client.force_login(reporter())
    page = client.get(reverse("admin:articles_source_change", args=[source.pk])).content.decode()
    assert "Chip story</a> as [3]" in page
    assert reverse("admin:articles_article_change", args=[citation.article_id]) in page
    assert "Samsung pledged more chips." in page
    assert reverse("admin:articles_claim_change", args=[link.claim_id]) in page


def test_source_list_counts_articles_and_claims(client):
    """The list shows how many articles and claims use each source."""
    source = SourceFactory()
    CitationFactory(source=source)
    CitationFactory(source=source)
    ClaimSourceFactory(source=source)
    client.force_login(reporter())
    rows = client.get(reverse("admin:articles_source_changelist")).context["cl"].result_list
    row = next(r for r in rows if r.pk == source.pk)
    assert (row.articles_citing, row.claims_backed) == (2, 1)
