"""Write all coverage (articles, claims, entities, sources, history) to one JSON file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.backup import coverage_export_to


class Command(BaseCommand):
    help = "Export everything to FILE; restore it with import_coverage."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            counts = coverage_export_to(file)
        except OSError as error:
            raise CommandError(f"Cannot write {file}: {error.strerror}.") from error
        total = sum(counts.values())
        self.stdout.write(f"Exported {total} rows to {file}.")
