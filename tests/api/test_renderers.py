"""API JSON is encoded by orjson, byte for byte as DRF's renderer writes it."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.utils.functional import lazy
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer

from coverage_site.rest.renderers import _LEAD_PROBES, JSONRenderer, holds_line_separator

pytestmark = pytest.mark.django_db

AWKWARD = 'Line\u2028para\u2029 "quoted" \\ tab\t soh\x01 bell\x07 del\x7f é 한국 \U0001f600'


def test_claims_list_bytes_are_drfs_with_awkward_text(anon, world):
    """Control characters, quotes, line separators (escaped for JavaScript) and non-ASCII text
    come out exactly as DRF writes them."""
    world.verified.text = AWKWARD
    world.verified.save()
    response = anon.get("/api/v1/claims/?expand=speaker,subjects,sources")
    assert response.status_code == HTTPStatus.OK
    assert b"\\u2028" in response.content and "\u2028".encode() not in response.content
    data = json.loads(response.content)
    assert AWKWARD in [claim["text"] for claim in data["results"]]
    assert response.content == DRFJSONRenderer().render(data)


@pytest.mark.parametrize("dashes", [0, 1, _LEAD_PROBES - 1, _LEAD_PROBES, 3 * _LEAD_PROBES])
@pytest.mark.parametrize("separator", ["\u2028", "\u2029", ""])
def test_line_separators_are_escaped_after_any_typography(dashes, separator):
    """Dashes, curly quotes and the ellipsis share the separators' first UTF-8 byte: however
    many come before it, a separator is still found and escaped as DRF escapes it."""
    text = "\u2014 \u201cquoted\u201d \u2026 " * dashes + f"end{separator}."
    data = {"text": text, "more": ["\u2019" * dashes, separator]}
    content = JSONRenderer().render(data)
    assert content == DRFJSONRenderer().render(data)
    assert holds_line_separator(text.encode()) is bool(separator)
    assert separator.encode() not in content if separator else content.count(b"\xe2") >= dashes


def test_other_types_go_through_drfs_encoder():
    """Dates, times, decimals, UUIDs and lazy strings: DRF's spelling, not orjson's own."""
    data = {
        "at": dt.datetime(2025, 11, 1, 9, 0, 0, 123456, tzinfo=dt.UTC),
        "seoul": dt.datetime(2025, 11, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=9))),
        "on": dt.date(2025, 11, 1),
        "time": dt.time(9, 30),
        "amount": Decimal("12.50"),
        "id": uuid.UUID(int=7),
        "lazy": lazy(lambda: "later", str)(),
        "big": 2**70,
        "rows": ({"n": 1}, [None, True]),
    }
    assert JSONRenderer().render(data) == DRFJSONRenderer().render(data)


def test_indented_output_is_drfs():
    """``Accept: application/json; indent=2`` still pretty-prints."""
    data = {"a": [1, 2]}
    media_type = "application/json; indent=2"
    assert JSONRenderer().render(data, media_type) == DRFJSONRenderer().render(data, media_type)
