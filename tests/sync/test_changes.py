"""Recording changes to the public data set: which events, when, and never for drafts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction

from articles.models import Article, ArticleStatus, Claim, VerificationStatus
from articles.services import (
    article_publish,
    article_transition,
    article_unpublish,
    claim_set_status,
    claim_update_figure,
    entity_merge,
)
from sync.models import ChangeEvent, DueCheck, PublicState
from sync.services import DUE_OVERLAP, changes_publish_due, changes_reconcile
from tests.factories import EntityFactory, PersonFactory, SourceFactory

from .conftest import article_with_claim

pytestmark = pytest.mark.django_db


def events():
    return [(e.kind, e.action) for e in ChangeEvent.objects.order_by("id")]


def test_drafts_produce_no_events(commit):
    """Creating and editing a draft article with claims, sources and entities records nothing."""
    with commit():
        article, claim, _source = article_with_claim(event=EntityFactory(kind="event"))
        article.mentions.add(EntityFactory())
        claim.subjects.add(EntityFactory())
    with commit():
        article.title = "Still a draft"
        article.save()
        SourceFactory()
    assert ChangeEvent.objects.count() == 0
    assert PublicState.objects.count() == 0


def test_publishing_announces_article_and_what_it_makes_public(commit, an_editor):
    """Publishing emits created: sources and entities first, then claims, then the article."""
    with commit():
        speaker = PersonFactory()
        article, claim, source = article_with_claim(claim_kwargs={"speaker": speaker})
    with commit():
        article_publish(article=article, by=an_editor)
    assert events() == [
        ("source", "created"),
        ("entity", "created"),
        ("claim", "created"),
        ("article", "created"),
    ]
    article_event = ChangeEvent.objects.get(kind="article")
    assert article_event.event_type == "article.published"
    assert article_event.payload["claims"] == [claim.pk]
    assert article_event.payload["citations"] == [{"number": 1, "source": source.pk}]


def test_unpublishing_sends_tombstones_for_what_is_no_longer_public(commit, an_editor):
    """Unpublishing removes the article, then its claims, then their sources; no payloads."""
    with commit():
        article, claim, source = article_with_claim()
    with commit():
        article_publish(article=article, by=an_editor)
    first_new = ChangeEvent.objects.latest("id").pk + 1
    with commit():
        article_unpublish(article=article, by=an_editor)
    removed = ChangeEvent.objects.filter(id__gte=first_new)
    assert [(e.kind, e.object_id, e.action) for e in removed] == [
        ("article", article.pk, "unpublished"),
        ("claim", claim.pk, "unpublished"),
        ("source", source.pk, "unpublished"),
    ]
    assert all(e.payload is None for e in removed)
    assert PublicState.objects.count() == 0


def test_deleting_a_published_article_records_deleted_tombstones(commit, an_editor):
    """A deleted article is a ``deleted`` tombstone; its claims still exist, so ``unpublished``."""
    with commit():
        article, claim, _source = article_with_claim()
    with commit():
        article_publish(article=article, by=an_editor)
    article_id = article.pk
    with commit():
        article.delete()
    tombstones = {
        (e.kind, e.object_id): e.action for e in ChangeEvent.objects.filter(payload__isnull=True)
    }
    assert tombstones[("article", article_id)] == "deleted"
    assert tombstones[("claim", claim.pk)] == "unpublished"


def test_verdict_change_is_status_changed_and_figure_fix_is_corrected(commit, an_editor):
    """A new verdict is ``status_changed``; a figure changed with a correction is ``corrected``."""
    with commit():
        article, claim, _source = article_with_claim()
    with commit():
        article_publish(article=article, by=an_editor)
    with commit():
        claim_set_status(claim=claim, status=VerificationStatus.VERIFIED, by=an_editor)
    assert events()[-1] == ("claim", "status_changed")
    with commit():
        claim_update_figure(
            claim=claim,
            by=an_editor,
            amount=Decimal("7000000000"),
            unit="USD",
            correction="The investment is $7 billion, not $5 billion.",
        )
    assert events()[-2:] == [("claim", "corrected"), ("article", "corrected")]
    corrected = ChangeEvent.objects.filter(kind="claim").latest("id")
    assert corrected.payload["amount"].startswith("7000000000")


def test_a_save_that_changes_nothing_public_records_nothing(commit, an_editor):
    """Saving a published article unchanged, or editing a draft's claim, adds no event."""
    with commit():
        article, _claim, _source = article_with_claim()
        draft, draft_claim, _ = article_with_claim()
    with commit():
        article_publish(article=article, by=an_editor)
    count = ChangeEvent.objects.count()
    with commit():
        Article.objects.get(pk=article.pk).save()
        draft_claim.text = "Reworded while still a draft."
        draft_claim.save()
    assert ChangeEvent.objects.count() == count


