"""The claim review queue and claim form: verdicts, sources, corrections, pledges, filters."""

import datetime as dt
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.html import escape

from articles.models import Claim, ClaimKind, CorrectionNote, VerificationStatus
from tests.admin_forms import submit
from tests.factories import (
    ArticleFactory,
    ClaimAppearanceFactory,
    ClaimFactory,
    ClaimSourceFactory,
    FigureClaimFactory,
    PersonFactory,
    PublishedArticleFactory,
    SourceFactory,
    editor,
    fact_checker,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:articles_claim_changelist"


def _change_url(claim) -> str:
    return reverse("admin:articles_claim_change", args=[claim.pk])


def _act(client, action, claims):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, ACTION_CHECKBOX_NAME: [c.pk for c in claims]},
        follow=True,
    )


def _texts(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def _listed(client, **params) -> set[int]:
    return {c.pk for c in client.get(reverse(CHANGELIST), params).context["cl"].result_list}


def test_bulk_verify_records_who_and_refuses_unsourced_claims(client):
    """Sourced claims are verified by the checker; an unsourced one is named and left alone."""
    sourced = ClaimSourceFactory().claim
    unsourced = ClaimFactory()
    checker = fact_checker()
    client.force_login(checker)
    response = _act(client, "mark_verified", [sourced, unsourced])
    text = _texts(response)
    assert "1 claim marked verified." in text
    assert f"Claim #{unsourced.pk} has no source, so it cannot be verified." in text
    sourced.refresh_from_db()
    assert (sourced.status, sourced.status_changed_by) == ("verified", checker)
    assert sourced.status_changed_at is not None
    assert Claim.objects.get(pk=unsourced.pk).status == VerificationStatus.UNVERIFIED


@pytest.mark.parametrize(
    ("action", "status"), [("mark_disputed", "disputed"), ("mark_false", "false")]
)
def test_bulk_disputed_and_false(client, action, status):
    """The other verdict actions apply to every selected claim."""
    claims = [ClaimFactory(), ClaimFactory()]
    client.force_login(fact_checker())
    _act(client, action, claims)
    assert set(Claim.objects.values_list("status", flat=True)) == {status}


def test_bulk_overturning_a_published_verdict_asks_for_a_correction(client):
    """A verdict readers saw is not changed in bulk: the message says to open the claim."""
    claim = ClaimSourceFactory(claim__status="verified").claim
    ClaimAppearanceFactory(claim=claim, article=PublishedArticleFactory())
    client.force_login(editor())
    text = _texts(_act(client, "mark_false", [claim]))
    assert f"Claim #{claim.pk} is in a published article" in text
    assert Claim.objects.get(pk=claim.pk).status == VerificationStatus.VERIFIED
    assert not CorrectionNote.objects.exists()


def test_verifying_without_a_source_in_the_form_is_refused_in_the_form(client):
    """The form explains that a verified claim needs a source; nothing changes."""
    claim = ClaimFactory()
    client.force_login(fact_checker())
    response = submit(client, _change_url(claim), "claim_form", status="verified")
    assert response.status_code == HTTPStatus.OK
    assert "A verified claim needs a source" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).status == VerificationStatus.UNVERIFIED


def test_editor_adds_a_source_and_verifies_in_one_save(client):
    """Adding the source inline and choosing “verified” together works."""
    claim = ClaimFactory()
    source = SourceFactory()
    user = editor()
    client.force_login(user)
    response = submit(
        client,
        _change_url(claim),
        "claim_form",
        status="verified",
        **{"claim_sources-TOTAL_FORMS": "1", "claim_sources-0-source": str(source.pk)},
    )
    assert response.status_code == HTTPStatus.FOUND
    claim.refresh_from_db()
    assert (claim.status, claim.status_changed_by) == ("verified", user)
    assert list(claim.sources.all()) == [source]


def test_changing_a_published_figure_needs_a_correction(client):
    """Without a note the form refuses; with one the figure changes and readers get the note."""
    claim = FigureClaimFactory(text="They invested $5 billion.")
    article = PublishedArticleFactory()
    ClaimAppearanceFactory(claim=claim, article=article, passage=claim.text)
    client.force_login(editor())
    refused = submit(client, _change_url(claim), "claim_form", amount="4000000000")
    assert refused.status_code == HTTPStatus.OK
    assert "changing its figure needs a correction note" in refused.content.decode()
    assert Claim.objects.get(pk=claim.pk).amount == Decimal("5000000000")
    saved = submit(
        client,
        _change_url(claim),
        "claim_form",
        amount="4000000000",
        correction="An earlier version said $5bn; it was $4bn.",
    )
    assert saved.status_code == HTTPStatus.FOUND
    assert Claim.objects.get(pk=claim.pk).amount == Decimal("4000000000")
    note = CorrectionNote.objects.get()
    assert (note.article, note.text) == (article, "An earlier version said $5bn; it was $4bn.")


