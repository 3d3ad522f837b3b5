"""Conditional GET on pages rendered afresh (the public cache off): 304 only while unchanged."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client

from tests.factories import PublishedArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_public_cache(settings):
    settings.PUBLIC_CACHE_SECONDS = 0


def test_an_unchanged_page_is_not_sent_again(client: Client):
    """A browser revalidating with the ETag it was given gets a 304 with no body."""
    article = PublishedArticleFactory(title="Ministers agree on grid rules")
    url = article.get_absolute_url()
    first = client.get(url)
    assert first.status_code == HTTPStatus.OK
    assert first["ETag"].startswith('"') and len(first["ETag"]) == 34
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_an_edited_page_is_sent_again_with_a_new_etag(client: Client):
    """After an edit, the ETag the browser holds no longer matches: the new page comes back."""
    article = PublishedArticleFactory(title="Ministers agree on grid rules")
    url = article.get_absolute_url()
    before = client.get(url)
    article.title = "Ministers agree on grid rules, with an exemption"
    article.save()
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == HTTPStatus.OK
    assert "with an exemption" in after.content.decode()
    assert after["ETag"] != before["ETag"]


def test_different_pages_have_different_etags(client: Client):
    """One page's ETag never gets another page a 304."""
    first, second = PublishedArticleFactory.create_batch(2)
    etag = client.get(first.get_absolute_url())["ETag"]
    response = client.get(second.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == HTTPStatus.OK
    assert response["ETag"] != etag
