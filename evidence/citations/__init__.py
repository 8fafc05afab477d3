"""Reference string -> labelled segments -> normalised `Citation`.

    >>> c = parse_citation("Cook DJ, Guyatt GH. Title of a trial. Am Heart J 2002;144(5):760-8.")
    >>> c.authors, c.journal, c.year, c.volume, c.issue, c.pages
    (('Cook DJ', 'Guyatt GH'), 'Am Heart J', 2002, '144', '5', '760-8')

A CRF trained on AnyStyle's labelled references and on real PubMed records rendered in the
house styles policies use (`train.py`, `make train-citations`) labels each token; `normalise`
turns each labelled segment into its field. Identifiers (PMID, DOI, NCT, PMCID, URL) are lifted
by exact rules, never by the model. Pure: no store, no network; the model is read from the
package once, on first use.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

from evidence import collector
from evidence.citations import identifiers, normalise
from evidence.citations.abbrev import abbreviate
from evidence.citations.model import label_many, label_tokens
from evidence.citations.tokens import Token, tokenize
from evidence.records import Citation

__all__ = ["parse_citation", "parse_citations", "label_citation", "label_runs"]

# Longer entries are labelled on their first part only (the raw text is always kept whole):
# a 100 KB "entry" is a splitting accident, not a reference.
_MAX_LABELLED = 2_000
_REPORT_WORDS = (
    "report", "assessment", "technical", "evidence review", "white paper", "guidance", "brief", "bulletin",
    r"no\.\s*\d", r"publication\s+no", "working paper", "monograph",
)  # fmt: skip
# the lookahead (the words' first letters) lets the alternation be tried only where one can start
_REPORT = re.compile(
    r"\b(?=[" + "".join(sorted({w[0] for w in _REPORT_WORDS})) + r"])(?:" + "|".join(_REPORT_WORDS) + r")\b", re.I
)


Labelled = tuple[list[Token], list[str]]  # the tokens of the text read, and the model's labels


def label_citation(
    text: str, spans: list[tuple[int, int, str]] | None = None, labelled: Labelled | None = None
) -> list[tuple[str, str]]:
    """The reference as (label, text) segments in printed order; identifiers are exact-rule labels.

    `spans` are `identifiers.lift`'s for this same text, when the caller has them already;
    `labelled`, the model's labels of its tokens (`_read`), when they were computed in a batch."""
    text, runs = label_runs(text, spans, labelled)
    return [(label, text[start:end]) for label, start, end in runs]


def _segments(raw: str, spans: list[tuple[int, int, str]], labelled: Labelled | None) -> list[tuple[str, str]]:
    """`label_citation` of a reference already whitespace-normalised (`parse_citation`'s `raw`:
    `re`'s `\\s` and `str.split` agree on what whitespace is)."""
    text = raw[:_MAX_LABELLED]
    tokens, labels = labelled if labelled is not None else _labelled(text)
    if len(raw) > _MAX_LABELLED:
        _, spans = identifiers.lift(text)
    runs = _grammar(text, _runs(tokens, _force_spans(tokens, labels, spans)))
    return [(label, text[start:end]) for label, start, end in runs]


def _read(text: str) -> str:
    """The part of a reference the model labels: whitespace-normalised, at most _MAX_LABELLED."""
    return " ".join(text.split())[:_MAX_LABELLED]


def label_runs(
    text: str, spans: list[tuple[int, int, str]] | None = None, labelled: Labelled | None = None
) -> tuple[str, list[list]]:
    """(the whitespace-normalised text read, its runs [label, start, end]) -- the labels after
    the grammar post-fixes, by character span."""
    whole = " ".join(text.split())
    text = whole[:_MAX_LABELLED]
    tokens, labels = labelled if labelled is not None else _labelled(text)
    if spans is None or len(whole) > _MAX_LABELLED:
        _, spans = identifiers.lift(text)
    return text, _grammar(text, _runs(tokens, _force_spans(tokens, labels, spans)))


