"""Fixtures shared by the articles tests."""

import pytest

from tests.factories import editor


@pytest.fixture
def as_editor(client):
    """The test client signed in as an Editor."""
    client.force_login(editor())
    return client
