"""Features of a (sentence, prompt) pair, shared by training (`train.py`) and scoring (`model.py`).

Features are a dict name -> value, so the shipped model is just a weight per name (JSON) and the
scorer needs no scikit-learn. Two sets:
  rank_features      does this sentence report the result for this outcome?
  label_features     what does it say: increased / decreased / no difference?
In the label features the prompt's words are masked in the sentence (INT, CMP, OUT), so n-grams
such as "lower in INT than CMP" carry direction whatever the drug is called.
"""

from __future__ import annotations

import math
import re

from evidence.extract import cues
from evidence.extract.effects import effect
from evidence.extract.sentences import Sentence

_SECTION_PRIOR = ("results", "conclusions", "methods", "background", "")
_CONTROL_WORDS = {
    "control", "controls", "placebo", "sham", "usual", "standard", "conventional", "untreated", "vehicle",
}  # fmt: skip
#: how sentences name the intervention arm without naming it
_ACTIVE_WORDS = {
    "intervention", "treatment", "treated", "experimental", "active", "supplemented", "study", "verum", "trained",
}  # fmt: skip
_GROUP_LABEL = re.compile(r"\b(?:group|arm)\s+([a-z]|\d{1,2}|i{1,3}|iv)\b|^\s*([a-z])\s*[-–:]\s", re.I)
#: "(R group)", "the C arm": a capital letter or roman numeral before the word (case-sensitive, so
#: "a group of" is not a label)
_LABEL_GROUP = re.compile(r"(?<![\w-])([A-Z]|I{1,3}|IV)\s+(?:[Gg]roups?|[Aa]rms?)\b")
#: words that say "an arm" without telling the arms apart
_ARM_NOUNS = frozenset({"arm", "arms", "cohort", "cohorts"})
LABEL_BEFORE_GROUP = True


def _labels(arm: str) -> set[str]:
    """ "... (Group 2)" / "C - 40 mcg" / "(R group)" -> {"2"} / {"c"} / {"r"}: how a sentence may name the arm."""
    found = {(m.group(1) or m.group(2)).lower() for m in _GROUP_LABEL.finditer(arm)}
    if LABEL_BEFORE_GROUP:
        found |= {m.group(1).lower() for m in _LABEL_GROUP.finditer(arm)}
    return found


def _stems(text: str) -> list[str]:
    return [cues.stem(t) for t in cues.tokens(text)]


def _match(word: str, vocab: set[str]) -> bool:
    """A sentence word matches a prompt word when equal, or when they share a 5-letter prefix."""
    if word in vocab:
        return True
    return len(word) >= 5 and any(len(v) >= 5 and v[:5] == word[:5] for v in vocab)


class Prompt:
    """A prompt's words, computed once per call and reused for every sentence."""

    def __init__(self, intervention: str, comparator: str, outcome: str) -> None:
        self.out = cues.content_words(outcome)
        i, c = cues.content_words(intervention), cues.content_words(comparator)
        # "early removal" vs "late removal": only the words that tell the arms apart name an arm
        if LABEL_BEFORE_GROUP:
            i, c = i - _ARM_NOUNS, c - _ARM_NOUNS
        self.int = i - self.out - c
        self.cmp = c - self.out - i
        self.out_bigrams = _bigrams(_stems(outcome))
        self.polarity = (
            "good" if cues.GOOD_OUTCOME.search(outcome) else "bad" if cues.BAD_OUTCOME.search(outcome) else "neutral"
        )
        self.cmp_is_control = bool(cues.content_words(comparator) & _CONTROL_WORDS)
        self.int_labels = _labels(intervention)
        self.cmp_labels = _labels(comparator) - self.int_labels
        self.int_words = cues.content_words(intervention)


def _bigrams(words: list[str]) -> set[tuple[str, str]]:
    return {(a, b) for a, b in zip(words, words[1:], strict=False) if a not in cues.STOP and b not in cues.STOP}


def _share(want: set[str], have: set[str]) -> float:
    if not want:
        return 0.0
    return sum(1 for w in want if _match(w, have)) / len(want)


def outcome_weights(q: Prompt, stems: list[set[str]]) -> dict[str, float]:
    """Outcome words weighted by how few of the abstract's sentences hold them (a within-abstract IDF):
    "first" in "time to first analgesic request" says less than "analgesic". In sorted order, so
    that sums over them do not depend on the process's string hashing (training reproduces)."""
    return {w: 1 / (1 + sum(1 for h in stems if _match(w, h))) for w in sorted(q.out)}


