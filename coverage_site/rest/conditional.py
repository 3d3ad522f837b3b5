"""Conditional requests: ETag and Last-Modified on every GET, 304s, and If-Match on writes.

A detail ETag is ``"<revision>.<digest>"``: the revision comes from the item's own
``updated_at`` and the digest from the bytes sent, so it changes when anything shown changes
(a renamed speaker too) and differs between ``fields=``/``expand=`` shapes. A write's
``If-Match`` is compared on the revision only, so an ETag read with any shape works for a write,
and 412 means exactly "the item was saved since you read it".
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_etags, quote_etag
from rest_framework import status
from rest_framework.exceptions import APIException

from coverage_site.conditional_get import content_digest

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# What only a deployment changes (the schema, the API root) was last modified at start-up.
STARTED = timezone.now()


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = (
        "If-Match: the item has changed since you read it. Fetch it again, reapply your "
        "change and send the new ETag."
    )
    default_code = "precondition_failed"


def revision(updated_at: dt.datetime) -> str:
    """The item's own revision: its ``updated_at`` in microseconds, base 16."""
    return format((updated_at - EPOCH) // dt.timedelta(microseconds=1), "x")


def if_match_passes(header: str | None, current: str) -> bool:
    """Does an If-Match header admit the item at revision ``current``? (No header: yes.)"""
    if header is None:
        return True
    tags = parse_etags(header)
    if tags == ["*"]:
        return True
    for tag in tags:
        if tag.startswith("W/"):
            continue  # If-Match uses strong comparison: weak tags never match.
        if tag.strip('"').split(".", 1)[0] == current:
            return True
    return False


class ConditionalMixin:
    """Adds ETag, Last-Modified and Cache-Control to successful reads and answers 304/412."""

    #: Set by the view: the newest ``updated_at`` shown, and the item's revision on details.
    last_modified: dt.datetime | None = None
    item_revision: str | None = None

    def check_if_match(self, request, obj) -> None:
        if not if_match_passes(request.headers.get("If-Match"), revision(obj.updated_at)):
            raise PreconditionFailed()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code != status.HTTP_200_OK or response.streaming:
            return response
        response.render()
        digest = content_digest(response.content)
        etag = quote_etag(f"{self.item_revision}.{digest}" if self.item_revision else digest)
        response["ETag"] = etag
        if request.method not in ("GET", "HEAD"):
            return response
        # No item to date the response (an empty page): "now", which never yields a false 304.
        modified = self.last_modified or timezone.now()
        response["Last-Modified"] = http_date(modified.timestamp())
        patch_cache_control(response, no_cache=True)
        if request.user and request.user.is_authenticated:
            patch_cache_control(response, private=True)
        patch_vary_headers(response, ["Authorization", "Accept"])  # Accept can choose CSV
        conditional = get_conditional_response(
            request, etag=etag, last_modified=int(modified.timestamp()), response=response
        )
        if conditional.status_code == status.HTTP_412_PRECONDITION_FAILED:
            error = PreconditionFailed()
            return super().finalize_response(request, self.handle_exception(error), *args, **kwargs)
        return conditional
