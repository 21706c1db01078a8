"""A small raw folder with planted implausible figures, for the tests of ``sokhcn flags`` and of what a
build and a summary warn about.

Two orgs, every flow indicator at 100 each month (a steady level), except:

* ``don-vi-a`` 2020-01 … 2021-06: ``mushroom_spawn_kg`` = 2,000 in 2020-04 (an old flag, more than a
  year before its latest month) and ``inspections`` = 1,500 in 2021-03 (an old flag within the year);
* ``don-vi-b`` 2021-01 … 2021-06: ``training_classes`` = 900 in 2021-05.

:func:`plant` then rewrites one workbook with new figures, as an analyst correcting a month would.
"""
from __future__ import annotations

from pathlib import Path

from sokhcn_analytics.core import catalog
from sokhcn_analytics.ingest.template import write_template

FLOWS = [c for c in catalog.codes() if catalog.aggregation(c) == "sum" and catalog.flag_min_change(c) <= 10]
PLANTED = {("don-vi-a", "2020-04"): {"mushroom_spawn_kg": 2000}, ("don-vi-a", "2021-03"): {"inspections": 1500},
           ("don-vi-b", "2021-05"): {"training_classes": 900}}


def months(first: str, last: str) -> list[str]:
    out, (year, month) = [], map(int, first.split("-"))
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def workbook(raw: Path, org: str, period: str) -> Path:
    return raw / org / f"{period}_{org}.xlsx"


def plant(raw: Path, org: str, period: str, figures: dict | None = None) -> Path:
    """Write ``org``'s workbook of ``period``: every flow at 100, ``figures`` over them."""
    results = {code: 100 for code in FLOWS} | (figures or {})
    return write_template(period, workbook(raw, org, period), org=org, results=results)


def flag_raw(raw: Path) -> Path:
    for org, first in (("don-vi-a", "2020-01"), ("don-vi-b", "2021-01")):
        for period in months(first, "2021-06"):
            plant(raw, org, period, PLANTED.get((org, period)))
    return raw
