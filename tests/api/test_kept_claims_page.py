"""A claims page filtered by choices is compiled once per shape and rerun with new values
(``coverage_site/rest/kept_page.py``): every request still gets its own choices, page and
clock, and staff their own view."""

from __future__ import annotations

import datetime as dt
import json
from http import HTTPStatus

import pytest
from django.utils import timezone

from articles.models import ClaimKind, VerificationStatus
from tests.factories import (
    ArticleFactory,
    ClaimAppearanceFactory,
    FigureClaimFactory,
    PledgeClaimFactory,
    PublishedArticleFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/claims/"


def claim(factory, status: str, article=None):
    made = factory(status=status)
    ClaimAppearanceFactory(claim=made, article=article or PublishedArticleFactory())
    return made


def ids(client, query: str) -> list[int]:
    return [c["id"] for c in json.loads(client.get(URL + query).content)["results"]]


def test_each_request_gets_the_claims_of_its_own_choices(anon):
    verified = claim(FigureClaimFactory, VerificationStatus.VERIFIED)
    disputed = claim(FigureClaimFactory, VerificationStatus.DISPUTED)
    pledge = claim(PledgeClaimFactory, VerificationStatus.VERIFIED)
    for _ in range(2):  # the second round runs the kept statements
        assert ids(anon, "?status=verified&kind=figure") == [verified.pk]
        assert ids(anon, "?status=disputed&kind=figure") == [disputed.pk]
        assert ids(anon, "?status=verified&kind=pledge") == [pledge.pk]
        assert ids(anon, "?kind=figure") == [verified.pk, disputed.pk]
        assert ids(anon, "?status=verified&status=disputed") == [
            verified.pk,
            disputed.pk,
            pledge.pk,
        ]


def test_cursor_pages_of_a_kept_page_are_each_their_own(anon):
    made = [claim(FigureClaimFactory, VerificationStatus.VERIFIED) for _ in range(5)]
    claim(FigureClaimFactory, VerificationStatus.DISPUTED)
    for ordering in ("id", "-id", "created_at"):
        seen, url = [], f"{URL}?status=verified&kind={ClaimKind.FIGURE}&page_size=2"
        url += f"&ordering={ordering}"
        while url:
            body = json.loads(anon.get(url).content)
            seen.extend(c["id"] for c in body["results"])
            url = body["next"]
        expected = sorted(c.pk for c in made)
        assert seen == (expected[::-1] if ordering == "-id" else expected)
        back = json.loads(anon.get(body["previous"]).content) if body["previous"] else None
        assert back is not None and [c["id"] for c in back["results"]] == seen[-3:-1]


def test_a_claim_shows_on_a_kept_page_when_its_article_is_published(anon, monkeypatch):
    """The clock is read for every run: a scheduled article's claim appears when its time
    comes, on a page whose query was compiled before."""
    shown = claim(FigureClaimFactory, VerificationStatus.VERIFIED)
    later = PublishedArticleFactory(published_at=timezone.now() + dt.timedelta(hours=1))
    scheduled = claim(FigureClaimFactory, VerificationStatus.VERIFIED, article=later)
    assert ids(anon, "?status=verified") == [shown.pk]
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + dt.timedelta(hours=2))
    assert ids(anon, "?status=verified") == [shown.pk, scheduled.pk]


def test_staff_and_readers_each_see_their_own_claims(anon, editor_client):
    public = claim(FigureClaimFactory, VerificationStatus.VERIFIED)
    draft_only = claim(FigureClaimFactory, VerificationStatus.VERIFIED, article=ArticleFactory())
    for _ in range(2):
        assert ids(anon, "?status=verified") == [public.pk]
        assert ids(editor_client, "?status=verified") == [public.pk, draft_only.pk]
        assert ids(anon, "?status=verified") == [public.pk]


def test_a_bad_choice_is_refused_every_time(anon):
    """Validated choices are remembered; a bad one is still a 400 naming it, each time."""
    verified = claim(FigureClaimFactory, VerificationStatus.VERIFIED)
    for _ in range(2):
        assert ids(anon, "?status=verified") == [verified.pk]
        for query in ("?status=verifiedx", "?status=verified&status=", "?kind=figure&status=x"):
            response = anon.get(URL + query)
            assert response.status_code == HTTPStatus.BAD_REQUEST
            assert json.loads(response.content)["detail"].startswith("status: ")
