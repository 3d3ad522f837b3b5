"""What `make bench` prints and writes, computed from fixed measurements."""

import pytest

from bench import report


def _result(endpoint, size, rate, **extra):
    return {
        "endpoint": endpoint,
        "label": extra.pop("label", endpoint),
        "size": size,
        "available": True,
        "requests_per_s": rate,
        "p50_ms": 10.0,
        "p99_ms": 40.0,
        "queries_per_request": 3.0,
        "peak_worker_rss_mb": 60.0,
        "target": None,
        **extra,
    }


def test_ratio_is_a_share_of_the_bare_rate():
    """250 req/s against a bare 1,000 is 25 %; a missing rate gives no ratio."""
    assert report.ratio(250, 1000) == 0.25
    assert report.ratio(None, 1000) is None
    assert report.ratio(250, None) is None


def test_ratios_compare_with_the_bare_view_of_the_same_size():
    """Each size is divided by its own bare-view rate, never the other size's."""
    results = [
        _result("bare", "tenth", 1000.0),
        _result("article", "tenth", 300.0),
        _result("bare", "full", 800.0),
        _result("article", "full", 200.0),
    ]
    report.add_ratios(results)
    assert [r["ratio_to_bare"] for r in results] == [1.0, 0.3, 1.0, 0.25]


def test_growth_is_how_much_worse_each_figure_gets_at_full_size():
    """300 → 200 req/s is 1.5x the time per request; latencies and memory grow as measured."""
    tenth = _result("article", "tenth", 300.0, p50_ms=10.0, p99_ms=20.0, peak_worker_rss_mb=50.0)
    full = _result("article", "full", 200.0, p50_ms=12.0, p99_ms=50.0, peak_worker_rss_mb=75.0)
    growth = report.growth(tenth, full)
    assert growth["time_per_request"] == pytest.approx(1.5)
    assert growth["time_per_request_vs_bare"] is None  # no bare view measured
    assert growth["p50_ms"] == pytest.approx(1.2)
    assert growth["p99_ms"] == pytest.approx(2.5)
    assert growth["queries_per_request"] == 1.0
    assert growth["peak_worker_rss_mb"] == 1.5
    assert growth["meets_target"] is False  # 1.5x is not under 1.5x


def test_growth_target_is_met_below_one_and_a_half_and_flags_query_growth():
    """A steady endpoint meets the target; one whose queries grow with the data does not."""
    steady = report.growth(_result("a", "tenth", 300.0), _result("a", "full", 290.0))
    assert steady["meets_target"] is True
    n_plus_one = report.growth(
        _result("b", "tenth", 300.0, queries_per_request=12.0),
        _result("b", "full", 290.0, queries_per_request=102.0),
    )
    assert n_plus_one["queries_per_request"] == pytest.approx(8.5)
    assert n_plus_one["meets_target"] is False


def test_growth_against_the_bare_view_cancels_a_machine_that_slowed_down():
    """Bare and endpoint both 1.6x slower at full size: the data cost nothing, target met."""
    results = [
        _result("bare", "tenth", 1000.0),
        _result("article", "tenth", 320.0),
        _result("bare", "full", 625.0),
        _result("article", "full", 200.0),
    ]
    report.add_ratios(results)
    article = report.growths(results)[1]
    assert article["time_per_request"] == pytest.approx(1.6)
    assert article["time_per_request_vs_bare"] == pytest.approx(1.0)
    assert article["meets_target"] is True


def test_growth_of_zero_queries_is_flat():
    """0 → 0 queries is 1.0x, not a division by zero."""
    assert report.factor(0, 0) == 1.0
    assert report.factor(0, 3) is None


def test_growths_skip_endpoints_missing_at_either_size():
    """Only endpoints measured at both sizes get a growth line."""
    results = [
        _result("article", "tenth", 300.0),
        _result("article", "full", 250.0),
        {**_result("search", "tenth", None), "available": False, "status": 404},
        {**_result("search", "full", None), "available": False, "status": 404},
    ]
    assert [g["endpoint"] for g in report.growths(results)] == ["article"]


def test_verdicts_check_share_of_bare_and_p99_at_full_size_only():
    """Ratio targets apply at every size; the p99 target at full size only."""
    tenth = _result("article", "tenth", 300.0, target=0.2, ratio_to_bare=0.3, p99_ms=150.0)
    full = _result("article", "full", 100.0, target=0.2, ratio_to_bare=0.1, p99_ms=150.0)
    assert report.verdicts(tenth) == {"ratio": True}
    assert report.verdicts(full) == {"ratio": False, "p99": False}


