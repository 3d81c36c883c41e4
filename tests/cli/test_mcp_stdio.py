"""``cairn mcp``: the MCP server over stdio in a real subprocess, through the SDK's own
client, as the caller whose key is in ``CAIRN_API_KEY``."""

from __future__ import annotations

import shutil
import sys
from functools import partial
from pathlib import Path

import anyio
import pytest
from mcp import Client, StdioServerParameters

from core.access import create_key, revoke_key, server_secret
from core.records import Records, audit
from core.settings import Settings
from tests.api import mcp_probes as probes
from tests.api.conftest import prepare
from tests.cli.helpers import cairn, cairn_env
from tests.conftest import ROOT, SAMPLES

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict[str, str]]:
    """The samples (with the injection page) ingested; keys for alice and People Ops."""
    tmp = tmp_path_factory.mktemp("mcp-stdio")
    shutil.copytree(SAMPLES, tmp / "corpus")
    settings = prepare(tmp, tmp / "corpus")
    records = Records(settings.records_url)
    secret = server_secret(settings)
    keys = {
        "alice": create_key(records, secret, "alice", []),
        "hana": create_key(records, secret, "hana", ["people-ops"]),
        "gone": create_key(records, secret, "gone", []),
    }
    revoke_key(records, "gone")
    records.engine.dispose()
    return settings, keys


def connect(settings: Settings, key: str | None) -> Client:
    env = cairn_env(settings.home, CAIRN_EMBEDDING__BACKEND="torch")
    if key:
        env["CAIRN_API_KEY"] = key
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "cairn", "mcp"], env=env, cwd=ROOT
    )
    return Client(params)


def test_tools_access_and_injection_over_stdio(home: tuple[Settings, dict[str, str]]) -> None:
    settings, keys = home
    link = partial(connect, settings)

    async def session() -> None:
        # One process at a time: the embedded vector engine is single-process.
        async with link(keys["hana"]) as hana:
            salary_id = await probes.group_member_sees_the_folder(hana)
        async with link(keys["alice"]) as alice:
            await probes.tools_and_arguments(alice)
            doc_id = await probes.search_cites(alice)
            await probes.get_source_returns_the_span(alice, doc_id)
            answer = await probes.ask_answers_with_citations(alice)
            await probes.restricted_folder_is_invisible(alice, salary_id)
            await probes.injection_is_data(alice)
        records = Records(settings.records_url)
        try:
            assert audit.get_answer(records, answer["answer_id"]).principal == "alice"
        finally:
            records.engine.dispose()

    anyio.run(session)


def test_no_key_or_a_revoked_key_is_one_clear_line(
    home: tuple[Settings, dict[str, str]], tmp_path: Path
) -> None:
    settings, keys = home
    for key in (None, keys["gone"]):
        extra = {"CAIRN_EMBEDDING__BACKEND": "torch"} | ({"CAIRN_API_KEY": key} if key else {})
        run = cairn(settings.home, "mcp", **extra)
        assert run.returncode == 1 and run.stdout == ""
        assert "error:" in run.stderr and "Traceback" not in run.stderr
        assert ("revoked" if key else "API key is required") in run.stderr
