"""``cairn``: ingest, index versions, serve. Errors print one line and exit non-zero."""

from __future__ import annotations

import errno
import json
import logging
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import click
import typer
from rich.console import Console

from cairn.eval_cmd import eval_app
from cairn.mcp_cmd import mcp
from cairn.monitor_cmd import monitor_app, purge
from cairn.sources_cmd import scheduler, sources_app, sync
from cairn.worker_cmd import worker
from core.embed import Embedder, build_embedder
from core.errors import CairnError
from core.records import Records
from core.settings import Settings, get_settings
from core.store import VectorStore, open_store

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
index_app = typer.Typer(no_args_is_help=True, help="List, promote and roll back index versions.")
app.add_typer(index_app, name="index")
keys_app = typer.Typer(no_args_is_help=True, help="Create, list and revoke API keys.")
app.add_typer(keys_app, name="keys")
app.add_typer(eval_app, name="eval")
app.add_typer(monitor_app, name="monitor")
app.command("purge")(purge)
app.add_typer(sources_app, name="sources")
app.command("sync")(sync)
app.command("scheduler")(scheduler)
app.command("worker")(worker)
app.command("mcp")(mcp)
console = Console(stderr=True)


@contextmanager
def kernel(settings: Settings) -> Iterator[tuple[Records, VectorStore]]:
    """Open the records DB and vector store; always close the store."""
    records = Records(settings.records_url)
    store = open_store(settings)
    try:
        yield records, store
    finally:
        store.close()


