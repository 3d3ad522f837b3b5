"""manage.py bench_session: an Editor's signed-in session for `make bench`'s admin pages."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from articles.roles import EDITOR

USERNAME = "bench-editor"


class Command(BaseCommand):
    help = (
        f"Create the Editor account {USERNAME!r} in the bench database if missing (no password: "
        "it cannot log in) and print the key of a new session signed in as it."
    )

    def handle(self, *args, **options):
        user, _ = get_user_model().objects.get_or_create(
            username=USERNAME, defaults={"is_staff": True}
        )
        user.set_unusable_password()
        user.save()
        user.groups.set([Group.objects.get(name=EDITOR)])
        session = import_module(settings.SESSION_ENGINE).SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        self.stdout.write(session.session_key)
