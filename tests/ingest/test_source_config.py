"""sources.yaml checking, schedule arithmetic and the scheduler's runs (no servers)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.errors import ConfigError
from core.records import Records
from core.records.runs import due_times
from core.settings import Settings
from core.sources import SourceSpec, load_sources, next_run
from core.store import open_store
from ingest.scheduler import Scheduler
from ingest.syncrun import run_source
from tests.ingest.helpers import CountingEmbedder
from tests.ingest.live_helpers import by_source, sync


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "sources:\n  - name: a\n    type: ftp\n    url: x\n",
            "entry 'a': field 'type': unknown type 'ftp'",
        ),
        ("sources:\n  - name: site\n    type: web\n", "entry 'site': field 'url': missing"),
        ("sources:\n  - type: web\n    url: http://x\n", "entry #1: field 'name': missing"),
        (
            "sources:\n  - name: b\n    type: s3\n    bucket: k\n    colour: red\n",
            "entry 'b': field 'colour': extra inputs",
        ),
        (
            "sources:\n  - name: c\n    type: git\n    repo: /r\n    schedule: often\n",
            "entry 'c': field 'schedule'",
        ),
        (
            "sources:\n  - {name: d, type: folder, path: .}\n  - {name: d, type: folder, path: .}\n",
            "entry 'd': field 'name': used more than once",
        ),
        ("nothing: here\n", "top-level 'sources:' list"),
    ],
)
def test_bad_sources_yaml_is_one_line_naming_entry_and_field(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(ConfigError) as err:
        load_sources(write(tmp_path, text))
    assert message in str(err.value) and "\n" not in str(err.value)


def test_every_type_is_read(tmp_path: Path) -> None:
    specs = load_sources(
        write(
            tmp_path,
            """sources:
  - {name: handbook, type: folder, path: samples/handbook, schedule: 30m}
  - {name: intranet, type: web, url: "https://intranet.example/"}
  - {name: policies, type: s3, bucket: docs, prefix: hr/, endpoint_url: "http://minio:9000",
     access_key_env: S3_KEY, secret_key_env: S3_SECRET, groups: [people-ops]}
  - {name: share, type: webdav, url: "https://cloud.example/remote.php/dav/files/me/",
     username_env: DAV_USER, password_env: DAV_PASSWORD, schedule: "0 * * * *"}
  - {name: docs, type: git, repo: "https://git.example/org/docs.git", branch: main,
     include: ["*.md"]}
""",
        )
    )
    assert [s.type for s in specs] == ["folder", "web", "s3", "webdav", "git"]
    assert specs[2].groups == ["people-ops"] and specs[4].include == ["*.md"]


def test_credentials_come_from_the_named_environment_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec = SourceSpec(name="s", type="webdav", url="http://x/", password_env="DAV_PW_TEST")
    with pytest.raises(ConfigError, match="DAV_PW_TEST is not set"):
        spec.secret("password_env")
    monkeypatch.setenv("DAV_PW_TEST", "s3cret")
    assert spec.secret("password_env") == "s3cret"


def test_due_times() -> None:
    now = datetime(2026, 12, 1, 10, 7, tzinfo=UTC)
    assert next_run("30m", None, now) == now  # never ran: due at once
    assert next_run("30m", now - timedelta(minutes=10), now) == now + timedelta(minutes=20)
    assert next_run("2h", now, now) == now + timedelta(hours=2)
    assert next_run("0 * * * *", None, now) == datetime(2026, 12, 1, 11, 0, tzinfo=UTC)
    last = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    assert next_run("15 */2 * * *", last, now) == datetime(2026, 12, 1, 8, 15, tzinfo=UTC)


def test_scheduler_runs_a_due_source_once_and_again_after_its_interval(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.md").write_text("# Alpha\n\nThe alpha launch is on Tuesday.\n")
    spec = SourceSpec(name="docs", type="folder", path=str(folder), schedule="1h")
    records, store = Records(settings.records_url), open_store(settings)
    clock = [datetime.now(UTC)]
    ran: list[str] = []

    def run(s: SourceSpec):  # type: ignore[no-untyped-def]
        ran.append(s.name)
        return run_source(
            settings, records, store, lambda _t: CountingEmbedder(), s, None, "schedule"
        )

    try:
        sched = Scheduler(records, [spec], run, clock=lambda: clock[0])
        assert [o.ok for o in sched.tick()] == [True]
        assert sched.tick() == []  # not due again yet
        restarted = Scheduler(records, [spec], run, clock=lambda: clock[0])
        assert restarted.tick() == []  # a restart does not run it twice
        assert due_times(records, [spec], clock[0])["docs"] > clock[0]
        clock[0] += timedelta(hours=1, seconds=1)
        assert len(restarted.tick()) == 1
    finally:
        store.close()
    assert ran == ["docs", "docs"]
    assert list(by_source(settings)) == ["a.md"]


def test_folder_source_and_folder_ingest_keep_their_own_documents(
    settings: Settings, tmp_path: Path, corpus: Path
) -> None:
    from tests.ingest.helpers import run_ingest

    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "n.md").write_text("# Notes\n\nThe notes say the roof is green.\n")
    run_ingest(settings, corpus)[2].close()
    before = set(by_source(settings))
    assert sync(settings, name="notes", type="folder", path=str(folder)).ok
    assert set(by_source(settings)) == before | {"n.md"}
    run_ingest(settings, corpus)[2].close()  # a folder ingest leaves the source's rows alone
    assert "n.md" in by_source(settings)
