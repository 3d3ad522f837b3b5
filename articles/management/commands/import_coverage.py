"""Restore an export_coverage file into an empty database, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.backup import BackupError, coverage_import_from


class Command(BaseCommand):
    help = "Restore FILE (from export_coverage) into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            counts = coverage_import_from(file)
        except BackupError as error:
            raise CommandError(f"{error} Nothing was imported.") from error
        total = sum(counts.values())
        self.stdout.write(f"Restored {total} rows from {file}.")
