"""The shipped CRF's Viterbi in numpy, scored per distinct token, many references at once.

crfsuite's tagger spends its time turning ~700 feature strings per reference into attribute
ids and adding up their weights, one reference at a time. But a token's weights depend on its
text only (what it looks like, and what it adds to each neighbour), tokens repeat across a
reference list, and the features that depend on a token's place in the sequence come in a few
thousand combinations. So each distinct token text and each combination is summed once into a
per-label score vector; a reference's emission scores are then a few array look-ups, and one
Viterbi pass runs over a whole batch of references of similar length.

The weights are crfsuite's own: `export_weights` writes them (`citation_crf.npz`, beside
the model) when `make train-citations` trains the model, since reading them out of a model
file takes most of a second. The labels are crfsuite's (tests/test_citations_scorer.py
checks them against crfsuite's tagger).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING

from evidence.citations import features

if TYPE_CHECKING:
    import numpy as np

_PREFIX = {"-1": 1, "+1": 2, "-2": 3, "+2": 4}
_BATCH = 256  # references per Viterbi pass (sorted by length: little padding)
_ROOM = 1 << 15  # rows of the per-token tables at first
_LIMIT = 200_000  # distinct token texts remembered before the table starts again


def export_weights(model: Path, out: Path) -> None:
    """Write the state and transition weights of a crfsuite model as arrays (training time)."""
    import numpy as np
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(str(model))
    info = tagger.info()
    labels = sorted(info.labels, key=lambda k: int(info.labels[k]))
    at = {label: i for i, label in enumerate(labels)}
    attributes = sorted({a for a, _ in info.state_features})
    row = {a: i for i, a in enumerate(attributes)}
    items = sorted(info.state_features.items())
    trans = np.zeros((len(labels), len(labels)))
    for (a, b), w in info.transitions.items():
        trans[at[a], at[b]] = w
    np.savez(  # not compressed, the names as one UTF-8 text: read in milliseconds
        out,
        labels=np.array(labels),
        attributes=np.frombuffer("\n".join(attributes).encode("utf-8"), dtype=np.uint8),
        state_attr=np.array([row[a] for (a, _), _ in items], dtype=np.int32),
        state_label=np.array([at[b] for (_, b), _ in items], dtype=np.int32),
        state_weight=np.array([w for _, w in items]),
        transitions=trans,
    )


class Scorer:
    """Labels token sequences with the exported weights."""

    def __init__(self, path: Path) -> None:
        import numpy as np

        with np.load(path, allow_pickle=False) as data:
            self.labels: list[str] = data["labels"].tolist()
            attributes = _names(data["attributes"])
            n = len(self.labels)
            self.weights = np.zeros((len(attributes) + 1, n))  # the last row: unknown attribute
            self.weights[data["state_attr"], data["state_label"]] = data["state_weight"]
            self.transitions = data["transitions"]
        self.row = {a: i for i, a in enumerate(attributes)}
        # per feature of a token's own list: its weight on the token itself and, under the
        # prefixes `features._entry` gives it, on each neighbour ("-1w=smith" on the next
        # token...); a combination never generated has no weights, so it sums to zero
        base: dict[str, int] = {}
        rows, kinds, names = [], [], []
        for i, a in enumerate(attributes):
            kind = _PREFIX.get(a[:2], 0)
            name = a[2:] if kind else a
            rows.append(i)
            kinds.append(kind)
            names.append(base.setdefault(name, len(base)))
        self.blocks = np.zeros((len(base) + 1, 5, n))  # the last row: an unknown feature
        self.blocks[names, kinds] = self.weights[rows]
        self.base = base
        zero = len(attributes)

        def rows(*names: str):  # type: ignore[no-untyped-def]
            return np.array([self.row.get(a, zero) for a in names], dtype=np.intp)

        self._row = {
            "cl": rows("cl=1", *features._CL[1:], "cl=9"),
            "cend": rows(*(f"cend={k}" for k in range(6))),
            "pos": rows(*features._POS),
            "sent": rows(*features._SENT),
            **{name: self.row.get(name, zero) for name in _ALONE},
        }
        self._np = np
        self._reset()

    def _reset(self) -> None:
        np = self._np
        n = len(self.labels)
        self._token: dict[str, int] = {}
        # per token text: what it scores itself, and adds to the token after it (-1), before
        # it (+1), two after (-2), two before (+2)
        # room for a long reference list's distinct tokens (~25,000 in 5,000 references) from
        # the start: np.zeros only maps the pages, and growing copies what is there
        self._tokens = np.zeros((_ROOM, 5, n))
        self._flags = np.zeros((_ROOM, len(_FLAGS)), dtype=np.int64)

    def _blocks(self, owns: list[list[str]]):  # type: ignore[no-untyped-def]
        """Per token, its (5, labels) block: the summed blocks of its own features."""
        np = self._np
        zero = len(self.blocks) - 1  # the last row is zeros
        get = self.base.get
        out = np.empty((len(owns), *self.blocks.shape[1:]))
        for at in range(0, len(owns), 256):  # a few MB at a time: stays in cache
            flat: list[int] = []
            starts: list[int] = []
            for own in owns[at : at + 256]:
                starts.append(len(flat))
                flat.append(zero)
                flat.extend(map(get, own, repeat(zero, len(own))))  # unknown: the zero row, adds 0.0
            out[at : at + 256] = np.add.reduceat(self.blocks[flat], starts, axis=0)
        return out

    def _token_ids(self, texts: list[str], entries: list[features._Entry]) -> list[int]:
        ids = self._token
        new = {t: e for t, e in zip(texts, entries, strict=True) if t not in ids}
        if new:
            first = len(ids)
            sums = self._blocks([e.own for e in new.values()])
            self._tokens = _room(self._np, self._tokens, first + len(new))
            self._tokens[first : first + len(new)] = sums
            self._flags = _room(self._np, self._flags, first + len(new))
            self._flags[first : first + len(new)] = [e[1:] for e in new.values()]  # _FLAGS, in order
            ids.update(zip(new, range(first, first + len(new)), strict=True))
        return list(map(ids.__getitem__, texts))

    def label(self, sequences: Sequence[Sequence[str]]) -> list[list[str]]:
        """One label per token of each sequence of token texts."""
        if len(self._token) > _LIMIT:
            self._reset()
        order = sorted(range(len(sequences)), key=lambda k: len(sequences[k]))
        out: list[list[str]] = [[] for _ in sequences]
        for start in range(0, len(order), _BATCH):
            batch = [k for k in order[start : start + _BATCH] if sequences[k]]
            if batch:
                for k, labels in zip(batch, self._viterbi([sequences[k] for k in batch]), strict=True):
                    out[k] = labels
        return out

    def _emissions(self, sequences: list[Sequence[str]]) -> np.ndarray:
        """(batch, longest, labels) state scores, zero past each sequence's end."""
        np = self._np
        texts = [t for seq in sequences for t in seq]
        cache, entry = features._CACHE, features._entry
        entries = [cache.get(t) or entry(t) for t in texts]
        ids = np.array(self._token_ids(texts, entries), dtype=np.intp)
        lengths = np.array([len(s) for s in sequences])
        seq = np.repeat(np.arange(len(sequences)), lengths)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        local = np.arange(len(texts)) - starts[seq]
        n = lengths[seq]
        t = self._tokens
        emit = t[ids, 0] + self._positions(entries, self._flags[ids], seq, starts, local, n)
        for shift, kind in ((1, 1), (2, 3)):  # what the tokens before add
            ok = local >= shift
            emit[shift:] += t[ids[:-shift], kind] * ok[shift:, None]
        for shift, kind in ((1, 2), (2, 4)):  # what the tokens after add
            ok = local < n - shift
            emit[:-shift] += t[ids[shift:], kind] * ok[:-shift, None]
        out = np.zeros((len(sequences), int(lengths.max()), emit.shape[1]))
        out[seq, local] = emit
        return out

    def _positions(self, entries, flags, seq, starts, local, n):  # type: ignore[no-untyped-def]
        """`features.position_features`, for a whole batch at once, as summed weights."""
        np = self._np
        w, f = self.weights, self._row
        last = local == n - 1

        def before(x):  # type: ignore[no-untyped-def]
            """How many of the sequence's tokens before each token have `x`."""
            c = np.cumsum(x) - x
            return c - c[starts[seq]]

        # chunks: runs up to a token ending in . , ; : ) ] (or the sequence's end)
        ends = flags[:, _CHUNK_END].astype(bool) | last
        chunk = np.cumsum(ends) - ends  # a chunk id, unique across the batch
        size = np.bincount(chunk)[chunk]
        jw = np.bincount(chunk, weights=flags[:, _JW])[chunk]
        first_chunk = chunk[starts[seq]]
        total = chunk[starts[seq] + n - 1] - first_chunk + 1
        k = chunk - first_chunk
        end_at = np.flatnonzero(ends)
        after = np.minimum(end_at + 1, len(flags) - 1)
        next_num = flags[after, _NUMERIC].astype(bool) & ~last[end_at]
        emit = w[f["cl"][np.minimum(size, 9)]] + w[f["cend"][np.minimum(total - 1 - k, 5)]]
        emit += w[f["cjw"]] * (2 * jw >= size)[:, None]
        emit += w[f["cnextnum"]] * next_num[chunk][:, None]
        cfirst = np.ones(len(flags), dtype=bool)
        cfirst[1:] = ends[:-1]
        emit += w[f["cfirst"]] * cfirst[:, None]
        emit += w[f["pos"][10 * local // n]]
        emit += w[f["sent"][np.minimum(before(flags[:, _SENTENCE_END]), 6)]]
        emit += w[f["BOS"]] * (local == 0)[:, None]
        emit += w[f["EOS"]] * last[:, None]
        emit += w[f["afteryear"]] * (before(flags[:, _YEAR]) > 0)[:, None]
        star = (before(flags[:, _STAR]) % 2 == 1) | flags[:, _OPENS_STAR].astype(bool)
        emit += w[f["instar"]] * star[:, None]
        paren, quote = self._states(entries, flags, seq, starts, n)
        emit += w[f["inparen"]] * paren[:, None]
        emit += w[f["inquote"]] * quote[:, None]
        return emit

    def _states(self, entries, flags, seq, starts, n):  # type: ignore[no-untyped-def]
        """inside brackets / inside quotes: running states, followed only in the sequences
        with a token that moves them (most have none)."""
        np = self._np
        paren = np.zeros(len(flags), dtype=bool)
        quote = np.zeros(len(flags), dtype=bool)
        moves = (flags[:, _PARENS] != 0) | flags[:, _QUOTE_OPEN].astype(bool)
        for b in np.unique(seq[moves]).tolist():
            depth, inside = 0, False
            for i in range(int(starts[b]), int(starts[b] + n[starts[b]])):
                e = entries[i]
                paren[i] = depth > 0 or e.parens > 0
                quote[i] = inside
                depth = max(0, depth + e.parens)
                if e.quote_open:
                    inside = True
                elif inside and e.quote_close:
                    inside = False
        return paren, quote | flags[:, _OPENS_QUOTE].astype(bool)  # "“Title”": inside its own quotes

    def _viterbi(self, sequences: list[Sequence[str]]) -> list[list[str]]:
        np = self._np
        emit = self._emissions(sequences)
        batch, width, _ = emit.shape
        lengths = np.array([len(s) for s in sequences])
        back = np.zeros((batch, width, len(self.labels)), dtype=np.intp)
        score = emit[:, 0]
        final = np.zeros(batch, dtype=np.intp)
        rows = np.arange(batch)
        done = lengths == 1
        final[done] = score[done].argmax(1)
        n = len(self.labels)
        # [b, to, from]: each label's best predecessor is looked for along contiguous memory
        step = np.empty((batch, n, n))
        trans = np.ascontiguousarray(self.transitions.T)[None]
        flat = step.reshape(-1)  # a view: step[b, to, best[b, to]] is flat[at[b, to] + best[b, to]]
        at = (np.arange(batch * n) * n).reshape(batch, n)
        # the end of each sequence: the step at which its final scores are read
        ends_at = [np.flatnonzero(lengths == i + 1) for i in range(width)]
        for i in range(1, width):
            np.add(score[:, None, :], trans, out=step)
            best = step.argmax(2)  # the first best, as crfsuite takes it
            back[:, i] = best
            score = flat[at + best] + emit[:, i]
            done = ends_at[i]
            if len(done):
                final[done] = score[done].argmax(1)
        labels = np.zeros((batch, width), dtype=np.intp)
        current = final.copy()
        for i in range(width - 1, -1, -1):
            ends = lengths == i + 1
            current = np.where(ends, final, current)
            labels[:, i] = current
            if i:
                current = back[rows, i, current]
        names = self.labels
        return [[names[j] for j in row[:k]] for row, k in zip(labels.tolist(), lengths.tolist(), strict=True)]


_FLAGS = ("parens", "star", "quote_open", "quote_close", "year", "jw", "numeric", "sentence_end", "chunk_end",
          "opens_star", "opens_quote")  # fmt: skip
(_PARENS, _STAR, _QUOTE_OPEN, _QUOTE_CLOSE, _YEAR, _JW, _NUMERIC,
 _SENTENCE_END, _CHUNK_END, _OPENS_STAR, _OPENS_QUOTE) = range(len(_FLAGS))  # fmt: skip
_ALONE = ("cjw", "cnextnum", "cfirst", "BOS", "EOS", "afteryear", "instar", "inparen", "inquote")


assert _FLAGS == features._Entry._fields[1:], "the token table stores an entry's flags in order"


def _names(array) -> list[str]:  # type: ignore[no-untyped-def]
    """The attribute names: one UTF-8 text, newline-separated (or, as first exported, strings)."""
    if array.dtype.kind == "U":
        return array.tolist()
    return array.tobytes().decode("utf-8").split("\n")


def _room(np, table, needed: int):  # type: ignore[no-untyped-def]
    """`table` with at least `needed` rows (doubling, so growing stays cheap)."""
    if len(table) >= needed:
        return table
    size = len(table)
    while size < needed:
        size *= 2
    grown = np.zeros((size, *table.shape[1:]), dtype=table.dtype)
    grown[: len(table)] = table
    return grown
