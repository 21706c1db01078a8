# sokhcn-analytics — the monthly job and its checks.
#   make report   install into .venv, build the store from data/raw, render the leadership reports
#   make test     install into .venv and run the test suite
#   make test-fast  the tests not marked slow (no notebooks, browsers, kill tests), in under a minute
#   make lab      open JupyterLab on the explorer (sokhcn_analytics/reports/notebooks/explore.ipynb)
#   make lock     refresh requirements.lock (and requirements-lab.lock) from pyproject.toml
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements.lock
LAB_LOCK := requirements-lab.lock
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) | cksum | cut -d' ' -f1)
# The lock is made by uv (fast, and it keeps the pins already in the file unless told to upgrade),
# for every platform (Linux, Windows, macOS) and Python 3.11+, with the sha256 of every file.
UV_VERSION := 0.13.8
LOCK_OPTS := --python-version 3.11 --universal --generate-hashes --quiet --custom-compile-command "make lock" \
	$(if $(UPGRADE),--upgrade)
export MPLBACKEND := Agg

.PHONY: install lock report test test-fast lab system-deps bench clean-store

install: $(STAMP)

# Exactly the versions of the lock (hashes checked), then the package itself without resolving again:
# scripts/install.py, the same steps a department runs without make (docs/setup.md).
$(STAMP): pyproject.toml $(LOCK) scripts/install.py
	$(PYTHON) scripts/install.py --editable --venv $(VENV)
	@rm -f $(VENV)/.installed-* && touch $@

# Chromium prints the PDF; pdftotext checks it; LibreOffice Writer prints the .docx draft as a clerk
# opens it (the tests), with Liberation Serif in place of Times New Roman (the same metrics).
# Installed from Debian when missing and we are root.
system-deps:
	@if command -v chromium >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 && command -v soffice >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils libreoffice-writer-nogui fonts-liberation2 >/dev/null; \
	else echo "Thiếu Chromium/pdftotext/LibreOffice: chạy 'sudo apt-get install chromium poppler-utils libreoffice-writer-nogui' (PDF sẽ không được tạo)."; fi

# The monthly job on the shipped data: the store, the month at a glance for the latest real
# period, and the year-on-year and task notebooks on the illustrative years (labelled as such).
report: install system-deps
	$(BIN)/sokhcn build
	$(BIN)/sokhcn summary
	$(BIN)/sokhcn report --notebook monthly_summary
	$(BIN)/sokhcn report --period 2021-12 --notebook yoy_indicators --notebook tasks_portfolio
	@echo "Báo cáo cho lãnh đạo (HTML, PDF) nằm trong thư mục reports/ — mở reports/index.html bằng trình duyệt."

test: install system-deps
	$(BIN)/python -m pytest -q

# While working: everything but the tests marked slow (notebooks, browsers, PDFs, kill and fault
# tests, many processes); needs no Chromium. `make test` still runs them all.
test-fast: install
	$(BIN)/python -m pytest -q -m "not slow"

# After a change of dependencies in pyproject.toml: `make lock`, then commit both lock files.
# `make lock UPGRADE=1` moves every pin to the newest release the bounds allow (then run `make test`).
lock:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q "uv==$(UV_VERSION)"
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra pdf $(LOCK_OPTS) -o $(LOCK)
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra pdf --extra lab -c $(LOCK) $(LOCK_OPTS) -o $(LAB_LOCK)

lab: install
	$(BIN)/python -m pip install -q --require-hashes -r $(LAB_LOCK)
	$(BIN)/jupyter lab sokhcn_analytics/reports/notebooks/explore.ipynb

bench: install system-deps
	$(BIN)/python benchmarks/bench_store.py
	$(BIN)/python benchmarks/bench_extract.py
	$(BIN)/python benchmarks/bench_report.py
	$(BIN)/python benchmarks/bench_draft.py
	$(BIN)/python benchmarks/bench_explorer.py

clean-store:
	rm -rf data/processed/*.parquet data/processed/manifest.json data/processed/.staging