@app.command()
def ingest(
    path: Annotated[Path, typer.Argument(help="Folder (or file) of documents")],
    rebuild: Annotated[bool, typer.Option(help="Build a new index version from scratch")] = False,
    promote: Annotated[bool, typer.Option(help="Make a rebuilt version live at once")] = False,
    strict: Annotated[bool, typer.Option(help="Exit 1 if any file failed")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Sync a folder into the index: new/changed files are embedded, removed ones deleted."""
    from cairn.render import RichProgress, print_report
    from core.records import versions
    from ingest import Ingestor

    settings = get_settings()

    def embedder_for(texts: Sequence[str]) -> Embedder:
        return build_embedder(settings, calibration=lambda: texts)

    started = time.perf_counter()
    with kernel(settings) as (records, store), RichProgress(console) as bar:
        report = Ingestor(settings, records, store, embedder_for, bar).run(path, rebuild=rebuild)
        if promote and not report.promoted:
            versions.promote(records, store, settings.qdrant.alias, report.version)
            report.promoted = True
    report.seconds = time.perf_counter() - started
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, default=str))
    else:
        print_report(console, report)
    if strict and report.problems:
        raise typer.Exit(1)


@index_app.command("list")
def index_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print the versions as JSON")] = False,
) -> None:
    """Show every index version and which one is live."""
    from rich.table import Table

    settings = get_settings()
    rows = []
    with kernel(settings) as (records, store):
        live = store.resolve_alias(settings.qdrant.alias)
        for row in records.versions():
            chunks = store.count(row.collection) if store.has_collection(row.collection) else 0
            rows.append(
                {
                    "version": row.version,
                    "live": row.collection == live,
                    "status": row.status,
                    "chunks": chunks,
                    "model": row.model_id,
                    "backend": row.backend,
                    "revision": row.revision,
                    "built": row.created_at.strftime("%Y-%m-%d %H:%M"),
                }
            )
    if as_json:
        print(json.dumps(rows, indent=1))
        return
    table = Table("version", "live", "status", "chunks", "model", "backend", "rev", "built")
    for r in rows:
        table.add_row(*[("●" if v else "") if k == "live" else str(v) for k, v in r.items()])
    Console().print(table)


@index_app.command("promote")
def index_promote(
    version: int,
    force: Annotated[
        bool, typer.Option(help="Promote despite a failed eval gate (audited)")
    ] = False,
) -> None:
    """Make a version live (switch the alias); refused if its latest eval failed the gate."""
    from core.records import versions

    settings = get_settings()
    with kernel(settings) as (records, store):
        versions.promote(records, store, settings.qdrant.alias, version, force=force)
    console.print(f"v{version} is live" + (" (gate overridden, recorded)" if force else ""))


@index_app.command("rollback")
def index_rollback() -> None:
    """Switch the alias back to the previously live version."""
    from core.records import versions

    settings = get_settings()
    with kernel(settings) as (records, store):
        row = versions.rollback(records, store, settings.qdrant.alias)
    console.print(f"rolled back: v{row.version} is live")


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Argument(help="Who the key is for (unique)")],
    groups: Annotated[str, typer.Option(help="Comma-separated groups, e.g. people-ops,eng")] = "",
    admin: Annotated[
        bool, typer.Option(help="Admin key: sees every group, admin endpoints")
    ] = False,
) -> None:
    """Create an API key; it is printed once and only its HMAC is stored."""
    from core.access import create_key, server_secret

    settings = get_settings()
    wanted = [g.strip() for g in groups.split(",") if g.strip()]
    key = create_key(Records(settings.records_url), server_secret(settings), name, wanted, admin)
    console.print(f"key for {name} (groups: {', '.join(sorted({*wanted, 'everyone'}))}):")
    typer.echo(key)


@keys_app.command("list")
def keys_list() -> None:
    """List keys (names, prefixes, groups; never the keys)."""
    from rich.table import Table

    from core.access import list_keys

    table = Table("name", "prefix", "groups", "admin", "created", "revoked")
    for row in list_keys(Records(get_settings().records_url)):
        revoked = row.revoked_at.strftime("%Y-%m-%d") if row.revoked_at else ""
        created = row.created_at.strftime("%Y-%m-%d")
        table.add_row(
            row.name, row.prefix + "…", ", ".join(row.groups), str(row.is_admin), created, revoked
        )
    Console().print(table)


@keys_app.command("revoke")
def keys_revoke(name: str) -> None:
    """Revoke a key by name."""
    from core.access import revoke_key

    revoke_key(Records(get_settings().records_url), name)
    console.print(f"revoked {name}")


@app.command()
def backup(dest: Annotated[Path, typer.Argument(help="Empty or new folder")]) -> None:
    """Back up the records DB (all tables) and every index version's vectors."""
    from core.records.backup import backup as run_backup

    settings = get_settings()
    with kernel(settings) as (records, store):
        manifest = run_backup(records, store, settings.qdrant.alias, dest)
    rows = sum(manifest["rows"].values())
    console.print(
        f"backed up {len(manifest['collections'])} collection(s), {rows} records rows to {dest}"
    )


@app.command()
def restore(
    src: Annotated[Path, typer.Argument(help="A folder written by `cairn backup`")],
) -> None:
    """Restore a backup into an empty CAIRN_HOME / CAIRN_DATABASE_URL."""
    from core.records.backup import restore as run_restore

    settings = get_settings()
    with kernel(settings) as (records, store):
        manifest = run_restore(records, store, src)
    console.print(
        f"restored {len(manifest['collections'])} collection(s); live: {manifest.get('live')}"
    )


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Bind address")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (Qdrant server mode only)")] = 1,
) -> None:
    """Run the HTTP API with uvicorn."""
    import uvicorn

    from answer import preflight
    from cairn.serving import build_app

    settings = get_settings()
    if workers > 1 and not settings.qdrant.url:
        raise CairnError(
            "the embedded vector engine is single-process: use --workers 1, or a Qdrant "
            "server (CAIRN_QDRANT__URL) for several workers"
        )
    embedder = preflight(settings)
    logging.getLogger("cairn").setLevel(logging.INFO)
    if workers > 1:
        uvicorn.run("cairn.serving:build_app", factory=True, host=host, port=port, workers=workers)
        return
    uvicorn.run(build_app(settings, embedder), host=host, port=port, log_level="info")


@app.command()
def ui(
    port: Annotated[int, typer.Option(help="Port")] = 8501,
    api_url: Annotated[str, typer.Option(help="Cairn API base URL")] = "http://127.0.0.1:8000",
) -> None:
    """Run the Streamlit UI (it talks to the API over HTTP)."""
    import os

    script = Path(__file__).resolve().parent.parent / "ui" / "app.py"
    env = {**os.environ, "CAIRN_API_URL": api_url, "PYTHONPATH": str(script.parent.parent)}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "viewer",
    ]
    # Replace this process, so `make down` (kill PID) stops Streamlit itself.
    os.execve(sys.executable, command, env)


def main() -> None:
    """Entry point: run the app, turning Cairn errors into one line and exit code 1."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        code = app(standalone_mode=False)
    except CairnError as exc:
        console.print(f"[red]error:[/] {exc}")
        sys.exit(1)
    except KeyboardInterrupt:
        console.print("interrupted; run the same command again to resume")
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except Exception as exc:
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            console.print(f"[red]error:[/] no space left on device ({exc.filename or 'disk'})")
            sys.exit(1)
        logging.getLogger("cairn").debug("unexpected error", exc_info=True)
        console.print(f"[red]error:[/] unexpected {type(exc).__name__}: {exc} (please report it)")
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)
