"""Hot-path writes queue behind each other on SQLite, and run side by side on Postgres."""

from __future__ import annotations

import threading

from core.records import CacheEntry, Records


def test_writers_queue_on_sqlite_only(records: Records) -> None:
    """On SQLite a second writer waits on a lock (not in SQLite's sleeping busy handler)
    until the first commits; on Postgres both proceed at once. Both rows are stored."""
    first_in, release, second_in = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with records.writing() as s:
            s.add(CacheEntry(key="first", response="1"))
            first_in.set()
            release.wait(10)

    def second() -> None:
        with records.writing() as s:
            second_in.set()
            s.add(CacheEntry(key="second", response="2"))

    a = threading.Thread(target=first)
    a.start()
    assert first_in.wait(10)
    b = threading.Thread(target=second)
    b.start()
    entered_while_first_open = second_in.wait(0.3)
    release.set()
    a.join(10)
    b.join(10)
    sqlite = records.engine.url.get_backend_name() == "sqlite"
    assert entered_while_first_open is not sqlite
    with records.session() as s:
        assert {e.key for e in s.query(CacheEntry)} >= {"first", "second"}


def test_review_enqueue_keeps_one_open_item_per_question_and_reason(records: Records) -> None:
    from core.records import review

    for _ in range(3):  # the same low-confidence question asked again and again
        review.enqueue(records, "Where is the Lyon office?", ["everyone"], "low_confidence")
    review.enqueue(records, "Where is the Lyon office?", ["everyone"], "thumbs_down")
    review.enqueue(records, "Where is the Paris office?", ["everyone"], "low_confidence")
    items = [(i.question, i.reason) for i in review.queue(records)]
    assert sorted(items) == [
        ("Where is the Lyon office?", "low_confidence"),
        ("Where is the Lyon office?", "thumbs_down"),
        ("Where is the Paris office?", "low_confidence"),
    ]
    review.dismiss(records, review.queue(records)[0].id, "rita")
    review.enqueue(records, "Where is the Lyon office?", ["everyone"], "low_confidence")
    assert len(review.queue(records)) == 3  # a dismissed item does not block a new one
