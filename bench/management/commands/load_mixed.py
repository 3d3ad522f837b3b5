"""manage.py load_mixed prepare|snapshot: the fixture of `make load`, as JSON on stdout."""

import json
from pathlib import Path

from django.core.exceptions import ObjectDoesNotExist
from django.core.management.base import BaseCommand, CommandError

from bench.mixed_fixture import prepare, snapshot


class Command(BaseCommand):
    help = (
        "prepare: create the load run's accounts and tokens and pick the rows they write to; "
        "prints the plan. snapshot --plan FILE: print those rows' current state."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["prepare", "snapshot"])
        parser.add_argument("--shared-article", help="Slug of the published article to append to.")
        parser.add_argument("--editors", type=int, default=3)
        parser.add_argument("--checkers", type=int, default=2)
        parser.add_argument("--claims", type=int, default=6)
        parser.add_argument("--plan", type=Path, help="The plan `prepare` printed (snapshot).")

    def handle(self, *args, action, shared_article, editors, checkers, claims, plan, **options):
        if action == "snapshot":
            if plan is None:
                raise CommandError("snapshot needs --plan FILE (the JSON `prepare` printed).")
            result = snapshot(json.loads(plan.read_text()))
        else:
            if not shared_article:
                raise CommandError("prepare needs --shared-article SLUG (a published article).")
            try:
                result = prepare(
                    shared_article=shared_article, editors=editors, checkers=checkers, claims=claims
                )
            except ObjectDoesNotExist:
                raise CommandError(f"No published article {shared_article!r}.") from None
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(json.dumps(result))
