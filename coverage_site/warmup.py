"""Do once, before serving, what the first request of every worker process would otherwise do.

gunicorn (``preload_app``) loads the application in its master process and forks workers from
it; a worker recycled after ``max_requests`` is a new fork. Whatever the master has not done,
each new worker does on its first request: importing every view module while resolving the
URLconf and compiling the templates. That took a few hundred milliseconds per fork and was the
slowest 1 % of all requests under load. Done here, in the master, forks inherit it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.urls import get_resolver

logger = logging.getLogger(__name__)


def project_templates() -> list[str]:
    """The names of the templates in the project's own template directories."""
    names = []
    for engine in settings.TEMPLATES:
        for directory in map(Path, engine.get("DIRS", [])):
            names += [
                path.relative_to(directory).as_posix()
                for path in sorted(directory.rglob("*"))
                if path.suffix in {".html", ".xml", ".txt"}
            ]
    return names


def warm_up() -> int:
    """Import the URLconf's views and compile the project's templates; returns how many
    templates are ready. A template that fails to compile is logged, never fatal: the page
    that uses it reports the error as it would have without the warm-up."""
    get_resolver().reverse_dict  # noqa: B018 (imports every view module, fills reverse())
    ready = 0
    for name in project_templates():
        try:
            get_template(name)
        except (TemplateDoesNotExist, TemplateSyntaxError):
            logger.exception("warm-up: template %s does not compile", name)
        else:
            ready += 1
    return ready
