"""Turning measurements into the figures `make bench` prints and writes: ratios, growth, targets.

A result is one dict per endpoint and size (the objects in ``var/bench.json``). Everything here
is pure: fixed inputs give fixed text, which the tests pin.
"""

from __future__ import annotations

P99_TARGET_MS = 100.0  # every endpoint, at full size
GROWTH_TARGET = 1.5  # one tenth → full, every endpoint
SEED_IMPORT_TARGET_S = 1.0
SIZES = {"tenth": 0.1, "full": 1.0}
NOT_AVAILABLE = "endpoint not available (404)"

COLUMNS = "{:<26} {:>8} {:>7} {:>7} {:>8} {:>7} {:>8}  {}"
HEADER = COLUMNS.format(
    "endpoint", "req/s", "p50 ms", "p99 ms", "queries", "RSS MB", "vs bare", "targets"
)
GROWTH_COLUMNS = "{:<26} {:>9} {:>8} {:>7} {:>7} {:>8} {:>7}  {}"
GROWTH_HEADER = GROWTH_COLUMNS.format(
    "endpoint", "time/req", "vs bare", "p50", "p99", "queries", "RSS", f"target < {GROWTH_TARGET}x"
)


def ratio(rate: float | None, bare_rate: float | None) -> float | None:
    """``rate`` as a share of the bare view's rate, or None when either is missing."""
    if not rate or not bare_rate:
        return None
    return rate / bare_rate


def factor(small: float | None, large: float | None) -> float | None:
    """How many times ``large`` is ``small``; None when unknowable; 1.0 for 0 → 0."""
    if small is None or large is None:
        return None
    if small == 0:
        return 1.0 if large == 0 else None
    return large / small


def add_ratios(results: list[dict]) -> None:
    """Set each result's ``ratio_to_bare``: from its paired rounds when it has them (see
    :func:`paired_share`), else from the bare view measured at the start of the same size."""
    bare = {r["size"]: r.get("requests_per_s") for r in results if r["endpoint"] == "bare"}
    for result in results:
        single = ratio(result.get("requests_per_s"), bare.get(result["size"]))
        paired = (result.get("paired") or {}).get("median")
        if paired is not None:
            result["ratio_single_run"] = single
        result["ratio_to_bare"] = single if paired is None else paired


def paired_share(rounds: list[tuple[float | None, float | None]]) -> dict | None:
    """The share of the bare rate from rounds of (bare req/s, endpoint req/s) measured back to
    back: each round's own ratio, their median, lowest and highest.

    The machine's speed drifts over the minutes between the bare view's run and an endpoint's
    (other virtual machines on the host, heat), and a single 15-second run of a page that talks
    to PostgreSQL varied by about ±12 % here. A ratio from short runs taken side by side, several
    times, cancels the drift and shows the spread, so a verdict near the threshold can be read
    for what it is. None when no round gave both rates.
    """
    shares = sorted(r for bare, own in rounds if (r := ratio(own, bare)) is not None)
    if not shares:
        return None
    middle = len(shares) // 2
    median = shares[middle] if len(shares) % 2 else (shares[middle - 1] + shares[middle]) / 2
    return {"rounds": shares, "median": median, "lowest": shares[0], "highest": shares[-1]}


def verdicts(result: dict) -> dict[str, bool]:
    """Which targets a result meets: its share of the bare rate, and p99 at full size."""
    met: dict[str, bool] = {}
    if result.get("target") is not None and result.get("ratio_to_bare") is not None:
        met["ratio"] = result["ratio_to_bare"] >= result["target"]
    if result["size"] == "full" and result.get("p99_ms") is not None:
        met["p99"] = result["p99_ms"] < P99_TARGET_MS
    return met


def growth(tenth: dict, full: dict) -> dict:
    """How each figure grows from one tenth to full size (x times; above 1 is worse).

    ``time_per_request`` is the tenth's requests/s over the full size's: how much longer a
    request takes once the data is ten times bigger. ``time_per_request_vs_bare`` is the same
    with each size's rate taken as a share of its own bare-view rate, which cancels whatever else
    slowed the whole machine between the two phases; it carries the < 1.5x target, together with
    ``queries`` (a query count that grows with the data is an N+1).
    """
    figures = {
        "time_per_request": factor(full.get("requests_per_s"), tenth.get("requests_per_s")),
        "time_per_request_vs_bare": factor(full.get("ratio_to_bare"), tenth.get("ratio_to_bare")),
        "p50_ms": factor(tenth.get("p50_ms"), full.get("p50_ms")),
        "p99_ms": factor(tenth.get("p99_ms"), full.get("p99_ms")),
        "queries_per_request": factor(
            tenth.get("queries_per_request"), full.get("queries_per_request")
        ),
        "peak_worker_rss_mb": factor(
            tenth.get("peak_worker_rss_mb"), full.get("peak_worker_rss_mb")
        ),
    }
    time = figures["time_per_request_vs_bare"] or figures["time_per_request"]
    known = [value for value in (time, figures["queries_per_request"]) if value is not None]
    return {
        "endpoint": tenth["endpoint"],
        "label": tenth["label"],
        **figures,
        "meets_target": all(value < GROWTH_TARGET for value in known) if known else None,
    }


