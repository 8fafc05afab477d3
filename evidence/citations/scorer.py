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
from pathlib import Path
from typing import TYPE_CHECKING

from evidence.citations import features

if TYPE_CHECKING:
    import numpy as np

_PREFIX = {"-1": 1, "+1": 2, "-2": 3, "+2": 4}
_BATCH = 256  # references per Viterbi pass (sorted by length: little padding)
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
    np.savez_compressed(
        out,
        labels=np.array(labels),
        attributes=np.array(attributes),
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
            attributes: list[str] = data["attributes"].tolist()
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
        self._np = np
        self._reset()

    def _reset(self) -> None:
        np = self._np
        n = len(self.labels)
        self._token: dict[str, int] = {}
        # per token text: what it scores itself, and adds to the token after it (-1), before
        # it (+1), two after (-2), two before (+2)
        self._tokens = np.zeros((1024, 5, n))
        self._where: dict[tuple[str, ...], int] = {}
        self._wheres = np.zeros((256, n))

    def _sums(self, groups: list[list[str]]):  # type: ignore[no-untyped-def]
        """The summed weights of each group of attribute names, in one array operation."""
        zero = len(self.weights) - 1
        flat: list[int] = []
        starts: list[int] = []
        get = self.row.get
        for names in groups:
            starts.append(len(flat))
            flat.append(zero)  # every group non-empty
            flat.extend(r for r in map(get, names) if r is not None)
        return self._np.add.reduceat(self.weights[flat], starts, axis=0)

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
                flat.extend(r for r in map(get, own) if r is not None)
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
            ids.update((t, first + k) for k, t in enumerate(new))
        return [ids[t] for t in texts]

    def _where_ids(self, wheres: list[list[str]]) -> list[int]:
        ids = self._where
        keys = [tuple(w) for w in wheres]
        new = {k: None for k in keys if k not in ids}
        if new:
            first = len(ids)
            self._wheres = _room(self._np, self._wheres, first + len(new))
            self._wheres[first : first + len(new)] = self._sums([list(k) for k in new])
            ids.update((k, first + i) for i, k in enumerate(new))
        return [ids[k] for k in keys]

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
        width = max(map(len, sequences))
        tok = np.zeros((len(sequences), width + 4), dtype=np.intp)  # 2 columns of padding each side
        where = np.zeros((len(sequences), width), dtype=np.intp)
        texts = [t for seq in sequences for t in seq]
        entries = [features._entry(t) for t in texts]
        token_ids = self._token_ids(texts, entries)
        wheres: list[list[str]] = []
        at = 0
        for seq in sequences:
            wheres += features.position_features(entries[at : at + len(seq)])
            at += len(seq)
        where_ids = self._where_ids(wheres)
        at = 0
        for b, seq in enumerate(sequences):
            tok[b, 2 : 2 + len(seq)] = token_ids[at : at + len(seq)]
            where[b, : len(seq)] = where_ids[at : at + len(seq)]
            at += len(seq)
        lengths = np.array([len(s) for s in sequences])
        inside = np.arange(width)[None, :] < lengths[:, None]
        t = self._tokens
        mid = tok[:, 2 : 2 + width]
        emit = t[mid, 0] + self._wheres[where]
        # a neighbour outside the sequence adds nothing (its column holds id 0: mask it)
        for shift, kind in ((-1, 1), (1, 2), (-2, 3), (2, 4)):
            near = tok[:, 2 + shift : 2 + shift + width]
            pos = np.arange(width)[None, :] + shift
            ok = inside & (pos >= 0) & (pos < lengths[:, None])
            emit += t[near, kind] * ok[:, :, None]
        return emit * inside[:, :, None]

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
        for i in range(1, width):
            step = score[:, :, None] + self.transitions[None]  # [b, from, to]
            back[:, i] = step.argmax(1)
            score = step[rows[:, None], back[:, i], np.arange(len(self.labels))[None]] + emit[:, i]
            done = lengths == i + 1
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
        return [[names[j] for j in labels[b, : lengths[b]]] for b in range(batch)]


def _room(np, table, needed: int):  # type: ignore[no-untyped-def]
    """`table` with at least `needed` rows (doubling, so growing stays cheap)."""
    if len(table) >= needed:
        return table
    size = len(table)
    while size < needed:
        size *= 2
    grown = np.zeros((size, *table.shape[1:]))
    grown[: len(table)] = table
    return grown
