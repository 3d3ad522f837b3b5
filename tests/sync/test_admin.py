"""Editors see endpoints, deliveries and every attempt in the admin, and can re-send."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

import pytest
from django.utils import timezone

from sync.models import ChangeEvent, WebhookDelivery, WebhookEndpoint
from tests.factories import UserFactory, WebhookEndpointFactory, reporter

from .conftest import article_with_claim

pytestmark = pytest.mark.django_db
DELIVERIES = "/admin/sync/webhookdelivery/"


@pytest.fixture
def editor_client(client, an_editor):
    client.force_login(an_editor)
    return client


def publish(commit, editor, times=1):
    from articles.services import article_publish

    for _ in range(times):
        with commit():
            article, _claim, _source = article_with_claim()
        with commit():
            article_publish(article=article, by=editor)


def test_delivery_page_shows_each_attempt_and_the_answer(
    editor_client, receiver, commit, an_editor
):
    """A failed then retried delivery lists both attempts with status codes and bodies."""
    receiver.statuses = [502]
    WebhookEndpointFactory(url=receiver.url, events=["article.published"])
    publish(commit, an_editor)
    delivery = WebhookDelivery.objects.get()
    page = editor_client.get(f"{DELIVERIES}{delivery.pk}/change/")
    assert page.status_code == HTTPStatus.OK
    assert b"502" in page.content
    assert b"try again later" in page.content


def test_resend_action_sends_again(
    editor_client, receiver, commit, an_editor, django_capture_on_commit_callbacks
):
    """The “Re-send selected deliveries” action posts the payload again."""
    WebhookEndpointFactory(url=receiver.url, events=["article.published"])
    publish(commit, an_editor)
    original = WebhookDelivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            DELIVERIES, {"action": "resend", "_selected_action": [original.pk]}
        )
    assert response.status_code == HTTPStatus.FOUND
    copy = WebhookDelivery.objects.exclude(pk=original.pk).get()
    assert (copy.resend_of, copy.status) == (original, "succeeded")
    assert len(receiver.requests) == 2


def test_reporters_cannot_see_webhook_deliveries(client):
    """Webhook administration is an editor's job: reporters get 403."""
    client.force_login(reporter())
    assert client.get(DELIVERIES).status_code == HTTPStatus.FORBIDDEN


def test_editor_registers_an_endpoint_for_a_client(editor_client, settings):
    """The add form takes URL and event checkboxes; an ftp URL is refused with a message."""
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    client_account = UserFactory(is_staff=False)
    form = {"owner": client_account.pk, "events": ["claim.updated"], "active": "on"}
    refused = editor_client.post(
        "/admin/sync/webhookendpoint/add/", {**form, "url": "ftp://mirror.example.org/"}
    )
    assert refused.status_code == HTTPStatus.OK
    assert "Use an http:// or https:// URL" in refused.content.decode()
    response = editor_client.post(
        "/admin/sync/webhookendpoint/add/", {**form, "url": "https://mirror.example.org/in"}
    )
    assert response.status_code == HTTPStatus.FOUND
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.owner, endpoint.events) == (client_account, ["claim.updated"])


@pytest.mark.parametrize("articles", [1, 5])
def test_delivery_changelist_query_count_is_fixed(
    editor_client, commit, an_editor, django_assert_num_queries, articles
):
    """The deliveries list costs the same queries for 1 or 5 deliveries."""
    WebhookEndpointFactory(url="http://127.0.0.1:9/", events=["article.published"])
    publish(commit, an_editor, times=articles)
    with django_assert_num_queries(10):
        response = editor_client.get(DELIVERIES)
    assert response.status_code == HTTPStatus.OK
    assert response.context["cl"].result_count == articles


CHANGE_EVENTS = "/admin/sync/changeevent/"


def _event(kind: str, object_id: int, days_ago: int) -> ChangeEvent:
    return ChangeEvent.objects.create(
        kind=kind,
        object_id=object_id,
        action="deleted",
        occurred_at=timezone.now() - dt.timedelta(days=days_ago),
    )


@pytest.mark.parametrize("events", [2, 12])
def test_change_log_lists_newest_first_at_a_fixed_query_count(
    editor_client, django_assert_num_queries, events
):
    """The log only grows: the list reads the page and one count, whatever its length."""
    made = [_event("claim", n, days_ago=events - n) for n in range(events)]
    editor_client.get(CHANGE_EVENTS)  # the session and content types, as a running site has
    with django_assert_num_queries(6):
        response = editor_client.get(CHANGE_EVENTS)
    listed = [event.pk for event in response.context["cl"].result_list]
    assert listed == [event.pk for event in reversed(made)]


def test_change_log_filters_by_recent_dates(editor_client):
    recent, old = _event("article", 1, days_ago=2), _event("article", 2, days_ago=40)
    week = editor_client.get(CHANGE_EVENTS).context["cl"]
    past_7_days = next(
        choice
        for spec in week.filter_specs
        for choice in spec.choices(week)
        if choice["display"] == "Past 7 days"
    )
    response = editor_client.get(CHANGE_EVENTS + past_7_days["query_string"])
    assert [event.pk for event in response.context["cl"].result_list] == [recent.pk]
    assert old.pk not in [event.pk for event in response.context["cl"].result_list]
