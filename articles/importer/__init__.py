"""The report importer: a plain-text report (like ``articles/seed/``) becomes an Article with
numbered citations, claims (appearances, speakers, subjects, figures) and entities.

    from articles.importer import import_report, ReportImportError

``import_report`` is what ``manage.py import_report`` and the admin's upload form call.
"""

from .errors import ReportImportError
from .service import ImportResult, import_report

__all__ = ["ImportResult", "ReportImportError", "import_report"]
