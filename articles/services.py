"""Editorial writes that span several rows: workflow, verdicts, corrections, safe saves.

Admin, API and pages call these; permission checks come from ``articles.roles`` so a crafted
request fails exactly like a hidden button. Each function is atomic.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone

from entities.models import Entity, EntityAlias, EntityRedirect, EntityRelation

from . import roles
from .caching import content_changed
from .models import (
    FIGURE_FIELDS,
    Article,
    ArticleStatus,
    ArticleTransition,
    Claim,
    CorrectionNote,
    VerificationStatus,
)
from .signals import links_moved

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

    def __init__(
        self, *, changed_by: str, changed_at: dt.datetime | None, current_version: int = 0
    ):
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.current_version = current_version
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


def _check_transition(old: str, to_status: str, by, *, system: bool = False) -> None:
    if to_status not in ArticleStatus.values:
        raise ValidationError(f"“{to_status}” is not an article status.")
    if to_status != old and to_status not in ALLOWED_TRANSITIONS[old]:
        raise ValidationError(
            f"An article cannot go from {ArticleStatus(old).label} to "
            f"{ArticleStatus(to_status).label}."
        )
    if system:
        return  # no person acting, so no role to check (see article_transition_by_system)
    if (old in PUBLIC_STATES or to_status in PUBLIC_STATES) and not roles.may_publish(by):
        raise PermissionDenied("Only editors may publish, unpublish or archive articles.")
    if not roles.may_edit_content(by) and not roles.may_publish(by):
        raise PermissionDenied("You may not change this article's status.")


def article_next_statuses(*, article: Article, user) -> list[str]:
    """The workflow steps ``user`` may take from ``article``'s current status, in order."""
    allowed = []
    candidates = set(ALLOWED_TRANSITIONS[article.status])
    if article.status == ArticleStatus.PUBLISHED and not article.is_public:
        candidates.add(ArticleStatus.PUBLISHED)  # scheduled: publish now or reschedule
    for to_status in candidates:
        try:
            _check_transition(article.status, to_status, user)
        except (PermissionDenied, ValidationError):
            continue
        allowed.append(to_status)
    return sorted(allowed, key=ArticleStatus.values.index)


@transaction.atomic
def article_transition(
    *, article: Article, to_status: str, by, publish_at: dt.datetime | None = None
) -> Article:
    """Move ``article`` through the workflow, checking who may and what must hold."""
    return _transition(article, to_status, by, publish_at, system=False)


@transaction.atomic
def article_transition_by_system(
    *, article: Article, to_status: str, publish_at: dt.datetime | None = None
) -> Article:
    """The same workflow step, taken by the system rather than a person: the report importer
    run from the command line (``make run`` publishes the seed). There is no user whose role to
    check; every other rule holds, and the step is recorded with ``by=None``."""
    return _transition(article, to_status, None, publish_at, system=True)


def _transition(
    article: Article, to_status: str, by, publish_at: dt.datetime | None, *, system: bool
) -> Article:
    article = Article.objects.select_for_update().get(pk=article.pk)
    old = article.status
    if to_status == old and to_status != ArticleStatus.PUBLISHED:
        return article
    _check_transition(old, to_status, by, system=system)
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


def article_check_unchanged(*, article: Article, expected_version: int) -> Article:
    """Raise EditConflict if ``article`` was saved after ``expected_version`` was read.

    Locks the row until the surrounding transaction ends, so a form may check first and save
    later in the same transaction without a gap. Returns the current row.
    """
    current = Article.objects.select_for_update().get(pk=article.pk)
    if current.version != expected_version:
        last = current.history.select_related("history_user").first()
        who = last.history_user.get_username() if last and last.history_user else "someone"
        raise EditConflict(
            changed_by=who, changed_at=current.updated_at, current_version=current.version
        )
    return current


@transaction.atomic
def article_save_if_unchanged(*, article: Article, expected_version: int, by) -> Article:
    """Save an edited article unless someone saved it after ``expected_version`` was read.

    Raises EditConflict naming who saved it and when, so neither edit is silently lost. Status
    and publish time are kept as they are: only ``article_transition`` changes them (a revert to
    an old version, for one, must not unpublish).
    """
    if not roles.may_edit_content(by):
        raise PermissionDenied("You may not edit articles.")
    current = article_check_unchanged(article=article, expected_version=expected_version)
    article.status, article.published_at = current.status, current.published_at
    article.version = current.version + 1
    article.save()
    return article


def claim_in_public_articles(claim: Claim) -> list[Article]:
    return list(Article.objects.published().filter(appearances__claim=claim).distinct())


def _add_correction(articles: list[Article], text: str, by) -> None:
    for article in articles:
        CorrectionNote.objects.create(article=article, text=text, created_by=by)