def test_rolled_back_transaction_records_nothing(commit, an_editor):
    """Publishing inside a transaction that rolls back leaves the feed untouched."""
    with commit():
        article, _claim, _source = article_with_claim()
    with pytest.raises(RuntimeError), commit():
        article_publish(article=article, by=an_editor)
        raise RuntimeError("abandon the edit")
    assert ChangeEvent.objects.count() == 0
    assert not Article.objects.published().exists()


def test_rolled_back_savepoint_keeps_the_rest_of_the_transaction(commit, an_editor):
    """Only the rolled-back part of a transaction is forgotten; the committed part is recorded."""
    with commit():
        kept, _c1, _s1 = article_with_claim()
        dropped, _c2, _s2 = article_with_claim()
    with commit():
        try:
            with transaction.atomic():
                article_publish(article=dropped, by=an_editor)
                raise RuntimeError("abandon")
        except RuntimeError:
            pass
        article_publish(article=kept, by=an_editor)
    published = set(ChangeEvent.objects.filter(kind="article").values_list("object_id", flat=True))
    assert published == {kept.pk}


def test_scheduled_article_is_announced_when_its_time_comes(commit, an_editor, clock):
    """A scheduled article is silent until publish time, then announced by the catch-up."""
    with commit():
        article, claim, _source = article_with_claim()
    with commit():
        article_publish(article=article, by=an_editor, at=clock.now + dt.timedelta(hours=2))
    assert ChangeEvent.objects.count() == 0
    assert changes_publish_due() == []
    clock.advance(hours=2, seconds=1)
    announced = changes_publish_due()
    assert [(e.kind, e.object_id) for e in announced][-2:] == [
        ("claim", claim.pk),
        ("article", article.pk),
    ]
    assert changes_publish_due() == []


def test_due_look_only_considers_articles_published_since_the_last_one(commit, an_editor, clock):
    """Each look records where the next one starts (less an overlap), so the catch-up costs
    what was published lately, not every article; an article published before that and never
    announced (its recording lost) is left to the hourly reconcile."""
    with commit():
        article, _claim, _source = article_with_claim()
    with commit():
        article_publish(article=article, by=an_editor)
    PublicState.objects.all().delete()  # as if its recording had been lost
    DueCheck.objects.create(pk=1, look_after=clock.now + dt.timedelta(seconds=1))
    assert changes_publish_due() == []
    clock.advance(hours=1)
    assert changes_publish_due() == []
    assert DueCheck.objects.get().look_after == clock.now - DUE_OVERLAP
    DueCheck.objects.all().delete()  # no row: the first look compares every article
    assert [(e.kind, e.object_id) for e in changes_publish_due()][-1] == ("article", article.pk)


def test_reconcile_sets_where_the_due_look_starts(commit, an_editor, clock):
    """After a reconcile every public article is announced, so the next due look (the feed's
    catch-up) starts there rather than comparing every article."""
    with commit():
        article, _claim, _source = article_with_claim()
    with commit():
        article_publish(article=article, by=an_editor)
    assert not DueCheck.objects.exists()
    changes_reconcile()
    assert DueCheck.objects.get().look_after == clock.now - DUE_OVERLAP


def test_feed_read_does_not_move_the_due_look(client, clock):
    """Reading the feed looks for due articles but writes nothing when none are due."""
    changes_publish_due()
    before = DueCheck.objects.get().look_after
    clock.advance(hours=1)
    client.get("/api/v1/changes/")
    assert DueCheck.objects.get().look_after == before


def test_archiving_unpublishes(commit, an_editor):
    """Archived articles are not in ``published()``, so archiving is ``unpublished``."""
    with commit():
        article, _claim, _source = article_with_claim()
    with commit():
        article_publish(article=article, by=an_editor)
    with commit():
        article_transition(article=article, to_status=ArticleStatus.ARCHIVED, by=an_editor)
    assert ChangeEvent.objects.filter(kind="article").latest("id").action == "unpublished"


def test_entity_shared_by_two_articles_stays_until_both_are_gone(commit, an_editor):
    """An entity leaves the feed only when no published article mentions it any more."""
    with commit():
        shared = EntityFactory()
        first, _c1, _s1 = article_with_claim()
        second, _c2, _s2 = article_with_claim()
        first.mentions.add(shared)
        second.mentions.add(shared)
    with commit():
        article_publish(article=first, by=an_editor)
        article_publish(article=second, by=an_editor)
    with commit():
        first.mentions.remove(shared)
    assert PublicState.objects.filter(kind="entity", object_id=shared.pk).exists()
    with commit():
        second.mentions.clear()
    assert not PublicState.objects.filter(kind="entity", object_id=shared.pk).exists()
    assert ChangeEvent.objects.filter(kind="entity").latest("id").action == "unpublished"


