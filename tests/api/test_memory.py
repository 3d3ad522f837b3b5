"""A sent answer is freed as soon as it is dropped, not at the next garbage collection."""

from __future__ import annotations

import gc
import weakref
from http import HTTPStatus

import pytest
from rest_framework.test import APIRequestFactory

from articles.api.views import ArticleViewSet, ClaimViewSet
from tests.factories import ClaimSourceFactory, FigureClaimFactory, PublishedArticleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("viewset", "url"),
    [
        (ClaimViewSet, "/api/v1/claims/?expand=sources"),
        (ClaimViewSet, "/api/v1/claims/?format=csv"),
        (ArticleViewSet, "/api/v1/articles/"),
    ],
)
def test_a_rendered_list_holds_no_reference_cycle(viewset, url):
    """Neither the view nor the response itself keeps a rendered response (and so its page of
    data) alive: dropping it frees it with the garbage collector off."""
    claim = FigureClaimFactory()
    ClaimSourceFactory(claim=claim)
    PublishedArticleFactory()
    view = viewset.as_view({"get": "list"})
    request = APIRequestFactory().get(url)
    gc.disable()
    try:
        response = view(request)
        assert response.status_code == HTTPStatus.OK
        assert response.is_rendered
        sent = weakref.ref(response)
        del response
        assert sent() is None
    finally:
        gc.enable()


def test_an_error_keeps_what_its_later_rendering_needs():
    """A response rendered after the view (a 400) still has its renderer context."""
    view = ClaimViewSet.as_view({"get": "list"})
    response = view(APIRequestFactory().get("/api/v1/claims/?status=bogus"))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not response.is_rendered
    response.render()
    assert b"status" in response.content
