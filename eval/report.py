"""Write the JSON and self-contained HTML report, and append to the run history."""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eval import plots


def write(
    result: dict[str, Any], out_root: Path, dataset: str, gate: dict[str, Any] | None
) -> Path:
    """eval/reports/<timestamp>/report.{json,html}; history in eval/reports/history.jsonl."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = out_root / stamp
    folder.mkdir(parents=True, exist_ok=True)
    payload = {"dataset": dataset, "at": stamp, **result, "gate": gate}
    (folder / "report.json").write_text(json.dumps(payload, indent=2))
    history_file = out_root / "history.jsonl"
    with history_file.open("a") as fh:
        fh.write(json.dumps({"at": stamp, "dataset": dataset, "metrics": result["metrics"]}) + "\n")
    history = [json.loads(line) for line in history_file.read_text().splitlines() if line.strip()]
    history = [h for h in history if h["dataset"] == dataset]
    (folder / "report.html").write_text(render(payload, history))
    return folder


def _img(data: str, alt: str) -> str:
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _table(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><td>{html.escape(a)}</td><td>{html.escape(b)}</td></tr>" for a, b in rows)
    return f"<table>{body}</table>"


def render(payload: dict[str, Any], history: list[dict[str, Any]]) -> str:
    """The HTML page (plots inline as PNG data URIs; no external assets)."""
    metrics, cases, intervals = payload["metrics"], payload["cases"], payload["intervals"]
    gate = payload.get("gate")
    verdict = ""
    if gate is not None:
        cls = "pass" if gate["passed"] else "fail"
        items = (
            "".join(f"<li>{html.escape(line)}</li>" for line in gate["failures"])
            or "<li>no regression</li>"
        )
        word = "passed" if gate["passed"] else "FAILED"
        verdict = f'<div class="{cls}"><b>Gate {word}</b><ul>{items}</ul></div>'
    rows = [
        (
            k,
            f"{v:g}"
            + (
                f"  (95% CI {intervals[k][0]:.2f} to {intervals[k][1]:.2f})"
                if k in intervals
                else ""
            ),
        )
        for k, v in metrics.items()
    ]
    failures = [
        c
        for c in cases
        if (c["answerable"] and not c["correct"])
        or (not c["answerable"] and not c["refused"])
        or c["leaked"]
    ]
    case_rows = "".join(
        f"<tr><td>{html.escape(c['id'])}</td><td>{html.escape(c['question'])}</td>"
        f"<td>{'refused' if c['refused'] else html.escape(c['answer'][:300])}</td>"
        f"<td>{c['confidence']:.2f}</td><td>{html.escape(', '.join(c['cited_sources']))}</td></tr>"
        for c in failures
    )
    figures = [
        _img(plots.metric_bars(metrics, intervals), "headline metrics"),
        _img(plots.retrieval_curves(metrics), "retrieval at k"),
        _img(plots.confidence_histograms(cases), "confidence histograms"),
        _img(plots.calibration(cases), "calibration"),
        _img(plots.latency(cases), "latency"),
    ]
    if len(history) > 1:
        figures.append(_img(plots.trend(history), "trend"))
    index = payload["index"]
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Cairn eval — {html.escape(payload["dataset"])}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222}}
h1{{margin-bottom:0}} .sub{{color:#666}} img{{max-width:100%;margin:0.5rem 0;border:1px solid #eee}}
.grid{{display:grid;grid-template-columns:1fr 1fr;gap:1rem}} table{{border-collapse:collapse;font-size:0.9rem}}
td{{border-bottom:1px solid #eee;padding:0.25rem 0.6rem;vertical-align:top}}
.pass{{background:#e8f5e9;padding:0.5rem 1rem;border-radius:6px}} .fail{{background:#fdecea;padding:0.5rem 1rem;border-radius:6px}}</style>
</head><body><h1>Cairn evaluation</h1>
<p class="sub">{html.escape(payload["dataset"])} · {len(cases)} questions · index v{index["version"]} rev {index["revision"]} · {html.escape(index["model"])} · {payload["at"]}</p>
{verdict}<div class="grid">{"".join(figures)}</div>
<h2>Metrics</h2>{_table(rows)}
<h2>Questions answered wrongly, not refused, or leaking ({len(failures)})</h2>
<table><tr><td><b>id</b></td><td><b>question</b></td><td><b>answer</b></td><td><b>conf.</b></td><td><b>cited</b></td></tr>{case_rows}</table>
</body></html>"""


SUITE_COLUMNS = (
    ("fact_recall", "fact recall"),
    ("source_hit", "source hit"),
    ("page_hit", "page hit"),
    ("false_refusals", "false refusals"),
    ("unanswerables_refused", "unanswerables refused"),
    ("leaks", "leaks"),
    ("answer_words_mean", "words (mean)"),
    ("answer_words_max", "words (max)"),
    ("answerable", "answerable"),
    ("unanswerable", "unanswerable"),
)


def write_suite(payload: dict[str, Any], out_root: Path) -> Path:
    """A per-corpus suite run: report.json (metrics flattened as corpus.metric) + report.html."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = out_root / stamp
    folder.mkdir(parents=True, exist_ok=True)
    metrics = {f"{c}.{k}": v for c, table in payload["corpora"].items() for k, v in table.items()}
    full = {"at": stamp, "metrics": metrics, "gate": None, **payload}
    (folder / "report.json").write_text(json.dumps(full, indent=2))
    (folder / "report.html").write_text(render_suite(full))
    return folder


def render_suite(payload: dict[str, Any]) -> str:
    """One row per corpus, the targets missed, and every wrong case per corpus."""
    head = "".join(f"<td><b>{html.escape(label)}</b></td>" for _, label in SUITE_COLUMNS)
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td>"
        + "".join(
            f"<td>{'n/a' if table.get(key, -1) < 0 else format(table.get(key, 0), 'g')}</td>"
            for key, _ in SUITE_COLUMNS
        )
        + "</tr>"
        for name, table in payload["corpora"].items()
    )
    missed = (
        "".join(f"<li>{html.escape(line)}</li>" for line in payload["missed"]) or "<li>none</li>"
    )
    wrong = ""
    for name, cases in payload.get("cases", {}).items():
        bad = [
            c
            for c in cases
            if (c["answerable"] and not c["correct"]) or (not c["answerable"] and not c["refused"])
        ]
        wrong += (
            f"<h3>{html.escape(name)} ({len(bad)})</h3><table>"
            + "".join(
                f"<tr><td>{html.escape(c['id'])}</td><td>{html.escape(c['question'])}</td>"
                f"<td>{'refused' if c['refused'] else html.escape(c['answer'][:400])}</td>"
                f"<td>{html.escape(', '.join(c['cited_sources']))}</td></tr>"
                for c in bad
            )
            + "</table>"
        )
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Cairn eval — {html.escape(payload["suite"])}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1200px;color:#222}}
table{{border-collapse:collapse;font-size:0.9rem}} td{{border-bottom:1px solid #eee;padding:0.25rem 0.6rem;vertical-align:top}}</style>
</head><body><h1>Cairn evaluation by corpus</h1>
<p>{html.escape(payload["suite"])} · split {html.escape(payload["split"])} · {payload["at"]}</p>
<table><tr><td><b>corpus</b></td>{head}</tr>{rows}</table>
<h2>Targets missed</h2><ul>{missed}</ul>
<h2>Wrong answers and answered unanswerables</h2>{wrong}
</body></html>"""
