"""`make load`: about two minutes of mixed reads and editor writes; nothing may fail or be lost.

A fresh PostgreSQL database (the seed report imported, ``build_bench_data`` at a small scale,
the run's accounts and tokens from ``manage.py load_mixed prepare``), then gunicorn from
``bench.run.Server`` (2 sync workers, DEBUG off, Redis cache, API throttles raised so the run
measures the app, not the throttle). For ``--seconds``, at once: anonymous readers; editors
appending unique marker lines to one shared article with GET → PATCH If-Match, retrying on
412/409; fact-checkers flipping verdicts of claims found only in drafts; an editor publishing and
unpublishing a draft. Afterwards every acknowledged write must be in the database (see
``bench.mixed_checks``). Prints the figures, writes ``var/load.json``, exits 1 on any problem.
Run it as ``.venv/bin/python -m bench.load_mixed``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path

from . import mixed_checks as checks
from . import mixed_traffic as traffic
from .run import (
    ROOT,
    VAR,
    Server,
    environment,
    flush_cache,
    log,
    manage,
    out,
    preflight,
    recreate_database,
)

SEED = ROOT / "articles" / "seed" / "apec-ceo-summit-2025-report.txt"
GIVE_UP_AFTER = 15.0  # seconds after the end: writes still retrying are abandoned


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="make load", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=120, help="Length of the load.")
    parser.add_argument("--scale", default="0.02", help="build_bench_data --scale.")
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--editors", type=int, default=3, help="Appending to one article.")
    parser.add_argument("--checkers", type=int, default=2, help="Flipping claim verdicts.")
    parser.add_argument("--claims", type=int, default=6, help="Claims the checkers share.")
    parser.add_argument("--publish-every", type=float, default=2.0, help="Seconds between flips.")
    parser.add_argument("--throttle", default="100000/min", help="API_THROTTLE_ANON and _USER.")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker.")
    parser.add_argument("--database", default="sc_load")
    parser.add_argument("--port", type=int, default=8171)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/8", help="CACHE_URL.")
    parser.add_argument("--conn-max-age", type=int, default=60, help="CONN_MAX_AGE for gunicorn.")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--keep-db", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--output", type=Path, default=VAR / "load.json")
    return parser.parse_args(argv)


def load_environment(args: argparse.Namespace) -> dict[str, str]:
    """`make serve`'s production settings, without the bench instrumentation."""
    env = environment(args, args.database, secrets.token_urlsafe(50))
    env.update(
        BENCH_BARE_VIEW="false",
        API_THROTTLE_ANON=args.throttle,
        API_THROTTLE_USER=args.throttle,
        LOG_LEVEL="WARNING",  # keep 4xx warnings and errors, drop per-request info lines
        GUNICORN_THREADS=str(args.threads),  # above 1: gthread workers
        TASK_QUEUE_URL=args.redis,  # webhook deliveries queue in Redis, as in production
    )
    return env


def build(env: dict[str, str], args: argparse.Namespace) -> dict:
    """The database, the data and the run's plan (accounts, tokens, shared rows)."""
    log(f"== database {args.database}: migrate, seed import, bench data at scale {args.scale} ==")
    recreate_database(args.database)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    manage(env, "import_report", str(SEED), "--status", "published")
    built = manage(env, "build_bench_data", "--scale", args.scale, "--seed", str(args.seed))
    log(built.strip())
    log(manage(env, "sync_reconcile").strip())  # bulk inserts send no signals: feed baseline
    slug = json.loads(SEED.with_suffix(".json").read_text(encoding="utf-8"))["slug"]
    sizes = ["--editors", str(args.editors), "--checkers", str(args.checkers)]
    sizes += ["--claims", str(args.claims)]
    plan = json.loads(manage(env, "load_mixed", "prepare", "--shared-article", slug, *sizes))
    plan_path = VAR / "load-plan.json"
    plan_path.write_text(json.dumps(plan))
    return plan


