"""Retrieval: dense, BM25, their fusion, and a lexical rerank — one component, four modes.

``dense`` and ``bm25`` are the store's exact, access-filtered nearest neighbours (the
filter is inside each vector query). ``hybrid`` fuses the two by a convex combination of
scores: the dense cosine, and the BM25 score divided by the query's best BM25 score (so
both live in [0, 1]); a chunk missing from the dense list gets that list's lowest cosine,
from the BM25 list 0. On SQuAD2-dev this beats reciprocal-rank fusion (bench/query.py).
Both searches run without payloads; only the fused winners are fetched.

Fusion can push out the chunk the embedding finds best when BM25 does not find it at
all: a question phrased unlike its passage ("If someone has to look at the usage data on
my work laptop, will I be told?") shares few words with it, so that chunk gets no BM25
score and falls below chunks that share common words. ``hybrid+rerank`` therefore keeps
the dense nearest ``dense_pin`` chunks (1 by default) among its results: one missing from
the fused and reranked top ``limit`` takes the last place.

``hybrid+rerank`` (the default): no trained cross-encoder ships in a PyPI wheel, and
fetching one from a model hub is exactly what Cairn must not do. The fallback is a
lexical sentence reranker: the top ``rerank_depth`` fused chunks get ``rerank_weight`` x
(share of the question's terms in their best single sentence). Weights were tuned on a
SQuAD2-dev sample disjoint from the one bench/query.py reports on. A chunk from a
document the question names by a capitalised word ("the *Standard* plan") gets
``scope_weight`` more, so the named one of two look-alike documents comes first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, get_args

from answer.overlap import Overlap
from answer.query import Query
from answer.question import named_documents
from core.embed import Embedder
from core.schema import Hit, SparseVector
from core.settings import AnswerSettings
from core.sparse import Bm25Encoder
from core.store import VectorStore

__all__ = [
    "MODES",
    "Mode",
    "Retriever",
    "fuse",
    "fuse_scores",
    "fused_search",
    "hybrid_search",
    "pinned",
]

Mode = Literal["dense", "bm25", "hybrid", "hybrid+rerank"]
MODES: tuple[Mode, ...] = get_args(Mode)


class Retriever:
    """Searches one collection for a ``Query`` in any of the four modes."""

    def __init__(
        self,
        store: VectorStore,
        embedder: Embedder,
        sparse: Bm25Encoder,
        cfg: AnswerSettings,
        overlap: Overlap | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.sparse = sparse
        self.cfg = cfg
        self.overlap = overlap or Overlap(sparse)

    @property
    def weights(self) -> tuple[float, float]:
        """The (dense, sparse) fusion weights."""
        return (self.cfg.dense_weight, self.cfg.sparse_weight)

    def search(
        self,
        query: Query,
        collection: str,
        limit: int,
        mode: Mode = "hybrid+rerank",
        source: str | None = None,
    ) -> list[Hit]:
        """Top ``limit`` chunks the principal may see (``source`` restricts to one file)."""
        text = query.search_text
        if mode == "dense":
            return self.store.nearest(
                collection, query.vector(self.embedder).tolist(), query.groups, limit, source
            )
        if mode == "bm25":
            return self.store.nearest(
                collection, self.sparse.encode_query(text), query.groups, limit, source
            )
        reranked = mode == "hybrid+rerank"
        depth = max(limit, self.cfg.rerank_depth) if reranked else limit
        pin = min(self.cfg.dense_pin, limit) if reranked else 0
        hits, nearest = fused_search(
            self.store,
            collection,
            query.vector(self.embedder).tolist(),
            self.sparse.encode_query(text),
            query.groups,
            depth,
            self.weights,
            source,
            keep=pin,
        )
        if not reranked:
            return hits
        top = self.rerank(query.text, hits, text)[:limit]
        return pinned(top, nearest) if len(top) == limit else top

    def hybrid(
        self,
        collection: str,
        dense: Sequence[float] | None,
        sparse: SparseVector | None,
        groups: Sequence[str] | None,
        limit: int,
        source: str | None = None,
    ) -> list[Hit]:
        """``hybrid_search`` with the configured weights."""
        return hybrid_search(
            self.store, collection, dense, sparse, groups, limit, self.weights, source
        )

    def rankings(self, query: Query, collection: str, depth: int = 40) -> dict[Mode, list[Hit]]:
        """Every mode's ranking of the ``depth``-deep dense and BM25 lists (eval, bench)."""
        dense = self.store.nearest(
            collection, query.vector(self.embedder).tolist(), query.groups, depth
        )
        sparse = self.store.nearest(
            collection, self.sparse.encode_query(query.search_text), query.groups, depth
        )
        fused = fuse(dense, sparse, self.weights)
        return {
            "dense": dense,
            "bm25": sparse,
            "hybrid": fused,
            "hybrid+rerank": self.rerank(query.text, fused, query.search_text),
        }

    def rerank(self, question: str, hits: list[Hit], search_text: str | None = None) -> list[Hit]:
        """Lexical sentence rerank of the head of the list (deterministic): the share of
        the question's terms in a chunk's best sentence, and a bonus for the documents
        the question names (``answer.question.named_documents``)."""
        depth, weight = self.cfg.rerank_depth, self.cfg.rerank_weight
        if weight == 0 or len(hits) < 2:
            return hits
        q_terms = self.overlap.question_terms(search_text or question)
        named = named_documents(question, hits[:depth], self.overlap.terms)
        head = [
            Hit(
                chunk=h.chunk,
                score=round(
                    h.score
                    + weight * self.overlap.best_sentence(q_terms, h.chunk.text)
                    + (self.cfg.scope_weight if i in named else 0.0),
                    6,
                ),
            )
            for i, h in enumerate(hits[:depth])
        ]
        head.sort(key=lambda h: (-h.score, h.chunk.id))
        return head + hits[depth:]


