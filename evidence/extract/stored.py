"""An article's facts as the store keeps them: computed once per abstract, not once per report.

The facts of an abstract (design numbers, arms, outcomes and findings, studies pooled, the
conclusion) change only when its title, abstract or sections change, or when the extractor
does. So `evidence tag` computes them when it tags a trial or synthesis and the store keeps
them (`articlefacts`) beside two keys: `source_key`, a digest of the text they were read from,
and `extractor`, the version of the rules and weights that read it. A stored row counts only
while both keys still match; the report computes any other on the fly (and `evidence tag`
stores it again), so a store from before this table, a changed record or a newer model still
gives the report it would have given had everything been recomputed.

Pure: text in, plain JSON-ready dicts out. The store is read and written by
`evidence.services.facts`.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, is_dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

#: bump when a rule below or in the extractor changes what it returns (the source digest in
#: `extractor_version` also catches a change nobody bumped this for)
RULES = 1

#: designs whose abstracts the evidence table reads (trial facts: arms, N, outcome, finding)
FACT_DESIGNS = ("meta-analysis", "systematic-review", "rct", "non-randomized-trial")

#: a sentence that reports a comparison's result (the stand-in finding must come from one)
_RESULT_CUE = re.compile(
    r"signific|\bdid not differ|\bno (?:statistically )?(?:significant )?differences?\b|"
    r"\bsimilar between\b|\bp\s*[<=>≤]|95\s*%\s*C\.?I|confidence interval",
    re.IGNORECASE,
)

_HERE = Path(__file__).resolve().parent
#: the files whose content decides the facts: the rules, the sentence splitter, the features
#: and the shipped weights (training and evaluation scripts are left out)
_INPUTS = ("cues.py", "effects.py", "facts.py", "features.py", "finding.py", "model.py",
           "readers.py", "records.py", "sentences.py", "stored.py", "findings_model.json")  # fmt: skip


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """ "facts-1+<digest>": the rules version and a digest of the extractor's code and weights.

    Stored with every row, so facts made by an older model or older rules are recomputed."""
    digest = hashlib.sha256()
    for name in _INPUTS:
        path = _HERE / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"-")
    return f"facts-{RULES}+{digest.hexdigest()[:16]}"


def source_key(article: dict[str, Any]) -> str:
    """A digest of the text the facts are read from (title, abstract, sections)."""
    text = json.dumps(
        [article.get("title"), article.get("abstract"), article.get("abstract_sections") or None],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def article_facts(article: dict[str, Any]) -> dict[str, Any]:
    """Everything the report reads off one abstract, as the store keeps it:
    `trial` (`trial_facts` as a dict, None without an abstract; the evidence table's row) and
    the readers the direct-evidence section uses (`included_studies`, `sample_size`).
    Values are JSON-native (lists, not tuples), so a stored copy reads back equal."""
    from evidence.extract import included_studies, sample_size

    abstract = str(article.get("abstract") or "")
    return {
        "trial": trial_facts_dict(article),
        "included_studies": included_studies(abstract),
        "sample_size": sample_size(abstract),
    }


def trial_facts_dict(article: dict[str, Any] | None) -> dict[str, Any] | None:
    """The abstract's trial facts as a plain dict (None without an abstract); see `TrialFacts`."""
    if not article or not article.get("abstract"):
        return None
    from evidence.extract import infer_finding, sample_size, trial_facts

    abstract = str(article["abstract"])
    facts = _plain(
        trial_facts(abstract, title=article.get("title"), sections=article.get("abstract_sections") or None)
    )
    if not facts.get("randomised") and not facts.get("analysed"):
        facts["sample_size"] = sample_size(abstract)  # "n = 45": neither randomised nor analysed
    if not facts.get("outcomes"):
        # No outcome named ("the primary outcome was ..."): the abstract's main comparison, with
        # its sentence, stands in; the row says the outcome is not named.
        # infer_finding needs an outcome to look for: the first sentence that reports a result
        # names it (its words are the outcome's), else there is no main finding to show.
        result = next((s for s in re.split(r"(?<=[.!?])\s+", abstract) if _RESULT_CUE.search(s)), "")
        main = (
            _plain(infer_finding(abstract, facts.get("intervention") or "", facts.get("comparator") or "", result))
            if result
            else {}
        )
        if main.get("label") and _RESULT_CUE.search(main.get("evidence") or ""):
            facts["outcomes"] = [{"name": None, "primary": False, "finding": main}]
    return facts


def fresh(row: dict[str, Any] | None, article: dict[str, Any]) -> bool:
    """Whether a stored row (`extractor`, `source_key`) still holds for this article's text."""
    return (
        row is not None
        and row.get("extractor") == extractor_version()
        and row.get("source_key") == source_key(article)
    )


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
