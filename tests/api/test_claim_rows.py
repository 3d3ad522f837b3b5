"""The claims list built from rows (``articles/api/rows.py``) is byte for byte the serializer's."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework import serializers

from articles.api.rows import format_iso, plan_for
from articles.api.serializers import ClaimSerializer
from articles.api.views import ClaimViewSet
from articles.models import ClaimKind, VerificationStatus
from coverage_site.rest.query import Shape
from entities.models import Entity
from tests.factories import (
    ArticleFactory,
    ClaimAppearanceFactory,
    ClaimFactory,
    ClaimSourceFactory,
    EntityFactory,
    FigureClaimFactory,
    PersonFactory,
    PledgeClaimFactory,
    PublishedArticleFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/claims/"


def varied_claims() -> None:
    """Claims with and without speakers, subjects, sources (dated or not, archived or not,
    equal titles), figures (decimals, equivalents, USD or not), verdict times, pledges, and
    appearances in published and unpublished articles, several per claim."""
    public = [PublishedArticleFactory() for _ in range(3)]
    draft = ArticleFactory()
    people = [PersonFactory(), None, PersonFactory(description="")]
    topics = [EntityFactory(name=name) for name in ("Zeta Corp", "Alpha Ltd", "Mid Group")]
    sources = [
        SourceFactory(),
        SourceFactory(published_on=None, archived_url="https://archive.example/x", language="ko"),
        SourceFactory(title="A first title"),
    ]
    makers = [
        lambda: FigureClaimFactory(amount=Decimal("1234.5"), unit="USD"),
        lambda: FigureClaimFactory(
            amount=Decimal("10100000000000"),
            unit="KRW",
            equivalent_amount=Decimal("7000000000.1234"),
            equivalent_unit="USD",
        ),
        lambda: FigureClaimFactory(amount=Decimal("0.0001"), unit="MW", figure_date=None),
        lambda: PledgeClaimFactory(),
        lambda: ClaimFactory(
            text="Verified “quoted” claim — with unicode\u2028line",
            status=VerificationStatus.VERIFIED,
            status_note="Checked against the filing.",
            status_changed_at=timezone.now().replace(microsecond=0),
        ),
        lambda: ClaimFactory(kind=ClaimKind.STATEMENT, status_changed_at=timezone.now()),
    ]
    for n, make in zip(range(14), itertools.cycle(makers), strict=False):
        claim = make()
        claim.speaker = people[n % 3]
        claim.save()
        claim.subjects.add(*topics[: n % 4])
        for source in sources[: n % 4]:
            ClaimSourceFactory(claim=claim, source=source)
        for position, article in enumerate(public[: 1 + n % 3], start=1):
            ClaimAppearanceFactory(claim=claim, article=article, position=position + n)
        if n % 2:
            ClaimAppearanceFactory(claim=claim, article=draft, position=n, section="Lede")
    # Same titles and names: listed by id after them, on both paths.
    tied = FigureClaimFactory()
    tied.subjects.add(*(EntityFactory(name="Same Name") for _ in range(3)))
    for _ in range(3):
        ClaimSourceFactory(claim=tied, source=SourceFactory(title="Same title"))
    ClaimAppearanceFactory(claim=tied, article=public[0], position=50)
    # Only in a draft: staff see it, readers do not.
    ClaimAppearanceFactory(claim=ClaimFactory(), article=draft, position=99)
    # Scheduled: hidden from readers until its time.
    scheduled = PublishedArticleFactory(published_at=timezone.now() + dt.timedelta(days=1))
    ClaimAppearanceFactory(claim=FigureClaimFactory(), article=scheduled, position=1)


QUERIES = [
    "",
    "?status=verified&kind=figure&expand=sources",
    "?expand=speaker,subjects,sources",
    "?expand=speaker",
    "?expand=subjects",
    "?fields=id,subjects&expand=subjects",
    "?fields=id,text,speaker",
    "?fields=appearances,sources,api_url&expand=sources",
    "?fields=amount,amount_usd,equivalent_amount,figure_date,status_changed_at,url",
    "?ordering=-updated_at&expand=speaker,sources",
    "?ordering=created_at&page_size=5",
    "?kind=figure&page_size=3&expand=subjects",
    "?amount_usd_min=1000&expand=sources",
    "?q=claim&expand=sources",
    "?status=verified&kind=figure&expand=sources&format=csv",
]


def _pages(client, url: str) -> list[tuple[int, bytes, str | None, str | None]]:
    """Every page of ``url``, following the ``next`` links (JSON) as a client would."""
    out = []
    while url:
        response = client.get(url)
        out.append(
            (response.status_code, response.content, response.get("ETag"), response.get("Link"))
        )
        if response.status_code != HTTPStatus.OK or "format=csv" in url:
            break
        url = json.loads(response.content)["next"]
    return out


@pytest.mark.parametrize("query", QUERIES)
def test_rows_give_the_serializers_bytes(anon, editor_client, monkeypatch, query):
    """Anonymous and staff, every page: same status, body, ETag and Link either way."""
    varied_claims()
    for client in (anon, editor_client):
        fast = _pages(client, URL + query)
        with monkeypatch.context() as patch:
            patch.setattr(ClaimViewSet, "rows_list", False)
            ordinary = _pages(client, URL + query)
        assert fast == ordinary
        assert fast[0][0] == HTTPStatus.OK


def test_rows_show_what_staff_and_readers_may_see(anon, editor_client):
    """The row path keeps visibility: drafts' claims and appearances for staff only."""
    varied_claims()
    public = json.loads(anon.get(URL, {"page_size": 200}).content)["results"]
    staff = json.loads(editor_client.get(URL, {"page_size": 200}).content)["results"]
    assert len(public) == 15
    assert len(staff) == 17
    assert sum(len(c["appearances"]) for c in staff) > sum(len(c["appearances"]) for c in public)


