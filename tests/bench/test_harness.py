"""The harness around the figures: the endpoint table, its URLs and the seed-import timer."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from articles.models import Article
from bench import endpoints, run
from bench.endpoints import Endpoint
from bench.management.commands import time_seed_import
from entities.models import Entity

MANIFEST = {
    "busy_entity": "pacific-compute-group",
    "search_term": "semiconductor",
    "public_article_slugs": ["first-1", "second-2", "third-3"],
}


def test_rotating_endpoint_requests_every_public_article():
    """rotate=True gives one URL per public article, in order."""
    endpoint = Endpoint("article", "article", "/articles/{article}/", rotate=True)
    assert run.expand(endpoint, MANIFEST) == [
        "/articles/first-1/",
        "/articles/second-2/",
        "/articles/third-3/",
    ]


def test_fixed_endpoints_fill_placeholders_from_the_manifest():
    """The busy entity and search term come from the data set that was built."""
    by_key = {e.key: e for e in endpoints.ENDPOINTS}
    assert run.expand(by_key["entity_busy"], MANIFEST) == ["/entities/pacific-compute-group/"]
    assert run.expand(by_key["search"], MANIFEST) == ["/search/?q=semiconductor"]
    assert run.expand(by_key["article_cached"], MANIFEST) == ["/articles/first-1/"]


def test_endpoint_table_starts_with_the_bare_view_and_has_unique_keys():
    """Ratios need the bare view measured first; keys name the objects in var/bench.json."""
    keys = [e.key for e in endpoints.ENDPOINTS]
    assert endpoints.ENDPOINTS[0] is endpoints.BARE
    assert len(keys) == len(set(keys))
    assert {"article", "article_cached", "entity_busy", "claims_api", "changes", "search"} <= set(
        keys
    )


def test_unknown_size_is_refused_with_the_choices():
    """make bench BENCH_ARGS="--sizes huge" says which sizes exist."""
    with pytest.raises(SystemExit):
        run.parse_args(["--sizes", "huge"])
    assert run.parse_args(["--sizes", "tenth"]).sizes == ["tenth"]


@pytest.mark.django_db
def test_seed_import_timer_reports_a_missing_importer(monkeypatch):
    """Without the import command the figure is "not available", not an error."""
    monkeypatch.setattr(time_seed_import, "SEED_IMPORT", ["no_such_importer", "x.txt"])
    out = StringIO()
    call_command("time_seed_import", stdout=out)
    assert json.loads(out.getvalue()) == {
        "available": False,
        "reason": "no `no_such_importer` command yet",
    }


@pytest.mark.django_db
def test_seed_import_timer_times_the_import_and_rolls_it_back(monkeypatch):
    """The import runs in-process, is timed, and leaves nothing behind."""
    monkeypatch.setattr(
        time_seed_import,
        "SEED_IMPORT",
        ["build_bench_data", "--scale", "0.001", "--no-progress"],
    )
    out = StringIO()
    call_command("time_seed_import", "--runs", "2", stdout=out)
    result = json.loads(out.getvalue())
    assert result["available"] is True
    assert result["runs"] == 2
    assert result["seconds"] > 0 and result["first_seconds"] > 0
    assert not Entity.objects.exists()


@pytest.mark.django_db
def test_seed_import_timer_reports_a_failing_import(monkeypatch):
    """An import that fails is reported with its message, not a traceback."""
    monkeypatch.setattr(
        time_seed_import, "SEED_IMPORT", ["build_bench_data", "--scale", "99", "--no-progress"]
    )
    out = StringIO()
    call_command("time_seed_import", stdout=out)
    result = json.loads(out.getvalue())
    assert result["available"] is False
    assert "between 0.001 and 10" in result["reason"]


@pytest.mark.django_db
def test_configured_seed_import_runs_and_leaves_nothing_behind():
    """SEED_IMPORT names the real importer and the seed report; the timed run is rolled back."""
    out = StringIO()
    call_command("time_seed_import", "--runs", "1", stdout=out)
    result = json.loads(out.getvalue())
    assert result["available"] is True, result
    assert not Article.objects.exists()


def test_every_endpoint_is_measured_uncached_and_cached():
    """Readers meet both: the first request after an editor's change is uncached."""
    measured = [e for e in endpoints.ENDPOINTS if e is not endpoints.BARE]
    uncached = {e.path for e in measured if not e.cached}
    cached = {e.path for e in measured if e.cached}
    assert uncached == cached
    assert not endpoints.BARE.cached  # measured on the uncached server, first


def test_paired_rounds_load_the_bare_view_then_the_endpoint_each_round(monkeypatch):
    """Each round runs the bare view and then the endpoint back to back; the share is judged
    per round, so a machine that halves its speed in round two does not move the median."""
    rates = iter([1000.0, 100.0, 500.0, 50.0, 1000.0, 120.0])
    loaded = []

    def fake_wrk(base, paths, *, seconds, connections):
        loaded.append((paths, seconds, connections))
        return {"requests_per_s": next(rates)}

    monkeypatch.setattr(run.load, "run_wrk", fake_wrk)
    server = type("FakeServer", (), {"base": "http://127.0.0.1:1"})()
    args = run.parse_args(["--rounds", "3", "--round-seconds", "4"])
    paired = run.paired_rounds(server, ["/api/v1/claims/"], MANIFEST, args)
    assert [paths for paths, _, _ in loaded] == [["/bench/bare"], ["/api/v1/claims/"]] * 3
    assert {(seconds, connections) for _, seconds, connections in loaded} == {(4.0, 4)}
    assert paired["rounds"] == pytest.approx([0.1, 0.1, 0.12])
    assert paired["median"] == pytest.approx(0.1)


def test_uncached_and_targeted_endpoints_get_paired_rounds():
    """Every uncached endpoint's share feeds the growth target and is paired; a cached one only
    when it has a share target of its own; the bare view is what the rounds pair with."""
    paired = {e.key for e in endpoints.ENDPOINTS if run.is_paired(e)}
    uncached = {e.key for e in endpoints.ENDPOINTS if not e.cached} - {"bare"}
    assert paired == uncached | {"article_cached"}
