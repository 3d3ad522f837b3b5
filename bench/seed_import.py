"""How long the seed import takes: median of several runs, each on a fresh database.

Run with ``make bench`` (SQLite in memory) or with DATABASE_URL pointing at PostgreSQL, where a
throwaway ``test_<name>`` database is created and dropped. Prints figures; asserts nothing.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "articles" / "seed" / "apec-ceo-summit-2025-report.txt"
RUNS = int(os.environ.get("BENCH_RUNS", "7"))


def _timed(function) -> tuple[float, int, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        value = function()
        elapsed = time.perf_counter() - start
    return elapsed, len(queries), value


def _line(label: str, times: list[float], queries: int) -> str:
    ms = sorted(t * 1000 for t in times)
    return (
        f"{label:<34} median {statistics.median(ms):7.1f} ms   min {ms[0]:7.1f}   "
        f"max {ms[-1]:7.1f}   {queries} queries   ({len(ms)} runs)\n"
    )


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coverage_site.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    from articles.importer import import_report

    data = SEED.read_bytes()
    sidecar = json.loads(SEED.with_suffix(".json").read_text(encoding="utf-8"))

    def run():
        return import_report(text=data, sidecar=sidecar, status="published")

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        fresh, fresh_queries = [], 0
        for _ in range(RUNS):
            with transaction.atomic():
                elapsed, fresh_queries, _ = _timed(run)
                fresh.append(elapsed)
                transaction.set_rollback(True)  # the next run starts from an empty database
        run()
        again, again_queries = [], 0
        for _ in range(RUNS):
            elapsed, again_queries, result = _timed(run)
            assert result.unchanged, "the second import changed something"
            again.append(elapsed)
        sys.stdout.write(f"Seed import on {connection.vendor} ({SEED.name}):\n")
        sys.stdout.write(_line("  fresh database (first run cold)", fresh, fresh_queries))
        sys.stdout.write(_line("  again, nothing to change", again, again_queries))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