def growths(results: list[dict]) -> list[dict]:
    """Growth of every endpoint measured at both sizes, in table order."""
    by_size = {(r["endpoint"], r["size"]): r for r in results}
    rows = []
    for result in results:
        if result["size"] != "tenth":
            continue
        full = by_size.get((result["endpoint"], "full"))
        if full and result.get("available") and full.get("available"):
            rows.append(growth(result, full))
    return rows


def _num(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _targets(result: dict) -> str:
    met = verdicts(result)
    parts = []
    if result.get("target") is not None:
        mark = _mark(met.get("ratio"))
        parts.append(f"≥ {result['target']:.0%} of bare {mark}")
    if result["size"] == "full":
        parts.append(f"p99 < {P99_TARGET_MS:.0f} ms {_mark(met.get('p99'))}")
    paired = result.get("paired")
    if paired:
        single = result.get("ratio_single_run")
        parts.append(
            f"(median of {len(paired['rounds'])} paired rounds; "
            f"{paired['lowest']:.1%}–{paired['highest']:.1%}"
            + ("" if single is None else f"; one run {single:.1%}")
            + ")"
        )
    if result.get("note"):
        parts.append(f"({result['note']})")
    return "; ".join(parts)


def _mark(met: bool | None) -> str:
    return {True: "met", False: "MISSED", None: "n/a"}[met]


def format_results(results: list[dict], size: str) -> str:
    """The table for one size: one line per endpoint, with the targets beside the figures."""
    lines = [HEADER]
    for result in (r for r in results if r["size"] == size):
        if not result.get("available"):
            reason = NOT_AVAILABLE if result.get("status") == 404 else result.get("note", "")
            lines.append(f"{result['label']:<26} {reason}")
            continue
        share = result.get("ratio_to_bare")
        lines.append(
            COLUMNS.format(
                result["label"],
                _num(result.get("requests_per_s")),
                _num(result.get("p50_ms")),
                _num(result.get("p99_ms")),
                _num(result.get("queries_per_request")),
                _num(result.get("peak_worker_rss_mb")),
                "—" if share is None else f"{share:.1%}",
                _targets(result),
            ).rstrip()
        )
    return "\n".join(lines)


def _x(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}x"


def format_growth(rows: list[dict]) -> str:
    """One line per endpoint: how each figure grows from one tenth to full size."""
    lines = [GROWTH_HEADER]
    for row in rows:
        lines.append(
            GROWTH_COLUMNS.format(
                row["label"],
                _x(row["time_per_request"]),
                _x(row["time_per_request_vs_bare"]),
                _x(row["p50_ms"]),
                _x(row["p99_ms"]),
                _x(row["queries_per_request"]),
                _x(row["peak_worker_rss_mb"]),
                _mark(row["meets_target"]),
            ).rstrip()
        )
    return "\n".join(lines)


def format_seed_import(seed: dict) -> str:
    """The seed import's time against its target, or why it was not measured."""
    if not seed.get("available"):
        return f"seed import ({seed['size']}): not available ({seed.get('reason', 'no command')})"
    seconds = seed["seconds"]
    met = _mark(seconds < SEED_IMPORT_TARGET_S)
    cold = f", first run {seed['first_seconds']:.3f} s" if "first_seconds" in seed else ""
    return (
        f"seed import ({seed['size']}): median {seconds:.3f} s of {seed.get('runs', 1)}{cold} "
        f"(target < {SEED_IMPORT_TARGET_S:.0f} s {met})"
    )


SWEEP_COLUMNS = "{:<30} {:>9} {:>9} {:>7} {:>13} {:>9}  {}"
SWEEP_HEADER = SWEEP_COLUMNS.format(
    "page", "tenth ms", "full ms", "growth", "queries t/f", "full KB", "note"
)


def format_sweep(swept: dict[str, list[dict]]) -> str:
    """The sweep's pages side by side at both sizes (or the one size run), with the growth of
    the median time; a page that grows by the load test's growth target or more is flagged."""
    tenth = {row["page"]: row for row in swept.get("tenth", [])}
    full = {row["page"]: row for row in swept.get("full", [])}
    lines = [SWEEP_HEADER]
    for key in dict.fromkeys([*tenth, *full]):
        small, large = tenth.get(key, {}), full.get(key, {})
        grows = factor(small.get("median_ms"), large.get("median_ms"))
        notes = [
            f"{size} answered {row['status']}"
            for size, row in (("tenth", small), ("full", large))
            if row and row.get("status") != 200
        ]
        if grows is not None and grows >= GROWTH_TARGET:
            notes.append(f"grows {grows:.1f}x with the data")
        queries = f"{_num(small.get('queries'), 0)}/{_num(large.get('queries'), 0)}"
        lines.append(
            SWEEP_COLUMNS.format(
                (large or small)["label"],
                _num(small.get("median_ms")),
                _num(large.get("median_ms")),
                _x(grows),
                queries,
                _num(large.get("kilobytes")),
                "; ".join(notes),
            ).rstrip()
        )
    return "\n".join(lines)
