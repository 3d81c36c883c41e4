"""Hostile office files at full size through the real CLI: a password-protected PDF and
spreadsheet, a 1 GB zip bomb dressed as .xlsx and as .pptx, a 20,000 x 20,000 pixel
image, an e-mail with 10,000 MIME parts and a million-row CSV. Each is refused or
truncated with its reason in the report, the good file beside them is indexed, and the
whole run stays far below the memory the bad files claim (peak RSS of the process)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.helpers import cairn_env
from tests.conftest import ROOT
from tests.ingest import bad_files, zoo

pytestmark = pytest.mark.integration

GIB = 1024**3


def _corpus(root: Path) -> Path:
    root.mkdir()
    (root / "good.md").write_text("# Fine\n\nThis document is perfectly readable and long.\n")
    bad_files.encrypted_pdf(root / "locked.pdf")
    plain_xlsx = zoo.build_xlsx(root.parent / "plain.xlsx")
    bad_files.encrypted_office(root / "locked.xlsx", plain_xlsx)
    # a real workbook and a real deck, one part padded to 1 GB: python-pptx alone would
    # take 2.2 GB of memory to read that deck (measured), openpyxl minutes for the sheet
    bad_files.zip_bomb(root / "bomb.xlsx", 1024, plain_xlsx)
    bad_files.zip_bomb(root / "bomb.pptx", 1024, zoo.build_pptx(root.parent / "plain.pptx"))
    bad_files.huge_png(root / "huge.png", 20_000)
    bad_files.many_part_mail(root / "thread.eml", 10_000)
    bad_files.million_row_csv(root / "ledger.csv")
    return root


# The CLI in a fresh interpreter that writes its own peak RSS (VmHWM) when it exits. Not
# the rusage of the child: Linux carries a parent's peak RSS across fork and exec into the
# child's ru_maxrss, so under a large pytest process that would measure pytest.
CLI_WITH_PEAK = """
import atexit, os, sys
from pathlib import Path
def peak():
    status = Path("/proc/self/status").read_text()
    kb = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
    Path(os.environ["PEAK_FILE"]).write_text(kb)
atexit.register(peak)
from cairn.cli import main
sys.argv = ["cairn", *sys.argv[1:]]
main()
"""


@pytest.mark.timeout(300)
def test_hostile_files_are_refused_or_truncated_and_the_run_goes_on(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus")
    out, peak_file = tmp_path / "report.json", tmp_path / "peak_kb"
    with out.open("w") as fh:
        run = subprocess.run(
            [sys.executable, "-c", CLI_WITH_PEAK, "ingest", str(corpus), "--json"],
            cwd=ROOT,
            env={**cairn_env(tmp_path / "home"), "PEAK_FILE": str(peak_file)},
            stdout=fh,
            stderr=subprocess.DEVNULL,
            timeout=280,
        )
    assert run.returncode == 0
    report = json.loads(out.read_text())
    files = {f["path"]: f for f in report["files"]}
    reasons = {path: (f["status"], f["reason"] or "") for path, f in files.items()}
    assert reasons["good.md"] == ("ok", "")
    assert reasons["locked.pdf"] == ("failed", "encrypted PDF (needs a password): not read")
    assert reasons["locked.xlsx"] == (
        "failed",
        "password-protected Office file (encrypted): not read",
    )
    for bomb in ("bomb.xlsx", "bomb.pptx"):
        assert reasons[bomb][0] == "failed" and "unpacks to 1,024 MB" in reasons[bomb][1]
        assert "possible zip bomb" in reasons[bomb][1]
    assert reasons["huge.png"][0] in ("failed", "skipped")  # skipped where tesseract is missing
    assert (
        "too large to read safely" in reasons["huge.png"][1]
        or "tesseract" in reasons["huge.png"][1]
    )
    assert reasons["thread.eml"][0] == "failed" and "10,001 MIME parts" in reasons["thread.eml"][1]
    assert reasons["ledger.csv"][0] == "ok" and files["ledger.csv"]["warnings"] == [
        "file: 1,000,000 rows, truncated to the first 5,000 (CAIRN_INGEST__MAX_SHEET_ROWS)"
    ]
    assert report["findings"]["warnings"]["count"] == 1
    peak = int(peak_file.read_text()) * 1024
    assert peak < GIB, f"peak RSS {peak / 2**20:.0f} MB: a bomb was inflated"
