# Set-up and main jobs. Every target creates the virtualenv and installs on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: extract test bench docs fixtures clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

## extract: convert samples/ into output/ (Parquet tables + manifest.json)
extract: $(STAMP)
	$(BIN)/goaltables extract samples --out output

## test: run the test suite
test: $(STAMP)
	$(BIN)/python -m pytest -q

## docs: regenerate docs/schema.md and docs/findings.md from the code
docs: $(STAMP)
	$(BIN)/python -m goaltables.pipelines.docs

## fixtures: regenerate tests/fixtures/files from samples/ and the trap fixtures (needs LibreOffice)
fixtures: $(STAMP)
	$(BIN)/pip install --quiet -e ".[test,fixtures]"
	$(BIN)/python tests/fixtures/make_fixtures.py
	$(BIN)/python tests/fixtures/make_pdf_fixtures.py
	$(BIN)/python tests/fixtures/make_sheet_fixtures.py
	$(BIN)/python tests/fixtures/make_trap_fixtures.py
	$(BIN)/python tests/fixtures/make_trust_fixtures.py

## bench: docs/s and peak memory per format beside the bare libraries (needs LibreOffice),
## then the whole CLI on generated mixed archives with zips (ARCHIVE_DOCS sets their sizes)
ARCHIVE_DOCS ?= --docs 200 --docs 2000
bench: $(STAMP)
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.archive $(ARCHIVE_DOCS)

clean:
	rm -rf $(VENV) .pytest_cache
