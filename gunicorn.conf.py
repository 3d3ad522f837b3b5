"""gunicorn settings for production (`make serve`). Every value can be set from the environment."""

import gc
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "sync" if threads == 1 else "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can never take a server down (0: never).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
preload_app = True
# The load balancer terminates TLS; trust its X-Forwarded-* headers only from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
access_log_format = (
    '{"time": "%(t)s", "remote": "%(h)s", "method": "%(m)s", "path": "%(U)s", '
    '"query": "%(q)s", "status": %(s)s, "bytes": "%(B)s", "duration_us": %(D)s, '
    '"user_agent": "%(a)s"}'
)


# Allocations between two collections of the youngest generation (Python's default: 700), then
# how many of those make a collection of the next. An uncached page allocates tens of thousands
# of objects that reference counting frees anyway; at the default every page paid for about
# thirty collections, near a fifth of an article page's time. Cyclic garbage waits a little
# longer: a few thousand objects at most.
gc_threshold = tuple(
    int(n) for n in os.environ.get("GUNICORN_GC_THRESHOLD", "10000,10,10").split(",")
)


def pre_fork(server, worker):
    """Keep the preloaded application's objects out of the garbage collector's reach, so a new
    (or recycled) worker does not copy every page of them on its first collection, and
    collect less often (``gc_threshold``)."""
    gc.freeze()
    gc.set_threshold(*gc_threshold)
