"""Settings for the test suite: the same as production-shaped settings, with fast hashing."""

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (quiets WhiteNoise)
# django-axes needs the request in authenticate(), which Client.login() does not pass; the
# brute-force tests switch it on with override_settings(AXES_ENABLED=True).
AXES_ENABLED = False
HUEY = {**HUEY, "huey_class": "huey.MemoryHuey", "immediate": True}  # noqa: F405  (tasks run inline)
