"""The mixed load run's verdict: lost, duplicated or stray writes and failed requests are caught."""

from http import HTTPStatus

import pytest
from rest_framework.authtoken.models import Token

from bench import mixed_checks as checks
from bench.mixed_checks import ClaimAck, MarkerAck, Sample, TransitionAck
from bench.mixed_fixture import prepare, snapshot
from bench.mixed_traffic import OK_OR_HIDDEN, reader_paths
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimAppearanceFactory,
    ClaimSourceFactory,
    PublishedArticleFactory,
)

M1, M2, M3 = (f"load-marker-ab12cd-e{i}-{i}" for i in (1, 2, 3))


def body(*markers: str) -> str:
    return "Opening paragraph [1].\n\n" + "\n\n".join(f"Appended under load: {m}." for m in markers)


def state(markers: list[str], version: int, history: int) -> dict:
    return {"body": body(*markers), "version": version, "history": history}


BEFORE = state([], version=3, history=5)
ACKS = [MarkerAck(M1, 4), MarkerAck(M2, 5), MarkerAck(M3, 6)]


def test_every_acknowledged_marker_present_in_order_passes():
    """Three appends acknowledged at versions 4-6, all in the body in that order: no problem."""
    assert checks.check_article(ACKS, set(), BEFORE, state([M1, M2, M3], 6, 8)) == []


def test_a_missing_marker_is_a_lost_update():
    """A 200 for M2 but M2 not in the final body is reported as a lost update."""
    problems = checks.check_article(ACKS, set(), BEFORE, state([M1, M3], 6, 8))
    assert any(p.startswith(f"lost update: {M2}") for p in problems)


def test_a_duplicated_marker_is_reported():
    """One append applied twice shows up as a duplicate."""
    problems = checks.check_article(ACKS, set(), BEFORE, state([M1, M2, M2, M3], 6, 8))
    assert f"{M2} appears 2 times" in problems


def test_an_unacknowledged_marker_is_stray_unless_its_answer_was_lost():
    """A marker refused with 412 must not be in the body; one whose answer never came may."""
    after = state([M1, M2, M3], 7, 9)
    stray = checks.check_article(ACKS[:2], set(), BEFORE, state([M1, M2, M3], 6, 8))
    assert f"{M3} is in the body but was never acknowledged" in stray
    assert checks.check_article(ACKS[:2], {M3}, BEFORE, state([M1, M2, M3], 6, 8)) == []
    assert any("version 7" in p for p in checks.check_article(ACKS, set(), BEFORE, after))


def test_version_and_history_must_match_the_acknowledged_writes():
    """A version bump or history row without an acknowledged write is flagged."""
    problems = checks.check_article(ACKS, set(), BEFORE, state([M1, M2, M3], 7, 9))
    assert any("expected 3 + 3 acknowledged writes = 6" in p for p in problems)
    assert any("4 new history rows for 3 writes" in p for p in problems)


def test_markers_out_of_acknowledged_order_are_flagged():
    """An edit based on an older version would reorder the markers."""
    problems = checks.check_article(ACKS, set(), BEFORE, state([M2, M1, M3], 6, 8))
    assert "markers are not in the order their writes were acknowledged" in problems


def test_claims_end_with_their_last_acknowledged_verdict_by_revision():
    """The answer with the highest revision wins, whatever order the threads recorded them."""
    before = {
        "7": {"status": "unverified", "history": 1},
        "8": {"status": "verified", "history": 1},
    }
    acks = [ClaimAck(7, "disputed", 30), ClaimAck(7, "verified", 10)]
    good = {"7": {"status": "disputed", "history": 3}, "8": {"status": "verified", "history": 1}}
    assert checks.check_claims(acks, set(), before, good) == []
    stale = {"7": {"status": "verified", "history": 3}, "8": {"status": "verified", "history": 1}}
    problems = checks.check_claims(acks, set(), before, stale)
    assert problems == [
        "lost update: claim #7 is 'verified', but its last acknowledged write set 'disputed'"
    ]


def test_the_toggled_article_ends_as_its_last_transition_left_it():
    """Published then unpublished: the article must end as a draft at version + 2."""
    before = {"status": "draft", "version": 1, "transitions": 0}
    acks = [TransitionAck("published", 2), TransitionAck("draft", 3)]
    after = {"status": "draft", "version": 3, "transitions": 2}
    assert checks.check_toggle(acks, 0, before, after) == []
    problems = checks.check_toggle(acks, 0, before, {**after, "status": "published"})
    assert problems == ["toggled article is 'published', last acknowledged 'draft'"]


def test_rows_beyond_the_acknowledged_writes_are_flagged():
    """A correction note nobody asked for is an unexplained row."""
    before = {"articles.CorrectionNote": 0, "articles.ArticleTransition": 4}
    after = {"articles.CorrectionNote": 1, "articles.ArticleTransition": 6}
    problems = checks.check_counts(before, after, {"articles.ArticleTransition": 2})
    assert problems == ["articles.CorrectionNote: +1 rows, expected +0"]