@pytest.mark.parametrize(
    "expand", ["", "speaker", "subjects", "sources", "speaker,subjects,sources"]
)
def test_every_field_and_expansion_has_a_row_plan(expand):
    """No shape of the list falls back to the serializer (a new field would, and fail here)."""
    names = frozenset(ClaimSerializer.field_names())
    shape = Shape(fields=None, expand=frozenset(filter(None, expand.split(","))))
    assert plan_for(shape) is not None
    assert plan_for(Shape(fields=names, expand=shape.expand)) is not None


def test_equal_titles_and_names_are_listed_by_id(anon):
    """Sources with the same title (subjects with the same name) come in a stable order."""
    varied_claims()
    results = json.loads(anon.get(URL, {"page_size": 200, "expand": "subjects"}).content)
    tied = next(
        c for c in results["results"] if any(s["name"] == "Same Name" for s in c["subjects"])
    )
    assert [s["name"] for s in tied["subjects"]] == ["Same Name"] * 3
    slugs = [s["slug"] for s in tied["subjects"]]
    by_id = dict(Entity.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    assert [by_id[slug] for slug in slugs] == sorted(by_id.values())
    assert tied["sources"] == sorted(tied["sources"])


@pytest.mark.usefixtures("on_postgres")
def test_related_queries_are_one_statement_for_any_page_size(anon, editor_client):
    """On PostgreSQL a page's ids are one array value: the subjects, the sources and the
    appearances statements have one text each, with one parameter for the ids, whatever the
    page size, and staff still get the drafts' appearances readers do not (each their own)."""
    varied_claims()
    statements: dict[str, set] = {"anonymous": set(), "staff": set()}

    def record(execute, sql, params, many, context):
        if "ANY(" in sql:
            statements[who].add((sql, len(params)))
        return execute(sql, params, many, context)

    shown = {}
    for who, client in (("anonymous", anon), ("staff", editor_client)):
        for size in (1, 7, 50):
            with connection.execute_wrapper(record):
                body = json.loads(client.get(URL, {"page_size": size, "expand": "sources"}).content)
        shown[who] = sum(len(claim["appearances"]) for claim in body["results"])
    for who, seen in statements.items():
        assert len(seen) == 3, who
        assert all(count <= 3 for _, count in seen)
    assert shown["staff"] > shown["anonymous"]


def test_appearances_follow_the_clock_from_page_to_page(anon, monkeypatch):
    """The appearances query is compiled once and reused: an article that becomes public
    between two requests still shows up on the next one (its time is not kept with the SQL)."""
    claim = ClaimFactory()
    public = PublishedArticleFactory()
    ClaimAppearanceFactory(claim=claim, article=public, position=1)
    later = PublishedArticleFactory(published_at=timezone.now() + dt.timedelta(hours=1))
    ClaimAppearanceFactory(claim=claim, article=later, position=1)

    def shown() -> list[str]:
        results = json.loads(anon.get(URL, {"fields": "id,appearances"}).content)["results"]
        return [a["article"] for c in results if c["id"] == claim.pk for a in c["appearances"]]

    assert shown() == [public.slug]
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + dt.timedelta(hours=2))
    assert shown() == [public.slug, later.slug]