def workers(plan: dict, args, stop: threading.Event, give_up: threading.Event) -> dict:
    """The client threads, by role."""
    run_id = secrets.token_hex(3)
    common = {"stop": stop, "give_up": give_up}
    paths = traffic.reader_paths(plan)

    def client(token: str | None = None) -> traffic.Client:
        return traffic.Client(args.port, token)

    return {
        "readers": [
            traffic.Reader(f"reader-{i}", client(), seed=args.seed + i, paths=paths, **common)
            for i in range(args.readers)
        ],
        "editors": [
            traffic.Appender(
                f"editor-{i}",
                client(token),
                seed=args.seed + 100 + i,
                slug=plan["shared_article"],
                marker_prefix=f"load-marker-{run_id}-e{i}",
                guard=traffic.Appender.GUARDS[(i - 1) % len(traffic.Appender.GUARDS)],
                **common,
            )
            for i, token in enumerate(plan["editor_tokens"], start=1)
        ],
        "checkers": [
            traffic.Checker(
                f"checker-{i}",
                client(token),
                seed=args.seed + 200 + i,
                claims=plan["claims"],
                **common,
            )
            for i, token in enumerate(plan["checker_tokens"], start=1)
        ],
        "publisher": [
            traffic.Publisher(
                "publisher",
                client(plan["publisher_token"]),
                seed=args.seed,
                slug=plan["toggle_article"],
                interval=args.publish_every,
                **common,
            )
        ],
    }


def drive(server: Server, plan: dict, args) -> tuple[dict, float]:
    """Run every thread for ``args.seconds``; return the threads and the seconds it took."""
    stop, give_up = threading.Event(), threading.Event()
    roles = workers(plan, args, stop, give_up)
    threads = [thread for group in roles.values() for thread in group]
    log(f"== load: {len(threads)} client threads for {args.seconds:.0f} s at {server.base} ==")
    started = time.monotonic()
    for thread in threads:
        thread.start()
    stop.wait(args.seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=max(0.0, started + args.seconds + GIVE_UP_AFTER - time.monotonic()))
    give_up.set()
    for thread in threads:
        thread.join()
    return roles, time.monotonic() - started


def served_problems(port: int, plan: dict, acks: list[checks.MarkerAck], after: dict) -> list[str]:
    """Readers now get the final state of the shared article, page and API alike."""
    reader = traffic.Client(port)
    slug = plan["shared_article"]
    problems = []
    api = reader.call("GET", f"/api/v1/articles/{slug}/?fields=version", kind="final")
    if api.status != 200:
        problems.append(f"the final API read of the shared article answered {api.status}")
    elif api.data["version"] != (final := after["shared"]["version"]):
        problems.append(f"API serves version {api.data['version']}, the database has {final}")
    if acks:
        last = max(acks, key=lambda ack: ack.version).marker
        page = reader.call("GET", f"/articles/{slug}/", kind="final")
        if last not in page.content.decode(errors="replace"):
            problems.append(f"the article page does not show the last acknowledged edit {last}")
    return problems


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    preflight(args, wrk=False)
    began = time.monotonic()
    load_average = os.getloadavg()[0]
    env = load_environment(args)
    plan = build(env, args)
    flush_cache(args.redis)
    with Server(env, args.port, log_name="load-gunicorn.log") as server:
        log_offset = server.log_path.stat().st_size
        roles, seconds = drive(server, plan, args)
        after = json.loads(
            manage(env, "load_mixed", "snapshot", "--plan", str(VAR / "load-plan.json"))
        )
        marker_acks = [ack for t in roles["editors"] for ack in t.acks]
        served = served_problems(args.port, plan, marker_acks, after)
    with server.log_path.open("rb") as server_log:
        server_log.seek(log_offset)
        logged = server_log.read().decode(errors="replace")
    if not args.keep_db:
        recreate_database(args.database, drop_only=True)
    result = verify(plan["before"], after, roles, seconds)
    result["verification"]["problems"] += served + checks.log_problems(logged)
    result["verification"]["ok"] = not result["verification"]["problems"]
    report(result, args)
    write(result, args, time.monotonic() - began, load_average)
    return 0 if result["verification"]["ok"] else 1


