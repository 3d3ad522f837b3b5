"""`make bench`: build the data set at one tenth and at full size, load each endpoint, report.

For each size: a fresh PostgreSQL database, migrations, ``build_bench_data``, the seed import
timed, then gunicorn (``gunicorn.conf.py``, 2 sync workers, DEBUG off, a generated SECRET_KEY,
Redis cache on db 6, flushed before every endpoint) on 127.0.0.1, and wrk at every endpoint in
``bench.endpoints``: first with the public cache off (the uncached figures), then on. Prints a
table per size, the growth from one tenth to full size, and writes the same figures to
``var/bench.json``. Run it as ``.venv/bin/python -m bench.run``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from . import load, report, sweep
from .endpoints import BARE, ENDPOINTS, POST_BUILD_COMMANDS, SWEEP, Endpoint

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
DATABASES = {"tenth": "sc_bench_small", "full": "sc_bench"}
PG = "postgres://postgres@127.0.0.1:5432"
SAMPLE_URLS = 20  # rotated pages kept out of the measured run: query sample and warm-up


def log(message: str) -> None:
    """Progress, on stderr."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def out(message: str = "") -> None:
    """The figures, on stdout."""
    sys.stdout.write(message + "\n")
    sys.stdout.flush()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="tenth,full", help="Comma-separated: tenth, full.")
    parser.add_argument("--seconds", type=float, default=15, help="Load per endpoint and size.")
    parser.add_argument("--warmup", type=float, default=3, help="Unmeasured load first.")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="Paired rounds (bare view, then the endpoint) for the endpoints with a share target "
        "or uncached.",
    )
    parser.add_argument("--round-seconds", type=float, default=4, help="Load per paired run.")
    parser.add_argument("--connections", type=int, default=4, help="Concurrent connections.")
    parser.add_argument("--port", type=int, default=8151)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/6", help="CACHE_URL.")
    parser.add_argument("--conn-max-age", type=int, default=60, help="CONN_MAX_AGE for gunicorn.")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--keep-db", action="store_true", help="Keep the databases afterwards.")
    parser.add_argument("--output", type=Path, default=VAR / "bench.json")
    args = parser.parse_args(argv)
    args.sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in args.sizes if s not in report.SIZES]
    if unknown:
        parser.error(f"unknown size {unknown[0]!r}; use tenth and/or full")
    return args


def preflight(args: argparse.Namespace, *, wrk: bool = True) -> None:
    """Stop early, with what to do, when wrk (if ``wrk``), PostgreSQL or Redis is missing."""
    import psycopg
    import redis

    if wrk and not shutil.which("wrk"):
        sys.exit("make bench needs wrk: apt-get install -y wrk (make bench does it as root).")
    try:
        psycopg.connect(f"{PG}/postgres", connect_timeout=5).close()
    except psycopg.Error as exc:
        sys.exit(f"make bench needs PostgreSQL at {PG}: {exc}")
    try:
        redis.Redis.from_url(args.redis, socket_connect_timeout=5).ping()
    except redis.RedisError as exc:
        sys.exit(f"make bench needs Redis at {args.redis}: {exc}")


