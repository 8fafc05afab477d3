# The two commands a new machine needs: `make demo` and `make test`.
# Everything else here is for contributors.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
EXAMPLE := examples/stem-cell-pad.txt
export EVIDENCE_DB ?= db/evidence.sqlite
export EVIDENCE_CACHE ?= db/http_cache.sqlite

.PHONY: all demo test bench eval lint fmt clean train-citations train-findings

all: lint test

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -qq --upgrade pip
	$(BIN)/pip install -qq -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	@mkdir -p db reports
	$(BIN)/evidence policy add $(EXAMPLE) --id stem-cell-pad \
		--title "Stem-Cell Therapy for Peripheral Arterial Disease"
	@# Offline (no route to NCBI) resolve exits 3 (partial) and the rest carries on from the
	@# citation text; any other failure stops the demo.
	$(BIN)/evidence resolve stem-cell-pad || [ $$? -eq 3 ]
	$(BIN)/evidence tag stem-cell-pad
	$(BIN)/evidence policy show stem-cell-pad
	$(BIN)/evidence export stem-cell-pad --format ris -o reports/stem-cell-pad.ris
	$(BIN)/evidence export stem-cell-pad --format bibtex -o reports/stem-cell-pad.bib
	$(BIN)/evidence report stem-cell-pad --format html -o reports/stem-cell-pad.html
	$(BIN)/evidence report stem-cell-pad --format text
	@echo
	@echo "Done: reports/ holds the HTML report, RIS and BibTeX files."
	@echo "Run evidence yourself with .venv/bin/evidence, or after: source .venv/bin/activate"

test: $(STAMP)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py

eval: $(STAMP)
	$(BIN)/python -m evidence.tagging.evaluate
	$(BIN)/python -m evidence.review.evaluate
	$(BIN)/python bench/match_eval.py
	$(BIN)/python bench/e2e_eval.py
	$(BIN)/python -m evidence.citations.evaluate
	$(BIN)/python -m evidence.extract.evaluate

# Rebuild the shipped citation model (evidence/citations/citation_crf.model) from ../shared.
train-citations: $(STAMP)
	$(BIN)/python -m evidence.citations.train

# Rebuild evidence/extract/findings_model.json from ../shared/corpora/evidence-inference (train split).
train-findings: $(STAMP)
	$(BIN)/python -m evidence.extract.train

lint: $(STAMP)
	$(BIN)/ruff check evidence tests bench

fmt: $(STAMP)
	$(BIN)/ruff format evidence tests bench

clean:
	rm -rf $(VENV) db/*.sqlite* reports .pytest_cache

# Schema migrations (docs/STORE.md). `migration` adds the next revision from the models;
# `migration-initial` rewrites 0001 from the models (pre-release only); `migration-check`
# fails when models and migrations disagree.
.PHONY: migration migration-initial migration-check
MSG ?= schema change
migration: $(STAMP)
	$(BIN)/python -m evidence.store.autogen revision "$(MSG)"

migration-initial: $(STAMP)
	$(BIN)/python -m evidence.store.autogen initial

migration-check: $(STAMP)
	$(BIN)/python -m evidence.store.autogen check
