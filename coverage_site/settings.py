"""Settings for Summit Coverage, read from the environment (django-environ).

Development works with no variables set: SQLite under ``var/``, the local-memory cache and a
development-only secret key. Production sets ``DEBUG=false`` and must then supply ``SECRET_KEY``.
A misconfiguration stops start-up with one line naming the variable, never a traceback.
"""

import re
import sys
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _config_error(message: str) -> None:
    sys.stderr.write(f"Configuration error: {message}\n")
    raise SystemExit(2)


def _read(reader, name: str, default):
    try:
        return reader(name, default=default)
    except (ImproperlyConfigured, ValueError, KeyError) as exc:
        _config_error(f"{name} cannot be used ({exc}).")


DEBUG = _read(env.bool, "DEBUG", True)
_DEV_SECRET = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        _config_error("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = _DEV_SECRET
ALLOWED_HOSTS = _read(env.list, "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = _read(env.list, "CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")


SUPPORTED_DATABASE_SCHEMES = {"postgres", "postgresql", "pgsql", "sqlite"}


def _database_config() -> dict:
    default_url = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
    url = env.str("DATABASE_URL", default=default_url)
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in SUPPORTED_DATABASE_SCHEMES:
        _config_error(
            f"DATABASE_URL {url!r} is not a URL like postgres://user@host:5432/name "
            "or sqlite:////path/to/db.sqlite3."
        )
    try:
        config = environ.Env.db_url_config(url)
    except (ImproperlyConfigured, ValueError, KeyError) as exc:
        _config_error(f"DATABASE_URL {url!r} cannot be parsed ({exc}).")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        config.setdefault("OPTIONS", {}).update({"timeout": 20})
    else:
        config.setdefault("OPTIONS", {}).update(_postgresql_binding_options())
    config["ATOMIC_REQUESTS"] = False
    config["CONN_MAX_AGE"] = _read(env.int, "CONN_MAX_AGE", 0)
    return config


def _postgresql_binding_options() -> dict:
    """psycopg 3 options for server-side parameter binding and prepared statements.

    With server-side binding psycopg sends the parameters apart from the SQL and, after
    ``DATABASE_PREPARE_THRESHOLD`` executions of the same statement on one connection, prepares
    it, so PostgreSQL no longer parses and (once it settles on a generic plan) no longer plans it
    on every request. Django alone disables preparing (threshold ``None``) to keep transaction
    poolers working: PgBouncer in transaction mode needs >= 1.21 with ``max_prepared_statements``
    set, or ``DATABASE_SERVER_SIDE_BINDING=false``.

    On by default. A statement bound server-side carries at most 65,535 parameters, and Django
    does not split an ``IN`` list on PostgreSQL (``sync_reconcile`` sends one of every id), so
    ``coverage_site/prepared.py`` binds such a statement client-side.
    """
    if not _read(env.bool, "DATABASE_SERVER_SIDE_BINDING", True):
        return {}
    threshold = _read(env.int, "DATABASE_PREPARE_THRESHOLD", 5)
    if threshold < 0:
        _config_error(f"DATABASE_PREPARE_THRESHOLD must be 0 or more, not {threshold}.")
    return {"server_side_binding": True, "prepare_threshold": threshold}


def _cache_config() -> dict:
    url = env.str("CACHE_URL", default="locmemcache://summit-coverage")
    try:
        config = environ.Env.cache_url_config(url)
    except (ImproperlyConfigured, ValueError, KeyError) as exc:
        _config_error(f"CACHE_URL {url!r} cannot be parsed ({exc}).")
    if config["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        config["BACKEND"] = "coverage_site.redis_cache.RedisCache"  # one client per pool
    return config


DATABASES = {"default": _database_config()}
CACHES = {"default": _cache_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "csp",
    "axes",
    "entities",
    "articles",
    "sync",
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "coverage_site.csp.StableCSPMiddleware",  # django-csp, in a fixed order (see the module)
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "coverage_site.urls"
WSGI_APPLICATION = "coverage_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "coverage_site.static_storage.StaticStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Summit Coverage API",
    "DESCRIPTION": "Claims, entities, sources and articles from Summit Coverage.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Proxies in front of the app whose X-Forwarded-For entries are trusted (the load balancer).
NUM_PROXIES = _read(env.int, "NUM_PROXIES", 0 if DEBUG else 1)

# REST API (/api/v1/): JSON only (the interactive page is /api/docs/), strict pages and errors,
# rate limits per anonymous address and per user. NUM_PROXIES (above) makes the
# client address come from X-Forwarded-For behind the load balancer.
_RATE_RE = r"^\d+/(s|sec|second|m|min|minute|h|hour|d|day)$"
API_THROTTLE_RATES = {
    "anon": _read(env.str, "API_THROTTLE_ANON", "120/min"),
    "user": _read(env.str, "API_THROTTLE_USER", "1200/min"),
}
for _scope, _rate in API_THROTTLE_RATES.items():
    if not re.match(_RATE_RE, _rate):
        _config_error(f"API_THROTTLE_{_scope.upper()} {_rate!r} is not like 120/min.")
REST_FRAMEWORK.update(
    {
        "DEFAULT_RENDERER_CLASSES": ["coverage_site.rest.renderers.JSONRenderer"],
        "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
        "DEFAULT_PAGINATION_CLASS": "coverage_site.rest.pagination.PageNumberPagination",
        "DEFAULT_SCHEMA_CLASS": "coverage_site.rest.schema.AutoSchema",
        "EXCEPTION_HANDLER": "coverage_site.rest.errors.api_exception_handler",
        "DEFAULT_THROTTLE_CLASSES": [
            "coverage_site.rest.throttling.AnonThrottle",
            "coverage_site.rest.throttling.UserThrottle",
        ],
        "DEFAULT_THROTTLE_RATES": API_THROTTLE_RATES,
        "NUM_PROXIES": NUM_PROXIES,
        "TEST_REQUEST_DEFAULT_FORMAT": "json",
    }
)
SPECTACULAR_SETTINGS.update(
    {
        "COMPONENT_NO_READ_ONLY_REQUIRED": True,
        "SCHEMA_PATH_PREFIX": "/api/v1",
        "ENUM_NAME_OVERRIDES": {
            "ArticleStatusEnum": "articles.models.ArticleStatus",
            "VerificationStatusEnum": "articles.models.VerificationStatus",
            "ClaimKindEnum": "articles.models.ClaimKind",
            "EntityKindEnum": "entities.models.EntityKind",
        },
    }
)

# Structured (JSON) logs in production, plain lines in development; LOG_FORMAT overrides.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}


# Brute force: five failed admin logins for one username from one address lock that pair out
# for fifteen minutes (django-axes). Locking by username alone would let anyone lock an editor out.
AXES_FAILURE_LIMIT = _read(env.int, "AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "coverage_site.client_ip.axes_client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Security headers. Every page works under this policy: no inline script, no third-party origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if not DEBUG:
    # Behind a TLS-terminating load balancer that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _read(env.bool, "SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = _read(env.int, "SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True

# Public cache (coverage_site/public_cache.py; invalidation in articles/caching.py): whole
# responses for anonymous readers in the default cache, replaced as soon as an editor's change
# commits; 0 turns it off. ConditionalGetMiddleware gives every page an ETag and answers 304s.
PUBLIC_CACHE_SECONDS = _read(env.int, "PUBLIC_CACHE_SECONDS", 600)
MIDDLEWARE.insert(0, "coverage_site.public_cache.PublicCacheStoreMiddleware")
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "coverage_site.conditional_get.ConditionalGetMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("coverage_site.conditional_get.ConditionalGetMiddleware") + 1,
    "coverage_site.public_cache.PublicCacheFetchMiddleware",
)

# Benchmarks (`make bench`). The app only adds the build_bench_data command; BENCH_BARE_VIEW turns
# on the bare baseline view /bench/bare and an X-Bench-Queries header. Never set it in production.
INSTALLED_APPS.append("bench")
BENCH_BARE_VIEW = _read(env.bool, "BENCH_BARE_VIEW", False)
if BENCH_BARE_VIEW:
    MIDDLEWARE.insert(0, "bench.middleware.QueryCountMiddleware")


# Change feed and webhooks (sync app), and the task queue that delivers webhooks (huey).
# TASK_QUEUE_URL: sqlite:///path (default, var/tasks.sqlite3, consumer started by `make run`),
# redis://host:6379/N (production), or immediate:// (tasks run inline; the test suite uses it).
def _task_queue_config() -> dict:
    url = env.str("TASK_QUEUE_URL", default=f"sqlite:///{VAR_DIR / 'tasks.sqlite3'}")
    scheme, _, rest = url.partition("://")
    config = {"name": "summit-coverage", "results": False, "immediate": False, "utc": True}
    config["consumer"] = {"workers": 2, "worker_type": "thread", "periodic": True}
    if scheme == "sqlite" and rest.startswith("/") and len(rest) > 1:
        path = Path(rest[1:]) if Path(rest[1:]).is_absolute() else BASE_DIR / rest[1:]
        path.parent.mkdir(parents=True, exist_ok=True)
        return {**config, "huey_class": "huey.SqliteHuey", "filename": str(path)}
    if scheme in {"redis", "rediss"}:
        return {**config, "huey_class": "huey.RedisHuey", "url": url}
    if scheme == "immediate":
        return {**config, "huey_class": "huey.MemoryHuey", "immediate": True}
    _config_error(
        f"TASK_QUEUE_URL {url!r} is not sqlite:///path/to/tasks.sqlite3, "
        "redis://host:6379/0 or immediate://."
    )


HUEY = _task_queue_config()
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = _read(env.bool, "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", DEBUG)
WEBHOOKS_MAX_ATTEMPTS = _read(env.int, "WEBHOOKS_MAX_ATTEMPTS", 8)
WEBHOOKS_RETRY_BASE_SECONDS = _read(env.int, "WEBHOOKS_RETRY_BASE_SECONDS", 60)
WEBHOOKS_TIMEOUT_SECONDS = _read(env.int, "WEBHOOKS_TIMEOUT_SECONDS", 10)
WEBHOOKS_MAX_ENDPOINTS_PER_OWNER = 20
# The queue worker logs failures; HUEY_LOG_LEVEL=INFO also shows every task it runs.
LOGGING["loggers"] = {
    **LOGGING.get("loggers", {}),
    "huey": {
        "handlers": ["console"],
        "level": env.str("HUEY_LOG_LEVEL", default="WARNING"),
        "propagate": False,
    },
}
