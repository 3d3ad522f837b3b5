"""The one error the importer raises for a report it cannot take."""

from __future__ import annotations


class ReportImportError(Exception):
    """A report that cannot be imported: ``message`` says what is wrong, ``line`` where (1-based).

    ``str()`` reads like “line 42: marker [3] points at no source”, or just the message when the
    problem has no line (an empty file, a missing Sources section).
    """

    def __init__(self, message: str, line: int | None = None):
        self.message = message
        self.line = line
        super().__init__(f"line {line}: {message}" if line is not None else message)
