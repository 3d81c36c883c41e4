"""Documentation that is generated or bounded stays so."""

from __future__ import annotations

from tests.conftest import ROOT
from tools import config_doc


def test_configuration_page_is_generated_from_the_current_settings() -> None:
    assert (ROOT / "docs" / "configuration.md").read_text() == config_doc.render(), (
        "docs/configuration.md is out of date: run python -m tools.config_doc"
    )


def test_every_setting_has_a_description() -> None:
    page = config_doc.render()
    rows = [line for line in page.splitlines() if line.startswith("| `CAIRN_")]
    assert len(rows) > 40 and all(not line.endswith("|  |") for line in rows)


def test_readme_is_a_front_door() -> None:
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 200
    assert "make up" in readme and "make test" in readme
