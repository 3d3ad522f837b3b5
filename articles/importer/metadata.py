"""What an editor supplies about a report that its raw text lacks: title, slug, standfirst,
byline, publication date, status and the event, from a sidecar (JSON next to the file) and from
explicit arguments, which win.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.text import slugify

from articles.models import ArticleStatus

from .errors import ReportImportError

SIDECAR_KEYS = ("title", "slug", "standfirst", "byline", "published", "status", "event")
TITLE_MAX = 300
IMPORT_STATUSES = (ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW, ArticleStatus.PUBLISHED)


@dataclass(frozen=True)
class Metadata:
    title: str | None = None
    slug: str | None = None
    standfirst: str | None = None
    byline: str | None = None
    published: dt.date | None = None
    status: str | None = None
    event: str | None = None


def parse_date(value: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except (ValueError, AttributeError) as error:
        raise ReportImportError(f"{what} “{value}” is not a date like 2025-10-29") from error


def check_status(status: str | None) -> str | None:
    if status is None or status in IMPORT_STATUSES:
        return status
    allowed = ", ".join(IMPORT_STATUSES)
    raise ReportImportError(f"status “{status}” is not one of: {allowed}")


def _sidecar_values(sidecar: dict | None, warnings: list[str]) -> dict:
    if sidecar is None:
        return {}
    if not isinstance(sidecar, dict):
        raise ReportImportError('the sidecar must be a JSON object like {"title": "…"}')
    for key in sidecar:
        if key not in SIDECAR_KEYS:
            warnings.append(f"sidecar: “{key}” is not used (known: {', '.join(SIDECAR_KEYS)})")
    values = {}
    for key in SIDECAR_KEYS:
        value = sidecar.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise ReportImportError(f"sidecar: “{key}” must be text, not {value!r}")
        values[key] = value.strip()
    if "published" in values:
        values["published"] = parse_date(values["published"], "sidecar: published")
    return values


def read_metadata(
    *,
    title: str | None,
    published: dt.date | None,
    status: str | None,
    sidecar: dict | None,
) -> tuple[Metadata, list[str]]:
    """Merge the sidecar with explicit arguments (which win) and check every value."""
    warnings: list[str] = []
    values = _sidecar_values(sidecar, warnings)
    if title is not None:
        values["title"] = title.strip()
    if published is not None:
        if not isinstance(published, dt.date):
            raise ReportImportError(f"published must be a date, not {published!r}")
        values["published"] = published.date() if isinstance(published, dt.datetime) else published
    if status is not None:
        values["status"] = status
    check_status(values.get("status"))
    if "title" in values and not values["title"]:
        raise ReportImportError("the title is empty")
    if len(values.get("title", "")) > TITLE_MAX:
        raise ReportImportError(f"the title is longer than {TITLE_MAX} characters")
    slug = values.get("slug")
    if slug is not None and (not slug or slugify(slug) != slug):
        raise ReportImportError(f"slug “{slug}” may hold only lower-case letters, digits and -")
    return Metadata(**values), warnings
