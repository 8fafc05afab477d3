"""The shipped finding model: it loads without scikit-learn, stays small, and reads real abstracts."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

import evidence.extract
from evidence.extract import LABELS, infer_finding, model

FOLDER = Path(evidence.extract.__file__).parent


def test_shipped_model_loads_once_and_is_small():
    assert model.WEIGHTS.exists(), "run `make train-findings`"
    assert model.WEIGHTS.stat().st_size < 5 * 1024 * 1024
    data = json.loads(model.WEIGHTS.read_text())
    assert data["format"] == model.FORMAT and data["label"]["classes"] == list(LABELS)
    scorer = model.load()
    assert isinstance(scorer, model.Scorer) and model.load() is scorer


def test_scoring_needs_no_scikit_learn():
    """Only the training script imports sklearn; the shipped scorer is plain Python over JSON."""
    for path in FOLDER.glob("*.py"):
        if path.name == "train.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n.startswith(("sklearn", "joblib", "pickle", "numpy")) for n in names), path


def test_extract_is_a_pure_room():
    forbidden = ("evidence.store", "evidence.services", "evidence.cli", "evidence.entrez", "evidence.report",
                 "sqlmodel", "sqlalchemy", "requests", "typer", "rich")  # fmt: skip
    for path in FOLDER.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n.startswith(forbidden) for n in names), path


def test_a_wrong_format_is_refused():
    with pytest.raises(ValueError, match="format"):
        model.Scorer({"format": 999})


@pytest.fixture
def corpus_folder(shared: Path) -> Path:
    """../shared's Evidence Inference corpus, or skip."""
    folder = shared / "corpora" / "evidence-inference"
    if not (folder / "train.jsonl").exists() or not (folder / "validation.jsonl").exists():
        pytest.skip("Evidence Inference corpus not present")
    return folder


def test_validation_sample_reads_like_the_annotators(corpus_folder):
    """A fast look at real data (the full figure is `make eval`): 30 validation prompts."""
    from evidence.extract import corpus
    from evidence.extract.evaluate import evaluate

    prompts = corpus.load("validation", corpus_folder)[:30]
    s = evaluate(prompts)
    assert s["accuracy"] >= 0.55 and s["sentence"] >= 0.6
    f = infer_finding(prompts[0].abstract, prompts[0].intervention, prompts[0].comparator, prompts[0].outcome)
    assert f.label in LABELS and f.evidence


def test_model_version_names_the_shipped_weights():
    """Callers that store findings compare this to tell when they were read by another model."""
    import hashlib

    v = evidence.extract.MODEL_VERSION
    digest = hashlib.sha256(model.WEIGHTS.read_bytes()).hexdigest()
    assert v == model.version() == f"{model.FORMAT}.{digest[:12]}"
    with pytest.raises(AttributeError):
        evidence.extract.NO_SUCH_THING  # noqa: B018


def test_training_reproduces_the_shipped_weights(corpus_folder, tmp_path):
    """`make train-findings` on the train split gives the shipped file byte for byte, so the
    figures measured with it are the figures of what the code trains (a change to the features
    or the training without retraining, or a scikit-learn that fits differently, shows here)."""
    pytest.importorskip("sklearn")
    from evidence.extract import train

    out = tmp_path / "findings_model.json"
    assert train.main(["--corpus", str(corpus_folder), "--out", str(out)]) == 0
    assert out.read_bytes() == model.WEIGHTS.read_bytes(), "retrain: make train-findings"
