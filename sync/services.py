"""Record changes to the public data set in the feed, and deliver them to webhooks.

``changes_record`` runs after a transaction that touched articles, claims, entities or sources
commits (see ``sync.tracking``): it compares what is public now with what the feed last said
and appends one ChangeEvent per difference. Recording transactions are serialised by writing the
SyncLock row first, so event ids (the cursor) are handed out in commit order and a client that
has read up to id N never misses a later-committed event with a smaller id.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles import roles
from articles.caching import content_changed
from articles.models import Article

from . import outbound, state
from .links import api_url, site_url
from .models import (
    ChangeAction,
    ChangeEvent,
    DeliveryStatus,
    DueCheck,
    ObjectKind,
    PublicState,
    SyncLock,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from .signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

logger = logging.getLogger(__name__)

Key = state.Key
# Referenced objects arrive before the objects that refer to them, and leave after them.
UPSERT_ORDER = [ObjectKind.SOURCE, ObjectKind.ENTITY, ObjectKind.CLAIM, ObjectKind.ARTICLE]
REMOVAL_ORDER = list(reversed(UPSERT_ORDER))


def _lock() -> None:
    """Take the recording lock: an UPDATE as the first statement locks on every database."""
    now = timezone.now()
    if not SyncLock.objects.filter(pk=1).update(touched_at=now):
        SyncLock.objects.get_or_create(pk=1, defaults={"touched_at": now})


@transaction.atomic
def changes_record(*, keys: set[Key]) -> list[ChangeEvent]:
    """Append feed events for ``keys`` and their dependants whose public state changed."""
    if not keys:
        return []
    _lock()
    previous: dict[Key, PublicState | None] = {}  # the feed's last word, filled in as read
    keys = state.with_dependants(set(keys), previous)
    grouped = state.group(keys)
    return _emit(keys, state.public_payloads(grouped), _states(grouped, previous))


@transaction.atomic
def changes_reconcile() -> list[ChangeEvent]:
    """Compare everything public with everything the feed said; append events for differences.

    Every article public at the start has then been announced, so the due look (the feed's
    catch-up) need not consider them again: without a DueCheck row it compares every article.
    """
    _lock()
    started = timezone.now()
    current = state.public_payloads(None)
    previous = {(row.kind, row.object_id): row for row in PublicState.objects.all()}
    events = _emit(set(current) | set(previous), current, previous)
    _due_look_after(started - DUE_OVERLAP)
    return events


# How far before the time of a look the next one starts: for an article published (not
# scheduled) by a transaction that committed after a look and whose own recording failed, and
# for clocks a little apart between servers. The hourly reconcile covers anything older.
DUE_OVERLAP = dt.timedelta(minutes=10)
_EVER = dt.datetime(1, 1, 2, tzinfo=dt.UTC)  # before any publication: no DueCheck row yet


def changes_publish_due(*, advance: bool = True) -> list[ChangeEvent]:
    """Record scheduled articles whose publish time has passed (cheap when there are none).

    Only articles published after ``DueCheck.look_after`` are compared with the feed's state
    (all of them until the row exists), so the cost follows recent publications, not the
    number of articles. ``advance`` moves the row up to this look once what came due is
    recorded; the feed read (``changes_catch_up``) does not, so that reading stays free of
    writes unless it recorded something (the minutely task advances it).
    """
    events, _more = _publish_due(advance=advance, limit=None)
    return events


# The most due articles one feed read records (with what they make public; 20 articles bring
# about 200 claims, 350 sources and 500 entities, about 0.25 s at full size): after a bulk load
# (no signals) a read would otherwise record every article inside one request.
CATCH_UP_LIMIT = 20


def changes_catch_up(*, limit: int | None = None) -> bool:
    """The feed read's due look: record at most ``limit`` due articles, oldest first.

    Returns True when more were due than that (they are left for the next read or the
    minutely task). Writes nothing unless it recorded something.
    """
    _events, more = _publish_due(advance=False, limit=limit or CATCH_UP_LIMIT)
    return more


def _publish_due(*, advance: bool, limit: int | None) -> tuple[list[ChangeEvent], bool]:
    now = timezone.now()
    look_after = Subquery(DueCheck.objects.filter(pk=1).values("look_after")[:1])
    # NOT EXISTS, probed per candidate through the unique (kind, object_id) index; NOT IN
    # would hash every announced article whenever there is a candidate at all.
    announced = PublicState.objects.filter(kind=ObjectKind.ARTICLE, object_id=OuterRef("pk"))
    due = (
        Article.objects.published()
        .filter(published_at__gt=Coalesce(look_after, Value(_EVER)))
        .exclude(Exists(announced))
    )
    if limit is None:
        rows = list(due.order_by().values_list("pk", "published_at"))
    else:
        rows = list(
            due.order_by("published_at", "pk").values_list("pk", "published_at")[: limit + 1]
        )
    if limit is not None and len(rows) > limit:
        # Recorded up to the first article left out: the next look starts no later than there.
        done_until, more = min(now, rows[limit][1]), True
        rows = rows[:limit]
    else:
        done_until, more = now, False
    keys = {(ObjectKind.ARTICLE, pk) for pk, _published_at in rows}
    events = changes_record(keys=keys) if keys else []
    if advance or events:  # not before the recording: an error above leaves the row alone
        _due_look_after(done_until - DUE_OVERLAP)
    return events, more


def _due_look_after(when: dt.datetime) -> None:
    if not DueCheck.objects.filter(pk=1, look_after__lt=when).update(look_after=when):
        # No row yet (or a later one, which stays): create it unless another process did.
        DueCheck.objects.bulk_create([DueCheck(pk=1, look_after=when)], ignore_conflicts=True)


def _states(
    grouped: dict[str, set[int]], known: dict[Key, PublicState | None]
) -> dict[Key, PublicState]:
    """The PublicState rows of these objects: ``known`` ones plus the rest, read in one query.

    ``known`` holds rows already read (None: read, and there is none).
    """
    condition = Q()
    for kind, ids in grouped.items():
        missing = [pk for pk in ids if (kind, pk) not in known]
        if missing:
            condition |= Q(kind=kind, object_id__in=missing)
    rows = PublicState.objects.filter(condition) if condition else ()
    states = {
        key: row for key, row in known.items() if row is not None and key[1] in grouped[key[0]]
    }
    states.update(((row.kind, row.object_id), row) for row in rows)
    return states


def _emit(
    keys: set[Key], current: dict[Key, dict], previous: dict[Key, PublicState]
) -> list[ChangeEvent]:
    now = timezone.now()
    gone = {key for key in keys if key not in current and key in previous}
    still_there = state.existing_ids(state.group(gone))
    corrected = _corrected_articles(current, previous)
    upserts, removals = [], []
    for key in keys:
        old = previous.get(key)
        new = current.get(key)
        if new is not None:
            if old is not None and old.payload == new:
                continue  # the stored digest is of this very payload: no need to hash it again
            new_digest = state.digest(new)
            if old is None or old.digest != new_digest:
                action = _action(key, old.payload if old else None, new, corrected)
                upserts.append((key, action, new, new_digest))
        elif old is not None:
            action = ChangeAction.UNPUBLISHED if key in still_there else ChangeAction.DELETED
            removals.append((key, action, None, ""))
    upserts.sort(key=lambda c: (UPSERT_ORDER.index(c[0][0]), c[0][1]))
    removals.sort(key=lambda c: (REMOVAL_ORDER.index(c[0][0]), c[0][1]))
    changes = upserts + removals
    if not changes:
        return []
    events = ChangeEvent.objects.bulk_create(
        [
            ChangeEvent(kind=kind, object_id=pk, action=action, occurred_at=now, payload=new)
            for (kind, pk), action, new, _ in changes
        ]
    )
    _deliveries_create(events, previous, now)  # before _save_states overwrites `previous`
    _save_states(changes, previous, now)
    # The feed is read through the public cache (articles/caching.py); bulk inserts send no
    # signal, and these events are written after the edit's own commit started a generation.
    content_changed()
    return events


def _corrected_articles(current: dict[Key, dict], previous: dict[Key, PublicState]) -> set[int]:
    """Articles that gained a correction note in this change."""
    corrected = set()
    for (kind, pk), new in current.items():
        old = previous.get((kind, pk))
        if kind == ObjectKind.ARTICLE and old is not None:
            before = {c["id"] for c in old.payload["corrections"]}
            if {c["id"] for c in new["corrections"]} - before:
                corrected.add(pk)
    return corrected


def _action(key: Key, old: dict | None, new: dict, corrected: set[int]) -> str:
    kind, pk = key
    if old is None:
        return ChangeAction.CREATED
    if kind == ObjectKind.CLAIM and old["status"] != new["status"]:
        return ChangeAction.STATUS_CHANGED
    if kind == ObjectKind.ARTICLE and pk in corrected:
        return ChangeAction.CORRECTED
    if kind == ObjectKind.CLAIM and any(a["article"] in corrected for a in new["appearances"]):
        return ChangeAction.CORRECTED
    return ChangeAction.UPDATED


def _save_states(changes, previous: dict[Key, PublicState], now: dt.datetime) -> None:
    created, updated, removed = [], [], []
    for key, _action_name, new, new_digest in changes:
        row = previous.get(key)
        if new is None:
            removed.append(row.pk)
        elif row is None:
            created.append(
                PublicState(
                    kind=key[0], object_id=key[1], digest=new_digest, payload=new, updated_at=now
                )
            )
        else:
            row.digest, row.payload, row.updated_at = new_digest, new, now
            updated.append(row)
    PublicState.objects.bulk_create(created)
    PublicState.objects.bulk_update(updated, ["digest", "payload", "updated_at"])
    PublicState.objects.filter(pk__in=removed).delete()


def webhook_body(event: ChangeEvent, previous: dict | None) -> dict:
    """What a receiver gets: the change, the object's state now and what it was before."""
    page = event.payload["page"] if event.payload else None
    return {
        "event": event.event_type,
        "change": event.pk,
        "occurred_at": state.iso_time(event.occurred_at),
        "kind": event.kind,
        "object_id": event.object_id,
        "page_url": site_url(page) if page else None,
        "api_url": None if event.is_tombstone else site_url(api_url(event.kind, event.payload)),
        "data": event.payload,
        "previous": previous,
    }


