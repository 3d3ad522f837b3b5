"""The mixed load run's fixture: who writes, what they write to, and the state to compare.

``prepare`` creates the run's accounts with API tokens and picks the rows the writers share:
one published article that every editor appends to, one draft an editor publishes and
unpublishes, and claims that appear only in unpublished articles (so a verdict change needs no
correction note). ``snapshot`` reads the same rows back, before and after the run.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from rest_framework.authtoken.models import Token

from articles.models import (
    Article,
    ArticleStatus,
    ArticleTransition,
    Citation,
    Claim,
    ClaimAppearance,
    CorrectionNote,
    Source,
)
from articles.roles import EDITOR, FACT_CHECKER
from articles.services import citation_problems
from entities.models import Entity
from sync.models import ChangeEvent, ObjectKind

from . import text

UNPUBLISHED = [ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW]
READ_SAMPLE = 40  # public articles, claims and entities the readers spread over


def _account(username: str, role: str) -> str:
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.is_staff = True
    user.is_active = True
    user.set_unusable_password()  # API tokens only
    user.save()
    user.groups.set([Group.objects.get(name=role)])
    return Token.objects.get_or_create(user=user)[0].key


def _toggle_article() -> Article:
    """A draft that may be published as it stands (sound citations, sourced claims)."""
    for article in Article.objects.filter(status=ArticleStatus.DRAFT).order_by("pk"):
        if not citation_problems(article):
            return article
    raise ValueError("No publishable draft in the database: build the bench data first.")


def _checked_claims(toggle: Article, count: int) -> list[int]:
    """Sourced claims that appear only in unpublished articles other than ``toggle``."""
    shown = Article.objects.exclude(status__in=UNPUBLISHED)
    claims = (
        Claim.objects.filter(appearances__article__status__in=UNPUBLISHED, sources__isnull=False)
        .exclude(appearances__article__in=shown)
        .exclude(appearances__article=toggle)
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    picked = list(claims[:count])
    if len(picked) < count:
        raise ValueError(f"Only {len(picked)} claims appear in drafts alone; {count} needed.")
    return picked


@transaction.atomic
def prepare(*, shared_article: str, editors: int, checkers: int, claims: int) -> dict:
    """Accounts, tokens and the shared rows; returns the plan the load run follows."""
    shared = Article.objects.published().get(slug=shared_article)
    toggle = _toggle_article()
    plan = {
        "shared_article": shared.slug,
        "toggle_article": toggle.slug,
        "claims": _checked_claims(toggle, claims),
        "editor_tokens": [_account(f"load-editor-{i}", EDITOR) for i in range(1, editors + 1)],
        "checker_tokens": [
            _account(f"load-checker-{i}", FACT_CHECKER) for i in range(1, checkers + 1)
        ],
        "publisher_token": _account("load-publisher", EDITOR),
        "reads": _read_material(),
    }
    plan["before"] = snapshot(plan)
    return plan


def _read_material() -> dict:
    public = Article.objects.published().order_by("pk").values_list("slug", flat=True)
    claims = Claim.objects.published().order_by("pk").values_list("pk", flat=True)
    entities = Entity.objects.public().order_by("pk").values_list("slug", flat=True)
    return {
        "articles": list(public[:READ_SAMPLE]),
        "claims": list(claims[:READ_SAMPLE]),
        "entities": [text.BUSY_ENTITY_SLUG, *entities[:READ_SAMPLE]],
        "search_terms": [text.SEARCH_TERM, "summit", "chips"],
    }


def snapshot(plan: dict) -> dict:
    """The rows the writers touched and the table sizes, as plain JSON-ready values."""
    shared = Article.objects.get(slug=plan["shared_article"])
    toggle = Article.objects.get(slug=plan["toggle_article"])
    claims = Claim.objects.filter(pk__in=plan["claims"]).order_by("pk")
    return {
        "shared": {
            "body": shared.body,
            "version": shared.version,
            "history": shared.history.count(),
            "feed_events": _feed_events(ObjectKind.ARTICLE, [shared.pk]),
        },
        "toggle": {
            "status": toggle.status,
            "version": toggle.version,
            "transitions": toggle.transitions.count(),
            "feed_events": _feed_events(ObjectKind.ARTICLE, [toggle.pk]),
        },
        "claims": {
            str(claim.pk): {"status": claim.status, "history": claim.history.count()}
            for claim in claims
        },
        "claims_feed_events": _feed_events(ObjectKind.CLAIM, plan["claims"]),
        "counts": {
            model._meta.label: model.objects.count()
            for model in (
                Article,
                Claim,
                ClaimAppearance,
                Citation,
                Source,
                Entity,
                CorrectionNote,
                ArticleTransition,
            )
        },
    }


def _feed_events(kind: str, ids: list[int]) -> int:
    """Change-feed events about these objects (the feed carries published data only)."""
    return ChangeEvent.objects.filter(kind=kind, object_id__in=ids).count()
