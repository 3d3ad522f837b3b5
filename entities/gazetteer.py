"""The curated gazetteer shipped as data (``entities/data/gazetteer.json``): names, aliases, kinds,
descriptions, Wikidata IDs and relations of the people, organisations, places, events and projects
summit coverage keeps meeting. The report importer recognises these names in text.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .models import EntityKind, RelationKind, normalise_name

GAZETTEER_PATH = Path(__file__).resolve().parent / "data" / "gazetteer.json"
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
WIKIDATA_ID = re.compile(r"^Q[1-9][0-9]*$")


@dataclass(frozen=True)
class GazetteerEntry:
    name: str
    kind: str
    description: str = ""
    wikidata_id: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return normalise_name(self.name)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class GazetteerRelation:
    subject: str
    kind: str
    object: str


@dataclass(frozen=True)
class Gazetteer:
    entries: tuple[GazetteerEntry, ...]
    relations: tuple[GazetteerRelation, ...]

    def find(self, name: str) -> GazetteerEntry | None:
        """The entry whose name or alias matches ``name`` once normalised."""
        return self._by_key.get(normalise_name(name))

    @functools.cached_property
    def _by_key(self) -> dict[str, GazetteerEntry]:
        return {normalise_name(n): entry for entry in self.entries for n in entry.names}


def alias_language(alias: str) -> str:
    """“ko” for names in Korean script; blank (English) otherwise."""
    return "ko" if HANGUL.search(alias) else ""


def _bad(message: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{GAZETTEER_PATH.name}: {message}")


def _entry(raw: dict) -> GazetteerEntry:
    name = str(raw.get("name", "")).strip()
    kind = raw.get("kind")
    if not name or kind not in EntityKind.values:
        raise _bad(f"entry {raw!r} needs a name and a kind from {EntityKind.values}")
    wikidata_id = str(raw.get("wikidata_id", "")).strip()
    if wikidata_id and not WIKIDATA_ID.match(wikidata_id):
        raise _bad(f"{name}: “{wikidata_id}” is not a Wikidata ID like Q884")
    aliases = tuple(str(a).strip() for a in raw.get("aliases", []) if str(a).strip())
    return GazetteerEntry(name, kind, str(raw.get("description", "")), wikidata_id, aliases)


def parse_gazetteer(data: dict) -> Gazetteer:
    """Validate the gazetteer's data: every name means one entry, every relation is known."""
    entries = tuple(_entry(raw) for raw in data.get("entities", []))
    owners: dict[str, str] = {}
    wikidata: dict[str, str] = {}
    for entry in entries:
        for name in entry.names:
            key = normalise_name(name)
            if owners.setdefault(key, entry.name) != entry.name:
                raise _bad(f"“{name}” names both {owners[key]} and {entry.name}")
        if entry.wikidata_id and wikidata.setdefault(entry.wikidata_id, entry.name) != entry.name:
            raise _bad(
                f"{entry.wikidata_id} is given to both {wikidata[entry.wikidata_id]} and "
                f"{entry.name}"
            )
    names = {entry.name for entry in entries}
    relations = []
    for raw in data.get("relations", []):
        relation = GazetteerRelation(raw.get("subject"), raw.get("kind"), raw.get("object"))
        if relation.kind not in RelationKind.values:
            raise _bad(f"relation {raw!r}: unknown kind")
        if {relation.subject, relation.object} - names or relation.subject == relation.object:
            raise _bad(f"relation {raw!r} must link two different entries by their names")
        relations.append(relation)
    return Gazetteer(entries, tuple(relations))


@functools.cache
def load_gazetteer(path: Path = GAZETTEER_PATH) -> Gazetteer:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise _bad(f"cannot be read ({error})") from error
    return parse_gazetteer(data)
