"""Fixtures for the change feed and webhooks: committed steps, a fake clock, a local receiver."""

from __future__ import annotations

import datetime as dt
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.utils import timezone

from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimAppearanceFactory,
    ClaimFactory,
    SourceFactory,
    editor,
)


@pytest.fixture(autouse=True)
def empty_task_queue():
    """Tasks scheduled for later (retries) stay in the in-memory queue; start each test empty."""
    from huey.contrib.djhuey import HUEY

    HUEY.flush()
    yield
    HUEY.flush()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit():`` runs the block as one transaction and then its on-commit callbacks."""

    @contextmanager
    def committed():
        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                yield

    return committed


class Clock:
    def __init__(self) -> None:
        self.now = timezone.now()

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Time stands still until the test moves it (``clock.advance(hours=1)``)."""
    fake = Clock()
    monkeypatch.setattr(timezone, "now", lambda: fake.now)
    return fake


@pytest.fixture
def an_editor(db):
    return editor()


def article_with_claim(*, claim_kwargs=None, **article_kwargs):
    """A draft article citing one source, with one sourced claim: ready to publish."""
    article = ArticleFactory(**article_kwargs)
    source = SourceFactory()
    CitationFactory(article=article, number=1, source=source)
    claim = ClaimFactory(**(claim_kwargs or {}))
    claim.sources.add(source)
    ClaimAppearanceFactory(claim=claim, article=article, position=1)
    return article, claim, source


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes


@dataclass
class Receiver:
    """A local webhook receiver answering with ``statuses`` in turn (then 200)."""

    statuses: list[int] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def receiver(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append(Received(self.path, dict(self.headers), body))
            status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b"ok" if status < 300 else b"try again later")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/hooks"
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
