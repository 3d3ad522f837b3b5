"""The task queue: configured from TASK_QUEUE_URL, and a real worker delivers queued webhooks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import coverage_site.settings as site_settings
from sync.signing import verify

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/5"


@pytest.mark.parametrize(
    ("url", "huey_class", "option"),
    [
        (
            "sqlite:///var/test-tasks.sqlite3",
            "huey.SqliteHuey",
            ("filename", str(ROOT / "var/test-tasks.sqlite3")),
        ),
        (REDIS_URL, "huey.RedisHuey", ("url", REDIS_URL)),
        ("immediate://", "huey.MemoryHuey", ("immediate", True)),
    ],
)
def test_task_queue_url_selects_the_storage(monkeypatch, url, huey_class, option):
    """SQLite by default, Redis in production, inline for tests; never immediate by accident."""
    monkeypatch.setenv("TASK_QUEUE_URL", url)
    config = site_settings._task_queue_config()
    assert config["huey_class"] == huey_class
    assert config[option[0]] == option[1]
    assert config["immediate"] is (huey_class == "huey.MemoryHuey")


def test_default_task_queue_is_sqlite_in_var(monkeypatch):
    """With nothing set, tasks go to var/tasks.sqlite3: no extra service needed."""
    monkeypatch.delenv("TASK_QUEUE_URL", raising=False)
    config = site_settings._task_queue_config()
    assert (config["huey_class"], config["filename"]) == (
        "huey.SqliteHuey",
        str(site_settings.VAR_DIR / "tasks.sqlite3"),
    )


def test_unusable_task_queue_url_stops_with_one_line(monkeypatch, capsys):
    """An unknown scheme stops start-up with a message naming TASK_QUEUE_URL."""
    monkeypatch.setenv("TASK_QUEUE_URL", "amqp://broker/")
    with pytest.raises(SystemExit) as stopped:
        site_settings._task_queue_config()
    assert stopped.value.code == 2
    assert "TASK_QUEUE_URL 'amqp://broker/'" in capsys.readouterr().err


PUBLISH = """
import json
from django.contrib.auth.models import Group, User
from django.db import transaction
from articles.models import Article, Citation, Source
from articles.roles import EDITOR
from articles.services import article_publish
from sync.models import WebhookEndpoint

editor = User.objects.create(username="queue-editor", is_staff=True)
editor.groups.add(Group.objects.get(name=EDITOR))
endpoint = WebhookEndpoint.objects.create(owner=editor, url="{url}", events=["article.published"])
with transaction.atomic():
    article = Article.objects.create(title="Queued", slug="queued", body="Met.[1]")
    Citation.objects.create(article=article, number=1, source=Source.objects.create(
        url="https://news.example.org/queued", title="Queued source"))
with transaction.atomic():
    article_publish(article=article, by=editor)
print(json.dumps({{"secret": endpoint.secret, "article": article.pk}}))
"""


def _redis_available() -> bool:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).flushdb()
    except redis.RedisError:
        return False
    return True


@pytest.mark.parametrize("queue", ["sqlite", "redis"])
def test_worker_delivers_what_the_web_process_queued(tmp_path, receiver, queue):
    """Publishing only queues the webhook; the `run_huey` worker sends it, signed."""
    if queue == "redis" and not _redis_available():
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "coverage_site.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "TASK_QUEUE_URL": REDIS_URL if queue == "redis" else f"sqlite:///{tmp_path / 'q.sqlite3'}",
        "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES": "true",
    }
    manage = [sys.executable, "manage.py"]
    run = {"cwd": ROOT, "env": env, "capture_output": True, "text": True, "timeout": 300}
    migrated = subprocess.run([*manage, "migrate", "--noinput"], **run)
    assert migrated.returncode == 0, migrated.stderr
    published = subprocess.run([*manage, "shell", "-c", PUBLISH.format(url=receiver.url)], **run)
    assert published.returncode == 0, published.stderr
    sent = json.loads(published.stdout.strip().splitlines()[-1])
    assert receiver.requests == []  # queued, not sent by the publishing process

    worker = subprocess.Popen(
        [*manage, "run_huey", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not receiver.requests and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    (request,) = receiver.requests
    body = json.loads(request.body)
    assert (body["event"], body["object_id"]) == ("article.published", sent["article"])
    headers = request.headers
    assert verify(
        sent["secret"], headers["X-Summit-Timestamp"], request.body, headers["X-Summit-Signature"]
    )
