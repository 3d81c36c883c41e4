"""Admin: sources and ingest status, index versions, audit log, review queue, eval."""

from __future__ import annotations

from typing import Any

import streamlit as st
import streamlit.components.v1 as components

from ui.client import ApiError
from ui.live_sources import live_sources
from ui.session import client


def data_quality(findings: dict[str, Any]) -> None:
    """Each finding with its count and, unfolded, every path."""
    st.subheader("Data quality")
    if findings["no_access_rule_anywhere"]:
        st.info(
            f"No file has an access rule: all {len(findings['no_access_rule'])} are visible "
            "to everyone. Put an `_access.yaml` holding `groups: [some-group]` in the corpus "
            "root or a folder to restrict them."
        )
    shown = [
        ("Exact duplicates", [" = ".join(group) for group in findings["duplicates"]]),
        ("Empty or near-empty", findings["near_empty"]),
        ("No access rule (defaulted to everyone)", findings["no_access_rule"]),
    ]
    for name, paths in shown:
        with st.expander(f"{name}: {len(paths)}", expanded=False):
            if paths:
                st.dataframe([{"file": p} for p in paths], hide_index=True)
            else:
                st.caption("none")


st.title("Admin")
api = client()
sources_tab, index_tab, audit_tab, review_tab, monitor_tab, eval_tab = st.tabs(
    ["Sources", "Index versions", "Audit log", "Review queue", "Monitoring", "Evaluation"]
)

with sources_tab:
    try:
        status = api.admin_sources()
    except ApiError as exc:
        st.error(str(exc))
    else:
        files = status["files"]
        failed = [f for f in files if f["status"] != "ok"]
        c1, c2, c3, c4 = st.columns(4)
        c1.metric("Files", len(files))
        c2.metric("Chunks", sum(f["chunks"] for f in files))
        c3.metric("Not indexed", len(failed))
        c4.metric("Index", f"v{status['version']} · rev {status['revision']}")
        st.caption(f"Corpus `{status['corpus_root']}` · last sync {status['last_sync'][:19]}")
        live_sources(api, status.get("sources", []))
        if failed:
            st.subheader("Not indexed")
            st.dataframe(
                [{k: f[k] for k in ("path", "status", "error")} for f in failed], hide_index=True
            )
        data_quality(status["findings"])
        st.subheader("Files")
        st.dataframe(files, hide_index=True, use_container_width=True)

with index_tab:
    try:
        versions = api.index_versions()
    except ApiError as exc:
        st.error(str(exc))
    else:
        st.dataframe(versions, hide_index=True, use_container_width=True)
        ready = [v["version"] for v in versions if v["status"] == "ready" and not v["live"]]
        c1, c2 = st.columns(2)
        target = c1.selectbox("Version to promote", ready, disabled=not ready)
        if c1.button("Promote", disabled=not ready):
            try:
                api.promote(int(target))
                st.rerun()
            except ApiError as exc:
                st.error(str(exc))
        if c2.button("Roll back to the previous version"):
            try:
                api.rollback()
                st.rerun()
            except ApiError as exc:
                st.error(str(exc))

with audit_tab:
    c1, c2, c3 = st.columns(3)
    who = c1.text_input("User")
    since = c2.date_input("Since", value=None)
    refused_only = c3.checkbox("Refusals only")
    try:
        rows = api.answers(
            who.strip() or None,
            since.isoformat() if since else None,
            True if refused_only else None,
        )
    except ApiError as exc:
        st.error(str(exc))
    else:
        st.dataframe(
            [
                {
                    k: r[k]
                    for k in (
                        "at",
                        "principal",
                        "question",
                        "refused",
                        "grounded",
                        "confidence",
                        "latency_ms",
                    )
                }
                for r in rows
            ],
            hide_index=True,
            use_container_width=True,
        )

with review_tab:
    try:
        items = api.reviews()
    except ApiError as exc:
        st.error(str(exc))
        items = []
    if not items:
        st.info("The review queue is empty.")
    for item in items:
        with st.container(border=True):
            groups = ", ".join(item["groups"])
            st.markdown(
                f"**{item['question']}** · :orange-badge[{item['reason']}] · groups {groups}"
            )
            if item.get("answer_id"):
                try:
                    st.markdown(api.replay(item["answer_id"])["answer"])
                except ApiError as exc:
                    st.caption(str(exc))
            c1, c2 = st.columns(2)
            if c1.button(
                "Approve as is", key=f"ap-{item['id']}", disabled=not item.get("answer_id")
            ):
                try:
                    api.review_action(item["id"], "approve")
                    st.rerun()
                except ApiError as exc:
                    st.error(str(exc))
            if c2.button("Dismiss", key=f"di-{item['id']}"):
                api.review_action(item["id"], "dismiss")
                st.rerun()
            with st.form(f"fix-{item['id']}"):
                text = st.text_area("Corrected answer (cite with [1], [2] …)")
                ids = st.text_input("Cited chunk ids, comma-separated (Expert lookup shows them)")
                if st.form_submit_button("Save correction"):
                    chunk_ids = [c.strip() for c in ids.split(",") if c.strip()]
                    try:
                        api.review_action(
                            item["id"], "correct", {"answer": text, "chunk_ids": chunk_ids}
                        )
                        st.rerun()
                    except ApiError as exc:
                        st.error(str(exc))

with monitor_tab:
    try:
        mon = api.monitoring()
    except ApiError as exc:
        st.error(str(exc))
    else:
        drift = mon["drift"]
        if drift["drift"]:
            st.error("Drift: " + "; ".join(drift["alerts"]))
        else:
            change = f"{drift['refusal_rate_change']:+.0%}"
            st.success(f"No drift (PSI {drift['top_score_psi']}, refusal change {change})")
        if mon["daily"]:
            rates = [
                "refusal_rate",
                "grounded_rate",
                "thumbs_down_rate",
                "knowledge_gap_rate",
                "mean_top_score",
            ]
            st.line_chart({r: {d["day"]: d[r] for d in mon["daily"]} for r in rates})
            st.bar_chart({"questions": {d["day"]: d["questions"] for d in mon["daily"]}})
        else:
            st.info("No questions asked yet.")
        if mon["top_unanswered"]:
            st.subheader("Top unanswered questions — write these documents next")
            st.dataframe(mon["top_unanswered"], hide_index=True, use_container_width=True)

with eval_tab:
    try:
        report = api.latest_eval()
    except ApiError as exc:
        st.error(str(exc))
        report = None
    if report is None:
        st.info("No evaluation report yet: run `cairn eval --golden eval/golden/samples.jsonl`.")
    else:
        gate = report.get("gate")
        verdict = "" if gate is None else (" · gate passed" if gate["passed"] else " · gate FAILED")
        st.caption(f"{report['dataset']} · {report['at']}{verdict}")
        headline = [
            "answer.correct",
            "answer.fact_recall",
            "groundedness.independent",
            "refusal.recall",
            "access.leaks",
        ]
        columns = st.columns(len(headline))
        for column, name in zip(columns, headline, strict=True):
            if name in report["metrics"]:
                column.metric(name, report["metrics"][name])
        components.html(report["html"], height=1400, scrolling=True)
