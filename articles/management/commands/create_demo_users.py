"""Create one demo account per editorial role (development only) and print the logins."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from articles.roles import EDITOR, FACT_CHECKER, REPORTER

DEMO_ACCOUNTS = [
    ("reporter", REPORTER, "reporter-demo-2025"),
    ("factchecker", FACT_CHECKER, "factchecker-demo-2025"),
    ("editor", EDITOR, "editor-demo-2025"),
]


class Command(BaseCommand):
    help = "Create demo accounts for each role (refused when DEBUG is off)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts are for development only; DEBUG is off.")
        user_model = get_user_model()
        self.stdout.write("Demo logins for http://…/admin/ (development only):")
        for username, role, password in DEMO_ACCOUNTS:
            user, _ = user_model.objects.get_or_create(username=username)
            user.is_staff = True
            user.is_active = True
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get(name=role)])
            self.stdout.write(f"  {role:<13} username: {username:<12} password: {password}")
