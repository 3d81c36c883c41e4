"""Streamlit AppTest: page logic against the real API (and with the API down)."""

from __future__ import annotations

import time

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from tests.api.conftest import Api
from tests.conftest import ROOT
from tools.testserver import free_port

pytestmark = pytest.mark.integration
APP = str(ROOT / "ui" / "app.py")


def _app(monkeypatch: pytest.MonkeyPatch, api_url: str, key: str = "") -> AppTest:
    monkeypatch.setenv("CAIRN_API_URL", api_url)
    monkeypatch.setenv("CAIRN_UI_API_KEY", key)
    at = AppTest.from_file(APP, default_timeout=60)
    return at.run()


def test_api_down_is_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(monkeypatch, f"http://127.0.0.1:{free_port()}")
    assert not at.exception
    assert any("not reachable" in e.value for e in at.sidebar.error)


def test_bad_key_is_a_clear_message(monkeypatch: pytest.MonkeyPatch, api_url: str) -> None:
    at = _app(monkeypatch, api_url, key="cairn_not_a_real_key")
    assert not at.exception
    assert any("API key was not accepted" in e.value for e in at.sidebar.error)


def test_chat_answers_with_sources(monkeypatch: pytest.MonkeyPatch, api_url: str) -> None:
    at = _app(monkeypatch, api_url)
    assert [b.label for b in at.button][:1] == ["How many days of paid vacation do I get?"]
    at.chat_input[0].set_value("How often are laptops replaced?").run()
    assert not at.exception
    texts = " ".join(m.value for m in at.markdown)
    assert "Laptops are replaced every four years" in texts
    assert any("Laptop and accounts" in e.label for e in at.expander)


def test_refusal_shows_closest_sources(monkeypatch: pytest.MonkeyPatch, api_url: str) -> None:
    at = _app(monkeypatch, api_url)
    at.chat_input[0].set_value("What is the boiling point of mercury?").run()
    assert any("No answer in the documents" in w.value for w in at.warning)
    assert any("Closest sources" in c.value for c in at.caption)


def test_admin_page_only_for_admin(monkeypatch: pytest.MonkeyPatch, api_url: str) -> None:
    user = _app(monkeypatch, api_url)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        user.switch_page(str(ROOT / "ui" / "views" / "admin.py"))  # not registered for users
    admin = _app(monkeypatch, api_url, key=Api.admin_key)
    admin.switch_page(str(ROOT / "ui" / "views" / "admin.py")).run()
    assert not admin.exception
    assert any(t.label == "Sources" for t in admin.tabs)
    assert any(m.label == "Files" for m in admin.metric)
    assert any(h.value == "Data quality" for h in admin.subheader)
    assert any(
        e.label.startswith("No access rule (defaulted to everyone): ") for e in admin.expander
    )


def test_lookup_empty_query_warns(monkeypatch: pytest.MonkeyPatch, api_url: str) -> None:
    at = _app(monkeypatch, api_url)
    at.switch_page(str(ROOT / "ui" / "views" / "lookup.py")).run()
    at.button[0].click().run()
    assert any("Type something to search for" in w.value for w in at.warning)


def test_admin_monitoring_and_eval_tabs(monkeypatch: pytest.MonkeyPatch, api_url: str) -> None:
    admin = _app(monkeypatch, api_url, key=Api.admin_key)
    admin.switch_page(str(ROOT / "ui" / "views" / "admin.py")).run()
    assert not admin.exception
    labels = [t.label for t in admin.tabs]
    assert "Monitoring" in labels and "Evaluation" in labels
    texts = " ".join(
        [
            *(s.value for s in admin.success),
            *(e.value for e in admin.error),
            *(i.value for i in admin.info),
        ]
    )
    assert "drift" in texts.lower()
    assert "No evaluation report yet" in texts or any(
        m.label == "answer.correct" for m in admin.metric
    )


def test_review_queue_in_the_admin_ui(monkeypatch: pytest.MonkeyPatch, api_url: str) -> None:
    import httpx

    answer = httpx.post(
        api_url + "/ask", json={"question": "How long must my SSO password be?"}
    ).json()
    httpx.post(
        api_url + f"/answers/{answer['answer_id']}/feedback",
        json={"helpful": False, "comment": "unclear"},
    )
    admin = _app(monkeypatch, api_url, key=Api.admin_key)
    admin.switch_page(str(ROOT / "ui" / "views" / "admin.py")).run()
    shown = " ".join(m.value for m in admin.markdown)
    assert "How long must my SSO password be?" in shown and "thumbs_down" in shown
    before = len(
        httpx.get(api_url + "/reviews", headers={"Authorization": f"Bearer {Api.admin_key}"}).json()
    )
    approve = next(b for b in admin.button if b.label == "Approve as is")
    approve.click().run()
    assert not admin.exception
    after = httpx.get(
        api_url + "/reviews", headers={"Authorization": f"Bearer {Api.admin_key}"}
    ).json()
    assert len(after) == before - 1


def test_admin_shows_live_sources_and_syncs_one_now(
    monkeypatch: pytest.MonkeyPatch, api_url: str
) -> None:
    admin = _app(monkeypatch, api_url, key=Api.admin_key)
    admin.switch_page(str(ROOT / "ui" / "views" / "admin.py")).run()
    assert not admin.exception
    assert any(h.value == "Live sources" for h in admin.subheader)
    table = next(d.value for d in admin.dataframe if "location" in d.value.columns)
    row = table.iloc[0]
    assert (row["name"], row["type"], row["schedule"], row["outcome"]) == (
        "notes",
        "folder",
        "1h",
        "never",
    )
    admin.button(key="sync-notes").click().run()
    assert any("Sync of notes started" in s.value for s in admin.success), admin.error

    headers = {"Authorization": f"Bearer {Api.admin_key}"}
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        sources = httpx.get(api_url + "/admin/sources", headers=headers).json()["sources"]
        if sources[0]["status"] != "running":
            break
        time.sleep(0.2)
    admin.run()
    table = next(d.value for d in admin.dataframe if "location" in d.value.columns)
    assert (table.iloc[0]["outcome"], table.iloc[0]["items"], table.iloc[0]["failed"]) == (
        "ok",
        2,
        1,
    )
    assert any(e.label == "Items not indexed: 1" for e in admin.expander)
    failures = next(d.value for d in admin.dataframe if "reason" in d.value.columns)
    assert list(failures["item"]) == ["broken.pdf"] and failures["reason"][0]
