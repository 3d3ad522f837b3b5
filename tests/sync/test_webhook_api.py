"""Registering webhooks over the API: who may, what is checked, and what each client sees."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from rest_framework.test import APIClient

from articles import roles
from sync.models import WebhookDelivery, WebhookEndpoint
from tests.factories import UserFactory, WebhookEndpointFactory

pytestmark = pytest.mark.django_db
HOOKS = "/api/v1/webhooks/"


@pytest.fixture
def api_client_user():
    """An API client's account: signed in with a token, no editorial role."""
    return UserFactory(is_staff=False)


@pytest.fixture
def api(api_client_user):
    client = APIClient()
    client.force_authenticate(api_client_user)
    return client


def test_anonymous_clients_cannot_register_webhooks(settings):
    """Without signing in, listing or registering webhooks is refused."""
    client = APIClient()
    assert client.get(HOOKS).status_code == HTTPStatus.UNAUTHORIZED
    response = client.post(HOOKS, {"url": "https://a.example/", "events": ["claim.created"]})
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert not roles.may_register_webhooks(None)


def test_client_registers_an_endpoint_and_gets_its_secret(api, api_client_user):
    """Registering returns the endpoint with a generated secret, owned by the caller."""
    response = api.post(
        HOOKS,
        {"url": "https://mirror.example.org/hooks", "events": ["claim.status_changed"]},
        format="json",
    )
    assert response.status_code == HTTPStatus.CREATED, response.json()
    body = response.json()
    assert len(body["secret"]) == 64
    endpoint = WebhookEndpoint.objects.get(pk=body["id"])
    assert (endpoint.owner, endpoint.secret, endpoint.active) == (
        api_client_user,
        body["secret"],
        True,
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"url": "ftp://mirror.example.org/", "events": ["claim.created"]}, "url"),
        ({"url": "not a url", "events": ["claim.created"]}, "url"),
        ({"url": "https://mirror.example.org/", "events": ["claim.exploded"]}, "events"),
        ({"url": "https://mirror.example.org/", "events": []}, "events"),
        ({"url": "https://mirror.example.org/", "events": ["claim.created"] * 2}, "events"),
        ({"url": "https://mirror.example.org/"}, "events"),
    ],
)
def test_bad_registrations_are_400s_naming_the_field(api, payload, field):
    """A bad URL or event list is refused with a message on that field; nothing is saved."""
    response = api.post(HOOKS, payload, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.json()["errors"]
    assert not WebhookEndpoint.objects.exists()


def test_private_addresses_are_refused_when_not_allowed(api, settings):
    """In production a loopback URL is refused with an explanation."""
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    response = api.post(
        HOOKS, {"url": "http://127.0.0.1:8000/", "events": ["claim.created"]}, format="json"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "private" in response.json()["errors"]["url"][0]


def test_number_of_endpoints_per_client_is_limited(api, api_client_user, settings):
    """Past the per-client limit, registering asks to delete an unused endpoint first."""
    settings.WEBHOOKS_MAX_ENDPOINTS_PER_OWNER = 2
    WebhookEndpointFactory.create_batch(2, owner=api_client_user)
    response = api.post(
        HOOKS, {"url": "https://a.example/", "events": ["claim.created"]}, format="json"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "delete one" in response.json()["detail"]


def test_clients_see_and_change_only_their_own_endpoints(api, api_client_user):
    """Another client's endpoint is invisible: absent from the list, 404 on access."""
    own = WebhookEndpointFactory(owner=api_client_user)
    other = WebhookEndpointFactory()
    assert [e["id"] for e in api.get(HOOKS).json()["results"]] == [own.pk]
    assert api.get(f"{HOOKS}{other.pk}/").status_code == HTTPStatus.NOT_FOUND
    assert api.delete(f"{HOOKS}{other.pk}/").status_code == HTTPStatus.NOT_FOUND
    response = api.patch(f"{HOOKS}{own.pk}/", {"active": False}, format="json")
    assert response.status_code == HTTPStatus.OK
    own.refresh_from_db()
    assert own.active is False


@pytest.mark.parametrize("count", [1, 8])
def test_endpoint_list_query_count_is_fixed(api, api_client_user, django_assert_num_queries, count):
    """Listing endpoints costs the same queries for 1 or 8 of them."""
    WebhookEndpointFactory.create_batch(count, owner=api_client_user)
    with django_assert_num_queries(2):  # count, page
        response = api.get(HOOKS)
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [1, 8])
def test_delivery_list_query_count_is_fixed(api, api_client_user, django_assert_num_queries, count):
    """An endpoint's deliveries list costs the same queries for 1 or 8 deliveries."""
    from django.utils import timezone

    endpoint = WebhookEndpointFactory(owner=api_client_user)
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint=endpoint,
            event_type="claim.created",
            payload={},
            next_attempt_at=timezone.now(),
        )
        for _ in range(count)
    )
    with django_assert_num_queries(3):  # endpoint, count, page
        response = api.get(f"{HOOKS}{endpoint.pk}/deliveries/")
    assert response.status_code == HTTPStatus.OK
    assert [d["status"] for d in response.json()["results"]] == ["pending"] * count
