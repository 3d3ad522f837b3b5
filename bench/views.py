"""The bare baseline: a view that touches neither the database nor a template."""

from django.http import HttpRequest, HttpResponse


def bare(request: HttpRequest) -> HttpResponse:
    """What the stack costs with no work at all; every endpoint's rate is compared with this."""
    return HttpResponse(b"ok\n", content_type="text/plain")
