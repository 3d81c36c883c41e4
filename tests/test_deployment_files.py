"""docker-compose.yml and the Dockerfile, checked without a Docker engine (none runs here).

Checks structure (services, health checks, named volumes, dependencies on healthy
services), that every CAIRN_* variable the compose file sets is a real setting, and that
those settings select the server engines — the same code paths the contract tests run.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from core.settings import Settings
from tests.conftest import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _env(service: str) -> dict[str, str]:
    env: dict[str, Any] = COMPOSE["services"][service].get("environment", {})
    return {
        k: re.sub(r"\$\{([A-Z_]+):[-?]?([^}]*)\}", lambda m: m.group(2) or "x", str(v))
        for k, v in env.items()
    }


def test_services_health_checks_and_volumes() -> None:
    services = COMPOSE["services"]
    assert {"qdrant", "postgres", "api", "ui", "llm"} <= set(services)
    for name in ("qdrant", "postgres", "api", "ui"):
        assert "healthcheck" in services[name], name
    assert services["llm"]["profiles"] == ["llm"]
    assert services["api"]["depends_on"]["qdrant"]["condition"] == "service_healthy"
    assert services["ui"]["depends_on"]["api"]["condition"] == "service_healthy"
    declared = set(COMPOSE["volumes"])
    for service in services.values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith(("$", ".", "/")):
                assert source in declared, source


def test_compose_env_is_real_settings_and_selects_server_engines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = _env("api")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = Settings()
    fields = {
        "CAIRN_QDRANT__URL": settings.qdrant.url,
        "CAIRN_DATABASE_URL": settings.database_url,
        "CAIRN_AUTH__SECRET": settings.auth.secret,
        "CAIRN_AUTH__ADMIN_KEY": settings.auth.admin_key,
    }
    for key, value in fields.items():
        assert value == env[key], key
    assert settings.qdrant.url == "http://qdrant:6333" and settings.records_url.startswith(
        "postgresql://"
    )
    unknown = [
        k
        for k in env
        if k.startswith("CAIRN_")
        and k not in {*fields, "CAIRN_REDIS_URL", "CAIRN_AUTH__ANONYMOUS", "CAIRN_HOME"}
    ]
    assert not unknown


def test_dockerfile_is_multi_stage_non_root_and_offline() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM ", text, re.M)) >= 2
    assert re.search(r"^USER cairn$", text, re.M) and "HEALTHCHECK" in text
    assert "HF_HUB_OFFLINE=1" in text and "torch==2.13.0" in text
    assert "tesseract-ocr tesseract-ocr-eng" in text  # OCR of scans works in the image
    for package in ("core", "ingest", "api", "ui", "eval", "cairn"):
        assert f"COPY {package} {package}" in text


def test_queue_services_use_the_broker_and_real_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    services = COMPOSE["services"]
    assert "healthcheck" in services["rabbitmq"]
    assert services["worker"]["command"][:2] == ["cairn", "worker"]
    assert services["scheduler"]["command"] == ["cairn", "scheduler"]
    for name in ("worker", "scheduler"):
        assert services[name]["depends_on"]["rabbitmq"]["condition"] == "service_healthy"
        for key, value in _env(name).items():
            monkeypatch.setenv(key, value)
        settings = Settings()
        assert settings.queue.broker_url == "amqp://guest:guest@rabbitmq:5672//"
        assert settings.qdrant.url == "http://qdrant:6333" and settings.sources is not None
