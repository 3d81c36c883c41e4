"""The best passages read on into the next chunk of their section.

Chunks are cut at about 200 MiniLM tokens, so a section longer than that is split, and
the fact a question asks for may sit just after the cut: "Lead QA Tester (L4): Skilled in
testing across multiple OSes: macOS, Windows ..." follows the chunk that matched "Lead QA
Tester". The answerer therefore reads each of the ``answer.window`` best passages
together with the chunk after it, when that chunk continues the same section (same
heading trail) or opens a subsection of it, and the caller may see it (a next chunk
retrieved further down is read with its head too). Only the reading
widens: a quoted sentence still cites the chunk it comes from, so citations, highlights
and review checks name the exact stored chunk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from answer.drafts import Draft, DraftSentence
from core.schema import Chunk, Hit
from core.store import VectorStore

__all__ = ["Window", "continues", "joined", "widen"]

MAX_GAP = 4  # characters between two chunks (a paragraph break) that a join may span


@dataclass(frozen=True)
class Window:
    """The hits as the answerer reads them, and where each widened one's tail begins."""

    hits: list[Hit]  # the retrieved hits, the first ones joined with their next chunk
    tails: dict[int, tuple[Chunk, int]]  # hit index -> (next chunk, its offset in the joined text)

    def restore(self, draft: Draft, original: list[Hit]) -> tuple[Draft, list[Hit]]:
        """The draft citing stored chunks: a sentence quoted from a joined tail cites the
        tail chunk (appended after the retrieved hits), with its offset in that chunk. A
        model's draft quotes no offsets: every tail is appended, for the grounding check to
        attribute a sentence the model took from it (``ground.attribute``)."""
        if not self.tails:
            return draft, original
        hits = list(original)
        index: dict[int, int] = {}
        if draft.generated:
            for head, (tail, _) in self.tails.items():
                index[head] = len(hits)
                hits.append(Hit(chunk=tail, score=original[head].score))

        def moved(hit: int | None, start: int | None) -> tuple[int | None, int | None]:
            if hit is None or start is None or hit not in self.tails:
                return hit, start
            tail, offset = self.tails[hit]
            if start < offset:
                return hit, start
            if hit not in index:
                index[hit] = len(hits)
                hits.append(Hit(chunk=tail, score=original[hit].score))
            return index[hit], start - offset

        sentences = []
        for s in draft.sentences:
            hit, start = moved(s.hit, s.start)
            also = [moved(h, st) for h, st in s.also]
            kept = [(h, st) for h, st in also if h is not None and st is not None]
            sentences.append(DraftSentence(s.text, hit, start, s.more, s.label, kept))
        return replace(draft, sentences=sentences), hits


def continues(section: str, following: str) -> bool:
    """Whether a chunk under ``following`` goes on with ``section``: the same heading
    trail, or a subsection of it ("Desk set-up > Design teammates" after "Desk set-up",
    whose first chunk is the lead the subsection details)."""
    return following == section or following.startswith(f"{section} > ")


def joined(head: Chunk, tail: Chunk) -> tuple[Chunk, int] | None:
    """``head`` with ``tail``'s text after it (their overlap once), and the offset where
    ``tail`` starts in the joined text; None when the two are not contiguous text."""
    offset = tail.span[0] - head.span[0]
    gap = tail.span[0] - head.span[1]
    if offset <= 0 or gap > MAX_GAP or tail.span[1] <= head.span[1]:
        return None
    if gap < 0:
        if head.text[offset:] != tail.text[:-gap]:
            return None
        text = head.text + tail.text[-gap:]
    else:
        text = head.text + "\n" * gap + tail.text  # offsets stay the document's
    breaks = list(head.page_breaks)
    if gap >= 0 and tail.page is not None and tail.page != head.page_at(len(head.text)):
        breaks.append((offset, tail.page))
    breaks += [(o + offset, p) for o, p in tail.page_breaks if o + offset >= len(head.text)]
    chunk = head.model_copy(
        update={"text": text, "span": (head.span[0], tail.span[1]), "page_breaks": breaks}
    )
    return chunk, offset


def widen(
    hits: list[Hit], store: VectorStore, collection: str, groups: Sequence[str] | None, n: int
) -> Window:
    """The first ``n`` hits joined with the next chunk of their section or of a
    subsection of it (one query)."""
    have: dict[tuple[str, int], int] = {}
    for i, h in enumerate(hits):
        have.setdefault((h.chunk.doc_id, h.chunk.ordinal), i)
    wanted = [
        (h.chunk.doc_id, h.chunk.ordinal + 1)
        for h in hits[:n]
        if (h.chunk.doc_id, h.chunk.ordinal + 1) not in have
    ]
    found = {(c.doc_id, c.ordinal): c for c in store.chunks_at(collection, wanted, groups)}
    out, tails = list(hits), {}
    for i, hit in enumerate(hits[:n]):
        key = (hit.chunk.doc_id, hit.chunk.ordinal + 1)
        at = have.get(key)
        # A next chunk retrieved below its head is read with the head too (at the head's
        # rank); one retrieved above it is read where it ranks.
        if at is not None and at < i:
            continue
        tail = hits[at].chunk if at is not None else found.get(key)
        if tail is None or not continues(hit.chunk.section, tail.section):
            continue
        join = joined(hit.chunk, tail)
        if join is not None:
            out[i] = hit.model_copy(update={"chunk": join[0]})
            tails[i] = (tail, join[1])
    return Window(out, tails)