def _weighted_share(weights: dict[str, float], have: set[str]) -> float:
    total = sum(weights.values())
    return sum(v for w, v in weights.items() if _match(w, have)) / total if total else 0.0


def rank_features(
    s: Sentence, q: Prompt, best_out: float, weights: dict[str, float] | None = None, best_w: float = 0.0
) -> dict[str, float]:
    words = _stems(s.text)
    have = set(words)
    out = _share(q.out, have)
    out_w = _weighted_share(weights or {}, have)
    f = {
        "out_full": float(out == 1.0),
        "out_w": out_w,
        "out_w_rel": out_w / best_w if best_w else 0.0,
        "out_w_best": float(best_w > 0 and out_w >= best_w),
        "out": out,
        "out_rel": out / best_out if best_out else 0.0,
        "out_best": float(best_out > 0 and out >= best_out),
        "out_n": min(sum(1 for w in q.out if _match(w, have)), 5) / 5,
        "out_bi": len(q.out_bigrams & _bigrams(words)) / len(q.out_bigrams) if q.out_bigrams else 0.0,
        "int": _share(q.int, have),
        "cmp": _share(q.cmp, have),
        "stats": float(bool(cues.STATS.search(s.text))),
        "sig": float(bool(cues.SIGNIFICANT.search(s.text))),
        "nodiff": float(bool(cues.NO_DIFF.search(s.text))),
        "dir": float(bool(cues.UP.search(s.text) or cues.DOWN.search(s.text))),
        "pval": float(bool(re.search(r"\bp\s*[<>=≤≥]", s.text, re.I))),
        "pos": s.index / max(s.count - 1, 1),
        "len": min(len(words), 80) / 80,
        "short": float(len(words) < 8),
        f"sec={s.section if s.section in _SECTION_PRIOR else 'other'}": 1.0,
    }
    f["out*stats"] = f["out"] * f["stats"]
    f["out*results"] = f["out"] * (s.section == "results")
    for w in set(cues.tokens(s.text)):
        if w in _RANK_WORDS:
            f[f"w={w}"] = 1.0
    return f


#: words whose presence says "this is a result sentence" (the ranker's vocabulary; the rest are topic words)
_RANK_WORDS = frozenset(
    "significantly significant significance differ difference differences different similar compared "
    "higher lower increased decreased reduced greater less more fewer improved improvement reduction increase "
    "decrease vs versus than p ci ratio respectively mean median groups group both between no not "
    "aim objective purpose we assessed measured randomized randomised randomly assigned conclusion conclusions "
    "suggest may trial study patients were was".split()
)


def _arm_of(t: str, st: str, prev: str, q: Prompt, nxt: str = "") -> str | None:
    if (prev in _GROUP_WORDS or (LABEL_BEFORE_GROUP and nxt in _GROUP_WORDS)) and (
        t in q.int_labels or t in q.cmp_labels
    ):
        return "INT" if t in q.int_labels else "CMP"
    if st in cues.STOP or t in cues.STOP:
        return None
    if _match(st, q.int):
        return "INT"
    if _match(st, q.cmp):
        return "CMP"
    if t in _CONTROL_WORDS and t not in q.int_words:
        return "CMP"
    if t in _ACTIVE_WORDS and t not in q.cmp:
        return "INT"
    return None


def mask(text: str, q: Prompt) -> list[str]:
    """The sentence's tokens with the prompt's intervention, comparator and outcome words replaced."""
    out: list[str] = []
    prev = ""
    toks = cues.tokens(text)
    for n, t in enumerate(toks):
        st = cues.stem(t)
        arm = _arm_of(t, st, prev, q, toks[n + 1] if n + 1 < len(toks) else "")
        prev = t
        if arm:
            tok = arm
        elif re.fullmatch(r"\d+(?:[.,]\d+)?", t):
            tok = "NUM"
        elif st in cues.STOP or t in cues.STOP:
            tok = t
        elif _match(st, q.out):
            tok = "OUT"
        else:
            tok = t
        if not out or out[-1] != tok or tok not in ("INT", "CMP", "OUT", "NUM"):
            out.append(tok)
    return out


def _p_values(text: str) -> list[tuple[str, float]]:
    found = []
    for m in re.finditer(r"\bp\s*(?:value\s*)?([<>=≤≥])\s*(0?\.\d+|[01](?![.\d]))", text, re.I):
        found.append((m.group(1), float(m.group(2))))
    return found


