"""What the mixed load run measured and whether anything was lost: pure functions, no server.

The writers record every write the server acknowledged (a 2xx answer); these functions compare
those acknowledgements with the database afterwards. A write that got no answer at all (a
connection error) is "unknown": it may or may not have been applied, so it is allowed either
way, but the connection error itself fails the run.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

WRITE_KINDS = frozenset({"article_patch", "claim_patch", "transition"})
CONFLICT_STATUSES = frozenset({409, 412})
MARKER_RE = re.compile(r"load-marker-[0-9a-f]+-e\d+-\d+")
LOG_ERRORS = ("[ERROR]", "[CRITICAL]", '"level": "ERROR"', '"level": "CRITICAL"')


@dataclass(frozen=True)
class Sample:
    """One request: its kind, status (None: no answer, a connection error) and latency."""

    kind: str
    status: int | None
    ms: float
    expected: bool
    path: str = ""


@dataclass(frozen=True)
class MarkerAck:
    """An editor's append of ``marker`` to the shared article, acknowledged at ``version``."""

    marker: str
    version: int


@dataclass(frozen=True)
class ClaimAck:
    """A verdict write acknowledged with ``status`` at ``revision`` (from the answer's ETag)."""

    claim: int
    status: str
    revision: int


@dataclass(frozen=True)
class TransitionAck:
    """A publish or unpublish acknowledged with ``status`` at ``version``."""

    status: str
    version: int


def etag_revision(etag: str) -> int:
    """The item revision in an API ETag ``"<revision hex>.<digest>"``."""
    return int(etag.strip().removeprefix("W/").strip('"').split(".", 1)[0], 16)


