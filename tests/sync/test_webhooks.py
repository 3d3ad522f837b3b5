"""Webhook deliveries: signed, after commit, retried with backoff, never for drafts or rollbacks."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from http.server import HTTPServer
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from articles.models import VerificationStatus
from articles.roles import EDITOR, ROLE_PERMISSIONS
from articles.services import article_publish, claim_set_status
from sync.models import DeliveryStatus, WebhookDelivery
from sync.services import webhook_deliveries_resend, webhook_deliveries_send_due
from sync.signing import sign, verify
from sync.validators import validate_webhook_url
from tests.factories import UserFactory, WebhookEndpointFactory

from .conftest import article_with_claim

pytestmark = pytest.mark.django_db
README = Path(__file__).resolve().parents[2] / "README.md"


def subscribed_to_all(url: str, **kwargs):
    from sync.models import EVENT_TYPES

    return WebhookEndpointFactory(url=url, events=list(EVENT_TYPES), **kwargs)


def publish_one(commit, editor):
    with commit():
        article, claim, _source = article_with_claim()
    with commit():
        article_publish(article=article, by=editor)
    return article, claim


def test_signature_verifies_only_the_exact_body_secret_and_a_fresh_time():
    """A signature checks out for its body, secret and recent timestamp, and for nothing else."""
    body, now = b'{"event":"claim.updated"}', time.time()
    signature = sign("s3cret", int(now), body)
    assert signature.startswith("sha256=")
    assert verify("s3cret", str(int(now)), body, signature, now=now)
    assert not verify("s3cret", str(int(now)), body + b" ", signature, now=now)
    assert not verify("other", str(int(now)), body, signature, now=now)
    assert not verify("s3cret", str(int(now) + 1), body, signature, now=now)
    assert not verify("s3cret", str(int(now)), body, signature, now=now + 301)
    assert not verify("s3cret", "yesterday", body, signature, now=now)


def readme_receiver() -> dict:
    """The example receiver from the README, loaded as a module (not started)."""
    block = re.search(r"A receiver that verifies.*?```python\n(.*?)```", README.read_text(), re.S)
    namespace = {"__name__": "readme_receiver"}
    exec(compile(block.group(1), "README receiver", "exec"), namespace)
    return namespace


@pytest.fixture
def readme_server(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    receiver = readme_receiver()
    server = HTTPServer(("127.0.0.1", 0), receiver["Receiver"])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield receiver, f"http://127.0.0.1:{server.server_port}/summit"
    server.shutdown()
    server.server_close()


def test_readme_receiver_accepts_our_deliveries_and_rejects_forged_ones(
    readme_server, commit, an_editor, capsys
):
    """The README's receiver verifies a real delivery (204) and refuses a wrong secret (401)."""
    receiver, url = readme_server
    endpoint = WebhookEndpointFactory(url=url, events=["article.published"])
    receiver["SECRET"] = endpoint.secret
    article, _claim = publish_one(commit, an_editor)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert (delivery.status, delivery.last_response_code) == (DeliveryStatus.SUCCEEDED, 204)
    assert f"article.published article {article.pk}" in capsys.readouterr().out

    receiver["SECRET"] = "not-the-endpoint-secret"
    publish_one(commit, an_editor)
    forged = WebhookDelivery.objects.filter(endpoint=endpoint).latest("id")
    assert (forged.status, forged.last_response_code) == (DeliveryStatus.PENDING, 401)