VERDICT_FIELDS = frozenset({"status", "status_note"})
CLAIM_EDITABLE_FIELDS = (
    VERDICT_FIELDS
    | set(FIGURE_FIELDS)
    | {
        "text",
        "kind",
        "speaker",
        "pledge_status",
    }
)


def _claim_changes(claim: Claim, changes: dict) -> dict:
    return {field: value for field, value in changes.items() if getattr(claim, field) != value}


def claim_correction_reason(claim: Claim, changes: dict) -> str:
    """Why ``changes`` to ``claim`` need a public correction note; empty when they do not.

    A verdict readers saw (anything but first verifying an unverified claim) or a figure readers
    saw, in an article that is published now, may only change with a correction.
    """
    changed = _claim_changes(claim, changes)
    new_status = changed.get("status")
    verdict = new_status is not None and not (
        claim.status == VerificationStatus.UNVERIFIED and new_status == VerificationStatus.VERIFIED
    )
    figure = any(field in changed for field in FIGURE_FIELDS)
    if not (verdict or figure):
        return ""
    if not Article.objects.published().filter(appearances__claim=claim).exists():
        return ""
    what = " and ".join(name for name, hit in (("verdict", verdict), ("figure", figure)) if hit)
    return (
        f"This claim appears in a published article; changing its {what} needs a correction "
        "note for readers."
    )


@transaction.atomic
def claim_edit(*, claim: Claim, by, changes: dict, correction: str = "") -> Claim:
    """Change a claim's wording, figure and verdict in one step, each only by those who may.

    Verdict fields (status and note) need ``roles.may_verify``, everything else
    ``roles.may_edit_content``. “Verified” needs a source. Changes readers already saw need
    ``correction``, attached once to each published article showing the claim.
    """
    unknown = set(changes) - CLAIM_EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"Not editable claim fields: {', '.join(sorted(unknown))}.")
    if changes.get("status", VerificationStatus.UNVERIFIED) not in VerificationStatus.values:
        raise ValidationError(f"“{changes['status']}” is not a verification status.")
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    changed = _claim_changes(claim, changes)
    if not changed:
        return claim
    verdict_changed = bool(VERDICT_FIELDS & set(changed))
    if verdict_changed and not roles.may_verify(by):
        raise PermissionDenied("Only fact-checkers and editors may change a claim's verdict.")
    if set(changed) - VERDICT_FIELDS and not roles.may_edit_content(by):
        raise PermissionDenied("You may not change a claim's wording or figure.")
    if changed.get("status") == VerificationStatus.VERIFIED and not claim.sources.exists():
        raise ValidationError(f"Claim #{claim.pk} has no source, so it cannot be verified.")
    reason = claim_correction_reason(claim, changed)
    if reason:
        if not correction.strip():
            raise CorrectionRequired(reason)
        _add_correction(claim_in_public_articles(claim), correction.strip(), by)
    for field, value in changed.items():
        setattr(claim, field, value)
    if verdict_changed:
        claim.status_changed_by = by
        claim.status_changed_at = timezone.now()
    claim.full_clean()
    claim.save()
    return claim


def claim_set_status(
    *, claim: Claim, status: str, by, note: str | None = None, correction: str = ""
) -> Claim:
    """Record a verdict on ``claim``: who and when, refused without a source for “verified”.

    Changing a verdict readers already saw (anything but first verifying an unverified claim)
    in a published article needs a public correction, attached to each such article.
    """
    if not roles.may_verify(by):
        raise PermissionDenied("Only fact-checkers and editors may change a claim's verdict.")
    changes: dict = {"status": status}
    if note is not None:
        changes["status_note"] = note
    return claim_edit(claim=claim, by=by, changes=changes, correction=correction)


def claim_update_figure(*, claim: Claim, by, correction: str = "", **figure) -> Claim:
    """Change a claim's structured figure; a figure readers saw needs a correction note."""
    if not roles.may_edit_content(by):
        raise PermissionDenied("You may not edit claims.")
    unknown = set(figure) - set(FIGURE_FIELDS)
    if unknown:
        raise ValidationError(f"Not figure fields: {', '.join(sorted(unknown))}.")
    return claim_edit(claim=claim, by=by, changes=figure, correction=correction)


@dataclass(frozen=True)
class PublishSummary:
    done: list[Article]
    refused: dict[str, list[str]]


def articles_publish(*, articles, by) -> PublishSummary:
    """Bulk publish: each article on its own, so one broken article does not block the rest."""
    if not roles.may_publish(by):
        raise PermissionDenied("Only editors may publish articles.")
    done, refused = [], {}
    for article in articles:
        try:
            done.append(article_publish(article=article, by=by))
        except PublishBlocked as blocked:
            refused[article.title] = blocked.problems
        except ValidationError as error:
            refused[article.title] = error.messages
    return PublishSummary(done=done, refused=refused)