def test_changing_figure_and_verdict_together_adds_one_correction(client):
    """One save, one note per article, however many things it corrects."""
    claim = ClaimSourceFactory(claim=FigureClaimFactory(status="verified")).claim
    ClaimAppearanceFactory(claim=claim, article=PublishedArticleFactory())
    client.force_login(editor())
    response = submit(
        client,
        _change_url(claim),
        "claim_form",
        amount="4000000000",
        status="disputed",
        correction="Figure and verdict revised.",
    )
    assert response.status_code == HTTPStatus.FOUND
    claim.refresh_from_db()
    assert (claim.amount, claim.status) == (Decimal("4000000000"), "disputed")
    assert CorrectionNote.objects.count() == 1


def test_draft_claim_figure_changes_need_no_correction(client):
    """Nobody has read a draft: its figures change freely."""
    claim = FigureClaimFactory()
    ClaimAppearanceFactory(claim=claim, article=ArticleFactory())
    client.force_login(editor())
    assert submit(client, _change_url(claim), "claim_form", amount="7").status_code == 302
    assert not CorrectionNote.objects.exists()


def test_pledges_show_target_date_and_pledge_status(client):
    """The queue lists a pledge's target (at its precision) and its pledge status."""
    ClaimFactory(
        kind=ClaimKind.PLEDGE,
        text="35,000 GPUs by 2027.",
        amount=Decimal("35000"),
        unit="GPU",
        figure_date=dt.date(2027, 1, 1),
        figure_date_precision="year",
        pledge_status="pending",
    )
    client.force_login(fact_checker())
    page = client.get(reverse(CHANGELIST), {"kind__exact": "pledge"}).content.decode()
    assert '<td class="field-target_date">2027</td>' in page
    assert '<td class="field-pledge_status">Pending</td>' in page
    assert "35,000 GPU" in page


def test_queue_filters_by_status_article_entity_speaker_and_kind(client):
    """Each filter narrows the queue to the matching claims."""
    speaker, subject = PersonFactory(), PersonFactory()
    article = ArticleFactory()
    spoken = ClaimFactory(speaker=speaker, kind=ClaimKind.STATEMENT)
    about = ClaimFactory(status="disputed")
    about.subjects.add(subject)
    in_article = ClaimAppearanceFactory(article=article).claim
    client.force_login(fact_checker())
    assert _listed(client, status__exact="disputed") == {about.pk}
    assert _listed(client, article=article.pk) == {in_article.pk}
    assert _listed(client, entity=subject.pk) == {about.pk}
    assert _listed(client, entity=speaker.pk) == {spoken.pk}
    assert _listed(client, speaker__id__exact=speaker.pk) == {spoken.pk}
    assert _listed(client, kind__exact="statement") == {spoken.pk}


def test_queue_filters_are_search_boxes_not_one_link_per_article_or_entity(
    client, django_assert_num_queries
):
    """However many articles and entities there are, the sidebar offers a search box for each;
    the chosen one is shown by name, read in one query per chosen filter."""
    articles = [ClaimAppearanceFactory(article=ArticleFactory()).article for _ in range(12)]
    speaker = PersonFactory(name="Chey Tae-won")
    ClaimFactory(speaker=speaker)
    client.force_login(fact_checker())
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert not any(f"?article={article.pk}" in page for article in articles)
    assert f"?entity={speaker.pk}" not in page
    client.get(reverse(CHANGELIST), {"entity": speaker.pk})  # warm the session, as a browser has
    with django_assert_num_queries(9):  # the unfiltered list's 7, then one name per chosen filter
        filtered = client.get(
            reverse(CHANGELIST), {"entity": speaker.pk, "article": articles[0].pk}
        )
    html = filtered.content.decode()
    assert f'<option value="{speaker.pk}" selected>Chey Tae-won</option>' in html
    assert f'<option value="{articles[0].pk}" selected>{escape(articles[0].title)}</option>' in html


@pytest.mark.parametrize("param", ["article", "entity", "speaker__id__exact"])
def test_a_malformed_filter_value_reloads_the_queue_with_the_admins_error_flag(client, param):
    client.force_login(fact_checker())
    response = client.get(reverse(CHANGELIST), {param: "abc"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].endswith("?e=1")


def test_queue_search_matches_every_word_in_the_text_or_the_speakers_name(
    client, django_assert_num_queries
):
    chey = PersonFactory(name="Chey Tae-won")
    by_chey = ClaimFactory(speaker=chey, text="SK will build an AI data centre in Ulsan.")
    about_ulsan = ClaimFactory(text="Ulsan's port handled record volumes.")
    unrelated = ClaimFactory(text="Tariffs were discussed at length.")
    client.force_login(fact_checker())
    assert _listed(client, q="ulsan") == {by_chey.pk, about_ulsan.pk}
    assert _listed(client, q="chey") == {by_chey.pk}
    assert _listed(client, q="ulsan chey") == {by_chey.pk}
    assert _listed(client, q='"data centre"') == {by_chey.pk}
    assert _listed(client, q="ulsan tariffs") == set()
    assert _listed(client, q="tariffs") == {unrelated.pk}
    with django_assert_num_queries(9):  # one speaker lookup per word beside the list's own
        client.get(reverse(CHANGELIST), {"q": "ulsan chey"})