def _deliveries_create(events, previous: dict[Key, PublicState], now: dt.datetime) -> None:
    endpoints = list(WebhookEndpoint.objects.filter(active=True).only("pk", "events"))
    if not endpoints:
        return
    deliveries = []
    for event in events:
        old = previous.get((event.kind, event.object_id))
        body = webhook_body(event, old.payload if old else None)
        deliveries.extend(
            WebhookDelivery(
                endpoint=endpoint,
                event=event,
                event_type=event.event_type,
                payload=body,
                next_attempt_at=now,
                created_at=now,
            )
            for endpoint in endpoints
            if event.event_type in endpoint.events
        )
    if deliveries:
        created = WebhookDelivery.objects.bulk_create(deliveries)
        _enqueue_after_commit([d.pk for d in created])


def _enqueue_after_commit(ids: list[int], eta: dt.datetime | None = None) -> None:
    def enqueue() -> None:
        from .tasks import deliver_webhook

        try:
            for pk in ids:
                if eta is None:
                    deliver_webhook(pk)
                else:
                    deliver_webhook.schedule(args=(pk,), eta=eta)
        except Exception:
            # Still pending in the database: the every-minute sweep sends them.
            logger.exception("Could not enqueue webhook deliveries %s", ids)

    transaction.on_commit(enqueue)


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff: base, 2×base, 4×base … after the 1st, 2nd, 3rd failed attempt."""
    return dt.timedelta(seconds=settings.WEBHOOKS_RETRY_BASE_SECONDS * 2 ** (attempts - 1))


def webhook_delivery_attempt(
    *, delivery_id: int, now: dt.datetime | None = None
) -> WebhookDelivery | None:
    """Try to send one due delivery; log the attempt; schedule a retry or give up.

    Returns None when the delivery is not pending and due (already sent, or claimed by another
    worker): claiming is one conditional UPDATE, so a delivery is never sent twice at once.
    """
    now = now or timezone.now()
    lease = now + dt.timedelta(seconds=settings.WEBHOOKS_TIMEOUT_SECONDS * 3 + 30)
    due = WebhookDelivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    )
    if not due.update(next_attempt_at=lease):
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    if delivery.endpoint.active:
        outcome = _send(delivery)
    else:
        outcome = outbound.Outcome(error="The endpoint is inactive.", final=True)
    return _record_attempt(delivery, outcome, now)


def _send(delivery: WebhookDelivery) -> outbound.Outcome:
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = int(time.time())  # the receiver's clock, not a test's or a sweep's `now`
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "SummitCoverage-Webhooks/1",
        "X-Summit-Event": delivery.event_type,
        "X-Summit-Delivery": str(delivery.pk),
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(delivery.endpoint.secret, timestamp, body),
    }
    return outbound.post(
        delivery.endpoint.url, body, headers, timeout=settings.WEBHOOKS_TIMEOUT_SECONDS
    )


@transaction.atomic
def _record_attempt(
    delivery: WebhookDelivery, outcome: outbound.Outcome, now: dt.datetime
) -> WebhookDelivery:
    number = delivery.attempts + 1
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=number,
        started_at=now,
        duration_ms=outcome.duration_ms,
        response_code=outcome.status,
        response_body=outcome.body,
        error=outcome.error,
    )
    delivery.attempts = number
    delivery.last_response_code = outcome.status
    delivery.last_error = outcome.error or ("" if outcome.ok else f"HTTP {outcome.status}")
    if outcome.ok:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
            DeliveryStatus.SUCCEEDED,
            now,
            None,
        )
    elif outcome.final or number >= settings.WEBHOOKS_MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    else:
        delivery.next_attempt_at = now + retry_delay(number)
        _enqueue_after_commit([delivery.pk], eta=delivery.next_attempt_at)
    delivery.save()
    return delivery


def webhook_deliveries_send_due(*, now: dt.datetime | None = None, limit: int = 100) -> int:
    """Attempt every pending delivery whose time has come (the sweep behind queued retries)."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    ids = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    for pk in ids:
        webhook_delivery_attempt(delivery_id=pk, now=now)
    return len(ids)


@transaction.atomic
def webhook_deliveries_resend(*, deliveries, by) -> list[WebhookDelivery]:
    """Send these deliveries' payloads again, as new deliveries with their own attempt log."""
    if not roles.may_manage_webhooks(by):
        raise PermissionDenied("Only editors may re-send webhook deliveries.")
    now = timezone.now()
    copies = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                endpoint_id=d.endpoint_id,
                event_id=d.event_id,
                event_type=d.event_type,
                payload=d.payload,
                resend_of=d,
                next_attempt_at=now,
                created_at=now,
            )
            for d in deliveries
        ]
    )
    _enqueue_after_commit([d.pk for d in copies])
    return copies
