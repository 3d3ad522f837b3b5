"""manage.py time_seed_import: time the seed import in-process, then roll it back; print JSON."""

import io
import json
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
        "against the current database, roll it back, and print the result as JSON."
    )

    def handle(self, *args, **options):
        name, *arguments = SEED_IMPORT
        if name not in get_commands():
            result = {"available": False, "reason": f"no `{name}` command yet"}
        else:
            result = _time(name, arguments)
        self.stdout.write(json.dumps(result))


def _time(name: str, arguments: list[str]) -> dict:
    output = io.StringIO()
    seconds = None
    try:
        with transaction.atomic():
            started = time.perf_counter()
            call_command(name, *arguments, stdout=output, stderr=output)
            seconds = time.perf_counter() - started
            raise _RollBack
    except _RollBack:
        return {"available": True, "seconds": round(seconds, 4)}
    except (Exception, SystemExit) as exc:  # report any failure as a figure, never a traceback
        return {"available": False, "reason": f"{name} failed: {exc}"[:300]}
