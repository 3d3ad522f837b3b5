"""GET /api/v1/claims/: visibility, filters, ordering, cursor pages, shaping and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.utils import timezone

from articles.models import Claim, ClaimKind, VerificationStatus
from tests.factories import (
    ClaimAppearanceFactory,
    ClaimFactory,
    ClaimSourceFactory,
    FigureClaimFactory,
    PublishedArticleFactory,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/claims/"


def ids(response) -> list[int]:
    assert response.status_code == HTTPStatus.OK, response.content
    return [item["id"] for item in response.json()["results"]]


def publish_claim(**kwargs) -> Claim:
    claim = ClaimFactory(**kwargs)
    ClaimAppearanceFactory(claim=claim, article=PublishedArticleFactory())
    return claim


def test_anonymous_clients_see_published_claims_only(anon, world):
    """A claim that appears only in a draft is not listed, and its detail is a JSON 404."""
    assert ids(anon.get(URL)) == [world.verified.pk, world.unverified.pk]
    response = anon.get(f"{URL}{world.hidden_claim.pk}/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"] == "application/json"


def test_signed_in_reader_without_staff_sees_what_anonymous_sees(reader_client, world):
    """Only staff see unpublished claims; a plain account is treated like anonymous."""
    assert world.hidden_claim.pk not in ids(reader_client.get(URL))


@pytest.mark.parametrize("client_name", ["reporter_client", "checker_client", "editor_client"])
def test_staff_see_unpublished_claims(request, client_name, world):
    """Newsroom staff read drafts' claims too, to work on them."""
    client = request.getfixturevalue(client_name)
    assert world.hidden_claim.pk in ids(client.get(URL))


def test_appearances_in_drafts_are_hidden_from_anonymous_clients(anon, world):
    """The verified claim also sits in a draft; readers only learn of the published article."""
    item = anon.get(f"{URL}{world.verified.pk}/").json()
    assert [a["article"] for a in item["appearances"]] == [world.article.slug]
    assert item["appearances"][0]["passage"] == world.verified.text


def test_item_carries_identifiers_and_both_links(anon, world):
    """Each claim has its id, API address and public page address."""
    item = anon.get(f"{URL}{world.verified.pk}/").json()
    assert item["id"] == world.verified.pk
    assert item["api_url"] == f"http://testserver/api/v1/claims/{world.verified.pk}/"
    assert item["url"] == f"http://testserver/claims/{world.verified.pk}/"
    assert item["speaker"] == "chey-tae-won"
    assert item["subjects"] == ["sk-group"]
    assert item["sources"] == [world.source.pk]
    assert item["amount"] == "5000000000.0000"
    assert item["amount_usd"] == "5000000000.0000"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"entity": "sk-group"}, ["verified"]),
        ({"entity": "chey-tae-won"}, ["verified"]),
        ({"subject": "apec-ceo-summit-2025"}, ["unverified"]),
        ({"speaker": "chey-tae-won"}, ["verified"]),
        ({"article": "sk-pledges-ai-data-centre"}, ["verified", "unverified"]),
        ({"kind": "pledge"}, ["verified"]),
        ({"status": "verified"}, ["verified"]),
        ({"unit": "krw"}, ["unverified"]),
        ({"amount_min": "6000000000"}, ["unverified"]),
        ({"amount_max": "6000000000"}, ["verified"]),
        ({"amount_usd_min": "6000000000"}, ["unverified"]),
        ({"amount_usd_max": "6000000000"}, ["verified"]),
        ({"figure_date_from": "2027-01-01"}, ["verified"]),
        ({"figure_date_to": "2026-01-01"}, []),
        ({"q": "invest DATA"}, ["verified"]),
        ({"q": "invest delegates"}, []),
        ({"status": "verified", "entity": "sk-group", "kind": "figure"}, []),
    ],
)
def test_filters(anon, world, params, expected):
    """Each filter narrows the list to the claims it describes."""
    assert ids(anon.get(URL, params)) == [getattr(world, name).pk for name in expected]


def test_filter_by_source(anon, world):
    """source=<id> lists the claims that source backs."""
    assert ids(anon.get(URL, {"source": world.other_source.pk})) == [world.unverified.pk]


def test_status_filter_takes_several_values(anon, world):
    """Repeat status= for either of several verdicts."""
    response = anon.get(f"{URL}?status=verified&status=unverified")
    assert ids(response) == [world.verified.pk, world.unverified.pk]


def test_updated_since(anon, world):
    """updated_since returns claims changed at or after the time given."""
    Claim.objects.filter(pk=world.unverified.pk).update(
        updated_at=timezone.now() - dt.timedelta(days=3)
    )
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    assert ids(anon.get(URL, {"updated_since": since})) == [world.verified.pk]


@pytest.mark.parametrize("param", ["entity", "speaker", "subject"])
def test_filtering_by_an_unpublished_entity_is_the_same_400_as_an_unknown_one(anon, world, param):
    """Naming a hidden entity reveals nothing: it is refused like a slug that does not exist."""
    hidden = anon.get(URL, {param: "secret-startup"})
    unknown = anon.get(URL, {param: "no-such-entity"})
    assert hidden.status_code == unknown.status_code == HTTPStatus.BAD_REQUEST
    assert hidden.json() == unknown.json()
    assert param in hidden.json()["errors"]