def pinned(hits: list[Hit], dense: list[Hit]) -> list[Hit]:
    """``hits`` with the ``dense`` nearest chunks it lacks in its last places (scored as
    the last hit they replace, so the order stays by score)."""
    have = {h.chunk.id for h in hits}
    missing = [h for h in dense if h.chunk.id not in have]
    if not missing:
        return hits
    kept = hits[: len(hits) - len(missing)]
    floor = kept[-1].score if kept else 0.0
    return kept + [Hit(chunk=h.chunk, score=floor) for h in missing]


def hybrid_search(
    store: VectorStore,
    collection: str,
    dense: Sequence[float] | None,
    sparse: SparseVector | None,
    groups: Sequence[str] | None,
    limit: int,
    weights: tuple[float, float] = (0.7, 0.3),
    source: str | None = None,
) -> list[Hit]:
    """Fuse the dense and sparse rankings (either may be None); payloads of the winners
    only are fetched."""
    return fused_search(store, collection, dense, sparse, groups, limit, weights, source)[0]


def fused_search(
    store: VectorStore,
    collection: str,
    dense: Sequence[float] | None,
    sparse: SparseVector | None,
    groups: Sequence[str] | None,
    limit: int,
    weights: tuple[float, float] = (0.7, 0.3),
    source: str | None = None,
    keep: int = 0,
) -> tuple[list[Hit], list[Hit]]:
    """The fused top ``limit`` hits, and the dense list's nearest ``keep`` chunks (for
    ``pinned``), from the same two searches: one payload fetch for both."""
    depth = max(limit * 4, 40)
    dense_ids = (
        store.nearest_ids(collection, dense, groups, depth, source) if dense is not None else []
    )
    sparse_ids = (
        store.nearest_ids(collection, sparse, groups, depth, source) if sparse is not None else []
    )
    top = fuse_scores(dense_ids, sparse_ids, weights)[:limit]
    nearest = dense_ids[:keep]
    wanted = list(dict.fromkeys([cid for cid, _ in top] + [cid for cid, _ in nearest]))
    chunks = {c.id: c for c in store.get(collection, wanted)}
    # A point deleted between the search and the fetch is left out.
    return (
        [Hit(chunk=chunks[cid], score=score) for cid, score in top if cid in chunks],
        [Hit(chunk=chunks[cid], score=score) for cid, score in nearest if cid in chunks],
    )


def fuse_scores(
    dense: list[tuple[str, float]], sparse: list[tuple[str, float]], weights: tuple[float, float]
) -> list[tuple[str, float]]:
    """Convex score fusion of (id, score) lists; ties broken by id (deterministic)."""
    total = (weights[0] + weights[1]) or 1.0
    alpha = weights[0] / total
    floor = min((score for _, score in dense), default=0.0)
    top_sparse = max((score for _, score in sparse), default=0.0) or 1.0
    dense_score = dict(dense)
    sparse_score = {cid: score / top_sparse for cid, score in sparse}
    ids = {*dense_score, *sparse_score}
    scores = {
        cid: alpha * dense_score.get(cid, floor) + (1 - alpha) * sparse_score.get(cid, 0.0)
        for cid in ids
    }
    if not dense:
        scores = {cid: sparse_score[cid] for cid in ids}
    elif not sparse:
        scores = {cid: dense_score[cid] for cid in ids}
    order = sorted(scores, key=lambda cid: (-scores[cid], cid))
    return [(cid, round(scores[cid], 6)) for cid in order]


def fuse(dense: list[Hit], sparse: list[Hit], weights: tuple[float, float]) -> list[Hit]:
    """``fuse_scores`` over hits that carry their chunks (benchmarks, tests)."""
    chunks = {h.chunk.id: h.chunk for h in [*dense, *sparse]}
    fused = fuse_scores(
        [(h.chunk.id, h.score) for h in dense], [(h.chunk.id, h.score) for h in sparse], weights
    )
    return [Hit(chunk=chunks[cid], score=score) for cid, score in fused]
