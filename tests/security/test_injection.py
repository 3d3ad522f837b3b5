"""Hostile text typed by an editor or imported from a report renders inert everywhere:
public pages, admin lists, feeds, JSON-LD and the CSV export."""

import csv
import io
import json
import re
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.urls import reverse

from articles.models import Claim, ClaimKind
from tests.factories import (
    CitationFactory,
    ClaimAppearanceFactory,
    ClaimSourceFactory,
    EntityAliasFactory,
    EntityFactory,
    PublishedArticleFactory,
    SourceFactory,
    editor,
)

pytestmark = pytest.mark.django_db

SCRIPT = "<script>window.pwned=1</script>"
HANDLER = '<img src="x" onerror="window.pwned=1">'
BREAKOUT = "</script><script>window.pwned=1</script>"
JS_LINK = "[click me](javascript:window.pwned=1)"
BROKEN = "<div><b>unclosed <i>tags"
FORMULA = '=HYPERLINK("https://evil.example","click")'


class _Markup(HTMLParser):
    """Collects what would execute: script elements, on* attributes, javascript: URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script: str | None = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name in {"href", "src", "action", "formaction"} and value:
                if re.match(r"\s*(javascript|vbscript|data:text/html)", value, re.I):
                    self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            kind = dict(attrs).get("type", "")
            if kind != "application/ld+json" and not dict(attrs).get("src"):
                self.problems.append("inline executable <script>")
            self._in_script = kind

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    def handle_data(self, data):
        if self._in_script == "application/ld+json" and data.strip():
            try:
                json.loads(data)
            except ValueError:
                self.problems.append("JSON-LD broken out of its script element")


def _executable(html: str) -> list[str]:
    parser = _Markup()
    parser.feed(html)
    return parser.problems


@pytest.fixture
def hostile():
    """Published coverage whose every editable text carries a payload."""
    entity = EntityFactory(name=f"Evil Corp {SCRIPT}", description=HANDLER, slug="evil-corp")
    EntityAliasFactory(entity=entity, name=f"E{BREAKOUT}")
    source = SourceFactory(title=f"Leak {BREAKOUT}", publisher=HANDLER)
    body = "\n\n".join(
        [f"Intro {SCRIPT}.[1]", f"Handler {HANDLER}.", JS_LINK, BROKEN, f"Raw {BREAKOUT}."]
    )
    article = PublishedArticleFactory(
        title=f"Headline {BREAKOUT}",
        standfirst=f"Standfirst {HANDLER}",
        byline=SCRIPT,
        body=body,
        event=entity,
    )
    article.mentions.add(entity)
    CitationFactory(article=article, number=1, source=source)
    claim = Claim.objects.create(text=f"{FORMULA} {SCRIPT}", kind=ClaimKind.STATEMENT)
    claim.speaker = entity
    claim.save()
    claim.subjects.add(entity)
    ClaimSourceFactory(claim=claim, source=source)
    ClaimAppearanceFactory(claim=claim, article=article, passage=f"Intro {SCRIPT}.[1]")
    return {"article": article, "claim": claim, "entity": entity, "source": source}


def _public_urls(h):
    return [
        "/",
        h["article"].get_absolute_url(),
        h["claim"].get_absolute_url(),
        h["entity"].get_absolute_url(),
        h["source"].get_absolute_url(),
        "/claims/",
        "/search/?q=Evil",
        f"/search/?q={SCRIPT}",
    ]


def test_public_pages_render_payloads_inert(client, hostile):
    for url in _public_urls(hostile):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        html = response.content.decode()
        assert _executable(html) == [], url
        assert "window.pwned=1</script>" not in html, url


def test_admin_lists_and_forms_render_payloads_inert(client, hostile):
    client.force_login(editor())
    urls = [
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_claim_changelist"),
        reverse("admin:entities_entity_changelist"),
        reverse("admin:articles_source_changelist"),
        reverse("admin:articles_article_change", args=[hostile["article"].pk]),
        reverse("admin:articles_claim_change", args=[hostile["claim"].pk]),
        reverse("admin:entities_entity_change", args=[hostile["entity"].pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert _executable(response.content.decode()) == [], url


def test_feeds_carry_payloads_as_escaped_text(client, hostile):
    for url in ("/feed/rss/", "/feed/atom/", f"/entities/{hostile['entity'].slug}/feed/rss/"):
        xml = client.get(url).content.decode()
        assert "<script>" not in xml, url
        assert "<img" not in xml, url


def test_json_ld_cannot_be_broken_out_of(client, hostile):
    html = client.get(hostile["article"].get_absolute_url()).content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert blocks
    data = [json.loads(block) for block in blocks]
    assert "</script" not in "".join(blocks).lower()
    assert BREAKOUT.replace("</script>", "") in json.dumps(data, ensure_ascii=False).replace(
        "\\/", "/"
    ) or any("Headline" in json.dumps(d) for d in data)


def test_csv_export_neutralises_formulas(client, hostile):
    response = client.get("/api/v1/claims/", {"format": "csv"})
    assert response.status_code == HTTPStatus.OK
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    cells = [cell for row in rows[1:] for cell in row]
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)
    assert not any(cell[:1] in {"=", "+", "-", "@"} for cell in cells if cell)
