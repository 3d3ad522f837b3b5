"""manage.py build_bench_data --scale 1.0: the benchmark data set, with a progress bar."""

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bench.data import FULL_SIZE, BenchDataBuilder, sizes_for
from bench.progress import Progress


class Command(BaseCommand):
    help = (
        "Build the benchmark data set in the default database: at --scale 1.0, "
        + ", ".join(f"{count:,} {name}" for name, count in FULL_SIZE.items())
        + ". Bulk inserts bypass django-simple-history (no history rows)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="1.0: full size; 0.1: a tenth."
        )
        parser.add_argument("--seed", type=int, default=8, help="Same seed, same data set.")
        parser.add_argument(
            "--manifest", type=Path, help="Write counts and public article slugs to this JSON file."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar on stderr.")

    def handle(self, *args, scale, seed, manifest, no_progress, **options):
        def progress(label: str, total: int) -> Progress:
            return Progress(label, total, stream=self.stderr._out, enabled=not no_progress)

        started = time.monotonic()
        try:
            builder = BenchDataBuilder(scale=scale, seed=seed, progress=progress)
            result = builder.build()
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        result["build_seconds"] = round(time.monotonic() - started, 1)
        if manifest:
            manifest.parent.mkdir(parents=True, exist_ok=True)
            manifest.write_text(json.dumps(result, indent=1))
        counts = ", ".join(f"{n:,} {name}" for name, n in result["counts"].items())
        self.stdout.write(
            f"Built the bench data set at scale {scale} ({sizes_for(scale)['claims']:,} claims) "
            f"in {result['build_seconds']} s: {counts}."
        )
