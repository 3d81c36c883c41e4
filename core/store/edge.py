"""Embedded engine: qdrant-edge (the Qdrant engine in-process, WAL-backed, on disk).

One EdgeShard folder per collection under ``<home>/vectors``; aliases live in
``aliases.json`` (written atomically). qdrant-edge is 0.x, so all of its types stay
inside this module. A shard folder is single-writer: one process at a time.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import qdrant_edge as qe

from core.errors import StoreError
from core.schema import Chunk, SparseVector
from core.store.base import DENSE, INDEXED_FIELDS, SPARSE, StoredPoint, VectorStore


def _acl(groups: Sequence[str] | None, source: str | None) -> qe.Filter | None:
    """The access filter (None = admin, no restriction) plus an optional source filter."""
    must: list[Any] = []
    if groups is not None:
        must.append(qe.FieldCondition("groups", match=qe.MatchAny(list(groups))))
    if source is not None:
        must.append(qe.FieldCondition("source", match=qe.MatchValue(source)))
    return qe.Filter(must=must) if must else None


class EdgeStore(VectorStore):
    """VectorStore over qdrant-edge shards."""

    engine = "qdrant-edge"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._shards: dict[str, qe.EdgeShard] = {}
        # Threads share one store (uvicorn's thread pool): a shard is loaded once, under
        # this lock, or a second concurrent load finds the first one's file lock.
        self._loading = threading.Lock()

    # -- collections and aliases -------------------------------------------------
    def _path(self, name: str) -> Path:
        if not name.replace("_", "").isalnum():
            raise StoreError(f"invalid collection name {name!r}")
        return self.root / name

    def create_collection(self, name: str, dim: int) -> None:
        """Create the shard with named dense + sparse vectors and keyword indexes."""
        if self.has_collection(name):
            raise StoreError(f"collection {name} already exists")
        config = qe.EdgeConfig(
            vectors={DENSE: qe.EdgeVectorParams(size=dim, distance=qe.Distance.Cosine)},
            sparse_vectors={SPARSE: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)},
        )
        shard = qe.EdgeShard.create(str(self._path(name)), config)
        for field in INDEXED_FIELDS:
            shard.update(qe.UpdateOperation.create_field_index(field, qe.PayloadSchemaType.Keyword))
        shard.flush()
        self._shards[name] = shard

    def drop_collection(self, name: str) -> None:
        """Close and remove the shard folder."""
        shard = self._shards.pop(name, None)
        if shard is not None:
            shard.close()
        shutil.rmtree(self._path(name), ignore_errors=True)

    def has_collection(self, name: str) -> bool:
        """A collection exists when its shard folder does."""
        return self._path(name).is_dir()

    def _shard(self, name: str) -> qe.EdgeShard:
        shard = self._shards.get(name)
        if shard is not None:
            return shard
        with self._loading:
            return self._load(name)

    def _load(self, name: str) -> qe.EdgeShard:
        if name not in self._shards:
            if not self.has_collection(name):
                raise StoreError(f"collection {name} does not exist")
            try:
                self._shards[name] = qe.EdgeShard.load(str(self._path(name)))
            except Exception as exc:
                if "WouldBlock" in str(exc):
                    raise StoreError(
                        f"collection {name} is open in another process (a running `cairn serve`?)"
                        "; the embedded engine allows one process at a time — stop it, or run"
                        " a Qdrant server (CAIRN_QDRANT__URL) for concurrent access"
                    ) from exc
                raise StoreError(f"cannot open collection {name}: {exc}") from exc
        return self._shards[name]

    def _aliases(self) -> dict[str, str]:
        path = self.root / "aliases.json"
        return dict(json.loads(path.read_text())) if path.exists() else {}

    def set_alias(self, alias: str, name: str) -> None:
        """Atomically rewrite the alias file."""
        if not self.has_collection(name):
            raise StoreError(f"collection {name} does not exist")
        aliases = {**self._aliases(), alias: name}
        tmp = self.root / "aliases.json.tmp"
        tmp.write_text(json.dumps(aliases, indent=2))
        os.replace(tmp, self.root / "aliases.json")

    def resolve_alias(self, alias: str) -> str | None:
        """The alias target, if any."""
        return self._aliases().get(alias)

    # -- points --------------------------------------------------------------------
    def upsert(self, name: str, points: Sequence[StoredPoint]) -> None:
        """Upsert and flush, so a crash after this call loses nothing."""
        if not points:
            return
        shard = self._shard(name)
        edge_points = [
            qe.Point(
                p.id,
                {
                    DENSE: [float(x) for x in p.dense],
                    SPARSE: qe.SparseVector(p.sparse.indices, p.sparse.values),
                },
                p.payload,
            )
            for p in points
        ]
        shard.update(qe.UpdateOperation.upsert_points(edge_points))
        shard.flush()

    def delete(self, name: str, ids: Iterable[str]) -> None:
        """Delete by id."""
        id_list: list[qe.PointId] = list(ids)
        if id_list:
            self._shard(name).update(qe.UpdateOperation.delete_points(id_list))
            self._shard(name).flush()

    def delete_doc(self, name: str, doc_id: str, keep: Iterable[str] = ()) -> None:
        """Delete a document's points except ``keep`` (removes orphans of crashed runs)."""
        keep_ids: set[qe.PointId] = set(keep)
        flt = qe.Filter(
            must=[qe.FieldCondition("doc_id", match=qe.MatchValue(doc_id))],
            must_not=[qe.HasIdCondition(keep_ids)] if keep_ids else None,
        )
        self._shard(name).update(qe.UpdateOperation.delete_points_by_filter(flt))
        self._shard(name).flush()

    def ids(self, name: str) -> set[str]:
        """Scroll all ids (no payload, no vectors)."""
        shard, offset = self._shard(name), None
        out: set[str] = set()
        while True:
            records, offset = shard.scroll(
                qe.ScrollRequest(offset=offset, limit=1024, with_payload=False)
            )
            out.update(str(r.id) for r in records)
            if offset is None:
                return out

    def get(self, name: str, ids: Sequence[str]) -> list[Chunk]:
        """Retrieve payloads by id."""
        if not ids:
            return []
        point_ids: list[qe.PointId] = list(ids)
        records = self._shard(name).retrieve(point_ids, with_payload=True, with_vector=False)
        return [Chunk.from_payload(str(r.id), dict(r.payload or {})) for r in records]

    def _positions(
        self,
        name: str,
        doc_ids: Sequence[str],
        ordinals: Sequence[int],
        groups: Sequence[str] | None,
    ) -> list[Chunk]:
        acl = _acl(groups, None)
        must: list[Any] = [
            qe.FieldCondition("doc_id", match=qe.MatchAny(list(doc_ids))),
            qe.FieldCondition("ordinal", match=qe.MatchAny(list(ordinals))),
            *((acl.must or []) if acl is not None else []),
        ]
        records, _ = self._shard(name).scroll(
            qe.ScrollRequest(
                limit=len(doc_ids) * len(ordinals), filter=qe.Filter(must=must), with_payload=True
            )
        )
        return [Chunk.from_payload(str(r.id), dict(r.payload or {})) for r in records]

    def count(self, name: str) -> int:
        """Exact point count."""
        return int(self._shard(name).count(qe.CountRequest(exact=True)))

    def _query(
        self,
        name: str,
        vector: Sequence[float] | SparseVector,
        groups: Sequence[str] | None,
        limit: int,
        source: str | None,
        payload: bool,
    ) -> list[Any]:
        if isinstance(vector, SparseVector):
            if not vector.indices:
                return []
            query = qe.Query.Nearest(qe.SparseVector(vector.indices, vector.values), using=SPARSE)
            params = None
        else:
            query = qe.Query.Nearest([float(x) for x in vector], using=DENSE)
            params = qe.SearchParams(exact=True)
        request = qe.QueryRequest(
            limit=limit,
            query=query,
            filter=_acl(groups, source),
            params=params,
            with_payload=payload,
        )
        return list(self._shard(name).query(request))

    def snapshot(self, name: str, dest: Path) -> None:
        """Flush, then copy the shard folder (WAL and segments)."""
        self._shard(name).flush()
        shutil.copytree(self._path(name), dest)

    def restore_snapshot(self, name: str, src: Path) -> None:
        """Copy a snapshot folder in as collection ``name``."""
        if self.has_collection(name):
            raise StoreError(f"collection {name} already exists")
        shutil.copytree(src, self._path(name))

    def close(self) -> None:
        """Flush and close every open shard."""
        for shard in self._shards.values():
            shard.flush()
            shard.close()
        self._shards.clear()