def _runs(tokens: list[Token], labels: list[str]) -> list[list]:
    """[label, start, end] per run of tokens with the same label."""
    runs: list[list] = []
    last: list = [None]
    for tok, label in zip(tokens, labels, strict=True):
        if label == last[0]:
            last[2] = tok.end
        else:
            last = [label, tok.start, tok.end]
            runs.append(last)
    return runs


def _labelled(text: str) -> Labelled:
    tokens = tokenize(text)
    return tokens, label_tokens(tokens)


# "2018;", "2020 Mar;", "2019 Jan-Feb;", "2021 Jul 3;" then the volume ("7.", "2021:", "12(3):")
_DATE_THEN_VOLUME = re.compile(
    r"^(.*?(?:1[5-9]|20)\d\d[a-z]?(?:\s+[A-Z][a-z]{2,8}\.?(?:\s*[-–/]\s*[A-Z][a-z]{2,8}\.?)?(?:\s+\d{1,2})?)?\s*;)"
    r"\s*([A-Za-z]?\d[\w\-]*(?:\s*\([^)]*\))?\s*[:.]?)$"
)
_DAY_THEN_VOLUME = re.compile(r"^(\d{1,2}(?:\s*[-–]\s*\d{1,2})?\s*;)\s*(\S.*)$")


def _grammar(text: str, runs: list[list]) -> list[list]:
    """Post-fixes where the citation grammar is certain and the model slipped.

    "2018; 2018:" labelled as one date is date + volume (a date ends at its `;`); "3;9:" labelled
    as volume after "2018 Mar" is the day, then the volume; a year opening the title ("2016
    AHA/ACC Guideline ...") right after the authors, with the real date later, is the title's.
    """
    out: list[list] = []
    for run in runs:
        label, start, end = run
        if label not in ("date", "volume") or text.find(";", start, end) < 0:  # both patterns need one
            out.append(list(run))
            continue
        piece = text[start:end]
        if label == "date" and (m := _DATE_THEN_VOLUME.match(piece)) and not any(r[0] == "volume" for r in runs):
            out.append(["date", start, start + m.end(1)])
            out.append(["volume", start + m.start(2), end])
            continue
        if label == "volume" and out and out[-1][0] == "date" and (m := _DAY_THEN_VOLUME.match(piece)):
            out[-1][2] = start + m.end(1)
            out.append(["volume", start + m.start(2), end])
            continue
        out.append(list(run))
    out = _title_out_of_authors(text, out)
    out = _italic_journal(text, out)
    out = _journal_first(text, out)
    out = _title_between_authors_and_journal(out)
    out = _journal_before_volume(text, out)
    dates = [i for i, r in enumerate(out) if r[0] == "date"]
    if len(dates) > 1:
        i = dates[0]
        if 0 < i < len(out) - 1 and out[i - 1][0] == "author" and out[i + 1][0] == "title":
            if re.fullmatch(r"(?:1[5-9]|20)\d\d", text[out[i][1] : out[i][2]]):
                out[i + 1][1] = out[i][1]
                del out[i]
    return out


_AUTHOR_THEN_TITLE = re.compile(
    r"(?:^|, )[A-ZÀ-Þ][\w'’-]*[a-zß-ÿ][\w'’-]*(?: [\w'’-]+)*? [A-Z]{1,3}\. (?=[A-ZÀ-Þ0-9\"“])"
)


def _title_out_of_authors(text: str, runs: list[list]) -> list[list]:
    """"Procházka V. Widgets. J Gadget Med." -- a one-word title after the last author's
    initials, taken in by the authors: the authors end at the initials' period."""
    labels = [r[0] for r in runs]
    if not labels or labels[0] != "author" or "title" in labels:
        return runs
    start, end = runs[0][1], runs[0][2]
    piece = text[start:end]
    found = list(_AUTHOR_THEN_TITLE.finditer(piece))
    last = found[-1] if found else None
    if last is None or last.end() >= len(piece.rstrip()):
        return runs
    cut = start + last.end()
    return [["author", start, cut - 1], ["title", cut, end], *runs[1:]]


