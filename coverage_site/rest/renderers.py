"""CSV for spreadsheet users, safe to open: no cell can start a formula."""

from __future__ import annotations

import csv
import io

from rest_framework.renderers import BaseRenderer

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return str(next((value[k] for k in ("slug", "id", "article") if k in value), ""))
    if isinstance(value, list):
        return "; ".join(_text(item) for item in value)
    return str(value)


def cell(value) -> str:
    """One CSV cell: lists joined with “; ”, embedded objects by identifier, formulas defused."""
    text = _text(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class CSVRenderer(BaseRenderer):
    """Renders a page of results (or one item) as CSV; the next page is in the Link header."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        rows = data.get("results", [data]) if isinstance(data, dict) else data
        view = (renderer_context or {}).get("view")
        header = list(rows[0]) if rows else list(view.get_serializer().fields)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\r\n")
        writer.writeheader()  # even with no rows, so the file is never empty
        for row in rows:
            writer.writerow({key: cell(value) for key, value in row.items()})
        return buffer.getvalue().encode(self.charset)
