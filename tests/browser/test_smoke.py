"""The home page renders in real Chromium."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_renders_in_chromium(live_server, page, screenshot):
    response = page.goto(live_server.url + "/")
    assert response.status == 200
    assert page.locator("h1").first.inner_text() == "Summit Coverage"
    assert screenshot("home").stat().st_size > 0
