"""Trial findings from abstracts (issue #12): a pure room, text in, records out.

`infer_finding(abstract, intervention, comparator, outcome)` says whether the intervention
significantly increased, significantly decreased or made no significant difference to the
outcome relative to the comparator, and gives the deciding sentence. `trial_facts(abstract)`
gathers what an RCT or meta-analysis abstract states: participants randomised and analysed,
arms, follow-up, outcomes with their findings and effects, studies and patients pooled, the
conclusion. Every value carries its sentence; what the abstract does not state is None.

No store, no network: the finding model's weights ship beside the code (`findings_model.json`,
rebuilt by `make train-findings`) and load once, on first use. `MODEL_VERSION` names those
weights (a hash of the file), so callers that store findings can tell when they are stale.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from evidence.extract.facts import trial_facts
    from evidence.extract.finding import infer_finding
    from evidence.extract.readers import conclusion, included_studies, phase, sample_size
    from evidence.extract.records import (
        DECREASED,
        INCREASED,
        LABELS,
        NO_DIFFERENCE,
        Effect,
        Finding,
        Outcome,
        TrialFacts,
    )

#: public name -> the submodule that defines it, imported on first use: the rules and the
#: finding model take 0.09 s to import, and the report imports this package for its small
#: abstract readers (or to check stored facts) without computing any facts (issue #16)
_HOME = {
    "trial_facts": "facts",
    "infer_finding": "finding",
    **dict.fromkeys(("conclusion", "included_studies", "phase", "sample_size"), "readers"),
    **dict.fromkeys(("DECREASED", "INCREASED", "LABELS", "NO_DIFFERENCE", "Effect", "Finding",
                     "Outcome", "TrialFacts"), "records"),  # fmt: skip
}

__all__ = [
    "DECREASED",
    "MODEL_VERSION",
    "INCREASED",
    "LABELS",
    "NO_DIFFERENCE",
    "Effect",
    "Finding",
    "Outcome",
    "TrialFacts",
    "conclusion",
    "included_studies",
    "infer_finding",
    "phase",
    "sample_size",
    "trial_facts",
]


def __getattr__(name: str) -> Any:
    """A public name from its submodule, imported on first use; `MODEL_VERSION`, computed on
    first use (hashing the weights is not paid at import)."""
    if name in _HOME:
        from importlib import import_module

        value = getattr(import_module(f"{__name__}.{_HOME[name]}"), name)
        globals()[name] = value
        return value
    if name == "MODEL_VERSION":
        from evidence.extract.model import version

        return version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
