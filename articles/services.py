"""Editorial writes that span several rows: workflow, verdicts, corrections, safe saves.

Admin, API and pages call these; permission checks come from ``articles.roles`` so a crafted
request fails exactly like a hidden button. Each function is atomic.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from . import roles
from .models import (
    Article,
    ArticleStatus,
    ArticleTransition,
    Claim,
    CorrectionNote,
    VerificationStatus,
)

MARKER_RE = re.compile(r"\[(\d+)\]")

ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    ArticleStatus.DRAFT: {ArticleStatus.IN_REVIEW, ArticleStatus.PUBLISHED},
    ArticleStatus.IN_REVIEW: {ArticleStatus.DRAFT, ArticleStatus.PUBLISHED},
    ArticleStatus.PUBLISHED: {ArticleStatus.DRAFT, ArticleStatus.ARCHIVED},
    ArticleStatus.ARCHIVED: {ArticleStatus.DRAFT, ArticleStatus.PUBLISHED},
}
# Moving into or out of these states is publishing work, reserved to those who may publish.
PUBLIC_STATES = {ArticleStatus.PUBLISHED, ArticleStatus.ARCHIVED}


class PublishBlocked(ValidationError):
    """Publishing was refused; ``problems`` lists what to fix."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(["Cannot publish until these are fixed:", *problems])


class CorrectionRequired(ValidationError):
    """The change alters what readers already saw, so it needs a public correction note."""


class EditConflict(Exception):
    """Someone else saved the record after it was opened for editing."""

    def __init__(self, *, changed_by: str, changed_at: dt.datetime | None):
        self.changed_by = changed_by
        self.changed_at = changed_at
        when = timezone.localtime(changed_at).strftime("%Y-%m-%d %H:%M:%S") if changed_at else "?"
        super().__init__(f"Changed by {changed_by} at {when} since you opened it.")


def citation_problems(article: Article) -> list[str]:
    """What stops ``article`` from being published with sound citations (empty when none)."""
    problems: list[str] = []
    numbers = {c.number for c in article.citations.all()}
    for number in sorted({int(n) for n in MARKER_RE.findall(article.body)} - numbers):
        problems.append(f"Marker [{number}] in the body has no citation.")
    appearances = article.appearances.select_related("claim").prefetch_related("claim__sources")
    for appearance in appearances:
        claim = appearance.claim
        if not claim.sources.all():
            problems.append(f"Claim #{claim.pk} “{claim}” has no source.")
        if claim.amount is not None and not figure_appears_in(claim, appearance.passage):
            problems.append(
                f"Claim #{claim.pk}: the figure {claim.amount.normalize():f} {claim.unit} "
                "does not appear in its passage."
            )
    return problems


def figure_appears_in(claim: Claim, passage: str) -> bool:
    """Does ``passage`` state ``claim``'s stored figure? Uses the importer's figure parser."""
    from .figures import parse_figures

    return any(
        figure.amount == claim.amount and figure.unit == claim.unit
        for figure in parse_figures(passage)
    )


def _record(article: Article, old: str, new: str, by) -> None:
    ArticleTransition.objects.create(article=article, from_status=old, to_status=new, by=by)


@transaction.atomic
def article_transition(
    *, article: Article, to_status: str, by, publish_at: dt.datetime | None = None
) -> Article:
    """Move ``article`` through the workflow, checking who may and what must hold."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    old = article.status
    if to_status == old and to_status != ArticleStatus.PUBLISHED:
        return article
    _check_allowed(old, to_status)
    if (old in PUBLIC_STATES or to_status in PUBLIC_STATES) and not roles.may_publish(by):
        raise PermissionDenied("Only editors may publish, unpublish or archive articles.")
    if not roles.may_edit_content(by) and not roles.may_publish(by):
        raise PermissionDenied("You may not change this article's status.")
    return _apply_transition(article, old, to_status, by, publish_at)


@transaction.atomic
def article_transition_by_system(
    *, article: Article, to_status: str, publish_at: dt.datetime | None = None
) -> Article:
    """The same workflow step, taken by the system rather than a person: the report importer
    run from the command line (``make run`` publishes the seed). There is no user whose role to
    check; every other rule holds, and the step is recorded with ``by=None``."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    old = article.status
    if to_status == old and to_status != ArticleStatus.PUBLISHED:
        return article
    _check_allowed(old, to_status)
    return _apply_transition(article, old, to_status, None, publish_at)


def _check_allowed(old: str, to_status: str) -> None:
    if to_status != old and to_status not in ALLOWED_TRANSITIONS[old]:
        raise ValidationError(
            f"An article cannot go from {ArticleStatus(old).label} to "
            f"{ArticleStatus(to_status).label}."
        )