def test_results_table_prints_figures_targets_and_missing_endpoints():
    """One line per endpoint, the targets beside the figures, 404s named as unavailable."""
    results = [
        _result("bare", "full", 1000.0, label="bare view"),
        _result("article", "full", 250.0, label="article page", target=0.2, note="cold"),
        {"endpoint": "search", "label": "search", "size": "full", "available": False,
         "status": 404},
        _result("bare", "tenth", 900.0, label="other size"),
    ]  # fmt: skip
    report.add_ratios(results)
    lines = report.format_results(results, "full").splitlines()
    assert lines[0].split() == [
        "endpoint", "req/s", "p50", "ms", "p99", "ms", "queries", "RSS", "MB", "vs", "bare",
        "targets",
    ]  # fmt: skip
    assert lines[1] == (
        "bare view                   1,000.0    10.0    40.0      3.0    60.0   100.0%"
        "  p99 < 100 ms met"
    )
    assert lines[2] == (
        "article page                  250.0    10.0    40.0      3.0    60.0    25.0%"
        "  ≥ 20% of bare met; p99 < 100 ms met; (cold)"
    )
    assert lines[3] == "search                     endpoint not available (404)"
    assert len(lines) == 4


def test_growth_table_prints_each_factor_and_the_verdict():
    """Factors print as 1.50x; a missing figure as a dash."""
    row = {
        "endpoint": "article",
        "label": "article page",
        "time_per_request": 1.5,
        "time_per_request_vs_bare": 1.4,
        "p50_ms": 1.2,
        "p99_ms": 2.5,
        "queries_per_request": 1.0,
        "peak_worker_rss_mb": None,
        "meets_target": False,
    }
    lines = report.format_growth([row]).splitlines()
    assert lines[0].startswith("endpoint") and "target < 1.5x" in lines[0]
    assert lines[1] == (
        "article page                   1.50x    1.40x   1.20x   2.50x    1.00x       —  MISSED"
    )


def test_seed_import_line_shows_time_against_target_or_why_not_measured():
    """0.42 s meets < 1 s; a missing importer is reported as not available."""
    timed = {"size": "full", "available": True, "seconds": 0.42, "first_seconds": 0.9, "runs": 3}
    assert report.format_seed_import(timed) == (
        "seed import (full): median 0.420 s of 3, first run 0.900 s (target < 1 s met)"
    )
    slow = {"size": "full", "available": True, "seconds": 1.3}
    assert report.format_seed_import(slow).endswith("MISSED)")
    missing = {"size": "tenth", "available": False, "reason": "no `import_report` command yet"}
    assert report.format_seed_import(missing) == (
        "seed import (tenth): not available (no `import_report` command yet)"
    )


def _swept(page, ms, status=200, queries=4):
    row = {"page": page, "label": page.replace("_", " "), "status": status}
    if status == 200:
        row.update(median_ms=ms, queries=queries, kilobytes=12.0)
    return row


def test_sweep_table_sets_both_sizes_side_by_side_and_flags_a_growing_page():
    swept = {
        "tenth": [_swept("pledges", 10.0), _swept("feed", 4.0), _swept("sitemap", 5.0)],
        "full": [_swept("pledges", 400.0), _swept("feed", 4.4), _swept("sitemap", 0, status=500)],
    }
    lines = {line.split("  ")[0]: line for line in report.format_sweep(swept).splitlines()[1:]}
    assert "40.00x" in lines["pledges"] and "grows 40.0x with the data" in lines["pledges"]
    assert "1.10x" in lines["feed"] and "grows" not in lines["feed"]
    assert "full answered 500" in lines["sitemap"]


def test_paired_share_is_the_median_of_rounds_with_the_spread():
    """Three rounds give their middle share; an even count averages the middle two; a round
    that lost either rate is left out, and none at all gives no share."""
    paired = report.paired_share([(1000.0, 90.0), (900.0, 117.0), (1100.0, 110.0)])
    assert paired["rounds"] == pytest.approx([0.09, 0.1, 0.13])
    assert paired["median"] == pytest.approx(0.1)
    assert (paired["lowest"], paired["highest"]) == pytest.approx((0.09, 0.13))
    assert report.paired_share([(1000.0, 100.0), (1000.0, 140.0)])["median"] == pytest.approx(0.12)
    assert report.paired_share([(1000.0, 100.0), (None, 50.0)])["rounds"] == pytest.approx([0.1])
    assert report.paired_share([(None, 50.0)]) is None


def test_paired_rounds_decide_the_share_target_and_the_table_shows_both():
    """A single run at 11 % would miss 12 %; the paired median of 12.5 % meets it, and the
    line prints the rounds' spread and the single run beside it."""
    paired = report.paired_share([(1000.0, 120.0), (1000.0, 125.0), (1000.0, 131.0)])
    results = [
        _result("bare", "full", 1000.0, label="bare view"),
        _result("claims", "full", 110.0, label="claims API", target=0.12, paired=paired),
    ]
    report.add_ratios(results)
    claims = results[1]
    assert claims["ratio_to_bare"] == pytest.approx(0.125)
    assert claims["ratio_single_run"] == pytest.approx(0.11)
    assert report.verdicts(claims)["ratio"] is True
    line = report.format_results(results, "full").splitlines()[2]
    assert line.endswith(
        "12.5%  ≥ 12% of bare met; p99 < 100 ms met; "
        "(median of 3 paired rounds; 12.0%–13.1%; one run 11.0%)"
    )
