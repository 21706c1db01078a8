# sokhcn-analytics — the monthly job and its checks.
#   make report   install into .venv, build the store from data/raw, render the leadership reports
#   make test     install into .venv and run the test suite
#   make lab      open JupyterLab on notebooks/explore.ipynb (the explorer)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
export MPLBACKEND := Agg

.PHONY: install report test lab system-deps bench clean-store

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,pdf]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (sokhcn)" >/dev/null
	@rm -f $(VENV)/.installed-* && touch $@

# Chromium prints the PDF; pdftotext checks it. Installed from Debian when missing and we are root.
system-deps:
	@if command -v chromium >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; \
	else echo "Thiếu Chromium/pdftotext: chạy 'sudo apt-get install chromium poppler-utils' (PDF sẽ không được tạo)."; fi

# The monthly job on the shipped data: the store, the month at a glance for the latest real
# period, and the year-on-year and task notebooks on the illustrative years (labelled as such).
report: install system-deps
	$(BIN)/sokhcn build
	$(BIN)/sokhcn summary
	$(BIN)/sokhcn report --notebook monthly_summary
	$(BIN)/sokhcn report --period 2021-12 --notebook yoy_indicators --notebook tasks_portfolio
	@echo "Báo cáo cho lãnh đạo (HTML, PDF) nằm trong thư mục reports/ — mở file .html bằng trình duyệt."

test: install system-deps
	$(BIN)/python -m pytest -q

lab: install
	$(BIN)/python -m pip install -q -e '.[lab]'
	$(BIN)/jupyter lab notebooks/explore.ipynb

bench: install system-deps
	$(BIN)/python benchmarks/bench_store.py
	$(BIN)/python benchmarks/bench_extract.py
	$(BIN)/python benchmarks/bench_report.py
	$(BIN)/python benchmarks/bench_draft.py
	$(BIN)/python benchmarks/bench_explorer.py

clean-store:
	rm -rf data/processed/*.parquet data/processed/manifest.json data/processed/.staging