def _arm_first(tokens: list[str]) -> str:
    idx = {t: tokens.index(t) for t in ("INT", "CMP") if t in tokens}
    if len(idx) == 2:
        return "int_first" if idx["INT"] < idx["CMP"] else "cmp_first"
    return "only_int" if "INT" in idx else "only_cmp" if "CMP" in idx else "no_arm"


_CLAUSE = re.compile(
    r";|\.\s|,\s*(?=(?:but|whereas|while|although|and|however)\b)|\b(?:but|whereas|while|although)\b", re.I
)


def outcome_clause(text: str, q: Prompt) -> str:
    """The clause of a sentence that names the outcome ("X fell, but Y did not differ" -> the Y part)."""
    parts = [c for c in _CLAUSE.split(text) if c and c.strip()]
    if len(parts) < 2:
        return text
    scored = [(_share(q.out, set(_stems(c))), -i, c) for i, c in enumerate(parts)]
    best = max(scored)
    return best[2] if best[0] > 0 else text


def _cues(text: str, q: Prompt, toks: list[str], prefix: str) -> dict[str, float]:
    f: dict[str, float] = {}
    nodiff = bool(cues.NO_DIFF.search(text))
    sig = bool(cues.SIGNIFICANT.search(cues.NO_DIFF.sub(" ", text)))
    free = " ".join(t for t in toks if t not in ("INT", "CMP", "OUT"))  # direction words outside the prompt's
    up, down = len(cues.UP.findall(free)), len(cues.DOWN.findall(free))
    order = _arm_first(toks)
    for name, on in (("nodiff", nodiff), ("sig_rest", sig), ("nodiff_only", nodiff and not sig)):
        if on:
            f[prefix + name] = 1.0
    f[f"{prefix}order={order}"] = 1.0
    direction = "up" if up > down else "down" if down > up else "flat" if not up else "mixed"
    f[f"{prefix}dir={direction}"] = 1.0
    f[f"{prefix}dir={direction}|{order}"] = 1.0
    f.update(_nearest_arm(toks, prefix))
    better, worse = len(cues.BETTER.findall(free)), len(cues.WORSE.findall(free))
    if better != worse:
        judged = "better" if better > worse else "worse"
        f[f"{prefix}{judged}|{q.polarity}"] = 1.0
        f[f"{prefix}{judged}|{q.polarity}|{order}"] = 1.0
    joined = " ".join(toks)
    than = re.search(
        r"\b(?:than|compared (?:with|to)|vs|versus|over|relative to)\s+(?:\w+\s+){0,3}?(INT|CMP)\b", joined
    )
    if than:
        f[f"{prefix}than={than.group(1)}"] = 1.0
        f[f"{prefix}dir={direction}|than={than.group(1)}"] = 1.0
    ps = _p_values(text)
    if ps:
        small = any(op in "<≤=" and v < 0.05 or op in "<≤" and v <= 0.05 for op, v in ps)
        large = any(op in ">≥=" and v >= 0.05 for op, v in ps)
        for name, on in (("p_small", small), ("p_large", large), ("p_large_only", large and not small),
                         (f"p_small|dir={direction}|{order}", small)):  # fmt: skip
            if on:
                f[prefix + name] = 1.0
    return f


SENTENCE_CONTEXT = True
#: n-grams of the few tokens around the outcome's mention, apart from the clause's
OUT_WINDOW = 5
#: the p-value nearest the outcome's mention, and the arm a comparative is said of
P_NEAR = True
SUBJECT = True


def _grams(toks: list[str], prefix: str, n: int = 3) -> dict[str, float]:
    grams = [" ".join(toks[i : i + k]) for k in range(1, n + 1) for i in range(len(toks) - k + 1)]
    norm = 1 / math.sqrt(len(grams)) if grams else 0.0
    return {f"{prefix}{g}": norm for g in grams}


def _word_dir(t: str) -> str | None:
    if cues.UP.fullmatch(t):
        return "up"
    if cues.DOWN.fullmatch(t):
        return "down"
    if cues.BETTER.fullmatch(t):
        return "better"
    if cues.WORSE.fullmatch(t):
        return "worse"
    return None


def _nearest_arm(toks: list[str], prefix: str) -> dict[str, float]:
    """For each direction word, the nearest arm and on which side: "lower in INT" -> down<INT,
    "CMP had lower" -> CMP<down (what n-grams miss when words sit between)."""
    f: dict[str, float] = {}
    arms = [i for i, t in enumerate(toks) if t in ("INT", "CMP")]
    if not arms:
        return f
    for i, t in enumerate(toks):
        d = _word_dir(t)
        if not d:
            continue
        j = min(arms, key=lambda a: abs(a - i))
        if abs(j - i) <= 8:
            key = f"{prefix}near={toks[j]}<{d}" if j < i else f"{prefix}near={d}<{toks[j]}"
            f[key] = 1.0
    return f


