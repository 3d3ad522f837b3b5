"""Background work on the task queue (huey): webhook deliveries and the periodic catch-ups.

``manage.py run_huey`` (started by ``make run``) runs these; the test suite runs them inline.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import services


@db_task()
def deliver_webhook(delivery_id: int) -> None:
    services.webhook_delivery_attempt(delivery_id=delivery_id)


@db_periodic_task(crontab(minute="*"))
def publish_due_changes() -> None:
    """Scheduled articles fire their events within a minute of becoming visible."""
    services.changes_publish_due()


@db_periodic_task(crontab(minute="*"))
def send_due_webhooks() -> None:
    """Retries whose queued task was lost (a restarted queue) still go out."""
    services.webhook_deliveries_send_due()


@db_periodic_task(crontab(minute="17"))
def reconcile_changes() -> None:
    """Hourly safety net for edits made without model signals (bulk updates, raw SQL)."""
    services.changes_reconcile()
