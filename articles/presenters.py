"""What the public article page shows, built in one place.

The public article view and the editors' staff-only preview both render
``articles/article_detail.html`` with this context, so a preview is exactly what readers will see.
"""

from __future__ import annotations

from .models import Article


def article_page_context(article: Article) -> dict:
    """Template context for ``articles/article_detail.html``."""
    return {
        "article": article,
        "citations": list(article.citations.all()),
        "appearances": list(
            article.appearances.select_related("claim__speaker").order_by("position")
        ),
        "corrections": list(article.corrections.all()),
    }
