"""What the public cache saves on the article page: uncached vs cached vs 304, in process.

Imports the seed report into a throwaway ``test_<name>`` database (``DATABASE_URL``, SQLite in
memory by default), then times the article page with Django's test client and production
settings (DEBUG off, HTTPS as from the load balancer; static files unhashed, so no
``collectstatic`` is needed), with ``CACHE_URL`` as the cache
(local memory by default; give ``redis://…`` to measure Redis). Prints figures; asserts nothing.

    .venv/bin/python bench/page_cache.py
    DATABASE_URL=postgres://… CACHE_URL=redis://127.0.0.1:6379/7 \
        .venv/bin/python bench/page_cache.py
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
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))


def _measure(client, url: str, **headers) -> tuple[list[float], int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries, status = [], 0, 0
    for _ in range(REQUESTS):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url, secure=True, **headers)
            times.append(time.perf_counter() - start)
        queries, status = len(captured), response.status_code
    return times, queries, status


def _line(label: str, times: list[float], queries: int, status: int) -> str:
    ms = sorted(t * 1000 for t in times)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    return (
        f"{label:<28} median {statistics.median(ms):7.2f} ms   p99 {p99:7.2f} ms   "
        f"{queries} queries   HTTP {status}\n"
    )


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coverage_site.test_settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.cache import cache, caches
    from django.db import connection
    from django.test import Client, override_settings

    from articles.importer import import_report

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        sidecar = json.loads(SEED.with_suffix(".json").read_text(encoding="utf-8"))
        article = import_report(text=SEED.read_bytes(), sidecar=sidecar, status="published").article
        url = article.get_absolute_url()
        client = Client()
        cache.clear()
        with override_settings(PUBLIC_CACHE_SECONDS=0):
            client.get(url, secure=True)  # warm imports and templates
            uncached = _measure(client, url)
        client.get(url, secure=True)
        cached = _measure(client, url)
        etag = client.get(url, secure=True)["ETag"]
        not_modified = _measure(client, url, HTTP_IF_NONE_MATCH=etag)
        backend = caches["default"].__class__.__name__
        sys.stdout.write(
            f"Article page {url} ({connection.vendor}, {backend}, {REQUESTS} requests each)\n"
            + _line("uncached (cache off)", *uncached)
            + _line("cached", *cached)
            + _line("cached, If-None-Match", *not_modified)
            + f"cached is {statistics.median(uncached[0]) / statistics.median(cached[0]):.0f}x "
            "faster (median)\n"
        )
        cache.clear()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
