"""Merging duplicate entities moves every link to the kept one and leaves nothing dangling."""

from http import HTTPStatus

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from articles.models import Article, Claim
from articles.services import entity_merge
from entities.models import Entity, EntityAlias, EntityKind, EntityRelation, RelationKind
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EntityAliasFactory,
    EntityFactory,
    EntityRelationFactory,
    EventFactory,
    PersonFactory,
    editor,
    fact_checker,
    reporter,
)

pytestmark = pytest.mark.django_db


def _links_to(entity_pk: int) -> dict[str, int]:
    """Rows anywhere (bar history) still pointing at ``entity_pk``, by relation."""
    found = {}
    for rel in Entity._meta.related_objects:
        if rel.many_to_many:
            through = rel.field.remote_field.through
            count = through.objects.filter(**{rel.field.m2m_reverse_field_name(): entity_pk})
        else:
            count = rel.related_model._default_manager.filter(**{rel.field.name: entity_pk})
        found[rel.get_accessor_name()] = count.count()
    return {name: n for name, n in found.items() if n}


@pytest.fixture
def duplicates():
    keep = PersonFactory(name="Chey Tae-won", slug="chey-tae-won")
    drop = PersonFactory(name="Tae-won Chey", slug="tae-won-chey", description="SK chairman")
    return keep, drop


def test_merge_moves_claims_articles_relations_and_aliases(duplicates):
    """Speaker, subjects, events, mentions, both relation directions and aliases all move."""
    keep, drop = duplicates
    spoken = ClaimFactory(speaker=drop)
    about_both = ClaimFactory()
    about_both.subjects.add(keep, drop)
    about_drop = ClaimFactory()
    about_drop.subjects.add(drop)
    mentioning = ArticleFactory()
    mentioning.mentions.add(drop, keep)
    group = EntityFactory(name="SK Group")
    EntityRelationFactory(subject=drop, kind=RelationKind.CHAIRMAN_OF, object=group)
    EntityRelationFactory(subject=keep, kind=RelationKind.CHAIRMAN_OF, object=group)
    EntityRelationFactory(subject=group, kind=RelationKind.PARTNER_OF, object=drop)
    EntityRelationFactory(subject=drop, kind=RelationKind.PARTNER_OF, object=keep)
    EntityAliasFactory(entity=drop, name="최태원")
    EntityAliasFactory(entity=drop, name="Chey Tae-won")  # same as keep's name

    entity_merge(keep=keep, drop=drop, by=editor())

    assert not Entity.objects.filter(pk=drop.pk).exists()
    assert _links_to(drop.pk) == {}
    assert Claim.objects.get(pk=spoken.pk).speaker == keep
    assert list(about_both.subjects.all()) == [keep]
    assert list(about_drop.subjects.all()) == [keep]
    assert list(mentioning.mentions.all()) == [keep]
    relations = set(EntityRelation.objects.values_list("subject__name", "kind", "object__name"))
    assert relations == {
        ("Chey Tae-won", "chairman_of", "SK Group"),
        ("SK Group", "partner_of", "Chey Tae-won"),
    }
    assert set(keep.aliases.values_list("name", flat=True)) == {"최태원", "Tae-won Chey"}
    keep.refresh_from_db()
    assert keep.description == "SK chairman"


def test_merge_moves_the_event_of_articles():
    """Articles covering the dropped event now cover the kept one."""
    keep, drop = EventFactory(), EventFactory()
    article = ArticleFactory(event=drop)
    entity_merge(keep=keep, drop=drop, by=editor())
    assert Article.objects.get(pk=article.pk).event == keep


def test_merge_keeps_history_of_moved_claims():
    """The speaker change is in the claim's history, attributed to the editor."""
    keep, drop = PersonFactory(), PersonFactory()
    claim = ClaimFactory(speaker=drop)
    chief = editor()
    entity_merge(keep=keep, drop=drop, by=chief)
    latest = claim.history.first()
    assert (latest.speaker_id, latest.history_user) == (keep.pk, chief)


def test_merge_takes_over_a_wikidata_id():
    """The kept entity inherits the duplicate's Wikidata ID when it had none."""
    keep, drop = EntityFactory(), EntityFactory(wikidata_id="Q483634")
    entity_merge(keep=keep, drop=drop, by=editor())
    keep.refresh_from_db()
    assert keep.wikidata_id == "Q483634"


