"""The OpenAPI schema and the docs page, which must load without any CDN."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_3_json_with_every_resource(anon):
    """/api/schema/ serves OpenAPI 3 as JSON, listing every endpoint and not itself."""
    response = anon.get("/api/schema/")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/articles/",
        "/api/v1/articles/{slug}/",
        "/api/v1/articles/{slug}/transition/",
        "/api/v1/claims/",
        "/api/v1/claims/{id}/",
        "/api/v1/entities/",
        "/api/v1/entities/{slug}/",
        "/api/v1/sources/",
        "/api/v1/sources/{id}/",
        "/api/v1/changes/",
        "/api/v1/webhooks/",
        "/api/v1/webhooks/{id}/",
        "/api/v1/webhooks/{id}/deliveries/",
    }


def test_schema_documents_errors_filters_and_the_page_size_cap(anon):
    """Clients can read the 400/404/429 answers, the claim filters and the page size cap."""
    schema = anon.get("/api/schema/").json()
    claims = schema["paths"]["/api/v1/claims/"]["get"]
    assert {"200", "304", "400", "404", "429"} <= set(claims["responses"])
    assert "Retry-After" in claims["responses"]["429"]["headers"]
    params = {p["name"]: p for p in claims["parameters"]}
    assert {"entity", "speaker", "status", "amount_usd_min", "updated_since", "cursor"} <= set(
        params
    )
    assert params["page_size"]["schema"]["maximum"] == 200
    assert set(params["expand"]["schema"]["items"]["enum"]) == {"speaker", "subjects", "sources"}
    assert "text/csv" in claims["responses"]["200"]["content"]
    patch = schema["paths"]["/api/v1/claims/{id}/"]["patch"]
    assert {"403", "412"} <= set(patch["responses"])


def test_schema_also_in_yaml(anon):
    """format=yaml for those who prefer it."""
    response = anon.get("/api/schema/", {"format": "yaml"})
    assert response.content.startswith(b"openapi:")


def test_docs_page_loads_its_assets_from_this_site(client):
    """Swagger UI comes from the sidecar's static files, never a CDN."""
    response = client.get("/api/docs/")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("drf_spectacular_sidecar/swagger-ui-dist" in a for a in assets)
    assert all(a.startswith("/") for a in assets), assets
    assert "cdn" not in html.lower()
    assert "<script>" not in html and "<style>" not in html, "inline code breaks the CSP"
    script = client.get("/api/docs/", {"script": ""})
    assert "/api/schema/" in script.content.decode()


def test_schema_generates_without_warnings_and_validates(tmp_path):
    """drf-spectacular resolves every field and filter, and the result is valid OpenAPI."""
    from django.core.management import call_command

    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi:")
