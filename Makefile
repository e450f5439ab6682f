# Two commands do all the set-up on a fresh machine:
#   make run    - venv, CPU torch, the package, the index if missing, then the web chat on 127.0.0.1:7860
#   make test   - the same set-up plus Debian's chromium, then ruff, mypy and the whole test suite
#   (make test-fast runs the unit tests only, for the edit loop)
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: setup setup-run browser index run test test-fast lint typecheck pytest eval bench corpus clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

# torch first, from the CPU wheel (torch==2.13.0) so nothing pulls a CUDA build. The web chat needs
# the runtime and the web extra; the tests need every extra (llm-local builds llama-cpp-python from
# source the first time: 5-12 minutes on 2 cores, then pip's cache has the wheel).
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[web,onnx,llm]'
	touch $@

$(VENV)/.installed: pyproject.toml $(VENV)/.installed-run
	$(BIN)/python -m pip install -q -e '.[web,onnx,llm,llm-local,evals,dev]'
	touch $@

setup-run: $(VENV)/.installed-run
setup: $(VENV)/.installed

browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium; }

index: setup-run
	$(BIN)/assistant index

run: index
	$(BIN)/assistant serve

lint: setup
	$(BIN)/ruff check .

typecheck: setup
	$(BIN)/mypy assistant evals webchat ui.py

pytest: setup browser
	$(BIN)/pytest

test: lint typecheck pytest

# the edit loop: the pure unit tests only (no model, no Chroma; a few seconds)
test-fast: setup
	$(BIN)/pytest -q tests/unit

eval: setup
	$(BIN)/assistant eval

bench: setup
	$(BIN)/assistant bench

# re-import every monograph from the page its folder keeps (corpus/<slug>/source.txt); the
# front matter's editable keys (examples, primary_nutrient, forms, interactions) are kept
corpus: setup
	$(BIN)/assistant import corpus/vitamin-k2/source.txt \
	  --alias menaquinone --alias menatetrenone --alias MK-4 --alias MK-7 --alias K2 --alias "vitamin K2" --alias "vitamin K"
	$(BIN)/assistant import corpus/omega-3-fish-oil/source.txt --alias "fish oil" --alias omega-3 --alias EPA --alias DHA
	$(BIN)/assistant import corpus/iron/source.txt --alias "ferrous sulfate" --alias "elemental iron"
	$(BIN)/assistant import corpus/vitamin-d3/source.txt --alias "vitamin D" --alias cholecalciferol --alias D3

clean:
	rm -rf $(VENV) index/chroma index/records.sqlite3 index/meta.json
