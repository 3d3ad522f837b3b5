"""Query-string discipline: unknown parameters, ``ordering``, ``fields`` and ``expand``.

Every problem is a 400 naming the parameter, so a typo never silently returns everything.
"""

from __future__ import annotations

from dataclasses import dataclass

from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter


@dataclass(frozen=True)
class Shape:
    """What a client asked to see: a subset of fields (None: all) and relations to embed."""

    fields: frozenset[str] | None = None
    expand: frozenset[str] = frozenset()


def parse_list(request, name: str, allowed: list[str]) -> frozenset[str] | None:
    """A comma-separated parameter whose every item must be in ``allowed`` (None if absent)."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    items = [item.strip() for item in raw.split(",")]
    if "" in items:
        raise ValidationError({name: [f"Empty item; give names from {', '.join(allowed)}."]})
    unknown = [item for item in items if item not in allowed]
    if unknown:
        raise ValidationError(
            {
                name: [
                    f"Unknown value{'s' if len(unknown) > 1 else ''} "
                    f"{', '.join(f'“{u}”' for u in unknown)}; choose from {', '.join(allowed)}."
                ]
            }
        )
    return frozenset(items)


def check_known_params(request, known: set[str]) -> None:
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise ValidationError(
            {
                name: [f"Unknown query parameter; this endpoint takes {', '.join(sorted(known))}."]
                for name in unknown
            }
        )


def list_param(name: str, allowed: list[str], description: str) -> dict:
    """An OpenAPI query parameter for a comma-separated list drawn from ``allowed``."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "style": "form",
        "explode": False,
        "schema": {"type": "array", "minItems": 1, "items": {"type": "string", "enum": allowed}},
    }


class StrictOrderingFilter(OrderingFilter):
    """``ordering=-updated_at`` from the view's whitelist; anything else is a 400.

    The primary key is appended as a tie-breaker so equal values page deterministically.
    Search results (a ``search_rank`` annotation, see ``articles/search.py``) come best first
    unless an ordering is asked for.
    """

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if raw is None:
            default = [*self.get_default_ordering(view)]
            if "search_rank" in queryset.query.annotations:
                return ["-search_rank", *default]
            return default
        allowed = self.allowed(view)
        fields = [f.strip() for f in raw.split(",")]
        unknown = [f for f in fields if f not in allowed]
        if unknown:
            raise ValidationError(
                {
                    self.ordering_param: [
                        f"Cannot order by {', '.join(f'“{u}”' for u in unknown)}; "
                        f"choose from {', '.join(allowed)}."
                    ]
                }
            )
        if not {"id", "-id"} & set(fields):
            fields.append("-id" if fields[0].startswith("-") else "id")
        return fields

    def allowed(self, view) -> list[str]:
        return [name for field in view.ordering_fields for name in (field, f"-{field}")]

    def get_schema_operation_parameters(self, view):
        default = ",".join(self.get_default_ordering(view))
        return [
            list_param(
                self.ordering_param,
                self.allowed(view),
                f"Sort by these fields, “-” for descending (default {default}).",
            )
        ]
