"""Regenerate the fictional Larkspur HR/ops tables (deterministic; run: make samples)."""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).parent / "tables"
DEPARTMENTS = ["Engineering", "Operations", "People Ops", "Sales", "Test Range"]
LOCATIONS = ["Lyon", "Porto", "Remote"]
LEVELS = ["I", "II", "Senior", "Staff"]
FIRST = [
    "Ana",
    "Luc",
    "Marta",
    "Tomas",
    "Ines",
    "Hugo",
    "Lea",
    "Rui",
    "Nora",
    "Paul",
    "Sofia",
    "Yann",
]
LAST = ["Martin", "Silva", "Bernard", "Costa", "Dubois", "Santos", "Moreau", "Ferreira", "Laurent"]


def employees(rng: random.Random) -> list[dict[str, object]]:
    rows = []
    for i in range(1, 141):
        start = date(2021, 1, 4) + timedelta(days=rng.randrange(0, 2150))
        level = rng.choices(LEVELS, weights=[3, 4, 3, 1])[0]
        rows.append(
            {
                "employee_id": i,
                "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "department": rng.choices(DEPARTMENTS, weights=[6, 3, 1, 2, 2])[0],
                "location": rng.choices(LOCATIONS, weights=[6, 3, 1])[0],
                "level": level,
                "start_date": start.isoformat(),
                "salary_eur": {"I": 45000, "II": 55000, "Senior": 68000, "Staff": 85000}[level]
                + rng.randrange(0, 6000),
            }
        )
    return rows


def tickets(rng: random.Random) -> list[dict[str, object]]:
    rows = []
    for i in range(1, 301):
        opened = date(2025, 1, 2) + timedelta(days=rng.randrange(0, 680))
        closed = opened + timedelta(days=rng.randrange(0, 12)) if rng.random() < 0.9 else None
        rows.append(
            {
                "ticket_id": i,
                "opened_on": opened.isoformat(),
                "closed_on": closed.isoformat() if closed else "",
                "category": rng.choice(["laptop", "access", "network", "printer"]),
                "priority": rng.choices(["low", "normal", "high"], weights=[3, 5, 2])[0],
                "department": rng.choices(DEPARTMENTS, weights=[6, 3, 1, 2, 2])[0],
            }
        )
    return rows


def write(path: Path, rows: list[dict[str, object]]) -> None:
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    HERE.mkdir(exist_ok=True)
    write(HERE / "employees.csv", employees(random.Random(7)))
    write(HERE / "tickets.csv", tickets(random.Random(11)))
