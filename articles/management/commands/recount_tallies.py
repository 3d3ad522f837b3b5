"""Count the tallies of published coverage again from the rows (``articles/tallies.py``)."""

from django.core.management.base import BaseCommand

from articles.tallies import recount


class Command(BaseCommand):
    help = "Recount the coverage tallies the database triggers keep (after a repair, say)."

    def handle(self, *args, **options) -> None:
        recount()
        self.stdout.write("Tallies recounted.")
