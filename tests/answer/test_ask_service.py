"""The ask service is built whole: answer sources and listeners are constructor arguments,
and every answer it gives (sourced, computed, cached) reaches the listeners."""

from __future__ import annotations

from pathlib import Path

from answer import AskService, Query, build_engine
from core.access import Principal
from core.embed import FakeEmbedder
from core.schema import Answer
from core.settings import Settings
from tests.ingest.helpers import run_ingest

ASKER = Principal(name="a", groups=["everyone"])


class FixedSource:
    """Answers one question outright, like a table or an approved answer."""

    def answer(self, query: Query) -> Answer | None:
        if "headcount" not in query.text:
            return None
        assert query.version is not None
        return Answer(
            question=query.text,
            answer="42 [1]",
            refused=False,
            citations=[],
            sentences=[],
            grounded=True,
            confidence=1.0,
            answerer="fixed",
            index_version=query.version.version,
            index_revision=query.version.revision,
        )


def test_sources_and_every_answer_path_reach_the_listeners(
    settings: Settings, corpus: Path
) -> None:
    run_ingest(settings, corpus, embedder=FakeEmbedder())[2].close()
    heard: list[tuple[str, bool, float]] = []
    engine = build_engine(settings, FakeEmbedder())
    e = engine.ask
    service = AskService(
        settings,
        e.records,
        e.store,
        e.retriever,
        e.answerer,
        e.cache,
        e.sparse,
        sources=[FixedSource(), *e.sources],
        listeners=[lambda a, top: heard.append((a.answerer, a.cached, top))],
    )
    try:
        sourced = service.ask("What is the headcount?", ASKER)
        first = service.ask("How many days of paid vacation do I get?", ASKER)
        again = service.ask("How many days of paid vacation do I get?", ASKER)
    finally:
        engine.close()
    assert sourced.answerer == "fixed" and sourced.answer_id
    assert again.cached and again.answer == first.answer
    assert [(name, cached) for name, cached, _ in heard] == [
        ("fixed", False),
        (first.answerer, False),
        (first.answerer, True),
    ]


def test_engine_options_are_constructor_arguments(settings: Settings, corpus: Path) -> None:
    run_ingest(settings, corpus, embedder=FakeEmbedder())[2].close()
    engine = build_engine(settings, FakeEmbedder(), audit=False, pinned=1)
    try:
        assert engine.ask.audit is False and engine.ask.live().version == 1
        answer = engine.ask.ask("How many days of paid vacation do I get?", ASKER)
        assert answer.index_version == 1
        assert engine.records.latest_eval(1) is None
    finally:
        engine.close()


def test_an_identifier_no_hit_holds_searches_the_document_it_names(
    settings: Settings, tmp_path: Path
) -> None:
    """Among look-alike release pages, "Sourcegraph 6.1.2" is named by one page's path
    only: the hits lead with that page's passages, for an asker who may see it."""
    root = tmp_path / "releases"
    (root / "restricted").mkdir(parents=True)
    (root / "restricted" / "_access.yaml").write_text("groups: [security]\n")
    for n in range(9):
        (root / f"5-0-{n}.md").write_text(
            f"# Accepted CVEs\n\nAccepted CVE: CVE-2023-100{n}. Security accepted this CVE "
            "as a risk, and accepted CVEs are reviewed by security every quarter.\n"
        )
    (root / "restricted" / "6-1-2.md").write_text(
        "# Accepted CVEs\n\nCVE-2023-32731 in caddy/caddy is a risk we live with.\n"
    )
    run_ingest(settings, root, embedder=FakeEmbedder())[2].close()
    service = build_engine(settings, FakeEmbedder()).ask
    question = "Which CVE did security accept as a risk in 6.1.2?"
    reader = Principal(name="s", groups=["everyone", "security"])
    reading, _ = service.read(service.query(question, reader))
    assert reading is not None
    assert reading.hits[0].chunk.source == "restricted/6-1-2.md"
    reading, _ = service.read(service.query(question, ASKER))  # may not see the page
    assert reading is not None
    assert all(h.chunk.source != "restricted/6-1-2.md" for h in reading.hits)
    plain, _ = service.read(service.query("Which CVE did security accept as a risk?", reader))
    assert plain is not None
    assert all(h.chunk.source != "restricted/6-1-2.md" for h in plain.hits)


def test_a_part_the_question_as_a_whole_does_not_retrieve_is_searched_alone(
    settings: Settings, tmp_path: Path
) -> None:
    """ "How often … and what's the fallback if Zendesk is down?": the whole question
    retrieves one of the page's two answers and pages on its words; the part it misses is
    searched alone, and its passage on the same page takes the place of the lowest hit
    no part needs."""
    root = tmp_path / "handbook"
    root.mkdir()
    filler = " ".join(["Staffing, tooling and escalation paths are part of it."] * 30)
    (root / "support.md").write_text(
        "# Support continuity\n\n## Review\n\nThe support continuity plan is reviewed "
        f"quarterly by the support leads. {filler}\n\n"
        "## Outages\n\nIf Zendesk goes down, the fallback is the shared inbox at "
        "help@example.com.\n"
    )
    for n in range(2):
        (root / f"other-{n}.md").write_text(
            f"# Continuity {n}\n\nHow often does the support team review its continuity "
            "plan? The support continuity plan review follows the review calendar.\n"
        )
    run_ingest(settings, root, embedder=FakeEmbedder())[2].close()
    narrow = settings.model_copy(update={"answer": settings.answer.model_copy(update={"top_k": 3})})
    service = build_engine(narrow, FakeEmbedder()).ask
    question = (
        "How often does support review its continuity plan, and what's the fallback if "
        "Zendesk is down?"
    )
    query = service.query(question, ASKER)
    whole = [h.chunk.text for h in service.retriever.search(query, service.live().collection, 3)]
    reading, _ = service.read(query)
    assert reading is not None
    read = [h.chunk.text for h in reading.hits]
    assert len(read) == 3
    assert any("quarterly" in t for t in read) and any("Zendesk" in t for t in read)
    assert not (any("quarterly" in t for t in whole) and any("Zendesk" in t for t in whole))