def test_each_page_size_and_page_gets_its_own_related_rows(anon):
    """Kept compiled and run with each page's ids: every page's sources and subjects are its
    own claims', with any page size."""
    varied_claims()
    everything = json.loads(
        anon.get(URL, {"page_size": 200, "expand": "subjects,sources"}).content
    )["results"]
    for size in (1, 2, 7):
        pages, url = [], URL + f"?page_size={size}&expand=subjects,sources"
        while url:
            body = json.loads(anon.get(url).content)
            pages.extend(body["results"])
            url = body["next"]
        assert pages == everything


@pytest.mark.parametrize("zone", ["Asia/Seoul", "America/St_Johns"])
def test_rows_give_the_serializers_times_in_another_time_zone(anon, monkeypatch, settings, zone):
    """Times are shown in the site's time zone (not only UTC) the same way on both paths."""
    settings.TIME_ZONE = zone
    varied_claims()
    url = URL + "?fields=id,status_changed_at,created_at,updated_at,sources&expand=sources"
    fast = _pages(anon, url)
    with monkeypatch.context() as patch:
        patch.setattr(ClaimViewSet, "rows_list", False)
        ordinary = _pages(anon, url)
    assert fast == ordinary
    assert b"Z" not in fast[0][1].split(b'"created_at":"', 1)[1][:40]


def test_times_written_together_read_as_drf_writes_them():
    """Date-times and dates formatted in one go are DRF's own text for each value, with or
    without microseconds, early years and None; a column it cannot vouch for is left alone."""
    times = [
        dt.datetime(2025, 7, 11, 20, 9, 39, tzinfo=dt.UTC),
        dt.datetime(2025, 7, 11, 20, 9, 39, 120000, tzinfo=dt.UTC),
        dt.datetime(999, 1, 2, 3, 4, 5, 6, tzinfo=dt.UTC),
        None,
    ]
    days = [dt.date(2025, 9, 12), dt.date(1, 1, 1), None, dt.date(9999, 12, 31)]
    rows = [{"at": at, "on": on} for at, on in zip(times, days, strict=True)]
    format_iso(rows, {"at": "datetime", "on": "date"}, utc=True)
    at_field, on_field = serializers.DateTimeField(), serializers.DateField()
    assert [row["at"] for row in rows] == [
        None if at is None else at_field.to_representation(at) for at in times
    ]
    assert [row["on"] for row in rows] == [
        None if on is None else on_field.to_representation(on) for on in days
    ]
    seoul = dt.datetime(2025, 1, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    mixed = [{"at": times[0]}, {"at": seoul}]
    format_iso(mixed, {"at": "datetime"}, utc=True)
    assert [row["at"] for row in mixed] == [times[0], seoul]