def test_different_wikidata_items_are_not_merged():
    """Two Wikidata items are two things: refused, nothing changed."""
    keep, drop = EntityFactory(wikidata_id="Q1"), EntityFactory(wikidata_id="Q2")
    with pytest.raises(ValidationError, match="different Wikidata items"):
        entity_merge(keep=keep, drop=drop, by=editor())
    assert Entity.objects.filter(pk=drop.pk).exists()


def test_different_kinds_are_refused():
    """A person and an organisation are not merged without fixing the kind first."""
    keep, drop = PersonFactory(), EntityFactory(kind=EntityKind.ORGANIZATION)
    with pytest.raises(ValidationError, match="correct the kind first"):
        entity_merge(keep=keep, drop=drop, by=editor())


def test_merging_an_entity_into_itself_is_refused():
    entity = EntityFactory()
    with pytest.raises(ValidationError):
        entity_merge(keep=entity, drop=entity, by=editor())


@pytest.mark.parametrize("make_user", [reporter, fact_checker])
def test_only_editors_merge(make_user):
    """Merging is editors' work."""
    keep, drop = EntityFactory(), EntityFactory()
    with pytest.raises(PermissionDenied):
        entity_merge(keep=keep, drop=drop, by=make_user())
    assert Entity.objects.count() == 2


def test_admin_merge_asks_which_to_keep_then_merges(client, duplicates):
    """The action shows a confirmation listing both, then merges into the chosen one."""
    keep, drop = duplicates
    claim = ClaimFactory(speaker=drop)
    client.force_login(editor())
    changelist = reverse("admin:entities_entity_changelist")
    selected = {"action": "merge_duplicates", ACTION_CHECKBOX_NAME: [keep.pk, drop.pk]}
    confirm = client.post(changelist, selected)
    assert confirm.status_code == HTTPStatus.OK
    assert "Choose the entity to keep" in confirm.content.decode()
    assert Entity.objects.count() == 2
    done = client.post(changelist, {**selected, "keep": keep.pk, "apply": "1"}, follow=True)
    assert "Merged “Tae-won Chey” into “Chey Tae-won”" in done.content.decode()
    assert Claim.objects.get(pk=claim.pk).speaker == keep
    assert EntityAlias.objects.filter(entity=keep, name="Tae-won Chey").exists()


def test_admin_merge_refusal_is_a_message(client):
    """A refused merge is explained on the list page."""
    keep, drop = PersonFactory(), EntityFactory()
    client.force_login(editor())
    response = client.post(
        reverse("admin:entities_entity_changelist"),
        {
            "action": "merge_duplicates",
            ACTION_CHECKBOX_NAME: [keep.pk, drop.pk],
            "keep": keep.pk,
            "apply": "1",
        },
        follow=True,
    )
    assert "correct the kind first" in response.content.decode()
    assert Entity.objects.count() == 2


@pytest.mark.parametrize("make_user", [reporter, fact_checker])
def test_merge_action_is_not_offered_or_accepted_for_other_roles(client, make_user):
    """Non-editors do not see the action, and posting it does nothing."""
    keep, drop = EntityFactory(), EntityFactory()
    client.force_login(make_user())
    changelist = reverse("admin:entities_entity_changelist")
    assert "merge_duplicates" not in client.get(changelist).content.decode()
    client.post(
        changelist,
        {
            "action": "merge_duplicates",
            ACTION_CHECKBOX_NAME: [keep.pk, drop.pk],
            "keep": keep.pk,
            "apply": "1",
        },
    )
    assert Entity.objects.count() == 2


def test_needs_review_filter_and_mark_reviewed(client):
    """Importer-flagged entities can be listed and cleared."""
    flagged = EntityFactory(needs_review=True)
    EntityFactory()
    client.force_login(reporter())
    changelist = reverse("admin:entities_entity_changelist")
    listed = client.get(changelist, {"needs_review__exact": "1"}).context["cl"].result_list
    assert [e.pk for e in listed] == [flagged.pk]
    client.post(changelist, {"action": "mark_reviewed", ACTION_CHECKBOX_NAME: [flagged.pk]})
    assert not Entity.objects.get(pk=flagged.pk).needs_review


def test_entity_form_has_aliases_and_relations_both_ways(client):
    """Aliases, relations as subject and as object are edited on the entity page."""
    entity = EntityFactory()
    client.force_login(reporter())
    page = client.get(reverse("admin:entities_entity_change", args=[entity.pk])).content.decode()
    for prefix in ("aliases-TOTAL_FORMS", "relations-TOTAL_FORMS", "inverse_relations-TOTAL"):
        assert prefix in page