def _apply_transition(
    article: Article, old: str, to_status: str, by, publish_at: dt.datetime | None
) -> Article:
    if to_status == ArticleStatus.PUBLISHED:
        problems = citation_problems(article)
        if problems:
            raise PublishBlocked(problems)
        article.published_at = publish_at or article.published_at or timezone.now()
        if old != ArticleStatus.PUBLISHED and publish_at is None:
            article.published_at = min(article.published_at, timezone.now())
    article.status = to_status
    article.version += 1
    article.save(update_fields=["status", "published_at", "version", "updated_at"])
    if old != to_status:
        _record(article, old, to_status, by)
    return article


def article_publish(*, article: Article, by, at: dt.datetime | None = None) -> Article:
    """Publish now, or schedule for ``at`` (a future time stays hidden until it passes)."""
    return article_transition(
        article=article, to_status=ArticleStatus.PUBLISHED, by=by, publish_at=at
    )


def article_unpublish(*, article: Article, by) -> Article:
    """Take a published article back to draft."""
    return article_transition(article=article, to_status=ArticleStatus.DRAFT, by=by)


@transaction.atomic
def article_save_if_unchanged(*, article: Article, expected_version: int, by) -> Article:
    """Save an edited article unless someone saved it after ``expected_version`` was read.

    Raises EditConflict naming who saved it and when, so neither edit is silently lost.
    """
    current = Article.objects.select_for_update().get(pk=article.pk)
    if current.version != expected_version:
        last = current.history.select_related("history_user").first()
        who = last.history_user.get_username() if last and last.history_user else "someone"
        raise EditConflict(changed_by=who, changed_at=current.updated_at)
    article.version = current.version + 1
    article.save()
    return article


def claim_in_public_articles(claim: Claim) -> list[Article]:
    return list(Article.objects.published().filter(appearances__claim=claim).distinct())


def _add_correction(articles: list[Article], text: str, by) -> None:
    for article in articles:
        CorrectionNote.objects.create(article=article, text=text, created_by=by)


@transaction.atomic
def claim_set_status(
    *, claim: Claim, status: str, by, note: str | None = None, correction: str = ""
) -> Claim:
    """Record a verdict on ``claim``: who and when, refused without a source for “verified”.

    Changing a verdict readers already saw (anything but first verifying an unverified claim)
    in a published article needs a public correction, attached to each such article.
    """
    if not roles.may_verify(by):
        raise PermissionDenied("Only fact-checkers and editors may change a claim's verdict.")
    if status not in VerificationStatus.values:
        raise ValidationError(f"“{status}” is not a verification status.")
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if status == VerificationStatus.VERIFIED and not claim.sources.exists():
        raise ValidationError(f"Claim #{claim.pk} has no source, so it cannot be verified.")
    if status != claim.status:
        first_verification = (
            claim.status == VerificationStatus.UNVERIFIED and status == VerificationStatus.VERIFIED
        )
        public = claim_in_public_articles(claim)
        if public and not first_verification:
            if not correction.strip():
                raise CorrectionRequired(
                    "This claim appears in a published article; changing its verdict "
                    "needs a correction note for readers."
                )
            _add_correction(public, correction.strip(), by)
    claim.status = status
    if note is not None:
        claim.status_note = note
    claim.status_changed_by = by
    claim.status_changed_at = timezone.now()
    claim.save()
    return claim


FIGURE_FIELDS = (
    "amount",
    "unit",
    "equivalent_amount",
    "equivalent_unit",
    "figure_date",
    "figure_date_precision",
)


@transaction.atomic
def claim_update_figure(*, claim: Claim, by, correction: str = "", **figure) -> Claim:
    """Change a claim's structured figure; a figure readers saw needs a correction note."""
    if not roles.may_edit_content(by):
        raise PermissionDenied("You may not edit claims.")
    unknown = set(figure) - set(FIGURE_FIELDS)
    if unknown:
        raise ValidationError(f"Not figure fields: {', '.join(sorted(unknown))}.")
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    changed = {k: v for k, v in figure.items() if getattr(claim, k) != v}
    if not changed:
        return claim
    public = claim_in_public_articles(claim)
    if public:
        if not correction.strip():
            raise CorrectionRequired(
                "This claim appears in a published article; changing its figure needs a "
                "correction note for readers."
            )
        _add_correction(public, correction.strip(), by)
    for field, value in changed.items():
        setattr(claim, field, value)
    claim.full_clean()
    claim.save()
    return claim


@dataclass(frozen=True)
class PublishSummary:
    done: list[Article]
    refused: dict[str, list[str]]


def articles_publish(*, articles, by) -> PublishSummary:
    """Bulk publish: each article on its own, so one broken article does not block the rest."""
    done, refused = [], {}
    for article in articles:
        try:
            done.append(article_publish(article=article, by=by))
        except PublishBlocked as blocked:
            refused[article.title] = blocked.problems
        except ValidationError as error:
            refused[article.title] = error.messages
    return PublishSummary(done=done, refused=refused)