def test_deleting_a_subject_entity_updates_the_claim(commit, an_editor):
    """Deleting an entity a public claim is about updates the claim and deletes the entity."""
    with commit():
        article, claim, _source = article_with_claim()
        subject = EntityFactory()
        claim.subjects.add(subject)
    with commit():
        article_publish(article=article, by=an_editor)
    subject_id = subject.pk
    with commit():
        subject.delete()
    latest_claim = ChangeEvent.objects.filter(kind="claim").latest("id")
    assert latest_claim.action == "updated"
    assert latest_claim.payload["subjects"] == []
    assert ChangeEvent.objects.filter(kind="entity", object_id=subject_id).latest("id").action == (
        "deleted"
    )


def test_reconcile_repairs_changes_made_without_signals(commit, an_editor):
    """A bulk ``update()`` bypasses signals; ``sync_reconcile`` records it, and is idempotent."""
    with commit():
        article, claim, _source = article_with_claim()
    with commit():
        article_publish(article=article, by=an_editor)
    Claim.objects.filter(pk=claim.pk).update(text="Changed behind the feed's back.")
    call_command("sync_reconcile", stdout=open("/dev/null", "w"))  # noqa: SIM115
    latest = ChangeEvent.objects.latest("id")
    assert (latest.kind, latest.action, latest.payload["text"]) == (
        "claim",
        "updated",
        "Changed behind the feed's back.",
    )
    assert changes_reconcile() == []


def test_deleting_a_published_article_unpublishes_entities_only_it_named(commit, an_editor):
    """Event and mentioned entities of a deleted article leave the feed (their links are gone)."""
    with commit():
        event, mentioned = EntityFactory(kind="event"), EntityFactory()
        article, _claim, _source = article_with_claim(event=event)
        article.mentions.add(mentioned)
    with commit():
        article_publish(article=article, by=an_editor)
    with commit():
        article.delete()
    gone = ChangeEvent.objects.filter(kind="entity", action="unpublished")
    assert set(gone.values_list("object_id", flat=True)) == {event.pk, mentioned.pk}


def test_deleting_a_public_claim_unpublishes_its_speaker_and_subjects(commit, an_editor):
    """A deleted claim's speaker and subjects leave the feed when nothing else makes them public."""
    with commit():
        speaker, subject = PersonFactory(), EntityFactory()
        article, claim, _source = article_with_claim(claim_kwargs={"speaker": speaker})
        claim.subjects.add(subject)
    with commit():
        article_publish(article=article, by=an_editor)
    with commit():
        claim.delete()
    gone = ChangeEvent.objects.filter(kind="entity", action="unpublished")
    assert set(gone.values_list("object_id", flat=True)) == {speaker.pk, subject.pk}
    assert ChangeEvent.objects.filter(kind="claim").latest("id").action == "deleted"


def test_merging_entities_moves_public_links_to_the_kept_one(commit, an_editor):
    """After a merge, public claims and articles name the kept entity; the other is deleted."""
    with commit():
        keep, drop = EntityFactory(name="SK Group"), EntityFactory(name="SK")
        article, claim, _source = article_with_claim()
        claim.subjects.add(drop)
        article.mentions.add(drop)
    with commit():
        article_publish(article=article, by=an_editor)
    drop_id = drop.pk
    with commit():
        entity_merge(keep=keep, drop=drop, by=an_editor)
    latest = {(e.kind, e.object_id): e for e in ChangeEvent.objects.order_by("id")}
    assert latest[("claim", claim.pk)].payload["subjects"] == [keep.pk]
    assert latest[("article", article.pk)].payload["mentions"] == [keep.pk]
    assert latest[("entity", keep.pk)].action == "created"
    assert latest[("entity", drop_id)].action == "deleted"
    assert changes_reconcile() == []


def test_importing_the_seed_report_is_recorded_completely(commit, client):
    """The importer's bulk writes still end up in the feed: a reconcile afterwards finds nothing."""
    from articles.importer import import_report
    from sync import state
    from tests.articles.import_helpers import SEED_SIDECAR, seed_bytes

    with commit():
        import_report(text=seed_bytes(), sidecar=SEED_SIDECAR, status="published")
    current = state.public_payloads(None)
    recorded = {(row.kind, row.object_id): row.payload for row in PublicState.objects.all()}
    assert len(current) > 30
    assert recorded == current
    assert changes_reconcile() == []
