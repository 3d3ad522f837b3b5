"""Admin logins are rate-limited: repeated failures lock the username out on that address."""

from http import HTTPStatus

import pytest
from django.test import override_settings

from tests.factories import editor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("axes_on")]

PASSWORD = "correct-horse-battery"


@pytest.fixture
def axes_on():
    with override_settings(AXES_ENABLED=True):
        yield


def _login(client, username, password, ip="203.0.113.7"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def test_five_failures_lock_out_even_the_right_password(client):
    user = editor()
    for _ in range(4):
        assert _login(client, user.username, "wrong").status_code == HTTPStatus.OK
    assert _login(client, user.username, "wrong").status_code == HTTPStatus.TOO_MANY_REQUESTS
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert b"Too many failed logins" in response.content
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username_and_address(client):
    """An attacker hammering one account does not lock its owner out from elsewhere."""
    user = editor()
    for _ in range(5):
        _login(client, user.username, "wrong")
    response = _login(client, user.username, PASSWORD, ip="198.51.100.9")
    assert response.status_code == HTTPStatus.FOUND
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_success_resets_the_count(client):
    user = editor()
    for _ in range(4):
        _login(client, user.username, "wrong")
    assert _login(client, user.username, PASSWORD).status_code == HTTPStatus.FOUND
    client.logout()
    for _ in range(4):
        _login(client, user.username, "wrong")
    assert _login(client, user.username, PASSWORD).status_code == HTTPStatus.FOUND