_ITALIC = re.compile(r"\*{1,2}[^*]{1,300}?\*{1,2}")


def _italic_journal(text: str, runs: list[list]) -> list[list]:
    """AMA prints the journal in italics (`*N Engl J Med.*`): a Markdown italic span that the
    model started labelling as the journal is the journal, all of it."""
    for m in _ITALIC.finditer(text) if "*" in text else ():
        inside = [r for r in runs if r[1] < m.end() and r[2] > m.start()]
        if not any(r[0] == "journal" for r in inside) or all(r[0] == "journal" for r in inside):
            continue
        out: list[list] = []
        for r in runs:
            if r[2] <= m.start() or r[1] >= m.end():
                out.append(r)
                continue
            if r[1] < m.start():
                out.append([r[0], r[1], _end_before(text, r[1], m.start())])
            if not out or out[-1][0] != "journal" or out[-1][2] < m.start():
                out.append(["journal", m.start(), m.end()])
            if r[2] > m.end():
                out.append([r[0], _start_after(text, m.end(), r[2]), r[2]])
        runs = [r for r in out if r[2] > r[1]]
    return runs


def _end_before(text: str, start: int, at: int) -> int:
    return start + len(text[start:at].rstrip())


def _start_after(text: str, at: int, end: int) -> int:
    return end - len(text[at:end].lstrip())


def _journal_first(text: str, runs: list[list]) -> list[list]:
    """ "Gut. 2010;59(3):300-5." -- no authors, no title: what opens the reference, right before
    the date and the volume, is the journal (the model calls an opening phrase an author)."""
    labels = [r[0] for r in runs]
    if "journal" in labels or "title" in labels or len(runs) < 3:
        return runs
    if labels[0] == "author" and labels[1] == "date" and labels[2] in ("volume", "pages"):
        opening = text[runs[0][1] : runs[0][2]].strip(" .,;:")
        words = opening.split()
        looks_like_a_name = len(words) > 1 and re.fullmatch(r"(?:[A-Z]\.?){1,3}", words[-1]) or "," in opening
        if len(words) <= 8 and not looks_like_a_name:
            runs[0][0] = "journal"
    return runs


def _title_between_authors_and_journal(runs: list[list]) -> list[list]:
    """Author. Title. Journal: what lies between the authors and the journal is the title (or a
    date, in author-year styles), whatever the model called it ("CLINICAL PRACTICE." is no genre)."""
    labels = [r[0] for r in runs]
    if "journal" not in labels or "author" not in labels:
        return runs
    a, j = labels.index("author"), labels.index("journal")
    if a >= j:
        return runs
    for k in range(a + 1, j):
        if runs[k][0] not in ("date", "title", "citation-number"):
            runs[k][0] = "title"
    merged: list[list] = []
    for run in runs:
        if merged and merged[-1][0] == run[0] and run[0] == "title":
            merged[-1][2] = run[2]
        else:
            merged.append(run)
    return merged


_TITLE_TAIL = re.compile(
    r"(?<=[,.”\"’]) ([A-Z][\w'’&-]*\.?(?: (?:[A-Z][\w'’&-]*\.?|and|of|the|in|for|on|de|di|della|des|du|la|&|[a-z]{4,}))"
    r"{0,7}[.,]?)$"
)
_VOLUME_WORD = re.compile(r"^(?:vol|volume|v|no|nr|issue|bd|t|suppl|supplement|pt|part|n°)\.?,?$", re.I)


_CLAUSE_END = frozenset(".,:;?!”\"’»)")


def _last_clause(title: str) -> tuple[int, int] | None:
    """Where the title's last clause starts: (the last clause-ending mark, the end of the
    whitespace after it), or None when that mark is not followed by whitespace."""
    at = max(map(title.rfind, _CLAUSE_END))
    end = at + 1
    while end < len(title) and title[end].isspace():
        end += 1
    return (at, end) if at >= 0 and end > at + 1 else None


