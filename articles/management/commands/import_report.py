"""Import a plain-text report as an article: ``manage.py import_report PATH``.

Metadata comes from a sidecar next to the file (same name, ``.json``) when there is one; the
options override it. Every bad input ends with one line on stderr and a non-zero exit.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.importer import ImportResult, ReportImportError, import_report
from articles.importer.metadata import IMPORT_STATUSES, parse_date


def _read_sidecar(path: Path) -> dict | None:
    sidecar = path.with_suffix(".json")
    if sidecar == path or not sidecar.is_file():
        return None
    try:
        return json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"cannot read the sidecar {sidecar}: {error}") from error
    except json.JSONDecodeError as error:
        raise CommandError(
            f"{sidecar}: line {error.lineno}: not valid JSON ({error.msg})"
        ) from error


def _counts(label: str, counts) -> str | None:
    parts = [f"{count} {kind}" for kind, count in sorted(counts.items()) if count]
    return f"  {label}: {', '.join(parts)}" if parts else None


class Command(BaseCommand):
    help = "Import a report (plain text with a Sources list) as an article with its claims."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The report: UTF-8 text, e.g. articles/seed/….txt")
        parser.add_argument("--title", help="Headline (default: the sidecar's “title”).")
        parser.add_argument("--published", help="Publication date, YYYY-MM-DD.")
        parser.add_argument("--status", help=f"One of: {', '.join(IMPORT_STATUSES)}.")

    def handle(self, *args, path, title, published, status, **options):
        report = Path(path)
        try:
            data = report.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror or error}") from error
        try:
            result = import_report(
                text=data,
                title=title,
                published=parse_date(published, "--published") if published else None,
                status=status,
                sidecar=_read_sidecar(report),
            )
        except ReportImportError as error:
            raise CommandError(f"{path}: {error}") from error
        self._report(result)

    def _report(self, result: ImportResult) -> None:
        article = result.article
        state = (
            "unchanged"
            if result.unchanged
            else ("created" if result.created["article"] else "updated")
        )
        self.stdout.write(f"{article.slug} ({state}, {article.get_status_display().lower()})")
        for line in (
            _counts("created", result.created),
            _counts("updated", result.updated),
            _counts("removed", result.deleted),
        ):
            if line:
                self.stdout.write(line)
        if result.dropped:
            first_line, first_text = result.dropped[0]
            self.stdout.write(
                f"  dropped {len(result.dropped)} line(s) of page furniture after the sources, "
                f"from line {first_line} (“{first_text}”)"
            )
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