def test_delivery_body_and_headers(receiver, commit, an_editor):
    """The body carries the event, change id, current and previous state; headers sign it."""
    endpoint = WebhookEndpointFactory(url=receiver.url, events=["claim.status_changed"])
    _article, claim = publish_one(commit, an_editor)
    assert receiver.requests == []  # not subscribed to what publishing fires
    with commit():
        claim_set_status(claim=claim, status=VerificationStatus.VERIFIED, by=an_editor)
    (request,) = receiver.requests
    body = json.loads(request.body)
    assert body["event"] == "claim.status_changed"
    assert (body["kind"], body["object_id"]) == ("claim", claim.pk)
    assert (body["previous"]["status"], body["data"]["status"]) == ("unverified", "verified")
    assert body["page_url"].endswith(claim.get_absolute_url())
    headers = request.headers
    assert headers["X-Summit-Event"] == "claim.status_changed"
    assert headers["X-Summit-Delivery"] == str(WebhookDelivery.objects.get().pk)
    assert verify(
        endpoint.secret, headers["X-Summit-Timestamp"], request.body, headers["X-Summit-Signature"]
    )


def test_failed_delivery_is_retried_with_exponential_backoff(receiver, commit, an_editor, settings):
    """500, then 503, then 200: three logged attempts, waiting 1 then 2 minutes between them."""
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 60
    receiver.statuses = [500, 503]
    WebhookEndpointFactory(url=receiver.url, events=["article.published"])
    publish_one(commit, an_editor)
    delivery = WebhookDelivery.objects.get()
    first = delivery.attempt_log.get().started_at
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert delivery.next_attempt_at == first + dt.timedelta(seconds=60)
    queued = [t for t in HUEY.scheduled() if t.args == (delivery.pk,)]
    assert [t.eta for t in queued] == [delivery.next_attempt_at.replace(tzinfo=None)]

    assert webhook_deliveries_send_due(now=first + dt.timedelta(seconds=59)) == 0
    assert webhook_deliveries_send_due(now=first + dt.timedelta(seconds=60)) == 1
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == first + dt.timedelta(seconds=60 + 120)
    webhook_deliveries_send_due(now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    log = list(delivery.attempt_log.values_list("number", "response_code"))
    assert log == [(1, 500), (2, 503), (3, 200)]
    assert len(receiver.requests) == 3
    assert len({r.body for r in receiver.requests}) == 1  # the same payload each time


def test_delivery_gives_up_after_the_last_attempt(receiver, commit, an_editor, settings):
    """A receiver that keeps failing gets WEBHOOKS_MAX_ATTEMPTS tries, then the delivery fails."""
    settings.WEBHOOKS_MAX_ATTEMPTS = 2
    receiver.statuses = [500, 500, 500]
    WebhookEndpointFactory(url=receiver.url, events=["article.published"])
    publish_one(commit, an_editor)
    delivery = WebhookDelivery.objects.get()
    webhook_deliveries_send_due(now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 2, None)
    assert webhook_deliveries_send_due(now=timezone.now() + dt.timedelta(days=1)) == 0


def test_unreachable_receiver_is_logged_and_retried(commit, an_editor, settings):
    """No one listening is a logged error and a retry, not a crash."""
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    WebhookEndpointFactory(url="http://127.0.0.1:9/nobody", events=["article.published"])
    publish_one(commit, an_editor)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_response_code is None
    assert delivery.attempt_log.get().error


def test_no_deliveries_for_drafts(receiver, commit):
    """Drafts, however edited, fire nothing even for an endpoint subscribed to everything."""
    subscribed_to_all(receiver.url)
    with commit():
        article, claim, _source = article_with_claim()
    with commit():
        article.title = "Draft retitled"
        article.save()
        claim.text = "Draft claim reworded."
        claim.save()
    assert WebhookDelivery.objects.count() == 0
    assert receiver.requests == []


def test_scheduled_publication_fires_when_it_becomes_visible(receiver, commit, an_editor, clock):
    """A scheduled article fires article.published only once its time has passed."""
    WebhookEndpointFactory(url=receiver.url, events=["article.published"])
    with commit():
        article, _claim, _source = article_with_claim()
    with commit():
        article_publish(article=article, by=an_editor, at=clock.now + dt.timedelta(hours=1))
    assert receiver.requests == []
    clock.advance(hours=1, seconds=1)
    with commit():
        from sync.services import changes_publish_due

        changes_publish_due()
    (request,) = receiver.requests
    assert json.loads(request.body)["object_id"] == article.pk


def test_inactive_endpoints_receive_nothing(receiver, commit, an_editor):
    """Switching an endpoint off stops new deliveries to it."""
    subscribed_to_all(receiver.url, active=False)
    publish_one(commit, an_editor)
    assert WebhookDelivery.objects.count() == 0
    assert receiver.requests == []


def _editor_with_real_commits():
    # Transactional tests run after others have flushed the database, roles included.
    group, _ = Group.objects.get_or_create(name=EDITOR)
    permissions = Permission.objects.filter(
        content_type__app_label__in=["articles", "entities"],
        codename__in=ROLE_PERMISSIONS[EDITOR],
    )
    group.permissions.set(permissions)
    return UserFactory(role=EDITOR)


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_when_the_transaction_rolls_back(receiver, settings):
    """With real commits: a rolled-back publish sends nothing; the committed one is delivered."""
    the_editor = _editor_with_real_commits()
    WebhookEndpointFactory(url=receiver.url, events=["article.published", "claim.created"])
    article, _claim, _source = article_with_claim()  # autocommit: each save commits
    with pytest.raises(RuntimeError), transaction.atomic():
        article_publish(article=article, by=the_editor)
        raise RuntimeError("the editor's request failed after publishing")
    assert WebhookDelivery.objects.count() == 0
    assert receiver.requests == []
    with transaction.atomic():
        article_publish(article=article, by=the_editor)
    events = sorted(json.loads(r.body)["event"] for r in receiver.requests)
    assert events == ["article.published", "claim.created"]


@pytest.mark.parametrize(
    "url",
    [
        "ftp://hooks.example.org/in",
        "javascript:alert(1)",
        "http://127.0.0.1:8000/hooks",
        "http://localhost/hooks",
        "http://10.1.2.3/hooks",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hooks",
        "http://[::ffff:127.0.0.1]/hooks",
        "https://user:pass@hooks.example.org/in",
    ],
)
def test_unsafe_webhook_urls_are_refused_in_production(settings, url):
    """Non-http(s) schemes, credentials and private or loopback addresses are refused."""
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(ValidationError):
        validate_webhook_url(url)


def test_public_webhook_urls_are_accepted(settings):
    """An ordinary https URL passes; local ones pass only when the setting allows them."""
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    validate_webhook_url("https://hooks.example.org/summit?token=abc")
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    validate_webhook_url("http://127.0.0.1:8149/hooks")


def test_names_resolving_to_private_addresses_are_refused_at_send_time(
    receiver, commit, an_editor, settings
):
    """A host name that resolves to loopback is blocked when sending, and not retried."""
    port = receiver.url.split(":")[2].split("/")[0]
    endpoint = WebhookEndpointFactory(url="http://example.org/x", events=["article.published"])
    WebhookDelivery.objects.all().delete()
    endpoint.url = f"http://localhost:{port}/hooks"
    endpoint.save()  # saved without validation, as a bulk import might
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    publish_one(commit, an_editor)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert "private or local address" in delivery.last_error
    assert receiver.requests == []


def test_editors_resend_a_delivery_as_a_new_one(receiver, commit, an_editor):
    """Re-sending posts the same payload again under a new delivery id; others may not."""
    WebhookEndpointFactory(url=receiver.url, events=["article.published"])
    publish_one(commit, an_editor)
    original = WebhookDelivery.objects.get()
    with pytest.raises(PermissionDenied):
        webhook_deliveries_resend(deliveries=[original], by=UserFactory())
    with commit():
        (copy,) = webhook_deliveries_resend(deliveries=[original], by=an_editor)
    copy.refresh_from_db()
    assert (copy.status, copy.resend_of) == ("succeeded", original)
    assert copy.event_id == original.event_id
    first, second = receiver.requests
    assert first.body == second.body
    assert first.headers["X-Summit-Delivery"] != second.headers["X-Summit-Delivery"]