def _journal_before_volume(text: str, runs: list[list]) -> list[list]:
    """A journal is followed by its volume: words that open a volume run ("neurotrauma 12,") are
    the journal's end; with no journal at all, the short last clause of a title that runs into
    the volume ("..., Hyperfine Interact, 166,") is the journal."""
    labels = {r[0] for r in runs}
    for k in range(1, len(runs)):
        label, start, end = runs[k]
        prev = runs[k - 1]
        if (
            label == "volume"
            and prev[0] in ("publisher", "note")
            and not labels & {"journal", "location", "container-title"}
            and re.search(r"\d", text[start:end])
        ):
            prev[0] = "journal"  # a publisher is never followed by a volume number; a journal is
            labels.add("journal")
        if label == "journal" and prev[0] == "title":
            title = text[prev[1] : prev[2]]
            if title and title[-1] not in _CLAUSE_END and (cut := _last_clause(title)):
                runs[k][1] = prev[1] + cut[1]  # "..., Sedimentary" + "Geology,": one journal
                prev[2] = prev[1] + cut[0] + 1
            continue
        if label not in ("volume", "pages") or prev[0] not in ("journal", "title"):
            continue
        piece = text[start:end]
        words = list(re.finditer(r"\S+", piece))
        lead = 0
        for w in words:
            if re.match(r"^[^\W\d_][\w'’&-]*[.,]?$", w.group()) and not _VOLUME_WORD.match(w.group()):
                lead += 1
            else:
                break
        if label == "volume" and 0 < lead < len(words):
            if prev[0] == "journal":
                prev[2] = start + words[lead - 1].end()
                runs[k][1] = start + words[lead].start()
            continue
        if prev[0] == "title" and not labels & {"journal", "publisher", "location", "container-title"}:
            title = text[prev[1] : prev[2]]
            m = _TITLE_TAIL.search(title)
            if m and len(m.group(1).split()) * 2 < len(title.split()):
                runs.insert(k, ["journal", prev[1] + m.start(1), prev[2]])
                prev[2] = prev[1] + m.start()
            break
    return runs


def _force_spans(tokens: list[Token], labels: list[str], spans: list[tuple[int, int, str]]) -> list[str]:
    """The labels with each token that starts inside an identifier's span given the first such
    span's label, and the model's other guesses of an identifier made notes."""
    if "pmid" in labels or "doi" in labels or "url" in labels:
        out = ["note" if label in ("pmid", "doi", "url") else label for label in labels]
    elif not spans:  # most references: no identifier, and the model guessed none
        return labels
    else:
        out = list(labels)
    if spans:
        starts = [tok.start for tok in tokens]
        for start, end, label in reversed(spans):  # the first span holding a token wins
            for i in range(bisect_left(starts, start), bisect_left(starts, end)):
                out[i] = label
    return out


def parse_citation(text: str, number: int = 0) -> Citation:
    """One reference string -> Citation; never raises, never loses the raw text."""
    raw = " ".join((text or "").split())  # `re`'s \s is str.isspace: runs of it made one space
    ids, fields, warnings = _parsed(raw)
    return Citation(number=number, raw=raw, warnings=warnings, **ids, **fields)  # type: ignore[arg-type]


def parse_citations(texts: Sequence[str], numbers: Sequence[int] | None = None) -> list[Citation]:
    """Many reference strings (a reference list) -> Citations, as `parse_citation` gives each:
    the model labels them all in one batch, which is several times faster than one by one."""
    with collector.paused(freeze=False):  # millions of small objects, no cycles
        raws = [" ".join((text or "").split()) for text in texts]
        todo = [raw for raw in dict.fromkeys(raws) if raw and raw not in _MEMO]
        tokens = [tokenize(raw[:_MAX_LABELLED]) for raw in todo]  # `_read`: raw is normalised
        for raw, toks, labels in zip(todo, tokens, label_many(tokens), strict=True):
            _parsed(raw, (toks, labels))
        del tokens, todo  # freed now, not walked by the collection that follows the pause
        numbers = numbers if numbers is not None else range(1, len(raws) + 1)
        out = []
        for raw, number in zip(raws, numbers, strict=True):
            ids, fields, warnings = _parsed(raw)
            out.append(Citation(number=number, raw=raw, warnings=warnings, **ids, **fields))  # type: ignore[arg-type]
        return out


