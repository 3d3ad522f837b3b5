"""Editorial roles and the single place that decides who may do what.

Admin, API and pages all ask these functions; none of them checks permissions on its own.
"""

from __future__ import annotations

REPORTER = "Reporter"
FACT_CHECKER = "Fact-checker"
EDITOR = "Editor"

_EDIT_CONTENT = [
    f"{action}_{model}"
    for model in ("article", "citation", "claim", "claimappearance", "claimsource", "source")
    for action in ("add", "change", "view")
] + [
    f"{action}_{model}"
    for model in ("entity", "entityalias", "entityrelation")
    for action in ("add", "change", "view")
]
# Rows that are part of a piece's content (a citation, a claim's source, an alias): whoever
# edits the content may remove them; removing whole articles, claims or entities is editors' work.
_EDIT_PARTS = [
    f"delete_{model}"
    for model in ("citation", "claimappearance", "claimsource", "entityalias", "entityrelation")
]
_VIEW_CONTENT = [
    f"view_{model}"
    for model in (
        "article",
        "citation",
        "claim",
        "claimappearance",
        "claimsource",
        "source",
        "entity",
        "entityalias",
        "entityrelation",
        "correctionnote",
        "articletransition",
    )
]

# Permission codenames per role, by app label. "verify_claim" gates verification status.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    REPORTER: sorted(set(_EDIT_CONTENT + _EDIT_PARTS + _VIEW_CONTENT)),
    FACT_CHECKER: sorted(set(_VIEW_CONTENT + ["change_claim", "verify_claim"])),
    EDITOR: sorted(
        set(
            _EDIT_CONTENT
            + _EDIT_PARTS
            + _VIEW_CONTENT
            + [
                "publish_article",
                "verify_claim",
                "delete_article",
                "delete_claim",
                "delete_source",
                "delete_citation",
                "delete_claimappearance",
                "delete_entity",
                "delete_entityalias",
                "delete_entityrelation",
                "add_correctionnote",
                "change_correctionnote",
                "delete_correctionnote",
                "merge_entity",
            ]
        )
    ),
}


def sync_role_groups(group_model=None, permission_model=None) -> None:
    """Create or update the three role groups with exactly their permissions.

    The data migration calls this with its historical models; tests that flush the database call
    it with the live ones.
    """
    if group_model is None or permission_model is None:
        from django.contrib.auth.models import Group, Permission

        group_model, permission_model = Group, Permission
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        permissions = permission_model.objects.filter(
            content_type__app_label__in=["articles", "entities"], codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Role {role} names unknown permissions: {sorted(missing)}")
        group.permissions.set(permissions)


def may_see_unpublished(user, permission: str = "articles.view_article") -> bool:
    """May ``user`` see drafts, scheduled and archived coverage (pages, API)? Staff with the
    role's view permission; a staff account without a role sees what readers see."""
    return bool(user is not None and user.is_active and user.is_staff and user.has_perm(permission))


def may_publish(user) -> bool:
    """May ``user`` publish, unpublish or schedule articles?"""
    return bool(user and user.is_active and user.has_perm("articles.publish_article"))


def may_verify(user) -> bool:
    """May ``user`` change a claim's verification status and note?"""
    return bool(user and user.is_active and user.has_perm("articles.verify_claim"))


def may_edit_content(user) -> bool:
    """May ``user`` edit article text, claims' wording, sources and entities?"""
    return bool(user and user.is_active and user.has_perm("articles.change_article"))


def may_correct(user) -> bool:
    """May ``user`` attach correction notes to published articles?"""
    return bool(user and user.is_active and user.has_perm("articles.add_correctionnote"))


def may_merge_entities(user) -> bool:
    """May ``user`` merge duplicate entities?"""
    return bool(user and user.is_active and user.has_perm("entities.merge_entity"))


# Webhooks (sync app). Payloads carry only published data, so any active account may register
# endpoints of its own; seeing everyone's endpoints and deliveries, and re-sending, is editors'.
WEBHOOK_EDITOR_PERMISSIONS = [
    "add_webhookendpoint",
    "change_webhookendpoint",
    "delete_webhookendpoint",
    "view_webhookendpoint",
    "change_webhookdelivery",
    "view_webhookdelivery",
    "view_webhookattempt",
    "view_changeevent",
]


def may_register_webhooks(user) -> bool:
    """May ``user`` register and manage webhook endpoints of their own (API clients included)?"""
    return bool(user and user.is_authenticated and user.is_active)


def may_manage_webhooks(user) -> bool:
    """May ``user`` see every webhook endpoint and delivery, and re-send deliveries?"""
    return bool(user and user.is_active and user.has_perm("sync.change_webhookdelivery"))
