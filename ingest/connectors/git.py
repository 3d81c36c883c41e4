"""A Git repository (URL or path) and branch as a connector, through the ``git`` CLI.

The repository is mirrored (bare) under ``<home>/sources/<name>.git`` and fetched on
every sync. An item's version token is the id of the last commit that changed the file
on the branch; its deep link points at the file at that commit. Symlinks are refused.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from core.errors import IngestError, SourceUnavailable
from ingest.connectors.base import Fetched, Item, check_size


class GitConnector:
    """Files of ``branch`` in ``repo``."""

    def __init__(
        self,
        repo: str,
        branch: str,
        mirror: Path,
        link_template: str | None = None,
        timeout_s: float = 120.0,
        max_mb: float = 20.0,
    ) -> None:
        self.repo, self.branch, self.mirror = repo, branch, mirror
        self.timeout_s, self.max_mb = timeout_s, max_mb
        if link_template is None:
            web = repo.removesuffix(".git")
            link_template = (
                f"{web}/blob/{{commit}}/{{path}}"
                if repo.startswith(("http://", "https://"))
                else f"{repo}#{{commit}}:{{path}}"
            )
        self.link_template = link_template

    def _git(self, *args: str, error: type[IngestError] = SourceUnavailable) -> bytes:
        try:
            done = subprocess.run(
                ["git", "--git-dir", str(self.mirror), *args],
                capture_output=True,
                timeout=self.timeout_s,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise error(f"git {args[0]}: {exc}") from exc
        if done.returncode != 0:
            reason = done.stderr.decode(errors="replace").strip().splitlines()
            raise error(f"git {args[0]} {self.repo}: {reason[-1] if reason else 'failed'}")
        return done.stdout

    def _update(self) -> None:
        if not (self.mirror / "HEAD").exists():
            self.mirror.parent.mkdir(parents=True, exist_ok=True)
            self._git("init", "--bare", "-q")
        ref = f"+refs/heads/{self.branch}:refs/heads/{self.branch}"
        self._git("fetch", "-q", "--prune", "--no-tags", self.repo, ref)

    def list_items(self, known: Mapping[str, str]) -> Sequence[Item]:
        """Every file on the branch with the last commit that changed it."""
        self._update()
        tree = self._git("ls-tree", "-r", "-l", "-z", self.branch).split(b"\0")
        last = self._last_commits()
        items = []
        for entry in filter(None, tree):
            meta, path_bytes = entry.split(b"\t", 1)
            mode, kind, _blob, size = meta.decode().split()
            path = path_bytes.decode("utf-8", errors="replace")
            if kind != "blob" or any(p.startswith((".", "_")) for p in path.split("/")):
                continue
            commit = last.get(path, "")
            error = "symlink (not followed)" if mode == "120000" else None
            items.append(
                Item(
                    id=path,
                    path=path,
                    version=commit,
                    link=self.link_template.format(commit=commit, path=path),
                    size=int(size),
                    error=error or check_size(int(size), self.max_mb),
                )
            )
        return items

    def _last_commits(self) -> dict[str, str]:
        """path → id of the newest commit on the branch that touched it (one git log)."""
        log = self._git("log", "--format=%x01%H", "--name-only", "--no-renames", self.branch)
        last: dict[str, str] = {}
        commit = ""
        for line in log.decode("utf-8", errors="replace").splitlines():
            if line.startswith("\x01"):
                commit = line[1:]
            elif line and line not in last:
                last[line] = commit
        return last

    def fetch(self, item: Item) -> Fetched:
        """The file's bytes at the commit of its version token. A mirror that lacks the
        commit (a queue worker with a home of its own, or one that listed earlier) is
        fetched first."""
        spec = f"{item.version}:{item.id}"
        try:
            data = self._git("cat-file", "blob", spec, error=IngestError)
        except IngestError:
            self._update()
            data = self._git("cat-file", "blob", spec, error=IngestError)
        return Fetched(data, "")