def test_change_feed_has_one_event_per_public_change_and_none_for_drafts():
    """Appends and transitions each give one feed event; a draft-only claim's verdict none."""
    before = {"shared": {"feed_events": 2}, "toggle": {"feed_events": 0}, "claims_feed_events": 0}
    after = {"shared": {"feed_events": 5}, "toggle": {"feed_events": 2}, "claims_feed_events": 0}
    assert checks.check_feed(before, after, appends=3, transitions=2) == []
    leaked = {**after, "claims_feed_events": 1, "shared": {"feed_events": 4}}
    assert checks.check_feed(before, leaked, appends=3, transitions=2) == [
        "change feed: 2 events about the shared article for 3 acknowledged changes",
        "change feed: 1 events about the draft-only claims for 0 acknowledged changes",
    ]


def test_server_errors_connection_errors_and_odd_statuses_fail_the_run():
    """5xx, no answer and an unexpected 4xx are each reported; expected statuses are not."""
    samples = [
        Sample("page", HTTPStatus.OK, 5.0, True, "/"),
        Sample("article_page", HTTPStatus.NOT_FOUND, 5.0, True, "/articles/toggled/"),
        Sample("article_patch", HTTPStatus.PRECONDITION_FAILED, 5.0, True, "/api/v1/articles/a/"),
    ]
    assert checks.check_requests(samples) == []
    broken = [
        Sample("search", HTTPStatus.INTERNAL_SERVER_ERROR, 5.0, False, "/search/?q=x"),
        Sample("feed", None, 30000.0, False, "/feed/rss/"),
        Sample("api_list", HTTPStatus.TOO_MANY_REQUESTS, 5.0, False, "/api/v1/claims/"),
    ]
    assert checks.check_requests(samples + broken) == [
        "1 5xx answers (search 1), first: /search/?q=x",
        "1 connection errors (feed 1), first: /feed/rss/",
        "1 unexpected statuses (api_list 1), first: 429 on /api/v1/claims/",
    ]


def test_summary_counts_statuses_rates_and_percentiles():
    """Reads and writes per second, conflicts, and nearest-rank p50/p99 per kind."""
    samples = [Sample("page", 200, float(ms), True) for ms in range(1, 101)]
    samples += [Sample("article_patch", 412, 9.0, True), Sample("article_patch", 200, 11.0, True)]
    figures = checks.summarise(samples, seconds=10)
    assert (figures["reads"], figures["writes"], figures["conflicts"]) == (100, 2, 1)
    assert figures["reads_per_s"] == pytest.approx(10.0)
    assert figures["by_kind"]["page"]["p50_ms"] == 50.0
    assert figures["by_kind"]["page"]["p99_ms"] == 99.0
    assert figures["by_kind"]["article_patch"]["by_status"] == {"200": 1, "412": 1}


def test_etag_revision_and_server_log_errors():
    """The ETag's revision is hex microseconds; worker timeouts in the log fail the run."""
    assert checks.etag_revision('"1f.abc123"') == 31
    log = "[2026-01-01] [12] [INFO] Booting\n[2026-01-01] [12] [CRITICAL] WORKER TIMEOUT (pid:13)"
    (problem,) = checks.log_problems(log)
    assert problem.startswith("1 error lines in the server log, first: ")
    assert problem.endswith("[CRITICAL] WORKER TIMEOUT (pid:13)")
    assert checks.log_problems('{"level": "WARNING", "message": "Not Found: /x"}') == []


def test_readers_expect_404_only_from_the_toggled_article():
    """Every reader path must answer 200, except the article being unpublished and republished."""
    plan = {
        "shared_article": "shared",
        "toggle_article": "toggled",
        "reads": {
            "articles": ["a", "b"],
            "claims": [1],
            "entities": ["busy"],
            "search_terms": ["chips"],
        },
    }
    hidden = {
        path for group in reader_paths(plan).values() for path, ok in group if ok == OK_OR_HIDDEN
    }
    assert hidden == {"/articles/toggled/", "/api/v1/articles/toggled/"}


@pytest.mark.django_db
def test_fixture_picks_a_publishable_draft_and_claims_seen_only_in_drafts():
    """prepare: the toggled draft can be published, and no checked claim is public or in it."""
    shared = PublishedArticleFactory(slug="shared")
    ArticleFactory(slug="broken-draft")  # marker [1] without a citation: not publishable
    toggle = ArticleFactory(slug="toggle")
    CitationFactory(article=toggle, number=1)
    other_draft, public = ArticleFactory(slug="other-draft"), PublishedArticleFactory()
    only_in_draft, also_public, in_toggle = (ClaimSourceFactory().claim for _ in range(3))
    ClaimSourceFactory(claim=in_toggle)
    for claim in (only_in_draft, also_public):
        ClaimAppearanceFactory(claim=claim, article=other_draft)
    ClaimAppearanceFactory(claim=also_public, article=public)
    ClaimAppearanceFactory(claim=in_toggle, article=toggle)
    ClaimAppearanceFactory(article=other_draft)  # unsourced: cannot be verified

    plan = prepare(shared_article=shared.slug, editors=2, checkers=1, claims=1)

    assert (plan["toggle_article"], plan["claims"]) == ("toggle", [only_in_draft.pk])
    assert Token.objects.filter(key__in=plan["editor_tokens"]).count() == 2
    assert plan["before"] == snapshot(plan)
    assert plan["before"]["claims"] == {
        str(only_in_draft.pk): {"status": "unverified", "history": 1}
    }
    with pytest.raises(ValueError, match="Only 1 claims appear in drafts alone; 2 needed"):
        prepare(shared_article=shared.slug, editors=1, checkers=1, claims=2)
