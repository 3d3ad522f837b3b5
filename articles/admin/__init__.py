"""The editors' admin. Importing the modules registers their ModelAdmins.

``entities`` models are registered in ``articles.admin.entities`` because merging needs the
editorial services and roles, and ``entities`` never imports ``articles``.
"""

from . import articles, claims, entities, sources  # noqa: F401
