"""Every public page type is valid HTML: the Nu Html Checker (vnu-jar) reports no errors."""

import json
import re
import subprocess
from http import HTTPStatus

import pytest
from django.template.loader import render_to_string
from django.test import Client

from articles.presenters import article_page_context
from tests.factories import ArticleFactory, CorrectionNoteFactory
from tests.tools import VNU_JAR, require_file, require_java

pytestmark = pytest.mark.django_db


def _page_types(summit) -> dict[str, str]:
    claims = summit.claims
    return {
        "home": "/",
        "article": summit.article.get_absolute_url(),
        "claim-with-verdict": claims["investment"].get_absolute_url(),
        "claim-pledge": claims["gpus"].get_absolute_url(),
        "entity-organisation": summit.sk_group.get_absolute_url(),
        "entity-person": summit.chey.get_absolute_url(),
        "entity-government": summit.government.get_absolute_url(),
        "source": summit.source.get_absolute_url(),
        "claims-explorer": "/claims/",
        "claims-explorer-filtered": f"/claims/?unit=USD&sort=-amount&article={summit.article.slug}",
        "claims-explorer-bad-input": "/claims/?status=bogus&entity=nobody",
        "claims-explorer-empty": "/claims/?kind=opinion",
        "pledges": "/pledges/",
        "search-results": "/search/?q=billion",
        "search-empty": "/search/",
        "search-nothing-found": "/search/?q=dragonfruit",
        "search-too-long": "/search/?q=" + "x" * 300,
    }


INLINE_SCRIPT = re.compile(r"<script(?![^>]*type=\"application/ld\+json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+=", re.I)
INLINE_STYLE = re.compile(r"<[^>]+\sstyle=", re.I)


def _assert_ready_for_a_strict_csp(name: str, html: str) -> None:
    """No inline scripts (JSON-LD data blocks aside), event handlers or style attributes."""
    assert not INLINE_SCRIPT.search(html), f"{name}: inline or external script"
    assert not INLINE_HANDLER.search(html), f"{name}: inline event handler"
    assert not INLINE_STYLE.search(html), f"{name}: inline style attribute"
    assert "<style" not in html, f"{name}: inline <style> element"


def _validate(files) -> list[dict]:
    require_java()
    jar = require_file(VNU_JAR)
    result = subprocess.run(
        ["java", "-jar", str(jar), "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stderr or result.stdout)
    return [m for m in report["messages"] if m["type"] == "error" or m.get("subType") == "fatal"]


def test_every_page_type_is_valid_html(summit, tmp_path):
    """Home, article, claim, entity, source, explorer, pledges, search, 404, 500 and preview."""
    CorrectionNoteFactory(article=summit.article)
    summit.claims["stargate"].status = "false"
    summit.claims["stargate"].save()  # so "what changed" has an entry
    client = Client(raise_request_exception=False)
    files = []
    for name, url in _page_types(summit).items():
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, f"{name}: {response.status_code}"
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(response.content)
    not_found = client.get("/no/such/page/")
    assert not_found.status_code == HTTPStatus.NOT_FOUND
    (tmp_path / "404.html").write_bytes(not_found.content)
    (tmp_path / "500.html").write_text(render_to_string("500.html"))
    draft = ArticleFactory(body="# Heading\n\nDraft text.[1]")
    preview = render_to_string(
        "articles/article_detail.html", article_page_context(draft, preview=True)
    )
    (tmp_path / "preview.html").write_text(preview)
    files += [tmp_path / "404.html", tmp_path / "500.html", tmp_path / "preview.html"]

    for file in files:
        _assert_ready_for_a_strict_csp(file.name, file.read_text())
    errors = _validate(files)
    assert errors == [], "\n".join(
        f"{e['url'].rsplit('/', 1)[-1]}:{e.get('lastLine')}: {e['message']}" for e in errors
    )


def test_busy_entity_pages_are_valid_html(db, tmp_path):
    """An entity with more claims than one page: its status counts, claim page and page links."""
    from tests.content import build_summit

    content = build_summit(extra_claims=30)
    client = Client()
    files = []
    for page in ("1", "2"):
        response = client.get(f"{content.sk_group.get_absolute_url()}?page={page}")
        assert response.status_code == HTTPStatus.OK
        assert b'class="pagination"' in response.content
        files.append(tmp_path / f"entity-page-{page}.html")
        files[-1].write_bytes(response.content)
    errors = _validate(files)
    assert errors == [], "\n".join(f"{e.get('lastLine')}: {e['message']}" for e in errors)


def test_paged_pledge_tracker_is_valid_html(db, tmp_path):
    """The pledge tracker over two pages, filtered by status, and its answer to a bad page."""
    from articles.views import PLEDGES_PER_PAGE
    from tests.factories import ClaimAppearanceFactory, PledgeClaimFactory, PublishedArticleFactory

    article = PublishedArticleFactory()
    for _ in range(PLEDGES_PER_PAGE + 1):
        ClaimAppearanceFactory(claim=PledgeClaimFactory(), article=article)
    client = Client()
    pages = {
        "1": ("/pledges/", HTTPStatus.OK),
        "2": ("/pledges/?page=2", HTTPStatus.OK),
        "met": ("/pledges/?status=met", HTTPStatus.OK),
        "pending-2": ("/pledges/?status=pending&page=2", HTTPStatus.OK),
        "bad-page": ("/pledges/?page=9", HTTPStatus.NOT_FOUND),
        "bad-status": ("/pledges/?status=kept", HTTPStatus.BAD_REQUEST),
    }
    files = []
    for name, (url, status) in pages.items():
        response = client.get(url)
        assert response.status_code == status, url
        files.append(tmp_path / f"pledges-{name}.html")
        files[-1].write_bytes(response.content)
        _assert_ready_for_a_strict_csp(files[-1].name, response.content.decode())
    errors = _validate(files)
    assert errors == [], "\n".join(
        f"{e['url'].rsplit('/', 1)[-1]}:{e.get('lastLine')}: {e['message']}" for e in errors
    )


def test_the_checker_catches_invalid_html(tmp_path):
    """The check can fail: a page with a duplicate id and a stray end tag is reported."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head>'
        '<body><p id="a">x</p><p id="a">y</div></body></html>'
    )
    assert len(_validate([bad])) >= 2
