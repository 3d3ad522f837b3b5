"""manage.py time_seed_import: time the seed import in-process, roll it back; print JSON."""

import io
import json
import statistics
import time

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand
from django.db import transaction

from bench.endpoints import SEED_IMPORT


class _RollBack(Exception):
    pass


class Command(BaseCommand):
    help = (
        f"Time `manage.py {' '.join(SEED_IMPORT)}` inside this process (start-up excluded) "
        "against the current database, rolling back each run, and print the result as JSON: "
        "the median run and the first (cold) one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=3, help="Timed runs (default 3).")

    def handle(self, *args, runs, **options):
        name, *arguments = SEED_IMPORT
        if name not in get_commands():
            result = {"available": False, "reason": f"no `{name}` command yet"}
        else:
            result = _time(name, arguments, max(1, runs))
        self.stdout.write(json.dumps(result))


def _time(name: str, arguments: list[str], runs: int) -> dict:
    times = []
    for _ in range(runs):
        try:
            with transaction.atomic():
                started = time.perf_counter()
                call_command(name, *arguments, stdout=io.StringIO(), stderr=io.StringIO())
                times.append(time.perf_counter() - started)
                raise _RollBack
        except _RollBack:
            continue
        except (Exception, SystemExit) as exc:  # a failure is a figure, never a traceback
            return {"available": False, "reason": f"{name} failed: {exc}"[:300]}
    return {
        "available": True,
        "seconds": round(statistics.median(times), 4),
        "first_seconds": round(times[0], 4),
        "runs": runs,
    }
