"""The rest of the site, one request at a time: what each page costs at one tenth and at full size.

The load test (``bench.run``) drives the endpoints the issue names. Pages outside it can still
fall over as the data grows (a list printed whole, a count over a whole table, an admin filter
with a link per row): the sweep requests each page of ``bench.endpoints.SWEEP`` a few times,
sequentially, on the uncached server, and reports the median time, the queries and the size, so
the growth from one tenth to full size shows for every page. Admin pages are requested with an
Editor's session (``manage.py bench_session``).
"""

from __future__ import annotations

import statistics
import time
import urllib.error
import urllib.request

from .endpoints import Page
from .load import NO_REDIRECTS, PROXY_HEADERS, QUERIES_HEADER

REPEATS = 3


def _get(url: str, headers: dict[str, str]) -> tuple[int, float, int | None, int]:
    """Status, seconds, queries and body size of one GET."""
    request = urllib.request.Request(url, headers={**PROXY_HEADERS, **headers})
    started = time.perf_counter()
    try:
        with NO_REDIRECTS.open(request, timeout=60) as response:
            body = response.read()
            status, answer = response.status, response.headers
    except urllib.error.HTTPError as error:
        body, status, answer = error.read(), error.code, error.headers
    seconds = time.perf_counter() - started
    queries = answer.get(QUERIES_HEADER)
    return status, seconds, int(queries) if queries is not None else None, len(body)


def sweep(base: str, pages: list[Page], values: dict[str, str], session_key: str) -> list[dict]:
    """Each page: one unmeasured request, then the median of ``REPEATS``."""
    rows = []
    for page in pages:
        path = page.path.format(**values)
        headers = {"Cookie": f"sessionid={session_key}"} if page.editor else {}
        status, _, _, _ = _get(base + path, headers)
        row = {"page": page.key, "label": page.label, "path": path, "status": status}
        if status == 200:
            runs = [_get(base + path, headers) for _ in range(REPEATS)]
            row.update(
                median_ms=round(statistics.median(run[1] for run in runs) * 1000, 1),
                queries=runs[-1][2],
                kilobytes=round(runs[-1][3] / 1024, 1),
            )
        rows.append(row)
    return rows