_MEMO: dict[str, tuple[dict[str, str | None], dict[str, object], tuple[str, ...]]] = {}
_MEMO_LIMIT = 20_000


def forget() -> None:
    """Drop every remembered parse and token feature (the benchmark starts each round cold)."""
    from evidence.citations import features, model, tokens

    if model._scorer.cache_info().currsize:  # its per-token sums, when it is loaded
        model._scorer()._reset()
    _MEMO.clear()
    normalise.forget()
    abbreviate.cache_clear()
    tokens._PIECES.clear()
    features._CACHE.clear()
    features._NEAR.clear()
    features._SHAPES.clear()


def _parsed(
    raw: str, labelled: Labelled | None = None
) -> tuple[dict[str, str | None], dict[str, object], tuple[str, ...]]:
    """(identifiers, fields, warnings) of one whitespace-normalised reference; remembered, as
    lists repeat entries ("Ibid", the same guideline cited in each section) and the fields are
    a pure function of the text. The dicts are shared: callers only unpack them."""
    hit = _MEMO.get(raw)
    if hit is not None:
        return hit
    ids, spans = identifiers.lift(raw)
    try:
        fields = _fields(raw, spans, ids, labelled)
        hit = ids, fields, tuple(_warnings(raw, ids, fields))
    except Exception as exc:  # noqa: BLE001 - a reference is kept whatever the model makes of it
        hit = ids, {}, (f"could not read the reference ({type(exc).__name__})",)
    if len(_MEMO) >= _MEMO_LIMIT:
        _MEMO.clear()
    _MEMO[raw] = hit
    return hit


def _fields(
    raw: str, spans: list[tuple[int, int, str]], ids: dict[str, str | None], labelled: Labelled | None = None
) -> dict[str, object]:
    segments = _segments(raw, spans, labelled) if raw else []
    first: dict[str, str] = {}
    for label, seg in segments:
        first.setdefault(label, seg)
    authors, et_al = normalise.authors(first.get("author"))
    year, month, day = normalise.date(first.get("date"))
    if year is None:
        year, month, day = _year_elsewhere(segments)
    volume, issue = normalise.volume_issue(first.get("volume"))
    _quoted_title(first)
    journal = normalise.journal(first.get("journal"))
    container = normalise.journal(first.get("container-title"))
    kind = _kind(first, ids, journal, container)
    return dict(
        authors=authors,
        et_al=et_al,
        title=normalise.title(first.get("title")),
        journal=journal or container,
        journal_abbrev=abbreviate(journal or container) if journal or kind == "article" and container else None,
        year=year,
        month=month,
        day=day,
        volume=volume,
        issue=issue,
        pages=normalise.pages(first.get("pages")),
        publisher=normalise.clean(first.get("publisher")),
        place=normalise.clean(first.get("location")),
        edition=_edition(first.get("edition")),
        kind=kind,
    )


def _year_elsewhere(segments: list[tuple[str, str]]) -> tuple[int | None, int | None, int | None]:
    """A year the model did not label as a date (in the volume, the note...), never in the title."""
    for label, seg in segments:
        if label == "note" and re.search(r"\b(?:accessed|cited|retrieved|viewed)\b", seg, re.I):
            continue  # when a page was read is not when it was published
        if label in ("volume", "note", "publisher", "edition", "genre", "journal", "location"):
            year, month, day = normalise.date(seg)
            if year is not None and re.search(r"(?<![\d/.-])(?:1[5-9]|20)\d\d(?![\d/-])", seg):
                return year, month, day
    return None, None, None


