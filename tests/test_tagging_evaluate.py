"""The labelled evaluation: the citation-text path must stay >= 0.85 accurate."""

from __future__ import annotations

import json

from evidence.tagging import evaluate
from evidence.tagging.vocabulary import DESIGNS


def test_citation_text_accuracy_at_least_085():
    score = evaluate.score_citations(evaluate.load_citations())
    assert score.total >= 92  # the example policy's 32 + 60 or more synthetic citations
    assert score.accuracy >= 0.85, evaluate.format_score(score)


def test_labelled_sets_use_only_known_designs():
    assert {c["design"] for c in evaluate.load_citations()} <= set(DESIGNS)
    records = evaluate.load_synthetic_records()
    assert {label for label, _ in records} <= set(DESIGNS)
    assert all(int(a.pmid) >= 90000001 for _, a in records)  # synthetic PMIDs only


def test_synthetic_records_combined_accuracy():
    scores = evaluate.score_records("synthetic", evaluate.load_synthetic_records())
    assert scores["combined"].accuracy >= 0.9, evaluate.format_score(scores["combined"])
    # publication types never guess: when they answer, they are right on the synthetic set
    assert scores["publication-type"].accuracy_answered == 1.0


def test_real_records_parse_and_score(shared):
    real = evaluate.load_real_records(shared)
    labels = json.loads((evaluate.DATA / "real_labels.json").read_text())["labels"]
    assert len(real) == len(labels) > 150
    scores = evaluate.score_records("real", real)
    assert scores["publication-type"].accuracy_answered >= 0.9
    assert scores["combined"].accuracy >= 0.8


def test_main_prints_the_per_design_table(capsys, tmp_path):
    assert evaluate.main(["--shared", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "citations / citation-text: accuracy" in out and "prec" in out and "recall" in out
    assert "real records skipped" in out


def test_main_json(capsys, tmp_path):
    evaluate.main(["--json", "--shared", str(tmp_path)])
    data = json.loads(capsys.readouterr().out)
    assert data[0]["source"] == "citations / citation-text" and data[0]["per_design"]


def test_main_without_data_says_so(capsys, tmp_path):
    assert evaluate.main(["--data", str(tmp_path)]) == 2
    assert "no labelled sets" in capsys.readouterr().err
