"""An entity's old address (before a rename, or a duplicate merged into it) still leads
readers to its page: a permanent redirect, not a 404."""

from http import HTTPStatus

import pytest

from articles.backup import coverage_export
from articles.services import entity_merge
from entities.models import EntityRedirect
from tests.factories import EntityFactory, PersonFactory, editor

pytestmark = pytest.mark.django_db


def test_a_merged_duplicates_address_leads_to_the_kept_page(client, summit):
    drop = PersonFactory(name="Tae-won Chey", slug="tae-won-chey")
    summit.article.mentions.add(drop)  # a public page readers may have linked to
    entity_merge(keep=summit.chey, drop=drop, by=editor())
    response = client.get("/entities/tae-won-chey/?page=2")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == f"{summit.chey.get_absolute_url()}?page=2"


def test_merging_again_sends_every_old_address_to_the_last_page(client, summit):
    """A chain of merges ends in one hop: the first duplicate's address follows the second."""
    first = PersonFactory(name="T. Chey", slug="t-chey")
    middle = PersonFactory(name="Tae-won Chey", slug="tae-won-chey")
    summit.article.mentions.add(first, middle)
    entity_merge(keep=middle, drop=first, by=editor())
    entity_merge(keep=summit.chey, drop=middle, by=editor())
    for old in ("t-chey", "tae-won-chey"):
        response = client.get(f"/entities/{old}/")
        assert response["Location"] == summit.chey.get_absolute_url()


def test_a_renamed_entitys_old_slug_redirects(client, summit):
    old_url = summit.chey.get_absolute_url()
    summit.chey.slug = "chey-taewon"
    summit.chey.save()
    response = client.get(old_url)
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "/entities/chey-taewon/"
    assert client.get(response["Location"]).status_code == HTTPStatus.OK


def test_renaming_back_serves_the_page_again_and_forgets_the_detour(client, summit):
    original = summit.chey.slug
    summit.chey.slug = "chey-taewon"
    summit.chey.save()
    summit.chey.slug = original
    summit.chey.save()
    assert client.get(f"/entities/{original}/").status_code == HTTPStatus.OK
    assert list(EntityRedirect.objects.values_list("old_slug", flat=True)) == ["chey-taewon"]


def test_a_new_entity_takes_over_an_old_address(client, summit):
    """The address belongs to whichever entity has the slug now, not to the old redirect."""
    old_slug = summit.chey.slug
    summit.chey.slug = "chey-taewon"
    summit.chey.save()
    EntityFactory(name="Someone else", slug=old_slug)
    assert not EntityRedirect.objects.filter(old_slug=old_slug).exists()


def test_an_old_address_of_an_entity_readers_cannot_see_is_404(client, db):
    hidden = EntityFactory(name="Unpublished Co", slug="unpublished-co")  # in no published coverage
    hidden.slug = "unpublished-company"
    hidden.save()
    assert client.get("/entities/unpublished-co/").status_code == HTTPStatus.NOT_FOUND
    assert not EntityRedirect.objects.exists()


def test_a_duplicate_readers_never_saw_leaves_no_address(client, summit):
    """Merging a duplicate known only from drafts must not reveal its slug by a redirect."""
    drop = PersonFactory(name="Tae-won Chey", slug="tae-won-chey")  # in no published coverage
    entity_merge(keep=summit.chey, drop=drop, by=editor())
    assert client.get("/entities/tae-won-chey/").status_code == HTTPStatus.NOT_FOUND


def test_old_addresses_are_in_the_backup(summit):
    old_slug = summit.chey.slug
    summit.chey.slug = "chey-taewon"
    summit.chey.save()
    rows = coverage_export()["models"]["entities.EntityRedirect"]
    assert [(row["fields"]["old_slug"], row["fields"]["entity"]) for row in rows] == [
        (old_slug, summit.chey.pk)
    ]
