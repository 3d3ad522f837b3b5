"""Who may do what, as one table: anonymous, a signed-in account without a role, Reporter,
Fact-checker and Editor × every admin view, API endpoint and method. Each cell is a real request;
a refused write must also leave the data unchanged."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from articles.models import Article, ArticleStatus, Claim, VerificationStatus
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimAppearanceFactory,
    ClaimSourceFactory,
    EntityFactory,
    PublishedArticleFactory,
    SourceFactory,
    UserFactory,
    editor,
    fact_checker,
    reporter,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "no_role", "reporter", "fact_checker", "editor")
EVERYONE = set(ROLES)
STAFF_ROLES = {"reporter", "fact_checker", "editor"}
CONTENT = {"reporter", "editor"}
VERDICT = {"fact_checker", "editor"}
EDITOR = {"editor"}


def _user(role: str):
    return {
        "anonymous": lambda: None,
        "no_role": lambda: UserFactory(username="norole"),
        "reporter": lambda: reporter(username="rep"),
        "fact_checker": lambda: fact_checker(username="checker"),
        "editor": lambda: editor(username="chief"),
    }[role]()


@pytest.fixture
def world():
    cache.clear()
    draft = ArticleFactory(slug="draft", body="Leaders met.[1]")
    CitationFactory(article=draft, number=1)
    claim = ClaimSourceFactory().claim
    ClaimAppearanceFactory(claim=claim, article=draft)
    entity = EntityFactory(slug="sk-group")
    public = PublishedArticleFactory(slug="public", event=entity)
    source = SourceFactory()
    return {"draft": draft, "claim": claim, "entity": entity, "public": public, "source": source}


# -- admin: GET views ---------------------------------------------------------------------------

ADMIN_VIEWS = {
    "admin index": (lambda w: reverse("admin:index"), STAFF_ROLES | {"no_role"}),
    "article list": (lambda w: reverse("admin:articles_article_changelist"), STAFF_ROLES),
    "article add": (lambda w: reverse("admin:articles_article_add"), CONTENT),
    "article change": (
        lambda w: reverse("admin:articles_article_change", args=[w["draft"].pk]),
        STAFF_ROLES,
    ),
    "article preview": (
        lambda w: reverse("admin:articles_article_preview", args=[w["draft"].pk]),
        STAFF_ROLES,
    ),
    "article history": (
        lambda w: reverse("admin:articles_article_history", args=[w["draft"].pk]),
        STAFF_ROLES,
    ),
    "article delete": (
        lambda w: reverse("admin:articles_article_delete", args=[w["draft"].pk]),
        EDITOR,
    ),
    "report upload": (lambda w: reverse("admin:articles_article_upload"), CONTENT),
    "claim list": (lambda w: reverse("admin:articles_claim_changelist"), STAFF_ROLES),
    "claim add": (lambda w: reverse("admin:articles_claim_add"), CONTENT),
    "claim change": (
        lambda w: reverse("admin:articles_claim_change", args=[w["claim"].pk]),
        STAFF_ROLES,
    ),
    "source list": (lambda w: reverse("admin:articles_source_changelist"), STAFF_ROLES),
    "source add": (lambda w: reverse("admin:articles_source_add"), CONTENT),
    "entity list": (lambda w: reverse("admin:entities_entity_changelist"), STAFF_ROLES),
    "entity add": (lambda w: reverse("admin:entities_entity_add"), CONTENT),
    "entity delete": (
        lambda w: reverse("admin:entities_entity_delete", args=[w["entity"].pk]),
        EDITOR,
    ),
    "correction add": (lambda w: reverse("admin:articles_correctionnote_add"), EDITOR),
    "workflow steps": (
        lambda w: reverse("admin:articles_articletransition_changelist"),
        STAFF_ROLES,
    ),
    "user list": (lambda w: reverse("admin:auth_user_changelist"), set()),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", list(ADMIN_VIEWS))
def test_admin_view(client, world, view, role):
    url, allowed = ADMIN_VIEWS[view]
    user = _user(role)
    if user is not None:
        client.force_login(user)
    response = client.get(url(world))
    if role == "anonymous":
        assert response.status_code == HTTPStatus.FOUND
        assert "/admin/login/" in response["Location"]
    elif role in allowed:
        assert response.status_code == HTTPStatus.OK
    else:
        assert response.status_code in {
            HTTPStatus.FORBIDDEN,
            HTTPStatus.FOUND,
            HTTPStatus.NOT_FOUND,  # what it may not see does not exist for it
        }
        if response.status_code == HTTPStatus.FOUND:  # Django sends no-permission users home
            assert "/admin/" in response["Location"]


# -- admin: writes (crafted POSTs) ---------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_admin_publish_by_crafted_post(client, world, role):
    user = _user(role)
    if user is not None:
        client.force_login(user)
    draft = world["draft"]
    url = reverse("admin:articles_article_transition", args=[draft.pk])
    client.post(url, {"to_status": "published"})
    published = Article.objects.get(pk=draft.pk).status == ArticleStatus.PUBLISHED
    assert published == (role in EDITOR)


@pytest.mark.parametrize("role", ROLES)
def test_admin_bulk_publish_action(client, world, role):
    user = _user(role)
    if user is not None:
        client.force_login(user)
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [world["draft"].pk]},
    )
    published = Article.objects.get(pk=world["draft"].pk).status == ArticleStatus.PUBLISHED
    assert published == (role in EDITOR)


@pytest.mark.parametrize("role", ROLES)
def test_admin_bulk_verify_action(client, world, role):
    user = _user(role)
    if user is not None:
        client.force_login(user)
    client.post(
        reverse("admin:articles_claim_changelist"),
        {"action": "mark_verified", "_selected_action": [world["claim"].pk]},
    )
    verified = Claim.objects.get(pk=world["claim"].pk).status == VerificationStatus.VERIFIED
    assert verified == (role in VERDICT)


# -- API ----------------------------------------------------------------------------------------


def _api(role: str) -> APIClient:
    client = APIClient()
    user = _user(role)
    if user is not None:
        token = Token.objects.create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


READS = ["/api/v1/articles/", "/api/v1/claims/", "/api/v1/entities/", "/api/v1/sources/"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", READS + ["/api/v1/articles/public/", "/api/v1/entities/sk-group/"])
def test_api_reads_are_open_to_all(world, url, role):
    assert _api(role).get(url).status_code == HTTPStatus.OK


@pytest.mark.parametrize("role", ROLES)
def test_api_draft_is_visible_to_staff_only(world, role):
    status = _api(role).get("/api/v1/articles/draft/").status_code
    assert status == (HTTPStatus.OK if role in STAFF_ROLES else HTTPStatus.NOT_FOUND)


def _refused(status: int, role: str) -> bool:
    expected = HTTPStatus.UNAUTHORIZED if role == "anonymous" else HTTPStatus.FORBIDDEN
    return status in {expected, HTTPStatus.NOT_FOUND}


@pytest.mark.parametrize("role", ROLES)
def test_api_edit_article_text(world, role):
    response = _api(role).patch("/api/v1/articles/draft/", {"title": "New"}, format="json")
    changed = Article.objects.get(pk=world["draft"].pk).title == "New"
    assert changed == (role in CONTENT)
    if role not in CONTENT:
        assert _refused(response.status_code, role), response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_api_publish(world, role):
    response = _api(role).post(
        "/api/v1/articles/draft/transition/", {"status": "published"}, format="json"
    )
    published = Article.objects.get(pk=world["draft"].pk).status == ArticleStatus.PUBLISHED
    assert published == (role in EDITOR)
    if role not in EDITOR:
        assert _refused(response.status_code, role), response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_api_verify_claim(world, role):
    claim = world["claim"]
    response = _api(role).patch(
        f"/api/v1/claims/{claim.pk}/", {"status": "verified"}, format="json"
    )
    verified = Claim.objects.get(pk=claim.pk).status == VerificationStatus.VERIFIED
    assert verified == (role in VERDICT)
    if role not in VERDICT:
        assert _refused(response.status_code, role), response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_api_change_figure(world, role):
    claim = world["claim"]
    response = _api(role).patch(
        f"/api/v1/claims/{claim.pk}/", {"amount": "7", "unit": "GPU"}, format="json"
    )
    changed = Claim.objects.get(pk=claim.pk).unit == "GPU"
    assert changed == (role in CONTENT)
    if role not in CONTENT:
        assert _refused(response.status_code, role), response.status_code


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("delete", "/api/v1/articles/draft/"),
        ("post", "/api/v1/articles/"),
        ("post", "/api/v1/claims/"),
        ("delete", "/api/v1/entities/sk-group/"),
        ("patch", "/api/v1/sources/1/"),
    ],
)
def test_api_methods_not_offered_are_refused_for_everyone(world, role, method, url):
    response = getattr(_api(role), method)(url, {}, format="json")
    assert response.status_code in {
        HTTPStatus.METHOD_NOT_ALLOWED,
        HTTPStatus.UNAUTHORIZED,
        HTTPStatus.FORBIDDEN,
    }
    assert Article.objects.filter(slug="draft").exists()