def articles_unpublish(*, articles, by) -> PublishSummary:
    """Bulk unpublish: published articles go back to draft; others are reported, not touched."""
    if not roles.may_publish(by):
        raise PermissionDenied("Only editors may unpublish articles.")
    done, refused = [], {}
    for article in articles:
        if article.status != ArticleStatus.PUBLISHED:
            refused[article.title] = [
                f"It is {article.get_status_display().lower()}, not published."
            ]
            continue
        done.append(article_unpublish(article=article, by=by))
    return PublishSummary(done=done, refused=refused)


@transaction.atomic
def entity_merge(*, keep: Entity, drop: Entity, by) -> Entity:
    """Fold the duplicate ``drop`` into ``keep`` and delete it, leaving nothing dangling.

    Every link to ``drop`` moves to ``keep``: claims (as speaker and as subject), articles (as
    event and mention), relations in both directions, aliases, and any other table that points at
    entities. Links that would become duplicates are merged; ``drop``'s name becomes an alias.
    """
    if not roles.may_merge_entities(by):
        raise PermissionDenied("Only editors may merge entities.")
    if keep.pk == drop.pk:
        raise ValidationError("Choose two different entities to merge.")
    keep = Entity.objects.select_for_update().get(pk=keep.pk)
    drop = Entity.objects.select_for_update().get(pk=drop.pk)
    if keep.kind != drop.kind:
        raise ValidationError(
            f"“{drop}” is a {drop.get_kind_display().lower()} and “{keep}” a "
            f"{keep.get_kind_display().lower()}; correct the kind first if they are one thing."
        )
    if keep.wikidata_id and drop.wikidata_id and keep.wikidata_id != drop.wikidata_id:
        raise ValidationError(
            f"“{keep}” ({keep.wikidata_id}) and “{drop}” ({drop.wikidata_id}) are different "
            "Wikidata items, so they are not duplicates."
        )
    content_changed()  # links move by queryset updates, which send no model signals
    drop_was_public = Entity.objects.public().filter(pk=drop.pk).exists()
    try:
        _merge_aliases(keep, drop)
        _merge_relations(keep, drop, by)
        _move_entity_links(keep, drop, by)
        keep.description = keep.description or drop.description
        keep.wikidata_id = keep.wikidata_id or drop.wikidata_id
        # The duplicate's address (if readers could have seen it) and every address it had
        # now lead to the kept page.
        EntityRedirect.objects.filter(entity=drop).update(entity=keep)
        if drop_was_public:
            EntityRedirect.remember(drop.slug, keep)
        drop._history_user = by
        drop.delete()
        keep._history_user = by
        keep.save()
    except (IntegrityError, ProtectedError) as error:
        raise ValidationError(f"“{drop}” could not be merged into “{keep}”: {error}") from error
    return keep


def _merge_aliases(keep: Entity, drop: Entity) -> None:
    taken = {keep.name_key, *keep.aliases.values_list("name_key", flat=True)}
    for alias in drop.aliases.all():
        if alias.name_key in taken:
            alias.delete()
            continue
        alias.entity = keep
        alias.save()
        taken.add(alias.name_key)
    if drop.name_key not in taken:
        EntityAlias.objects.create(entity=keep, name=drop.name)


def _merge_relations(keep: Entity, drop: Entity, by) -> None:
    for relation in EntityRelation.objects.filter(Q(subject=drop) | Q(object=drop)):
        subject_id = keep.pk if relation.subject_id == drop.pk else relation.subject_id
        object_id = keep.pk if relation.object_id == drop.pk else relation.object_id
        twin = (
            EntityRelation.objects.filter(
                subject_id=subject_id, kind=relation.kind, object_id=object_id
            )
            .exclude(pk=relation.pk)
            .first()
        )
        if twin is not None and twin.source_id is None and relation.source_id is not None:
            twin.source_id = relation.source_id
            twin.save()
        if twin is not None or subject_id == object_id:
            relation.delete()
            continue
        relation.subject_id, relation.object_id = subject_id, object_id
        relation.save()


def _move_entity_links(keep: Entity, drop: Entity, by) -> None:
    """Re-point every other foreign key and many-to-many link from ``drop`` to ``keep``."""
    handled = {EntityAlias, EntityRelation}
    for rel in Entity._meta.related_objects:
        if rel.related_model in handled:
            continue
        if rel.many_to_many:
            field = rel.field
            through = field.remote_field.through
            owner, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            moved = set(through.objects.filter(**{target: drop}).values_list(owner, flat=True))
            linked_to_keep = through.objects.filter(**{target: keep}).values(owner)
            through.objects.filter(**{target: drop, f"{owner}__in": linked_to_keep}).delete()
            through.objects.filter(**{target: drop}).update(**{target: keep})
            if moved:
                links_moved.send(sender=field.model, pks=moved)
            continue
        # Save row by row so history records the change and ``updated_at`` moves.
        for row in rel.related_model._default_manager.filter(**{rel.field.name: drop}):
            setattr(row, rel.field.name, keep)
            row._history_user = by
            row.save()