def markers_in(body: str) -> list[str]:
    return MARKER_RE.findall(body)


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (``q`` in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def check_requests(samples: list[Sample]) -> list[str]:
    """Server errors, connection errors and statuses the run did not expect."""
    problems = []
    errors = [s for s in samples if s.status is not None and s.status >= 500]
    dropped = [s for s in samples if s.status is None]
    odd = [s for s in samples if not s.expected and s.status is not None and s.status < 500]
    for label, found in (("5xx answers", errors), ("connection errors", dropped)):
        if found:
            kinds = Counter(s.kind for s in found)
            problems.append(f"{len(found)} {label} ({_kinds(kinds)}), first: {found[0].path}")
    if odd:
        first = odd[0]
        problems.append(
            f"{len(odd)} unexpected statuses ({_kinds(Counter(s.kind for s in odd))}), "
            f"first: {first.status} on {first.path}"
        )
    return problems


def _kinds(counter: Counter) -> str:
    return ", ".join(f"{kind} {n}" for kind, n in sorted(counter.items()))


def check_article(acks: list[MarkerAck], unknown: set[str], before: dict, after: dict) -> list[str]:
    """Every acknowledged marker is in the final body once, in version order; nothing else is."""
    problems = []
    present = [m for m in markers_in(after["body"]) if m not in set(markers_in(before["body"]))]
    counts = Counter(present)
    acked = {ack.marker: ack.version for ack in acks}
    for marker, version in sorted(acked.items(), key=lambda item: item[1]):
        if marker not in counts:
            problems.append(f"lost update: {marker} (acknowledged as version {version}) is missing")
    problems += [f"{m} appears {n} times" for m, n in counts.items() if n > 1]
    strays = [m for m in counts if m not in acked and m not in unknown]
    problems += [f"{m} is in the body but was never acknowledged" for m in strays]
    versions = Counter(ack.version for ack in acks)
    problems += [f"{n} writes acknowledged as version {v}" for v, n in versions.items() if n > 1]
    applied = len(acks) + sum(1 for m in counts if m in unknown)
    if after["version"] != before["version"] + applied:
        problems.append(
            f"shared article at version {after['version']}, expected {before['version']} + "
            f"{applied} acknowledged writes = {before['version'] + applied}"
        )
    in_order = [m for m in present if m in acked]
    if in_order != sorted(in_order, key=acked.__getitem__):
        problems.append("markers are not in the order their writes were acknowledged")
    if after["history"] - before["history"] != applied:
        problems.append(
            f"shared article has {after['history'] - before['history']} new history rows "
            f"for {applied} writes"
        )
    return problems


def check_claims(acks: list[ClaimAck], unknown: set[int], before: dict, after: dict) -> list[str]:
    """Each claim ends with the verdict of its last acknowledged write (by revision)."""
    problems = []
    by_claim: dict[int, list[ClaimAck]] = defaultdict(list)
    for ack in acks:
        by_claim[ack.claim].append(ack)
    for key, initial in before.items():
        claim = int(key)
        if claim in unknown:
            continue  # a write without an answer may or may not have landed
        mine = sorted(by_claim.get(claim, []), key=lambda ack: ack.revision)
        if len({ack.revision for ack in mine}) != len(mine):
            problems.append(f"claim #{claim}: two writes acknowledged at the same revision")
        expected = mine[-1].status if mine else initial["status"]
        final = after[key]
        if final["status"] != expected:
            problems.append(
                f"lost update: claim #{claim} is {final['status']!r}, but its last acknowledged "
                f"write set {expected!r}"
            )
        if final["history"] - initial["history"] != len(mine):
            problems.append(
                f"claim #{claim} has {final['history'] - initial['history']} new history rows "
                f"for {len(mine)} writes"
            )
    return problems


def check_toggle(acks: list[TransitionAck], unknown: int, before: dict, after: dict) -> list[str]:
    """The published/draft article ends as the last acknowledged transition left it."""
    if unknown:
        return []  # the connection error is reported already; the end state is undecidable
    problems = []
    ordered = sorted(acks, key=lambda ack: ack.version)
    expected_versions = list(range(before["version"] + 1, before["version"] + len(acks) + 1))
    if [ack.version for ack in ordered] != expected_versions:
        problems.append("transitions were not acknowledged at consecutive versions")
    expected = ordered[-1].status if ordered else before["status"]
    if after["status"] != expected:
        problems.append(f"toggled article is {after['status']!r}, last acknowledged {expected!r}")
    if after["version"] != before["version"] + len(acks):
        problems.append(
            f"toggled article at version {after['version']} after {len(acks)} transitions "
            f"from version {before['version']}"
        )
    if after["transitions"] - before["transitions"] != len(acks):
        problems.append(
            f"{after['transitions'] - before['transitions']} transition rows recorded for "
            f"{len(acks)} acknowledged transitions"
        )
    return problems


def check_counts(before: dict, after: dict, expected_growth: dict[str, int]) -> list[str]:
    """No table gained or lost rows beyond what the acknowledged writes explain."""
    problems = []
    for table, count in before.items():
        grown = after[table] - count
        if grown != expected_growth.get(table, 0):
            problems.append(
                f"{table}: {grown:+d} rows, expected {expected_growth.get(table, 0):+d}"
            )
    return problems


def summarise(samples: list[Sample], seconds: float) -> dict:
    """Requests by kind and status, rates and latency percentiles."""
    kinds: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        kinds[sample.kind].append(sample)
    by_kind = {}
    for kind, group in sorted(kinds.items()):
        latencies = [s.ms for s in group if s.status is not None]
        by_kind[kind] = {
            "requests": len(group),
            "by_status": dict(
                sorted(
                    Counter("error" if s.status is None else str(s.status) for s in group).items()
                )
            ),
            "p50_ms": percentile(latencies, 50),
            "p99_ms": percentile(latencies, 99),
        }
    writes = [s for s in samples if s.kind in WRITE_KINDS]
    reads = len(samples) - len(writes)
    acknowledged = sum(1 for s in writes if s.status is not None and 200 <= s.status < 300)
    return {
        "seconds": seconds,
        "requests": len(samples),
        "reads": reads,
        "writes": len(writes),
        "acknowledged_writes": acknowledged,
        "conflicts": sum(1 for s in writes if s.status in CONFLICT_STATUSES),
        "reads_per_s": reads / seconds if seconds else None,
        "writes_per_s": len(writes) / seconds if seconds else None,
        "acknowledged_writes_per_s": acknowledged / seconds if seconds else None,
        "by_kind": by_kind,
    }


def log_problems(text: str) -> list[str]:
    """Errors gunicorn or Django logged during the run (tracebacks, worker timeouts)."""
    lines = [line for line in text.splitlines() if any(tag in line for tag in LOG_ERRORS)]
    return [f"{len(lines)} error lines in the server log, first: {lines[0][:200]}"] if lines else []


def check_feed(before: dict, after: dict, *, appends: int, transitions: int) -> list[str]:
    """The change feed has one event per acknowledged change to public data, and none for drafts.

    Each append changes the shared (published) article: one ``updated`` event. Each publish or
    unpublish of the toggled article: one ``created`` or ``unpublished`` event. The checked
    claims appear only in drafts, so their verdicts never reach the feed.
    """
    expected = {
        "shared article": (
            before["shared"]["feed_events"],
            after["shared"]["feed_events"],
            appends,
        ),
        "toggled article": (
            before["toggle"]["feed_events"],
            after["toggle"]["feed_events"],
            transitions,
        ),
        "draft-only claims": (before["claims_feed_events"], after["claims_feed_events"], 0),
    }
    return [
        f"change feed: {end - start} events about the {name} for {count} acknowledged changes"
        for name, (start, end, count) in expected.items()
        if end - start != count
    ]