def recreate_database(name: str, *, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def vacuum(name: str) -> None:
    """VACUUM ANALYZE the freshly built database: a site in service has been vacuumed by
    autovacuum, which a database loaded seconds ago has not. Without it index-only scans visit
    every row's heap page (the visibility map is empty), and the first minutes after a bulk
    load, not the steady state, would be measured."""
    import psycopg

    log("VACUUM ANALYZE")
    with psycopg.connect(f"{PG}/{name}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def flush_cache(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def environment(args: argparse.Namespace, database: str, secret_key: str) -> dict[str, str]:
    """Production settings as `make serve` has them, plus the bench instrumentation."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "coverage_site.settings",
        "DEBUG": "false",
        "SECRET_KEY": secret_key,
        "DATABASE_URL": f"{PG}/{database}",
        "CACHE_URL": args.redis,
        "CONN_MAX_AGE": str(args.conn_max_age),
        "BENCH_BARE_VIEW": "true",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": str(VAR / "bench-static"),
        "HOST": "127.0.0.1",
        "PORT": str(args.port),
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "1",
    }


def manage(env: dict[str, str], *arguments: str, quiet: bool = True, check: bool = True) -> str:
    completed = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE if quiet else None,
        text=True,
    )
    if completed.returncode != 0 and not check:
        log(f"manage.py {' '.join(arguments)} failed; going on without it:\n{completed.stderr}")
    elif completed.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(arguments)} failed:\n{completed.stderr or ''}")
    return completed.stdout


class Server:
    """gunicorn with gunicorn.conf.py on 127.0.0.1, started and stopped by this process only."""

    def __init__(self, env: dict[str, str], port: int, log_name: str = "bench-gunicorn.log"):
        self.env = env
        self.base = f"http://127.0.0.1:{port}"
        self.log_path = VAR / log_name
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        VAR.mkdir(exist_ok=True)
        self.log = self.log_path.open("a")
        self.process = subprocess.Popen(
            [str(gunicorn), "-c", "gunicorn.conf.py", "coverage_site.wsgi"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,  # the JSON access log: one line per request
            stderr=self.log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited at start-up; see {self.log_path}")
            try:
                if load.fetch(self.base + "/healthz")[0] == 200 and len(self.workers()) == 2:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        self.__exit__()
        raise SystemExit("gunicorn did not answer /healthz within 60 s")

    def workers(self) -> list[int]:
        return load.worker_pids(self.process.pid) if self.process else []

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def placeholders(manifest: dict) -> dict[str, str]:
    """The values paths' placeholders take, but {article} for a rotating endpoint."""
    return {
        "busy_entity": manifest["busy_entity"],
        "search_term": manifest["search_term"],
        "article": manifest["public_article_slugs"][0],
    }


def expand(endpoint: Endpoint, manifest: dict) -> list[str]:
    """The URLs an endpoint is measured on: every public article in turn, or one URL."""
    values = placeholders(manifest)
    if endpoint.rotate:
        slugs = manifest["public_article_slugs"]
        return [endpoint.path.format(**{**values, "article": slug}) for slug in slugs]
    return [endpoint.path.format(**values)]


def measure(server: Server, endpoint: Endpoint, manifest: dict, size: str, args) -> dict:
    """One endpoint at one size: probe, sample queries, warm up, then load under wrk."""
    result = {
        "endpoint": endpoint.key,
        "label": endpoint.label,
        "size": size,
        "scale": report.SIZES[size],
        "path": endpoint.path,
        "target": endpoint.target,
        "available": False,
        "load_average": round(os.getloadavg()[0], 2),  # this run's own load included
    }
    urls = expand(endpoint, manifest)
    warm, measured = (urls[:SAMPLE_URLS], urls[SAMPLE_URLS:]) if endpoint.rotate else (urls, urls)
    if not measured:
        return {**result, "note": "no public article to request"}
    try:
        status, _ = load.fetch(server.base + warm[0])
        if status == 200:
            repeat = (warm[1:] or warm) if endpoint.rotate else warm * 10  # after the first
            status, queries = load.sample(server.base, repeat)
    except TimeoutError:
        return {**result, "note": "a request took over 30 s; not measured"}
    result["status"] = status
    if status != 200:
        note = report.NOT_AVAILABLE if status == 404 else f"answered {status}; not measured"
        return {**result, "note": note}
    load.run_wrk(server.base, warm, seconds=args.warmup, connections=args.connections)
    with load.MemorySampler(server.process.pid) as memory:
        figures = load.run_wrk(
            server.base,
            measured,
            seconds=args.seconds,
            connections=args.connections,
        )
    result.update(figures, available=True, queries_per_request=queries)
    result["peak_worker_rss_mb"] = memory.peak_mb
    result["distinct_urls"] = min(len(measured), figures["requests"])
    result["note"] = _note(endpoint, result)
    if is_paired(endpoint) and args.rounds > 0:
        result["paired"] = paired_rounds(server, measured, manifest, args)
    return result


def is_paired(endpoint: Endpoint) -> bool:
    """Whether ``endpoint``'s share of the bare rate comes from paired rounds: every uncached
    endpoint (their shares carry the growth target) and every endpoint with a share target."""
    return endpoint is not BARE and (not endpoint.cached or endpoint.target is not None)


def paired_rounds(server: Server, urls: list[str], manifest: dict, args) -> dict | None:
    """``args.rounds`` times: the bare view, then ``urls``, each loaded ``args.round_seconds``
    back to back; the endpoint's share of the bare rate per round (``report.paired_share``)."""
    bare_urls = expand(BARE, manifest)
    rounds = []
    options = {"seconds": args.round_seconds, "connections": args.connections}
    for _ in range(args.rounds):
        bare = load.run_wrk(server.base, bare_urls, **options)
        own = load.run_wrk(server.base, urls, **options)
        rounds.append((bare["requests_per_s"], own["requests_per_s"]))
    return report.paired_share(rounds)


def _note(endpoint: Endpoint, result: dict) -> str:
    notes = []
    if endpoint.cached and result["queries_per_request"]:
        notes.append(f"not served from the cache: {result['queries_per_request']:.0f} queries")
    if endpoint.rotate:
        notes.append(f"{result['distinct_urls']:,} pages in turn")
    if result["non_2xx"] or result["socket_errors"]:
        notes.append(f"{result['non_2xx']} non-2xx, {result['socket_errors']} socket errors")
    return "; ".join(notes)


def run_size(size: str, args, secret_key: str) -> tuple[list[dict], dict, dict, list[dict]]:
    database = DATABASES[size]
    env = environment(args, database, secret_key)
    log(f"\n== {size} size ({report.SIZES[size]}): database {database} ==")
    recreate_database(database)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    manifest_path = VAR / f"bench-manifest-{size}.json"
    scale, seed = str(report.SIZES[size]), str(args.seed)
    log(manage(env, "build_bench_data", "--scale", scale, "--seed", seed,
               "--manifest", str(manifest_path), quiet=False).strip())  # fmt: skip
    manifest = json.loads(manifest_path.read_text())
    for command in POST_BUILD_COMMANDS:
        log(f"manage.py {' '.join(command)}")
        manage(env, *command, check=False)
    vacuum(database)
    seed_import = {"size": size, **json.loads(manage(env, "time_seed_import"))}
    log(report.format_seed_import(seed_import))
    results, swept = [], []
    # The bare view and the uncached endpoints first, with the public cache off; then the
    # cached ones with it on (the cache is emptied before each endpoint).
    for cached in (False, True):
        server_env = env if cached else {**env, "PUBLIC_CACHE_SECONDS": "0"}
        with Server(server_env, args.port) as server:
            for endpoint in [e for e in ENDPOINTS if e.cached == cached]:
                flush_cache(args.redis)
                log(f"measuring {endpoint.label} …")
                results.append(measure(server, endpoint, manifest, size, args))
            if not cached and SWEEP:
                log(f"sweeping {len(SWEEP)} other pages, one request at a time …")
                session = manage(env, "bench_session").strip()
                swept = sweep.sweep(server.base, SWEEP, placeholders(manifest), session)
    if not args.keep_db:
        recreate_database(database, drop_only=True)
    manifest.pop("public_article_slugs")
    return results, seed_import, manifest, swept


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    preflight(args)
    started = time.monotonic()
    initial_load = os.getloadavg()[0]
    secret_key = secrets.token_urlsafe(50)
    results, seed_imports, data, swept = [], [], {}, {}
    for size in args.sizes:
        size_results, seed_import, manifest, swept[size] = run_size(size, args, secret_key)
        results += size_results
        seed_imports.append(seed_import)
        data[size] = manifest
        report.add_ratios(results)
        for result in size_results:
            result["meets"] = report.verdicts(result)
        out(f"\n{_heading(size, manifest, args)}\n{report.format_results(results, size)}")

    growth = report.growths(results)
    if growth:
        out(
            "\nGrowth from one tenth to full size, x times (target: time/req vs bare and "
            f"queries under {report.GROWTH_TARGET}x)"
        )
        out(report.format_growth(growth))
    if any(swept.values()):
        out(
            f"\nOther pages, one request at a time (median of {sweep.REPEATS}, public cache off; "
            "admin pages as an Editor)"
        )
        out(report.format_sweep(swept))
    out()
    for seed_import in seed_imports:
        out(report.format_seed_import(seed_import))
    out(_load_note(initial_load))
    seconds = time.monotonic() - started
    _write(args, results, growth, seed_imports, data, swept, seconds, initial_load)
    out(f"\nWrote {args.output} in {time.monotonic() - started:.0f} s. "
        "On a shared machine compare ratios, not absolute rates, across runs.")  # fmt: skip
    return 0


def _heading(size: str, manifest: dict, args) -> str:
    counts = manifest["counts"]
    return (
        f"{size.upper()} SIZE: {counts['articles']:,} articles, {counts['claims']:,} claims, "
        f"{counts['entities']:,} entities, {counts['sources']:,} sources "
        f"(busy entity: {counts['busy_entity_claims']:,} claims). gunicorn 2 sync workers, "
        f"wrk 1 thread x {args.connections} connections, {args.seconds:.0f} s per endpoint; "
        f"shares of uncached and targeted endpoints are the median of {args.rounds} paired rounds "
        f"({args.round_seconds:.0f} s of the bare view, then {args.round_seconds:.0f} s of the "
        "endpoint); queries = X-Bench-Queries header, RSS = largest gunicorn worker."
    )


def _load_note(load_average: float) -> str:
    """Other work on the machine when the run started, which the figures share the CPUs with."""
    cpus = os.cpu_count() or 1
    line = f"Load average when make bench started: {load_average:.1f} on {cpus} CPUs"
    if load_average > cpus / 2:
        return line + " (other work was running: rates and p99 are pessimistic, ratios less so)."
    return line + "."


def _rounded(value):
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def _write(args, results, growth, seed_imports, data, swept, seconds: float, load_average: float):
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    meta = {
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "cpus": os.cpu_count(),
        "workers": 2,
        "worker_class": "sync",
        "conn_max_age": args.conn_max_age,
        "connections": args.connections,
        "seconds_per_endpoint": args.seconds,
        "paired_rounds": args.rounds,
        "seconds_per_paired_run": args.round_seconds,
        "targets": {
            "p99_ms_at_full_size": report.P99_TARGET_MS,
            "growth_tenth_to_full": report.GROWTH_TARGET,
            "seed_import_s": report.SEED_IMPORT_TARGET_S,
            "share_of_bare": {e.key: e.target for e in ENDPOINTS if e.target is not None},
        },
        "load_average_at_start": round(load_average, 2),
        "data": data,
        "run_seconds": round(seconds),
        "bare_endpoint": BARE.path,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "meta": meta,
        "results": results,
        "growth": growth,
        "seed_import": seed_imports,
        "sweep": swept,
    }
    args.output.write_text(json.dumps(_rounded(payload), indent=1) + "\n")


if __name__ == "__main__":
    sys.exit(main())
