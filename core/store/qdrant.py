"""Server engine: qdrant-client against a Qdrant server (or its local mode in tests).

The same client calls run against ``QdrantClient(url=...)`` in production and
``QdrantClient(location=":memory:")`` in the contract tests, so the server code path is
exercised even where no server runs. Real aliases; weighted RRF via the Query API.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from qdrant_client import QdrantClient, models

from core.errors import StoreError
from core.schema import Chunk, SparseVector
from core.settings import QdrantSettings
from core.store.base import DENSE, INDEXED_FIELDS, SPARSE, StoredPoint, VectorStore


def _acl(groups: Sequence[str] | None, source: str | None) -> models.Filter | None:
    """The access filter (None = admin, no restriction) plus an optional source filter."""
    must: list[models.Condition] = []
    if groups is not None:
        must.append(models.FieldCondition(key="groups", match=models.MatchAny(any=list(groups))))
    if source is not None:
        must.append(models.FieldCondition(key="source", match=models.MatchValue(value=source)))
    return models.Filter(must=must) if must else None


class QdrantServerStore(VectorStore):
    """VectorStore over qdrant-client."""

    engine = "qdrant-server"

    def __init__(self, client: QdrantClient) -> None:
        self.client = client

    @classmethod
    def connect(cls, cfg: QdrantSettings) -> QdrantServerStore:
        """Connect to ``cfg.url`` (fails clearly if the server is unreachable)."""
        client = QdrantClient(url=cfg.url, api_key=cfg.api_key, timeout=int(cfg.timeout_s))
        try:
            client.get_collections()
        except Exception as exc:
            raise StoreError(f"cannot reach Qdrant at {cfg.url}: {exc}") from exc
        return cls(client)

    def create_collection(self, name: str, dim: int) -> None:
        """Dense cosine + sparse BM25 with IDF modifier, keyword payload indexes."""
        if self.has_collection(name):
            raise StoreError(f"collection {name} already exists")
        self.client.create_collection(
            name,
            vectors_config={DENSE: models.VectorParams(size=dim, distance=models.Distance.COSINE)},
            sparse_vectors_config={SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)},
        )
        for field in INDEXED_FIELDS:
            self.client.create_payload_index(name, field, models.PayloadSchemaType.KEYWORD)

    def drop_collection(self, name: str) -> None:
        """Delete the collection if it exists."""
        if self.has_collection(name):
            self.client.delete_collection(name)

    def has_collection(self, name: str) -> bool:
        """Whether the collection exists."""
        return bool(self.client.collection_exists(name))

    def set_alias(self, alias: str, name: str) -> None:
        """Delete + create the alias in one atomic request."""
        if not self.has_collection(name):
            raise StoreError(f"collection {name} does not exist")
        ops: list[Any] = []
        if self.resolve_alias(alias) is not None:
            ops.append(
                models.DeleteAliasOperation(delete_alias=models.DeleteAlias(alias_name=alias))
            )
        ops.append(
            models.CreateAliasOperation(
                create_alias=models.CreateAlias(collection_name=name, alias_name=alias)
            )
        )
        self.client.update_collection_aliases(change_aliases_operations=ops)

    def resolve_alias(self, alias: str) -> str | None:
        """The collection behind ``alias``."""
        for item in self.client.get_aliases().aliases:
            if item.alias_name == alias:
                return str(item.collection_name)
        return None

    def upsert(self, name: str, points: Sequence[StoredPoint]) -> None:
        """Upsert and wait for the write to be applied."""
        if not points:
            return
        structs = [
            models.PointStruct(
                id=p.id,
                vector={
                    DENSE: [float(x) for x in p.dense],
                    SPARSE: models.SparseVector(indices=p.sparse.indices, values=p.sparse.values),
                },
                payload=p.payload,
            )
            for p in points
        ]
        self.client.upsert(name, structs, wait=True)

    def delete(self, name: str, ids: Iterable[str]) -> None:
        """Delete by id."""
        id_list: list[models.ExtendedPointId] = list(ids)
        if id_list:
            self.client.delete(name, models.PointIdsList(points=id_list), wait=True)

    def delete_doc(self, name: str, doc_id: str, keep: Iterable[str] = ()) -> None:
        """Delete a document's points except ``keep``."""
        keep_ids: list[models.ExtendedPointId] = list(keep)
        flt = models.Filter(
            must=[models.FieldCondition(key="doc_id", match=models.MatchValue(value=doc_id))],
            must_not=[models.HasIdCondition(has_id=keep_ids)] if keep_ids else None,
        )
        self.client.delete(name, models.FilterSelector(filter=flt), wait=True)

    def ids(self, name: str) -> set[str]:
        """Scroll all ids."""
        out: set[str] = set()
        offset: Any = None
        while True:
            records, offset = self.client.scroll(
                name, limit=1024, offset=offset, with_payload=False, with_vectors=False
            )
            out.update(str(r.id) for r in records)
            if offset is None:
                return out

    def get(self, name: str, ids: Sequence[str]) -> list[Chunk]:
        """Retrieve payloads by id."""
        if not ids:
            return []
        point_ids: list[models.ExtendedPointId] = list(ids)
        records = self.client.retrieve(name, point_ids, with_payload=True, with_vectors=False)
        return [Chunk.from_payload(str(r.id), dict(r.payload or {})) for r in records]

    def _positions(
        self,
        name: str,
        doc_ids: Sequence[str],
        ordinals: Sequence[int],
        groups: Sequence[str] | None,
    ) -> list[Chunk]:
        acl = _acl(groups, None)
        must: list[models.Condition] = [
            models.FieldCondition(key="doc_id", match=models.MatchAny(any=list(doc_ids))),
            models.FieldCondition(key="ordinal", match=models.MatchAny(any=list(ordinals))),
            *(acl.must if acl is not None and isinstance(acl.must, list) else []),
        ]
        records, _ = self.client.scroll(
            name,
            scroll_filter=models.Filter(must=must),
            limit=len(doc_ids) * len(ordinals),
            with_payload=True,
            with_vectors=False,
        )
        return [Chunk.from_payload(str(r.id), dict(r.payload or {})) for r in records]

    def count(self, name: str) -> int:
        """Exact count."""
        return int(self.client.count(name, exact=True).count)

    def _query(
        self,
        name: str,
        vector: Sequence[float] | SparseVector,
        groups: Sequence[str] | None,
        limit: int,
        source: str | None,
        payload: bool,
    ) -> list[Any]:
        query: Any
        if isinstance(vector, SparseVector):
            if not vector.indices:
                return []
            query, using = models.SparseVector(indices=vector.indices, values=vector.values), SPARSE
            params = None
        else:
            query, using = [float(x) for x in vector], DENSE
            params = models.SearchParams(exact=True)
        result = self.client.query_points(
            name,
            query=query,
            using=using,
            query_filter=_acl(groups, source),
            search_params=params,
            limit=limit,
            with_payload=payload,
        )
        return list(result.points)

    def snapshot(self, name: str, dest: Path) -> None:
        """Server snapshots live on the server: use its snapshot API (see README)."""
        raise StoreError(
            "with a Qdrant server, back up vectors with the server's snapshot API "
            "(POST /collections/{name}/snapshots); `cairn backup` covers the records DB"
        )

    def restore_snapshot(self, name: str, src: Path) -> None:
        """See ``snapshot``."""
        raise StoreError("restore Qdrant server collections with its snapshot recovery API")

    def close(self) -> None:
        """Close the client."""
        self.client.close()