def label_features(text: str, q: Prompt) -> dict[str, float]:
    """Features of what a sentence says; the clause naming the outcome counts first ("g=", cues), the
    whole sentence second ("s=", "s_")."""
    toks = mask(text, q)
    clause = outcome_clause(text, q)
    ctoks = mask(clause, q) if clause != text else toks
    f = _grams(ctoks, "g=")
    f.update(_cues(clause, q, ctoks, ""))
    if clause != text and SENTENCE_CONTEXT:
        f.update(_grams(toks, "s=", 2))
        f.update(_cues(text, q, toks, "s_"))
    elif clause == text:
        f["one_clause"] = 1.0
    if OUT_WINDOW and "OUT" in toks:
        i = toks.index("OUT")
        f.update(_grams(toks[max(0, i - OUT_WINDOW) : i + OUT_WINDOW + 1], "w=", 2))
    if P_NEAR:
        near = _p_near_outcome(text, q)
        if near:
            f[f"p_near={near}"] = 1.0
    if SUBJECT:
        f.update(_subject(toks, q))
    order = _arm_first(toks)
    if VS_NUM:
        vs = _vs_numbers(clause, ctoks) or _vs_numbers(text, toks)
        if vs:
            f[f"vs_num={vs}"] = 1.0
    e = effect(text)
    if e and e.value is not None and e.ci_low is not None and e.ci_high is not None:
        null = 0.0 if e.measure in ("MD", "SMD", "RD") else 1.0
        if e.ci_low > null or e.ci_high < null:
            f["ci_excludes"] = 1.0
            f["ci_above" if e.ci_low > null else "ci_below"] = 1.0
            f[f"ci_{'above' if e.ci_low > null else 'below'}|{order}"] = 1.0
        else:
            f["ci_includes"] = 1.0
    num = _number_direction(text, q)
    if num:
        f[f"num={num}"] = 1.0
    f[f"rule={_rule_label(clause, ctoks)}"] = 1.0
    f[f"polarity={q.polarity}"] = 1.0
    return f


def _rule_label(text: str, toks: list[str]) -> str:
    """The keyword reading (no difference / up / down as said of whichever arm comes first)."""
    if cues.NO_DIFF.search(text) and not cues.SIGNIFICANT.search(cues.NO_DIFF.sub(" ", text)):
        return "none"
    free = " ".join(t for t in toks if t not in ("INT", "CMP", "OUT"))
    up, down = len(cues.UP.findall(free)), len(cues.DOWN.findall(free))
    if up == down:
        return "flat"
    flip = _arm_first(toks) in ("cmp_first", "only_cmp")
    return "up" if (up > down) != flip else "down"


_ARM_NUM = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|±|\(|cal|mg|ml|kg|hours?|days?|points?|mm)?")


def _number_direction(text: str, q: Prompt) -> str | None:
    """ "18% in controls and 12% in the GIK group": is the intervention's number the larger one?"""
    toks = cues.tokens(text)
    vals: dict[str, float] = {}
    for i, t in enumerate(toks):
        arm = _arm_of(t, cues.stem(t), toks[i - 1] if i else "", q, toks[i + 1] if i + 1 < len(toks) else "")
        if not arm or arm in vals:
            continue
        window = toks[max(0, i - 6) : i][::-1] + toks[i + 1 : i + 7]
        for w in window:
            if re.fullmatch(r"\d+(?:\.\d+)?", w) and w not in ("95",):
                vals[arm] = float(w)
                break
    if len(vals) == 2 and vals["INT"] != vals["CMP"]:
        return "int_larger" if vals["INT"] > vals["CMP"] else "int_smaller"
    return None


def ci_reading(text: str, q: Prompt) -> str | None:
    """What the effect estimate stated after the outcome's clause says by itself, when it has a CI:
    a CI across the null is no difference; otherwise the side of the null gives the direction, for
    the arm the sentence names first (an estimate is stated for that arm against the other)."""
    clause = outcome_clause(text, q)
    start = text.find(clause)
    e = effect(text[start:] if start >= 0 else text)
    if not e or e.value is None or e.ci_low is None or e.ci_high is None or e.measure is None:
        return None
    if not e.ci_low <= e.value <= e.ci_high:
        return None
    null = 1.0 if e.measure in ("RR", "OR", "HR", "IRR") else 0.0
    if e.ci_low <= null <= e.ci_high:
        return "none"
    up = e.value > null
    if _arm_first(mask(text, q)) in ("cmp_first", "only_cmp"):
        up = not up
    return "up" if up else "down"