def test_filtering_by_a_draft_article_is_refused(anon, world):
    """article= takes only articles the client may see."""
    response = anon.get(URL, {"article": "draft-scoop"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "article" in response.json()["errors"]


def test_ordering_is_whitelisted_and_applied(anon, world):
    """ordering=-id reverses the default order (by id)."""
    assert ids(anon.get(URL, {"ordering": "-id"})) == [world.unverified.pk, world.verified.pk]


def test_cursor_pages_walk_every_claim_once_while_claims_change(anon, world):
    """Following next links with page_size=1 visits each claim exactly once, even when a claim
    is edited and another published mid-walk."""
    extra = [publish_claim(text=f"Extra claim {n}.") for n in range(3)]
    seen, url, step = [], f"{URL}?page_size=1", 0
    while url:
        page = anon.get(url).json()
        seen += [item["id"] for item in page["results"]]
        if step == 1:
            world.verified.text = "Edited while a client was paging."
            world.verified.save()
            extra.append(publish_claim(text="Published while a client was paging."))
        url, step = page["next"], step + 1
    expected = [world.verified.pk, world.unverified.pk] + [c.pk for c in extra]
    assert seen == expected


def test_cursor_pages_by_updated_at_with_equal_times(anon, world):
    """Claims saved in the same instant still page without gaps or repeats."""
    same = timezone.now()
    extra = [publish_claim(text=f"Same time {n}.") for n in range(4)]
    Claim.objects.update(updated_at=same)
    seen, url = [], f"{URL}?page_size=2&ordering=-updated_at"
    while url:
        page = anon.get(url).json()
        seen += [item["id"] for item in page["results"]]
        url = page["next"]
    assert sorted(seen) == sorted([world.verified.pk, world.unverified.pk] + [c.pk for c in extra])
    assert len(seen) == len(set(seen))


def test_fields_chooses_the_fields(anon, world):
    """fields=id,text returns only those keys."""
    response = anon.get(URL, {"fields": "id,text"})
    assert response.json()["results"][0] == {"id": world.verified.pk, "text": world.verified.text}


def test_expand_embeds_speaker_subjects_and_sources(anon, world):
    """expand=speaker,sources embeds objects so one request carries a claim's sources."""
    item = anon.get(URL, {"expand": "speaker,subjects,sources"}).json()["results"][0]
    assert item["speaker"]["slug"] == "chey-tae-won"
    assert item["speaker"]["api_url"] == "http://testserver/api/v1/entities/chey-tae-won/"
    assert item["subjects"][0]["name"] == "SK Group"
    assert item["sources"][0]["title"] == world.source.title
    assert item["sources"][0]["document_url"] == world.source.url


def test_csv_lists_claims_for_spreadsheets(anon, world):
    """format=csv gives one row per claim with identifiers in place of related objects."""
    response = anon.get(URL, {"format": "csv", "status": "verified"})
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    assert rows[0]["id"] == str(world.verified.pk)
    assert rows[0]["speaker"] == "chey-tae-won"
    assert rows[0]["appearances"] == "sk-pledges-ai-data-centre"
    assert rows[0]["api_url"] == f"http://testserver/api/v1/claims/{world.verified.pk}/"


def test_csv_is_also_served_for_accept_text_csv(anon, world):
    """Content negotiation picks CSV for Accept: text/csv."""
    response = anon.get(URL, HTTP_ACCEPT="text/csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_cells_cannot_start_a_formula(anon, start):
    """A cell that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    claim = publish_claim(text=f'{start}HYPERLINK("http://evil.example")')
    rows = list(csv.DictReader(io.StringIO(anon.get(URL, {"format": "csv"}).content.decode())))
    row = next(r for r in rows if r["id"] == str(claim.pk))
    assert row["text"] == f'\'{start}HYPERLINK("http://evil.example")'


def test_csv_with_no_rows_still_has_its_header(anon, world):
    """An empty result is a header line, not an empty body."""
    response = anon.get(URL, {"format": "csv", "status": "retracted", "fields": "id,text"})
    assert response.content.decode() == "id,text\r\n"


def test_csv_next_page_is_in_the_link_header(anon, world):
    """CSV has no room for links, so the next page's address is in the Link header."""
    response = anon.get(URL, {"format": "csv", "page_size": 1})
    assert response["Link"].endswith('>; rel="next"')
    assert anon.get(response["Link"][1:].split(">")[0]).status_code == HTTPStatus.OK


def test_usd_range_uses_the_stated_equivalent(anon, db):
    """A won figure with a stated dollar equivalent is found by its dollar value."""
    claim = FigureClaimFactory(
        kind=ClaimKind.FIGURE,
        amount=Decimal("1400000000000"),
        unit="KRW",
        equivalent_amount=Decimal("1000000000"),
        equivalent_unit="USD",
        status=VerificationStatus.VERIFIED,
    )
    ClaimSourceFactory(claim=claim)
    ClaimAppearanceFactory(claim=claim, article=PublishedArticleFactory())
    params = {"amount_usd_min": "999999999", "amount_usd_max": "1000000001"}
    assert ids(anon.get(URL, params)) == [claim.pk]
