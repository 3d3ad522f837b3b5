"""Driving load at one endpoint: a probe, a query-count sample, wrk, and worker memory.

Every request carries ``X-Forwarded-Proto: https``, as the TLS-terminating load balancer sends,
so production settings serve it instead of redirecting to HTTPS. Under wrk, each request also
comes from one of ``READERS`` addresses (``X-Forwarded-For``, as the load balancer adds it): the
API's per-address rate limits are counted as in production, where thousands of readers share the
load, instead of one client tripping them after 120 requests.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import threading
import urllib.error
import urllib.request
from pathlib import Path

from .middleware import HEADER as QUERIES_HEADER

PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
READERS = 50_000

WRK_SCRIPT = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local sent = 0
local headers = {["X-Forwarded-Proto"] = "https"}
request = function()
  sent = sent + 1
  local reader = (sent * 7919) %% %(readers)d
  headers["X-Forwarded-For"] = string.format(
    "10.%%d.%%d.%%d", math.floor(reader / 65536), math.floor(reader / 256) %% 256, reader %% 256)
  return wrk.format("GET", paths[((sent - 1) %% #paths) + 1], headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, '
    .. '"non_2xx": %%d, "socket_errors": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


NO_REDIRECTS = urllib.request.build_opener(_NoRedirect)


def fetch(url: str) -> tuple[int, int | None]:
    """GET ``url`` as the load balancer would; return the status and the query count."""
    request = urllib.request.Request(url, headers=PROXY_HEADERS)
    try:
        with NO_REDIRECTS.open(request, timeout=30) as response:
            response.read()
            status, headers = response.status, response.headers
    except urllib.error.HTTPError as error:
        status, headers = error.code, error.headers
    queries = headers.get(QUERIES_HEADER)
    return status, int(queries) if queries is not None else None


def sample(base: str, paths: list[str]) -> tuple[int, float | None]:
    """Request each path once; return the first non-200 status (or 200) and mean queries."""
    counts = []
    for path in paths:
        status, queries = fetch(base + path)
        if status != 200:
            return status, None
        if queries is not None:
            counts.append(queries)
    return 200, (sum(counts) / len(counts) if counts else None)


def run_wrk(base: str, paths: list[str], *, seconds: float, connections: int) -> dict:
    """Load ``paths`` in turn, over and over, for ``seconds``.

    (Stopping wrk once every path was requested would not do: wrk still reports the whole
    ``seconds`` as the duration, so the rate would be the number of paths over ``seconds``.)
    """
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        paths_file = Path(tmp) / "paths.txt"
        paths_file.write_text("\n".join(paths) + "\n")
        script = Path(tmp) / "bench.lua"
        script.write_text(WRK_SCRIPT % {"paths": paths_file, "readers": READERS})
        command = [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            base,
        ]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    for line in completed.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            raw = json.loads(line.removeprefix("BENCH_JSON "))
            duration = raw["duration_us"] / 1e6
            return {
                "requests": raw["requests"],
                "duration_s": round(duration, 2),
                "requests_per_s": raw["requests"] / duration if duration else None,
                "p50_ms": raw["p50_us"] / 1000,
                "p99_ms": raw["p99_us"] / 1000,
                "non_2xx": raw["non_2xx"],
                "socket_errors": raw["socket_errors"],
            }
    raise RuntimeError(f"wrk gave no result: {completed.stdout[-500:]} {completed.stderr[-500:]}")


def worker_pids(master_pid: int) -> list[int]:
    """gunicorn's workers: the master's child processes."""
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text()
    except OSError:
        return []
    return [int(pid) for pid in children.split()]


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class MemorySampler:
    """Samples the resident memory of every gunicorn worker; keeps the largest seen."""

    def __init__(self, master_pid: int, interval: float = 0.1):
        self.master_pid = master_pid
        self.interval = interval
        self.peak_mb: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemorySampler:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self) -> None:
        for pid in worker_pids(self.master_pid):
            value = rss_mb(pid)
            if value is not None and (self.peak_mb is None or value > self.peak_mb):
                self.peak_mb = value
