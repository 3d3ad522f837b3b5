"""The mixed load's clients: readers, and editors and fact-checkers writing through the API.

Every thread opens a fresh connection per request (gunicorn's sync workers close each one),
sends ``X-Forwarded-Proto: https`` as the load balancer does, and records a ``Sample`` per
request. Writers follow optimistic concurrency as an API client should: GET for the ETag, write
with ``If-Match``, and on 412 (or 409) read again and reapply their change.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from dataclasses import dataclass, field

from .load import PROXY_HEADERS
from .mixed_checks import (
    CONFLICT_STATUSES,
    ClaimAck,
    MarkerAck,
    Sample,
    TransitionAck,
    etag_revision,
)

OK = frozenset({200})
OK_OR_HIDDEN = frozenset({200, 404})  # the article being published and unpublished
WRITE_OK = frozenset({200}) | CONFLICT_STATUSES


@dataclass
class Reply:
    status: int | None
    etag: str = ""
    data: dict = field(default_factory=dict)
    content: bytes = b""


class Client:
    """HTTP/1.1 to gunicorn on 127.0.0.1, one connection per request; records every request."""

    def __init__(self, port: int, token: str | None = None, timeout: float = 30):
        self.port = port
        self.timeout = timeout
        self.headers = dict(PROXY_HEADERS, Accept="application/json, text/html")
        if token:
            self.headers["Authorization"] = f"Token {token}"
        self.samples: list[Sample] = []

    def call(
        self, method: str, path: str, *, kind: str, allowed=OK, body: dict | None = None, etag=""
    ) -> Reply:
        headers = dict(self.headers)
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if etag:
            headers["If-Match"] = etag
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        started = time.perf_counter()
        try:
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            content = response.read()
            reply = Reply(response.status, response.getheader("ETag", ""))
            is_json = response.getheader("Content-Type", "").startswith("application/json")
        except (OSError, http.client.HTTPException):
            reply, content, is_json = Reply(None), b"", False
        finally:
            connection.close()
        ms = (time.perf_counter() - started) * 1000
        self.samples.append(Sample(kind, reply.status, ms, reply.status in allowed, path))
        reply.content = content
        if reply.status == 200 and is_json:
            reply.data = json.loads(content)
        return reply


class Worker(threading.Thread):
    """A client thread that loops until ``stop`` is set; a write still retrying when
    ``give_up`` is set is abandoned (it was never acknowledged, so it must not be applied)."""

    def __init__(
        self, name: str, client: Client, stop: threading.Event, give_up: threading.Event, seed: int
    ):
        super().__init__(name=name, daemon=True)
        self.client = client
        self.stop = stop
        self.give_up = give_up
        self.rng = random.Random(seed)
        self.conflicts_retried = 0
        self.unknown: set = set()  # writes sent that got no answer

    def run(self) -> None:
        while not self.stop.is_set():
            self.step()

    def step(self) -> None:
        raise NotImplementedError

    def back_off(self, attempt: int) -> None:
        """After a conflict, wait a random while that grows with each retry (at most 0.5 s),
        as a well-behaved client does, so that competing writers take turns."""
        self.conflicts_retried += 1
        self.give_up.wait(self.rng.uniform(0, min(0.5, 0.025 * 2**attempt)))


class Reader(Worker):
    """Anonymous reader: pages, article pages, search, feeds, API lists and details."""

    WEIGHTS = {"page": 20, "article_page": 25, "search": 10, "feed": 10, "api_list": 15,
               "api_detail": 20}  # fmt: skip

    def __init__(self, *args, paths: dict[str, list[tuple[str, frozenset]]], **kwargs):
        super().__init__(*args, **kwargs)
        self.paths = paths
        self.kinds = list(self.WEIGHTS)
        self.weights = [self.WEIGHTS[k] for k in self.kinds]

    def step(self) -> None:
        kind = self.rng.choices(self.kinds, self.weights)[0]
        path, allowed = self.rng.choice(self.paths[kind])
        self.client.call("GET", path, kind=kind, allowed=allowed)


class Appender(Worker):
    """An editor appending unique marker lines to the shared article's body.

    ``guard`` is how this client detects a concurrent save: ``if-match`` (the ETag: 412),
    ``version`` (the version it read, in the body: 409) or ``both``.
    """

    GUARDS = ("both", "if-match", "version")

    def __init__(self, *args, slug: str, marker_prefix: str, guard: str = "both", **kwargs):
        super().__init__(*args, **kwargs)
        self.url = f"/api/v1/articles/{slug}/"
        self.prefix = marker_prefix
        self.guard = guard
        self.count = 0
        self.acks: list[MarkerAck] = []

    def step(self) -> None:
        self.count += 1
        marker = f"{self.prefix}-{self.count}"
        attempt = 0
        while not self.give_up.is_set():
            current = self.client.call("GET", self.url + "?fields=body,version", kind="edit_read")
            if current.status != 200:
                return
            body = {"body": current.data["body"].rstrip() + f"\n\nAppended under load: {marker}."}
            if self.guard in ("both", "version"):
                body["version"] = current.data["version"]
            etag = current.etag if self.guard in ("both", "if-match") else ""
            written = self.client.call(
                "PATCH", self.url, kind="article_patch", allowed=WRITE_OK, body=body, etag=etag
            )
            if written.status == 200:
                self.acks.append(MarkerAck(marker, written.data["version"]))
                return
            if written.status is None:
                self.unknown.add(marker)
                return
            if written.status not in CONFLICT_STATUSES:
                return
            attempt += 1
            self.back_off(attempt)


class Checker(Worker):
    """A fact-checker flipping claim verdicts between verified and disputed."""

    def __init__(self, *args, claims: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.claims = claims
        self.acks: list[ClaimAck] = []

    def step(self) -> None:
        claim = self.rng.choice(self.claims)
        url = f"/api/v1/claims/{claim}/"
        attempt = 0
        while not self.give_up.is_set():
            current = self.client.call("GET", url + "?fields=id,status", kind="edit_read")
            if current.status != 200:
                return
            verdict = "disputed" if current.data["status"] == "verified" else "verified"
            written = self.client.call(
                "PATCH", url, kind="claim_patch", allowed=WRITE_OK, body={"status": verdict},
                etag=current.etag,
            )  # fmt: skip
            if written.status == 200:
                self.acks.append(
                    ClaimAck(claim, written.data["status"], etag_revision(written.etag))
                )
                return
            if written.status is None:
                self.unknown.add(claim)
                return
            if written.status not in CONFLICT_STATUSES:
                return
            attempt += 1
            self.back_off(attempt)


class Publisher(Worker):
    """An editor publishing a draft, then taking it back to draft, every ``interval`` s."""

    def __init__(self, *args, slug: str, interval: float, **kwargs):
        super().__init__(*args, **kwargs)
        self.url = f"/api/v1/articles/{slug}/"
        self.interval = interval
        self.acks: list[TransitionAck] = []

    def step(self) -> None:
        current = self.client.call("GET", self.url + "?fields=status,version", kind="edit_read")
        if current.status == 200:
            to = "draft" if current.data["status"] == "published" else "published"
            written = self.client.call(
                "POST", self.url + "transition/", kind="transition", allowed=WRITE_OK,
                body={"status": to}, etag=current.etag,
            )  # fmt: skip
            if written.status == 200:
                self.acks.append(TransitionAck(written.data["status"], written.data["version"]))
            elif written.status is None:
                self.unknown.add(len(self.acks))
            elif written.status in CONFLICT_STATUSES:
                self.back_off(1)
                return
        self.stop.wait(self.interval)


def reader_paths(plan: dict) -> dict[str, list[tuple[str, frozenset]]]:
    """What readers request, by kind; every path answers 200 but the toggled article's."""
    reads, shared, toggle = plan["reads"], plan["shared_article"], plan["toggle_article"]
    busy = reads["entities"][0]
    entities, claims = reads["entities"][:12], reads["claims"][:12]
    return {
        "page": [(p, OK) for p in ("/", "/claims/", "/pledges/")]
        + [(f"/entities/{slug}/", OK) for slug in entities]
        + [(f"/claims/{pk}/", OK) for pk in claims],
        "article_page": [(f"/articles/{slug}/", OK) for slug in reads["articles"]]
        + [(f"/articles/{shared}/", OK)] * 8
        + [(f"/articles/{toggle}/", OK_OR_HIDDEN)] * 4,
        "search": [(f"/search/?q={term}", OK) for term in reads["search_terms"]],
        "feed": [
            ("/feed/rss/", OK),
            ("/feed/atom/", OK),
            ("/sitemap.xml", OK),
            ("/news-sitemap.xml", OK),
            (f"/entities/{busy}/feed/rss/", OK),
        ],
        "api_list": [
            ("/api/v1/articles/", OK),
            ("/api/v1/claims/", OK),
            ("/api/v1/claims/?status=verified&kind=figure&expand=sources", OK),
            ("/api/v1/entities/", OK),
            ("/api/v1/sources/", OK),
            ("/api/v1/changes/", OK),
            ("/api/v1/changes/?kind=article&limit=20", OK),
        ],
        "api_detail": [(f"/api/v1/articles/{slug}/", OK) for slug in reads["articles"][:12]]
        + [(f"/api/v1/claims/{pk}/", OK) for pk in claims]
        + [(f"/api/v1/entities/{slug}/", OK) for slug in entities]
        + [(f"/api/v1/articles/{shared}/", OK)] * 6
        + [(f"/api/v1/articles/{toggle}/", OK_OR_HIDDEN)] * 3,
    }
