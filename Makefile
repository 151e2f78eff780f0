# Two entry points do all set-up on a fresh Debian machine with Python 3.11:
#   make briefing   build the sample briefing
#   make test       run the test suite
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium

.PHONY: briefing test lint bench lab setup chromium clean

setup: $(STAMP) chromium

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/python -c "from analysis.report.execute import ensure_kernel; ensure_kernel()"
	touch $(STAMP)

# Debian's chromium, installed with apt when missing; skipped when BRIEFING_CHROMIUM
# names another, and only a note without root (PDFs then need BRIEFING_CHROMIUM).
chromium:
	@test -n "$(BRIEFING_CHROMIUM)" || command -v chromium >/dev/null 2>&1 || test -x $(CHROMIUM) || \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "No chromium and not root: PDFs need one; set BRIEFING_CHROMIUM=/path/to/chrome"; \
	  else \
	    echo "Installing Debian's chromium (needed for PDF briefings)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  fi

briefing: setup
	$(BIN)/briefing build briefing --to html,pdf

lab: setup
	$(BIN)/pip install --quiet -r requirements-lab.lock
	$(BIN)/jupyter lab notebooks/

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

bench: setup
	$(BIN)/python benchmarks/load_benchmark.py
	$(BIN)/python benchmarks/analyze_benchmark.py
	$(BIN)/python benchmarks/build_benchmark.py

clean:
	rm -rf $(VENV) .pytest_cache
	find reports -mindepth 1 ! -name README.md -exec rm -rf {} +
