"""Claims and their appearances as rows.

A draft becomes a claim already on file when one has the same normalised wording, or the same
figure (amount, unit, date) about the same entities; it then gets a new appearance rather than a
duplicate. A claim on file keeps what editors set (kind, figure, verdict); the importer only adds
sources, subjects and a missing speaker. The article's appearances are made to match the report
exactly; a claim left with no appearance anywhere is deleted unless it carries a verdict.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Exists, OuterRef

from articles.models import (
    Article,
    Claim,
    ClaimAppearance,
    ClaimKind,
    ClaimSource,
    DatePrecision,
    PledgeStatus,
    Source,
    VerificationStatus,
    normalise_claim_text,
)

from .claims import ClaimDraft
from .store_entities import CHANGE_REASON, EntityStore, save_imported

FOUR_PLACES = Decimal("0.0001")


def _stored(amount: Decimal | None) -> Decimal | None:
    return None if amount is None else amount.quantize(FOUR_PLACES)


class ClaimWriter:
    def __init__(self, *, article: Article, store: EntityStore, result, by=None):
        self.article = article
        self.store = store
        self.result = result
        self.by = by
        self.created_ids: set[int] = set()
        self.by_key: dict[str, Claim] = {}
        self.sources_of: dict[int, set[int]] = {}
        self.subjects_of: dict[int, set[int]] = {}

    def _load(self, keys: set[str]) -> None:
        """Claims on file with these wordings, in one query; this article's own first."""
        here = set(self.article.appearances.values_list("claim_id", flat=True))
        found = Claim.objects.filter(text_key__in=keys).prefetch_related(
            "claim_sources", "subjects"
        )
        for claim in found.order_by("pk"):
            current = self.by_key.get(claim.text_key)
            if current is None or (claim.pk in here and current.pk not in here):
                self.by_key[claim.text_key] = claim
            self._remember(claim)

    def _remember(self, claim: Claim, *, new: bool = False) -> None:
        self.sources_of[claim.pk] = (
            set() if new else {link.source_id for link in claim.claim_sources.all()}
        )
        self.subjects_of[claim.pk] = set() if new else {s.pk for s in claim.subjects.all()}

    def write(self, drafts: list[ClaimDraft], sources: dict[int, Source]) -> None:
        self._load({normalise_claim_text(draft.text) for draft in drafts})
        wanted = []
        for position, draft in enumerate(drafts, start=1):
            claim = self._claim(draft, [sources[n] for n in draft.markers])
            wanted.append((claim.pk, draft.passage, draft.section[:300], position))
        self._appearances(wanted)

    def _claim(self, draft: ClaimDraft, sources: list[Source]) -> Claim:
        speaker = self.store.resolve(draft.speaker) if draft.speaker else None
        subjects = {e.pk: e for e in (self.store.resolve(ref) for ref in draft.subjects)}
        subjects.pop(speaker.pk if speaker else None, None)
        claim = self._on_file(draft, set(subjects))
        changed = False
        if claim is None:
            claim = self._create(draft, speaker)
            self.result.created["claims"] += 1
        elif claim.speaker_id is None and speaker is not None:
            claim.speaker = speaker
            save_imported(claim, self.by)
            changed = True
        have_sources = self.sources_of[claim.pk]
        new_links = [
            ClaimSource(claim=claim, source=source)
            for source in dict.fromkeys(sources)
            if source.pk not in have_sources
        ]
        if new_links:
            ClaimSource.objects.bulk_create(new_links)
            have_sources.update(link.source_id for link in new_links)
            changed = True
        missing = set(subjects) - self.subjects_of[claim.pk]
        if missing:
            claim.subjects.add(*missing)
            self.subjects_of[claim.pk].update(missing)
            changed = True
        if changed and claim.pk not in self.created_ids:
            self.result.updated["claims"] += 1
        return claim

    def _on_file(self, draft: ClaimDraft, subject_ids: set[int]) -> Claim | None:
        by_wording = self.by_key.get(normalise_claim_text(draft.text))
        if by_wording is not None or draft.figure is None or not subject_ids:
            return by_wording
        # Same figure about exactly the same entities: each of them a subject and no other.
        # Each test is an index probe, so PostgreSQL starts from whichever of the figure or an
        # entity has the fewest claims; counting the subjects of every claim with a common
        # amount grew with the archive (3,000 claims of $5 billion at full benchmark size).
        links = Claim.subjects.through.objects.filter(claim=OuterRef("pk"))
        claim = (
            Claim.objects.filter(
                amount=_stored(draft.figure.amount),
                unit=draft.figure.unit,
                figure_date=draft.figure_date,
            )
            .filter(*(Exists(links.filter(entity=pk)) for pk in sorted(subject_ids)))
            .exclude(Exists(links.exclude(entity__in=subject_ids)))
            .order_by("pk")
            .first()
        )
        if claim is not None and claim.pk not in self.sources_of:
            self._remember(claim)
        return claim

    def _create(self, draft: ClaimDraft, speaker) -> Claim:
        figure = draft.figure
        claim = Claim(text=draft.text, kind=draft.kind, speaker=speaker)
        if figure is not None:
            claim.amount = _stored(figure.amount)
            claim.unit = figure.unit
            claim.equivalent_amount = _stored(figure.equivalent_amount)
            claim.equivalent_unit = figure.equivalent_unit
        if draft.figure_date is not None:
            claim.figure_date = draft.figure_date
            claim.figure_date_precision = DatePrecision.YEAR
        if draft.kind == ClaimKind.PLEDGE:
            claim.pledge_status = PledgeStatus.PENDING
        save_imported(claim, self.by)
        self.created_ids.add(claim.pk)
        self.by_key[claim.text_key] = claim
        self._remember(claim, new=True)
        return claim

    def _appearances(self, wanted: list[tuple[int, str, str, int]]) -> None:
        existing = {
            (a.claim_id, a.passage, a.section, a.position): a
            for a in self.article.appearances.all()
        }
        stale = [a for key, a in existing.items() if key not in set(wanted)]
        orphan_candidates = {a.claim_id for a in stale}
        for appearance in stale:
            appearance.delete()
            self.result.deleted["appearances"] += 1
        new = [
            ClaimAppearance(
                claim_id=claim_id,
                article=self.article,
                passage=passage,
                section=section,
                position=position,
            )
            for claim_id, passage, section, position in wanted
            if (claim_id, passage, section, position) not in existing
        ]
        ClaimAppearance.objects.bulk_create(new)
        self.result.created["appearances"] += len(new)
        self._drop_orphans(orphan_candidates - {claim_id for claim_id, *_ in wanted})

    def _drop_orphans(self, claim_ids: set[int]) -> None:
        """Claims this report no longer makes and no other article carries."""
        for claim in Claim.objects.filter(pk__in=claim_ids, appearances__isnull=True):
            if claim.status == VerificationStatus.UNVERIFIED and not claim.status_note:
                claim._change_reason = CHANGE_REASON
                claim.delete()
                self.result.deleted["claims"] += 1
            else:
                self.result.warnings.append(
                    f"claim #{claim.pk} “{claim}” is no longer in the report; kept because it "
                    f"has a verdict ({claim.get_status_display().lower()})"
                )
