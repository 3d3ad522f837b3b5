"""Shared helpers for the importer's tests: the seed, the second report, database snapshots."""

from __future__ import annotations

import json
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "articles" / "seed" / "apec-ceo-summit-2025-report.txt"
SEED_SIDECAR = json.loads(SEED.with_suffix(".json").read_text(encoding="utf-8"))
SECOND = Path(__file__).resolve().parent / "reports" / "tokyo-forum.txt"


def seed_bytes() -> bytes:
    return SEED.read_bytes()


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every project table (history included), to prove nothing changed."""
    state = {}
    for model in apps.get_models():
        if model._meta.app_label in {"articles", "entities"}:
            rows = model.objects.order_by("pk").values_list()
            state[model._meta.label] = [tuple(map(str, row)) for row in rows]
    return state