def verify(before: dict, after: dict, roles: dict, seconds: float) -> dict:
    """The figures, and every acknowledged write checked against the database."""
    samples = [s for group in roles.values() for thread in group for s in thread.client.samples]
    markers = [ack for thread in roles["editors"] for ack in thread.acks]
    verdicts = [ack for thread in roles["checkers"] for ack in thread.acks]
    flips = [ack for thread in roles["publisher"] for ack in thread.acks]
    lost = {role: set().union(*(t.unknown for t in group)) for role, group in roles.items()}
    problems = (
        checks.check_requests(samples)
        + checks.check_article(markers, lost["editors"], before["shared"], after["shared"])
        + checks.check_claims(verdicts, lost["checkers"], before["claims"], after["claims"])
        + checks.check_toggle(flips, len(lost["publisher"]), before["toggle"], after["toggle"])
        + checks.check_counts(
            before["counts"], after["counts"], {"articles.ArticleTransition": len(flips)}
        )
        + checks.check_feed(before, after, appends=len(markers), transitions=len(flips))
    )
    figures = checks.summarise(samples, seconds)
    figures["threads"] = {role: len(group) for role, group in roles.items()}
    figures["conflicts_retried"] = sum(t.conflicts_retried for g in roles.values() for t in g)
    figures["writers"] = {
        thread.name: {
            "guard": getattr(thread, "guard", "if-match"),
            "acknowledged": len(thread.acks),
            "conflicts_retried": thread.conflicts_retried,
        }
        for role in ("editors", "checkers", "publisher")
        for thread in roles[role]
    }
    details = {
        "markers_acknowledged": len(markers),
        "shared_article_versions": [before["shared"]["version"], after["shared"]["version"]],
        "verdicts_acknowledged": len(verdicts),
        "claims": len(before["claims"]),
        "transitions_acknowledged": len(flips),
        "toggled_article_final_status": after["toggle"]["status"],
    }
    return {"figures": figures, "verification": {"problems": problems, **details}}


def report(result: dict, args) -> None:
    figures, verification = result["figures"], result["verification"]
    threads = ", ".join(f"{n} {role}" for role, n in figures["threads"].items())
    server = "2 sync workers" if args.threads == 1 else f"2 workers x {args.threads} threads"
    out(
        f"\nMIXED LOAD: {figures['seconds']:.0f} s against gunicorn ({server}, DEBUG off) "
        f"on PostgreSQL with Redis; {threads}."
    )
    out(f"{'kind':<14}{'requests':>9}  {'p50 ms':>8}{'p99 ms':>9}  statuses")
    for kind, row in figures["by_kind"].items():
        statuses = ", ".join(f"{status}: {n}" for status, n in row["by_status"].items())
        out(
            f"{kind:<14}{row['requests']:>9,}  {_ms(row['p50_ms']):>8}{_ms(row['p99_ms']):>9}  "
            f"{statuses}"
        )
    out(
        f"reads {figures['reads']:,} ({figures['reads_per_s']:.1f}/s); "
        f"writes {figures['writes']:,} "
        f"({figures['writes_per_s']:.1f}/s), {figures['acknowledged_writes']:,} acknowledged "
        f"({figures['acknowledged_writes_per_s']:.1f}/s); conflicts (412/409) retried "
        f"{figures['conflicts_retried']:,}."
    )
    out(
        "writers (acknowledged/conflicts retried): "
        + ", ".join(
            f"{name} {w['acknowledged']}/{w['conflicts_retried']}"
            + (f" ({w['guard']})" if name.startswith("editor") else "")
            for name, w in figures["writers"].items()
        )
    )
    first, last = verification["shared_article_versions"]
    out(
        f"Writes checked: {verification['markers_acknowledged']:,} appends (shared article "
        f"version {first} → {last}), {verification['verdicts_acknowledged']:,} verdicts on "
        f"{verification['claims']} claims, {verification['transitions_acknowledged']} "
        f"publish/unpublish steps (ends {verification['toggled_article_final_status']})."
    )
    if verification["ok"]:
        out("VERDICT: PASS: no 5xx, no connection errors, no lost or duplicated write.")
    else:
        out("VERDICT: FAIL")
        for problem in verification["problems"]:
            out(f"  - {problem}")


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def write(result: dict, args, seconds: float, load_average: float) -> None:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    result["meta"] = {
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "cpus": os.cpu_count(),
        "load_average_at_start": round(load_average, 2),
        "workers": 2,
        "worker_class": "sync" if args.threads == 1 else f"gthread x {args.threads}",
        "scale": args.scale,
        "throttle": args.throttle,
        "load_seconds": args.seconds,
        "run_seconds": round(seconds),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=1) + "\n")
    out(f"Wrote {args.output} in {seconds:.0f} s.")


if __name__ == "__main__":
    sys.exit(main())
