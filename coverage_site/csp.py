"""The Content-Security-Policy header: django-csp's policy, in the settings' order, built once.

django-csp 4.0 builds the header on every response (twice: enforced and report-only) by
iterating a ``set`` of directive names, so the directives' order depends on the process's hash
seed: two app servers behind the load balancer sent differently ordered (equivalent) headers for
the same page, and a response could not be compared byte for byte across restarts. This
middleware formats the policy with django-csp itself, once per settings value, and lists the
directives in the order ``CONTENT_SECURITY_POLICY["DIRECTIVES"]`` declares them.

Responses that change the policy for themselves (django-csp's ``csp_update``/``csp_replace``/
``csp`` decorators, a nonce, a report-only policy) go through django-csp unchanged; the site
uses none of them today.
"""

from __future__ import annotations

from collections.abc import Iterable

from csp.middleware import HEADER, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

# What django-csp's decorators set on a response to change its policy.
_PER_RESPONSE_ATTRIBUTES = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
_DEBUG_PAGES = (404, 500)  # django-csp leaves Django's debug pages alone when DEBUG is on


def in_declared_order(policy: str, directives: Iterable[str]) -> str:
    """``policy`` (django-csp's ``name value; …``) with its directives in ``directives``' order.

    Directives not named there (none, for a policy built from the same settings) follow, sorted.
    """
    rank = {name: index for index, name in enumerate(directives)}
    parts = [part for part in policy.split("; ") if part]
    return "; ".join(
        sorted(parts, key=lambda part: (rank.get(part.split(" ", 1)[0], len(rank)), part))
    )


class StableCSPMiddleware(CSPMiddleware):
    """``csp.middleware.CSPMiddleware`` with a policy string that is the same in every process."""

    _built_for: object = None
    _policy: str = ""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        config = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        if self._customised(request, response):
            return super().process_response(request, response)
        if response.status_code in _DEBUG_PAGES and settings.DEBUG:
            return response
        policy = self._settings_policy(config)
        excluded = request.path_info.startswith(tuple(config.get("EXCLUDE_URL_PREFIXES") or ()))
        exempt = getattr(response, "_csp_exempt", False) is not False
        if policy and HEADER not in response and not excluded and not exempt:
            response[HEADER] = policy
        return response

    @staticmethod
    def _customised(request: HttpRequest, response: HttpResponseBase) -> bool:
        """Whether this response's policy differs from the settings' (see the module)."""
        return (
            getattr(request, "_csp_nonce", None) is not None
            or bool(getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None))
            or any(getattr(response, name, None) is not None for name in _PER_RESPONSE_ATTRIBUTES)
        )

    def _settings_policy(self, config: dict) -> str:
        """The settings' policy, rebuilt only when the setting changes (tests override it)."""
        if config is not self._built_for:
            policy = build_policy() if config else ""
            self._policy = in_declared_order(policy, config.get("DIRECTIVES", {}))
            self._built_for = config
        return self._policy
