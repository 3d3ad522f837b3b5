"""Signals the articles app sends where Django sends none."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by ``entity_merge`` once it has re-pointed many-to-many links (claim subjects, article
# mentions) from the dropped entity to the kept one with queryset updates, which send no
# ``m2m_changed``. ``sender`` is the model holding the links (Claim, Article); ``pks`` the rows
# whose links moved. The change feed listens (sync.signals) so it records exactly those rows.
links_moved = Signal()
