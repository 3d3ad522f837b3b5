"""Nothing is lost: an export restores into an empty database identically, or not at all."""

import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from articles.backup import MODELS, coverage_export
from articles.models import Article, Claim, CorrectionNote, Source, VerificationStatus
from articles.services import article_publish, claim_set_status
from entities.models import Entity, EntityAlias, EntityRedirect, EntityRelation
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimAppearanceFactory,
    ClaimSourceFactory,
    EntityAliasFactory,
    EntityRelationFactory,
    EventFactory,
    FigureClaimFactory,
    PersonFactory,
    editor,
    fact_checker,
)

pytestmark = pytest.mark.django_db


def _coverage():
    event = EventFactory(name="APEC CEO Summit 2025", wikidata_id="Q123")
    speaker = PersonFactory(name="Chey Tae-won")
    EntityAliasFactory(entity=speaker, name="최태원", language="ko")
    EntityRelationFactory(subject=speaker)
    article = ArticleFactory(body="AWS invests $5 billion.[1]", event=event)
    article.mentions.add(speaker)
    citation = CitationFactory(article=article, number=1)
    claim = FigureClaimFactory(text="AWS invests $5 billion.", speaker=speaker)
    claim.subjects.add(event)
    ClaimSourceFactory(claim=claim, source=citation.source)
    ClaimAppearanceFactory(claim=claim, article=article, passage="AWS invests $5 billion.[1]")
    checker = fact_checker(username="checker")
    claim_set_status(claim=claim, status=VerificationStatus.VERIFIED, by=checker)
    article_publish(article=article, by=editor(username="chief"))
    CorrectionNote.objects.create(article=article, text="An earlier version said $4bn.")
    speaker.slug = "chey-taewon"  # the old address is kept as a redirect
    speaker.save()


def _snapshot():
    rows = coverage_export()["models"]
    return json.loads(json.dumps(rows, default=str))


def _wipe():
    """Empty the database of coverage; deleting records history, so history goes last."""
    history = [label for label in MODELS if ".Historical" in label]
    for label in [*reversed([m for m in MODELS if m not in history]), *history]:
        apps.get_model(label)._default_manager.all().delete()


def test_round_trip_restores_everything_identically(tmp_path):
    _coverage()
    before = _snapshot()
    path = tmp_path / "coverage.json"
    call_command("export_coverage", str(path))
    _wipe()
    assert not Claim.objects.exists()
    call_command("import_coverage", str(path))
    assert _snapshot() == before
    claim = Claim.objects.get()
    assert claim.amount == Decimal("5000000000")
    assert claim.status_changed_by.username == "checker"
    assert Article.objects.published().get().mentions.get().name == "Chey Tae-won"
    assert claim.history.count() == before["articles.HistoricalClaim"].__len__()
    assert EntityAlias.objects.get().name == "최태원"
    assert EntityRelation.objects.count() == 1
    assert EntityRedirect.objects.get().entity.slug == "chey-taewon"


def test_an_export_from_before_entity_redirects_restores(tmp_path):
    """Exports written before old entity addresses were kept lack them: they restore without."""
    _coverage()
    document = coverage_export()
    del document["models"]["entities.EntityRedirect"]
    path = tmp_path / "older.json"
    path.write_text(json.dumps(document, default=str), encoding="utf-8")
    _wipe()
    call_command("import_coverage", str(path))
    assert Claim.objects.count() == 1
    assert not EntityRedirect.objects.exists()


def test_restored_sequences_continue_after_the_restored_ids(tmp_path):
    _coverage()
    path = tmp_path / "coverage.json"
    call_command("export_coverage", str(path))
    highest = Source.objects.order_by("-pk").first().pk
    _wipe()
    call_command("import_coverage", str(path))
    assert Source.objects.create(url="https://example.org/new", title="New").pk > highest


def test_import_into_a_database_with_coverage_is_refused(tmp_path):
    _coverage()
    path = tmp_path / "coverage.json"
    call_command("export_coverage", str(path))
    with pytest.raises(CommandError, match="already holds coverage"):
        call_command("import_coverage", str(path))


def test_an_import_interrupted_midway_leaves_nothing(tmp_path, monkeypatch):
    _coverage()
    path = tmp_path / "coverage.json"
    call_command("export_coverage", str(path))
    _wipe()
    document = json.loads(path.read_text())
    document["models"]["articles.ClaimAppearance"][0]["fields"]["article"] = 999999
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_coverage", str(path))
    assert not Entity.objects.exists()
    assert not Article.objects.exists()
    assert not Source.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01binary", "not JSON"),
        (b"[1, 2]", "not a Summit Coverage export"),
        (b'{"format": "summit-coverage-export", "version": 99, "models": {}}', "version 99"),
    ],
)
def test_bad_files_get_a_clear_message(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_coverage", str(path))
