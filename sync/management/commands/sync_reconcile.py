"""Bring the change feed in line with the published data set."""

from collections import Counter

from django.core.management.base import BaseCommand

from sync.services import changes_reconcile


class Command(BaseCommand):
    help = (
        "Compare every public article, claim, entity and source with what the change feed last "
        "said, and append events for every difference (safe to run any time; idempotent)."
    )

    def handle(self, *args, **options) -> None:
        events = changes_reconcile()
        counts = Counter(event.event_type for event in events)
        summary = ", ".join(f"{n} {name}" for name, n in sorted(counts.items())) or "none"
        self.stdout.write(f"Change feed reconciled: {len(events)} new event(s) ({summary}).")
