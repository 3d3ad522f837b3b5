"""Entities are registered in ``articles.admin.entities``.

Their admin merges duplicates through ``articles.services.entity_merge`` and asks
``articles.roles`` who may; this app never imports ``articles``, so the registration lives there.
"""
