"""The s3, webdav and git connectors, each against a real local server or repository:
moto's standalone S3 server, a wsgidav server under cheroot, a bare git repository."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import Settings
from ingest.connectors.git import GitConnector
from tests.ingest.helpers import CountingEmbedder
from tests.ingest.live_helpers import by_source, cited, live_chunks, sync
from tools.testserver import free_port

pytestmark = pytest.mark.integration

TRAVEL = "# Travel\n\nEmployees book trains for trips under four hours.\n"
PAY = "# Payroll\n\nSalaries are paid on the twenty-fifth of every month.\n"


# -- s3 ---------------------------------------------------------------------------------
@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, object]]:
    boto3 = pytest.importorskip("boto3")
    server_mod = pytest.importorskip("moto.server")
    port = free_port()
    server = server_mod.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    monkeypatch.setenv("TEST_S3_KEY", "testing")
    monkeypatch.setenv("TEST_S3_SECRET", "testing")
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket="docs")
    try:
        yield endpoint, client
    finally:
        server.stop()


def test_s3_prefix_access_files_narrowing_and_listing_failure(
    settings: Settings, s3: tuple[str, object]
) -> None:
    endpoint, client = s3
    put = client.put_object  # type: ignore[attr-defined]
    put(Bucket="docs", Key="kb/travel.md", Body=TRAVEL.encode(), ContentType="text/markdown")
    put(Bucket="docs", Key="kb/hr/pay.md", Body=PAY.encode())
    put(Bucket="docs", Key="kb/hr/_access.yaml", Body=b"groups: [people-ops, finance]\n")
    put(Bucket="docs", Key="other/ignored.md", Body=b"# Outside the prefix\n")
    spec = dict(
        name="bucket",
        type="s3",
        bucket="docs",
        prefix="kb/",
        endpoint_url=endpoint,
        access_key_env="TEST_S3_KEY",
        secret_key_env="TEST_S3_SECRET",
    )
    assert sync(settings, **spec).ok
    assert by_source(settings) == {
        "s3://docs/kb/travel.md": ["everyone"],
        "s3://docs/kb/hr/pay.md": ["finance", "people-ops"],
    }
    question = "When are salaries paid?"
    assert "s3://docs/kb/hr/pay.md" in cited(settings, question, ["finance"])
    # Access narrowed at the source: finance no longer sees payroll after the next sync.
    put(Bucket="docs", Key="kb/hr/_access.yaml", Body=b"groups: [people-ops]\n")
    assert sync(settings, **spec).ok
    assert by_source(settings)["s3://docs/kb/hr/pay.md"] == ["people-ops"]
    assert "s3://docs/kb/hr/pay.md" not in cited(settings, question, ["finance"])
    # No change: nothing is fetched again or embedded.
    again = CountingEmbedder()
    assert sync(settings, again, **spec).ok and again.embedded == 0
    # A bucket that cannot be listed deletes nothing.
    before = by_source(settings)
    failed = sync(settings, **{**spec, "bucket": "no-such-bucket"})
    assert not failed.ok and "NoSuchBucket" in (failed.error or "")
    assert by_source(settings) == before


# -- webdav -----------------------------------------------------------------------------
@pytest.fixture
def dav(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Path]]:
    pytest.importorskip("wsgidav")
    from cheroot import wsgi
    from wsgidav.wsgidav_app import WsgiDAVApp

    share = tmp_path / "share"
    share.mkdir()
    port = free_port()
    app = WsgiDAVApp(
        {
            "host": "127.0.0.1",
            "port": port,
            "provider_mapping": {"/dav": str(share)},
            "simple_dc": {"user_mapping": {"*": {"alice": {"password": "wonderland"}}}},
            "http_authenticator": {
                "accept_basic": True,
                "accept_digest": False,
                "default_to_digest": False,
            },
            "verbose": 1,
            "logging": {"enable": False},
        }
    )
    server = wsgi.Server(("127.0.0.1", port), app)
    thread = threading.Thread(target=server.start, daemon=True)
    thread.start()
    while not server.ready:
        threading.Event().wait(0.02)
    monkeypatch.setenv("TEST_DAV_USER", "alice")
    monkeypatch.setenv("TEST_DAV_PASSWORD", "wonderland")
    try:
        yield f"http://127.0.0.1:{port}/dav/", share
    finally:
        server.stop()


def test_webdav_propfind_etags_failed_item_and_bad_credentials(
    settings: Settings, dav: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, share = dav
    (share / "team").mkdir()
    (share / "team" / "travel.md").write_text(TRAVEL)
    (share / "pay.md").write_text(PAY)
    (share / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 100)
    spec = dict(
        name="share",
        type="webdav",
        url=url,
        username_env="TEST_DAV_USER",
        password_env="TEST_DAV_PASSWORD",
    )
    first = sync(settings, **spec)
    assert first.ok and first.report is not None
    assert {f.path: f.reason for f in first.report.problems} == {
        "photo.jpg": "not a text document (media type unknown)"
    }
    assert set(by_source(settings)) == {"team/travel.md", "pay.md"}
    assert {c.link for c in live_chunks(settings)} == {url + "team/travel.md", url + "pay.md"}
    again = CountingEmbedder()
    assert sync(settings, again, **spec).ok and again.embedded == 0
    (share / "pay.md").write_text(PAY.replace("twenty-fifth", "last day"))
    changed = sync(settings, **spec)
    assert (
        changed.ok
        and changed.report.count("updated") == 1
        and changed.report.count("unchanged") == 1
    )
    # Wrong password: the listing fails (401) and nothing is deleted.
    before = by_source(settings)
    monkeypatch.setenv("TEST_DAV_PASSWORD", "wrong")
    failed = sync(settings, **spec)
    assert not failed.ok and "401" in (failed.error or "")
    assert by_source(settings) == before


# -- git --------------------------------------------------------------------------------
def git(cwd: Path, *args: str) -> str:
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@x",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@x",
        "HOME": str(cwd),
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_git_branch_include_commit_tokens_links_and_deletion(
    settings: Settings, tmp_path: Path
) -> None:
    bare, work = tmp_path / "docs.git", tmp_path / "work"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    git(tmp_path, "init", "-q", "-b", "main", str(work))
    (work / "guides").mkdir()
    (work / "guides" / "travel.md").write_text(TRAVEL)
    (work / "pay.md").write_text(PAY)
    (work / "build.py").write_text("print('not a document')\n")
    (work / "outside.md").symlink_to("/etc/hostname")
    git(work, "add", "-A")
    git(work, "commit", "-qm", "first")
    first = git(work, "rev-parse", "HEAD")
    git(work, "push", "-q", str(bare), "main")
    spec = dict(
        name="repo",
        type="git",
        repo=str(bare),
        branch="main",
        include=["*.md"],
        link_template="https://git.example/docs/blob/{commit}/{path}",
    )
    outcome = sync(settings, **spec)
    assert outcome.ok and outcome.report is not None
    assert {f.path: f.reason for f in outcome.report.problems} == {
        "outside.md": "symlink (not followed)"
    }
    assert {c.source: c.link for c in live_chunks(settings)} == {
        "guides/travel.md": f"https://git.example/docs/blob/{first}/guides/travel.md",
        "pay.md": f"https://git.example/docs/blob/{first}/pay.md",
    }
    # A new commit changing one file re-embeds that file only; its link moves to the commit.
    (work / "pay.md").write_text(PAY.replace("twenty-fifth", "last day"))
    git(work, "commit", "-qam", "pay day")
    second = git(work, "rev-parse", "HEAD")
    git(work, "push", "-q", str(bare), "main")
    counting = CountingEmbedder()
    changed = sync(settings, counting, **spec)
    assert (
        changed.ok
        and changed.report.count("updated") == 1
        and changed.report.count("unchanged") == 1
    )
    links = {c.source: c.link for c in live_chunks(settings)}
    assert links["pay.md"].endswith(f"/{second}/pay.md") and first in links["guides/travel.md"]
    # Deleted at the source, or newly excluded: gone after the next sync.
    git(work, "rm", "-q", "pay.md")
    git(work, "commit", "-qm", "drop pay")
    git(work, "push", "-q", str(bare), "main")
    assert sync(settings, **spec).ok
    assert set(by_source(settings)) == {"guides/travel.md"}
    assert sync(settings, **{**spec, "exclude": ["guides/*"]}).ok
    assert by_source(settings) == {}
    # An unreachable repository deletes nothing.
    assert sync(settings, **spec).ok and set(by_source(settings)) == {"guides/travel.md"}
    failed = sync(settings, **{**spec, "repo": str(tmp_path / "missing.git")})
    assert not failed.ok and set(by_source(settings)) == {"guides/travel.md"}


def test_a_git_item_is_fetched_by_a_worker_with_its_own_mirror(tmp_path: Path) -> None:
    bare, work = tmp_path / "docs.git", tmp_path / "work"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    git(tmp_path, "init", "-q", "-b", "main", str(work))
    (work / "pay.md").write_text(PAY)
    git(work, "add", "-A")
    git(work, "commit", "-qm", "first")
    git(work, "push", "-q", str(bare), "main")
    lister = GitConnector(str(bare), "main", tmp_path / "sync-home" / "repo.git")
    (item,) = lister.list_items({})
    worker = GitConnector(str(bare), "main", tmp_path / "worker-home" / "repo.git")
    assert worker.fetch(item).data == PAY.encode()
