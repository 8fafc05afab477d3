"""ClinicalTrials.gov v2 study JSON -> `TrialRecord`. Pure: bytes or dicts in, records out.

The v2 API omits absent values instead of sending null, sends partial dates ("2025", "2025-06",
"2025-06-30") and may leave out a date's or an enrollment's `type` (CTGOV_FACTS §6, §8); every
field here is therefore optional, and a date stays the string the registry wrote.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from evidence.errors import EvidenceError

NCT = re.compile(r"\bNCT\s?0*(\d{1,8})\b", re.IGNORECASE)
#: the pieces (`fields=`) a listing needs; keeps each study small (records can exceed 50 KB)
FIELDS = (
    "NCTId",
    "BriefTitle",
    "OverallStatus",
    "Phase",
    "StudyType",
    "DesignAllocation",
    "EnrollmentCount",
    "EnrollmentType",
    "PrimaryCompletionDate",
    "PrimaryCompletionDateType",
    "CompletionDate",
    "ResultsFirstPostDate",
    "HasResults",
    "LeadSponsorName",
    "LastUpdatePostDate",
    "Condition",
    "InterventionName",
)
#: statuses after which a trial will not report more (it finished or stopped)
FINISHED = ("COMPLETED", "TERMINATED", "WITHDRAWN")
ONGOING = (
    "ACTIVE_NOT_RECRUITING",
    "ENROLLING_BY_INVITATION",
    "NOT_YET_RECRUITING",
    "RECRUITING",
    "SUSPENDED",
)


class CtgovParseError(EvidenceError):
    """A ClinicalTrials.gov answer that is not the JSON shape v2 promises."""


@dataclass(frozen=True)
class TrialRecord:
    nct_id: str
    title: str | None = None
    status: str | None = None
    last_known_status: str | None = None
    phases: tuple[str, ...] = ()
    study_type: str | None = None
    allocation: str | None = None
    enrollment: int | None = None
    enrollment_type: str | None = None  # ACTUAL | ESTIMATED | None (not stated)
    primary_completion: str | None = None  # partial date as the registry wrote it
    primary_completion_type: str | None = None
    completion: str | None = None
    has_results: bool = False
    results_first_posted: str | None = None
    sponsor: str | None = None
    last_update: str | None = None
    conditions: tuple[str, ...] = ()
    interventions: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["phases"], d["conditions"] = list(self.phases), list(self.conditions)
        d["interventions"] = list(self.interventions)
        d.pop("extra")
        return d


def normalize_nct(value: str) -> str | None:
    """"nct 0123" / "NCT00000123" -> "NCT00000123"; None when it is not an NCT number."""
    m = NCT.search(value or "")
    if not m or int(m.group(1)) == 0:
        return None
    return f"NCT{int(m.group(1)):08d}"


def find_ncts(text: str | None) -> list[str]:
    """Every NCT number in a text (abstract, DataBankList XML, citation), in order, once."""
    out: list[str] = []
    for m in NCT.finditer(text or ""):
        if int(m.group(1)) and (n := f"NCT{int(m.group(1)):08d}") not in out:
            out.append(n)
    return out


def load_json(body: bytes) -> Any:
    head = body[:256].lstrip().lower()
    if head.startswith((b"<!doctype", b"<html")):
        raise CtgovParseError("ClinicalTrials.gov answered with an HTML page instead of JSON")
    try:
        return json.loads(body)
    except ValueError as exc:
        raise CtgovParseError(f"ClinicalTrials.gov sent broken JSON ({exc.msg})") from None


def parse_page(body: bytes) -> tuple[list[TrialRecord], str | None, int | None]:
    """A /studies page: (trials, nextPageToken or None, totalCount or None)."""
    data = load_json(body)
    if not isinstance(data, dict) or not isinstance(data.get("studies", []), list):
        raise CtgovParseError("ClinicalTrials.gov answered /studies without a 'studies' list")
    trials = [parse_study(s) for s in data.get("studies", [])]
    token = data.get("nextPageToken") or None  # absent on the last page (or null, say some)
    total = data.get("totalCount")
    return trials, token, total if isinstance(total, int) else None


def parse_single(body: bytes) -> TrialRecord:
    data = load_json(body)
    if not isinstance(data, dict) or "protocolSection" not in data:
        raise CtgovParseError("ClinicalTrials.gov answered /studies/{id} without a study")
    return parse_study(data)


def _get(d: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(d, dict):
            return None
        d = d.get(key)
    return d


def parse_study(study: dict[str, Any]) -> TrialRecord:
    ps = study.get("protocolSection") or {}
    nct = _get(ps, "identificationModule", "nctId")
    if not nct:
        raise CtgovParseError("a ClinicalTrials.gov study without an nctId")
    status = ps.get("statusModule") or {}
    design = ps.get("designModule") or {}
    enrol = design.get("enrollmentInfo") or {}
    results_posted = _get(status, "resultsFirstPostDateStruct", "date")
    interventions = [
        str(i["name"])
        for i in _get(ps, "armsInterventionsModule", "interventions") or []
        if isinstance(i, dict) and i.get("name")
    ]
    return TrialRecord(
        nct_id=str(nct).upper(),
        title=_get(ps, "identificationModule", "briefTitle")
        or _get(ps, "identificationModule", "officialTitle"),
        status=status.get("overallStatus"),
        last_known_status=status.get("lastKnownStatus"),
        phases=tuple(design.get("phases") or ()),
        study_type=design.get("studyType"),
        allocation=_get(design, "designInfo", "allocation"),
        enrollment=enrol.get("count") if isinstance(enrol.get("count"), int) else None,
        enrollment_type=enrol.get("type"),
        primary_completion=_get(status, "primaryCompletionDateStruct", "date"),
        primary_completion_type=_get(status, "primaryCompletionDateStruct", "type"),
        completion=_get(status, "completionDateStruct", "date"),
        has_results=bool(study.get("hasResults")) or bool(results_posted),
        results_first_posted=results_posted,
        sponsor=_get(ps, "sponsorCollaboratorsModule", "leadSponsor", "name"),
        last_update=_get(status, "lastUpdatePostDateStruct", "date"),
        conditions=tuple(_get(ps, "conditionsModule", "conditions") or ()),
        interventions=tuple(dict.fromkeys(interventions)),
    )


def phase_text(phases: tuple[str, ...] | list[str]) -> str | None:
    """["PHASE1", "PHASE2"] -> "1/2"; ["NA"] -> "not applicable"; [] -> None."""
    nums = [p.replace("EARLY_PHASE1", "early 1").replace("PHASE", "") for p in phases if p != "NA"]
    if nums:
        return "/".join(nums)
    return "not applicable" if "NA" in phases else None
