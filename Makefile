# The two commands: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements.lock
STAMP := $(VENV)/.installed
PORT ?= 7860

.PHONY: demo test lint install lock eval bench audit clean train bench-gold

$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first, pinned: the CPU build of this version is what the lock was tested with
	$(BIN)/python -m pip install --quiet -c $(LOCK) torch
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/baocao ingest corpus --no-progress
	$(BIN)/baocao serve --host 127.0.0.1 --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check baocao ingest qa ui eval tests
	$(BIN)/mypy

test: $(STAMP) lint browser ocr
	$(BIN)/python -m pytest -q

# Scanned PDFs are read with Debian's Tesseract and its Vietnamese model; the OCR tests render
# their scans with the DejaVu font.
.PHONY: ocr
ocr:
	(command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx vie \
		&& test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf) \
		|| (apt-get update && apt-get install -y tesseract-ocr tesseract-ocr-vie fonts-dejavu-core)

# The browser tests drive Debian's chromium through Playwright; never a browser Playwright downloads.
.PHONY: browser
browser:
	test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium)

eval: $(STAMP)
	$(BIN)/baocao eval regress

SHARED ?= ../shared
ARTICLES = $(SHARED)/bench/vn-admin-articles
DISTRACTORS ?= 300
EMBED_CACHE ?= .cache/embeddings

bench: $(STAMP)
	$(BIN)/python -m eval.bench_ingest
	$(BIN)/python -m eval.bench_scale
	$(MAKE) bench-distractors

# The gold questions and claims over the report beside the first $(DISTRACTORS) articles (by name);
# the reports list every miss. Embeddings are cached in $(EMBED_CACHE) for the next run.
.PHONY: bench-distractors
bench-distractors: $(STAMP)
	$(BIN)/baocao eval qa $(SHARED)/eval/seed_qa.jsonl --corpus corpus --embed-cache-dir $(EMBED_CACHE) \
		--distractors $$(ls -d $(ARTICLES)/* | sort | head -n $(DISTRACTORS)) --report eval/out/distractors-qa.md
	$(BIN)/baocao eval claims $(SHARED)/eval/seed_claims.jsonl --corpus corpus --embed-cache-dir $(EMBED_CACHE) \
		--distractors $$(ls -d $(ARTICLES)/* | sort | head -n $(DISTRACTORS)) --report eval/out/distractors-claims.md

# Re-fit the answer ranker on the gold corpus's train split (calibrated on dev) into qa/data/ranker.json
train: $(STAMP)
	$(BIN)/baocao eval train --embed-cache-dir $(EMBED_CACHE)

# The sealed test split of the gold corpus: run once at the end of a change, its figures go into the
# closing note; never tuned on, not run in CI.
bench-gold: $(STAMP)
	mkdir -p eval/out
	$(BIN)/baocao eval qa --split test --mode dense,bm25,hybrid --embed-cache-dir $(EMBED_CACHE) \
		--report eval/out/gold-test-qa.md
	$(BIN)/baocao eval claims --split test --embed-cache-dir $(EMBED_CACHE) --report eval/out/gold-test-claims.md

# Online audit of the lock (needs the vulnerability service; the offline check is in make test)
audit: $(STAMP)
	$(BIN)/pip-audit -r $(LOCK) --no-deps --disable-pip --progress-spinner off \
		$$($(BIN)/python -c "import json; print(' '.join('--ignore-vuln ' + a['advisory'] for a in json.load(open('security/advisories.json'))['allow']))")

# Refresh the lock from a clean environment: the versions a fresh machine will install.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet torch==2.13.0
	.lock-venv/bin/python -m pip install --quiet -e '.[dev]'
	.lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^-e ' > $(LOCK)
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .baocao .cache