def _p_near_outcome(text: str, q: Prompt) -> str | None:
    """The p-value closest (in characters) to a word of the outcome: "small" (< 0.05) or "large"."""
    ps = [(m.start(), m.group(1), float(m.group(2))) for m in _P_VALUE.finditer(text)]
    if not ps:
        return None
    spots = [m.start() for m in re.finditer(r"[a-z0-9]+", text.lower()) if _match(cues.stem(m.group(0)), q.out)]
    if not spots:
        return None
    _, op, v = min(ps, key=lambda p: min(abs(p[0] - o) for o in spots))
    return "small" if (op in "<≤" and v <= 0.05) or (op in "=" and v < 0.05) else "large"


_P_VALUE = re.compile(r"\bp\s*(?:value\s*)?([<>=≤≥])\s*(0?\.\d+|[01](?![.\d]))", re.I)


def _subject(toks: list[str], q: Prompt) -> dict[str, float]:
    """The arm a comparative is said of, and so its direction for the intervention: the arm after
    "than"/"compared with"/"vs" is the reference and the other the subject; else the arm nearest the
    first direction word ("INT had lower", "lower in the INT group"). CMP as subject reverses it."""
    for i, t in enumerate(toks):
        d = _word_dir(t)
        if not d:
            continue
        if JUDGED and d in ("up", "down"):  # "greater improvement", "more effective": the judgement counts
            d = next((j for j in map(_word_dir, toks[i + 1 : i + 3]) if j in ("better", "worse")), d)
        ref = None
        for j in range(i + 1, min(len(toks), i + 12)):
            if toks[j] in _REF_WORDS:
                ref = next((a for a in toks[j + 1 : j + 5] if a in ("INT", "CMP")), None)
                break
        if ref:
            subj, how = ("CMP" if ref == "INT" else "INT"), "than"
        else:
            before = [a for a in toks[max(0, i - 8) : i] if a in ("INT", "CMP")]
            after = [a for a in toks[i + 1 : i + 7] if a in ("INT", "CMP")]
            subj, how = (before[-1], "pre") if before else (after[0], "post") if after else ("none", "none")
        flipped = _OPPOSITE[d] if subj == "CMP" else d
        f = {f"subj={subj}|{d}|{how}": 1.0}
        if subj != "none":
            f[f"int_dir={flipped}"] = 1.0
            f[f"int_dir={flipped}|{how}"] = 1.0
        if JUDGED:
            # better for a bad outcome (pain, mortality) is less of it: the direction the label names
            eff = _JUDGED.get((flipped, q.polarity), flipped)
            f[f"eff={eff}|{'arm' if subj != 'none' else 'none'}"] = 1.0
        return f
    return {}


JUDGED = True
_JUDGED = {("better", "good"): "up", ("better", "bad"): "down", ("worse", "good"): "down", ("worse", "bad"): "up"}
VS_NUM = True
_VAL = r"(-?\d+(?:\.\d+)?)\s*(?:%|[a-zA-Z/]{1,8}\b)?\s*(?:(?:±|\+/-|\+-)\s*\d+(?:\.\d+)?\s*%?|\(\s*-?\d[^()]{0,30}\))?"
_VS = re.compile(_VAL + r"\s*[,;]?\s*(?:vs\.?|versus|v\.|compared (?:with|to))\s*" + _VAL, re.I)


def _vs_numbers(text: str, toks: list[str]) -> str | None:
    """ "28.6 ± 5.8% vs. 40.5 ± 7.4%": the first value belongs to the arm the sentence names first."""
    m = _VS.search(text)
    order = _arm_first(toks)
    if not m or order == "no_arm":
        return None
    a, b = float(m.group(1)), float(m.group(2))
    if a == b:
        return None
    first_larger = a > b
    int_first = order in ("int_first", "only_int")
    return "int_larger" if first_larger == int_first else "int_smaller"


_GROUP_WORDS = frozenset({"group", "groups", "arm", "arms"})
_REF_WORDS = frozenset({"than", "compared", "vs", "versus", "relative", "over"})
_OPPOSITE = {"up": "down", "down": "up", "better": "worse", "worse": "better"}
