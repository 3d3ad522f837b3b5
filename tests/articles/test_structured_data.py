"""JSON-LD on article, claim and entity pages parses and carries the required properties."""

import json
import re

import pytest
from django.template import Context, Template

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def _json_ld(client, url: str) -> list[dict]:
    html = client.get(url).content.decode()
    blocks = JSON_LD.findall(html)
    assert blocks, f"no JSON-LD on {url}"
    return [json.loads(block) for block in blocks]


def _nodes(data: dict) -> list[dict]:
    return data.get("@graph", [data])


def test_article_has_news_article_with_required_properties(client, summit, settings):
    """NewsArticle: headline, dates, author, publisher, plus entities and sources."""
    settings.SITE_URL = "https://coverage.example.org"
    (data,) = _json_ld(client, summit.article.get_absolute_url())
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    for required in ("headline", "datePublished", "dateModified", "author", "publisher"):
        assert data[required], required
    assert data["headline"] == summit.article.title
    assert data["url"] == f"https://coverage.example.org{summit.article.get_absolute_url()}"
    assert data["author"][0]["name"] == "Summit Coverage staff"
    assert data["publisher"]["name"] == "Summit Coverage"
    assert data["about"]["@type"] == "Event"
    mentioned = {entity["name"]: entity for entity in data["mentions"]}
    assert mentioned["Chey Tae-won"]["@type"] == "Person"
    assert mentioned["Amazon Web Services"]["sameAs"] == "https://www.wikidata.org/wiki/Q456157"
    assert data["citation"][0]["url"] == summit.source.url


def test_claim_with_a_verdict_has_claim_and_claim_review(client, summit):
    """A verified claim carries a Claim with its appearance and a ClaimReview with a rating."""
    (data,) = _json_ld(client, summit.claims["investment"].get_absolute_url())
    by_type = {node["@type"]: node for node in _nodes(data)}
    claim = by_type["Claim"]
    assert claim["text"] == summit.claims["investment"].text
    assert claim["appearance"][0]["headline"] == summit.article.title
    assert claim["firstAppearance"]["url"].endswith(summit.article.get_absolute_url())
    assert {entity["name"] for entity in claim["about"]} == {"Amazon Web Services", "SK Group"}
    review = by_type["ClaimReview"]
    for required in ("claimReviewed", "reviewRating", "url", "author", "itemReviewed"):
        assert review[required], required
    assert review["reviewRating"]["alternateName"] == "Verified"
    assert review["reviewRating"]["ratingValue"] == 3
    assert review["itemReviewed"]["@type"] == "Claim"


def test_unverified_claim_has_no_claim_review(client, summit):
    """Without a verdict there is a Claim but no ClaimReview."""
    (data,) = _json_ld(client, summit.claims["budget"].get_absolute_url())
    assert [node["@type"] for node in _nodes(data)] == ["Claim"]


def test_claim_names_its_speaker_as_author(client, summit):
    """An attributed statement's author is the speaker, a Person."""
    (data,) = _json_ld(client, summit.claims["testbed"].get_absolute_url())
    claim = _nodes(data)[0]
    assert claim["author"] == {
        "@type": "Person",
        "name": "Chey Tae-won",
        "url": f"{_site()}{summit.chey.get_absolute_url()}",
    }


def _site():
    from django.conf import settings

    return settings.SITE_URL


@pytest.mark.parametrize(
    ("attribute", "schema_type"),
    [
        ("chey", "Person"),
        ("sk_group", "Organization"),
        ("event", "Event"),
        ("government", "GovernmentOrganization"),
    ],
)
def test_entity_pages_carry_their_schema_type(client, summit, attribute, schema_type):
    """Person, Organization, Event … with name, url and sameAs."""
    entity = getattr(summit, attribute)
    (data,) = _json_ld(client, entity.get_absolute_url())
    assert data["@type"] == schema_type
    assert data["name"] == entity.name
    assert "sameAs" in data


def test_entity_same_as_points_at_wikidata(client, summit):
    """An entity with a Wikidata ID lists it in sameAs, with its aliases as alternateName."""
    (data,) = _json_ld(client, summit.aws.get_absolute_url())
    assert data["sameAs"] == ["https://www.wikidata.org/wiki/Q456157"]
    assert data["alternateName"] == ["AWS"]


def test_script_end_tags_inside_json_ld_are_escaped(client, summit):
    """A headline containing </script> cannot end the JSON-LD block early."""
    summit.article.title = 'Evil </script><script>alert("x")</script> headline'
    summit.article.save()
    html = client.get(summit.article.get_absolute_url()).content.decode()
    (block,) = JSON_LD.findall(html)
    assert json.loads(block)["headline"] == summit.article.title
    assert "<script>alert" not in html


def test_jsonld_filter_escapes_markup_characters():
    """<, > and & are written as JSON escapes."""
    rendered = Template("{% load coverage %}{{ data|jsonld }}").render(
        Context({"data": {"a": "</script>&<!--"}})
    )
    assert rendered == (
        '<script type="application/ld+json">{"a": "\\u003C/script\\u003E\\u0026\\u003C!--"}'
        "</script>"
    )