_QUOTED_TITLE = re.compile(
    r"^\s*(?P<q>['‘\"“])(?P<title>[^'’\"”]{8,}?[^\s'’\"”])['’\"”]\s*(?P<sep>[,.]?)\s+(?P<rest>\S.*)$"
)


def _quoted_title(first: dict[str, str]) -> None:
    """Harvard's quoted title ends at its closing quote: "'Title', Journal (Place)" labelled
    as one title gives the words after the quote back to the journal (before what the model
    took for it, when that reads as the journal's own tail: '(San Diego, Calif.)', ': official
    journal of ...')."""
    m = _QUOTED_TITLE.match(first.get("title", ""))
    if not m or len(re.findall(r"[A-Za-z]{2,}", m.group("title"))) < 2:
        return
    rest = m.group("rest").strip(" ,;:")
    if not re.match(r"^[A-Z][a-z]", rest):  # what follows must read as a journal's name
        return
    journal = first.get("journal", "").strip()
    if journal and not journal.startswith(("(", ":")):
        if m.group("sep") != "," or first.get("container-title") is not None:
            return  # '"Choosing Wisely" Campaign Outcomes': a quoted phrase opening the title
        first["title"] = m.group("title")
        first["journal"] = f"{rest} : {journal}" if journal[:1].islower() else rest
        return
    first["title"] = m.group("title")
    if journal.startswith(":"):
        journal = ": " + journal.lstrip(" :")
    first["journal"] = f"{rest} {journal}".strip() if journal else rest


def _kind(first: dict[str, str], ids: dict[str, str | None], journal: str | None, container: str | None) -> str:
    if journal:
        return "article"
    if first.get("editor") or container and re.match(r"^\s*in\b", first.get("container-title", ""), re.I):
        return "chapter"
    if container and first.get("volume") and first.get("pages") and not first.get("publisher"):
        return "article"  # 'Proceedings of the National Academy of Sciences, 120(49), e2305772120.': a serial
    text = " ".join([first.get(k, "") for k in ("title", "genre", "note", "publisher", "container-title")])
    if first.get("publisher") or first.get("location") or first.get("edition"):
        return "report" if first.get("genre") or _REPORT.search(text) else "book"
    if ids.get("url") or first.get("url"):
        return "web"
    if ids.get("pmid"):
        return "article"
    if (first.get("genre") or container) and _REPORT.search(text):
        return "report"
    return "other"


def _edition(text: str | None) -> str | None:
    text = normalise.clean(text)
    if not text:
        return None
    stripped = re.sub(r"\s*\b(?:ed|edn|edition|éd|aufl|auflage)\b\.?$", "", text, flags=re.I).strip(" .,;:")
    return stripped or text


def _warnings(raw: str, ids: dict[str, str | None], f: dict[str, object]) -> list[str]:
    warnings: list[str] = []
    if f["kind"] in ("article", "other"):
        if not f["journal"] and f["year"] is None:
            warnings.append("could not find the journal and date")
        elif f["year"] is None:
            warnings.append("could not read the date, volume and pages")
        elif not f["journal"]:
            warnings.append("could not find the journal")
        if f["journal"]:
            missing = [name for name in ("authors", "title") if not f[name]]
            if missing:
                warnings.append(f"could not find the {' and '.join(missing)}")
    elif f["year"] is None and f["kind"] != "web":
        warnings.append("could not find the date")
    if len(raw) > _MAX_LABELLED:
        warnings.append(f"the entry is {len(raw):,} characters long; only its start was read")
    if not ids.get("pmid") and identifiers.may_hold(raw, "pmid") and (odd := identifiers.PMID_WRITTEN.search(raw)):
        warnings.append(f"{odd.group(1).rstrip('.,;')!r} is not a PMID (ignored)")
    if not (ids.get("pmid") or ids.get("doi") or ids.get("nct")):
        warnings.append("no PMID, DOI or NCT id")
    return warnings
