"""The plausibility flags as people read them: the new ones after a build, a list to filter, a table.

:func:`~sokhcn_analytics.analysis.plausibility.flags` finds every figure far from its usual
level. At national size that is tens of thousands of rows (random or noisy figures over ten
years), so nobody reads them all on every build. Here:

* :func:`flags_of_files` keeps the flags of rows that came from some files (those a build just
  read: the build says what *it* found, older flags are not repeated);
* :func:`capped_lines` shows at most :data:`SHOWN` of them, then one line with how many more
  and the ``sokhcn flags`` command that lists them (:func:`flags_command`);
* :func:`select` filters for ``sokhcn flags``: by org, by month or months, and by default
  the :data:`RECENT_MONTHS` latest months of each org (``all_periods``: every month);
* :func:`flag_table` / :func:`flag_csv` print them.

>>> import pandas as pd
>>> from sokhcn_analytics.core.model import normalize_indicators
>>> df = normalize_indicators(pd.DataFrame({
...     "org": "x", "period": ["2021-01", "2021-02", "2021-03", "2021-04"], "indicator": "mushroom_spawn_kg",
...     "value": [250.0, 240.0, 260.0, 1200.0], "kind": "result", "source_ref": "ChiTieu!D18",
...     "source_file": [f"data/raw/2021-0{m}_x.xlsx" for m in range(1, 5)]}))
>>> from sokhcn_analytics.analysis.plausibility import flags
>>> len(flags_of_files(flags(df), ["data/raw/2021-04_x.xlsx"])), len(flags_of_files(flags(df), ["data/raw/2021-03_x.xlsx"]))
(1, 0)
"""
from __future__ import annotations

import pandas as pd

from sokhcn_analytics.core import catalog

SHOWN = 20  # flags a build or a summary prints before the line that says how many more
RECENT_MONTHS = 12  # ``sokhcn flags`` without a month or --all: each org's latest year of months
CSV_COLUMNS = ["org", "period", "indicator", "value", "base", "ratio", "direction", "threshold", "source_file", "cell"]


def flags_of_files(flagged: pd.DataFrame, files) -> pd.DataFrame:
    """The flags whose figure came from one of ``files`` (``source_file`` as stored)."""
    return flagged[flagged["source_file"].isin(list(files))].reset_index(drop=True)


def capped_lines(flagged: pd.DataFrame, processed=None, lang: str = "vi", shown: int = SHOWN) -> list[str]:
    """One warning line per flag, at most ``shown``, then how many more and the command listing them all."""
    from sokhcn_analytics.analysis.plausibility import warnings_text

    lines = warnings_text(flagged.head(shown), lang)
    if len(flagged) > shown:
        lines.append(catalog.label("flags.more", lang, count=len(flagged) - shown,
                                   command=flags_command(flagged, processed)))
    return lines


def flags_command(flagged: pd.DataFrame, processed=None) -> str:
    """The narrowest ``sokhcn flags`` command that lists every row of ``flagged``."""
    parts = ["sokhcn flags"]
    orgs = sorted(set(flagged["org"].astype(str)))
    periods = sorted(set(flagged["period"].astype(str)))
    if len(orgs) == 1:
        parts += ["--org", orgs[0]]
    if len(periods) == 1:
        parts += ["--period", periods[0]]
    elif periods:
        parts += ["--from", periods[0], "--to", periods[-1]]
    if processed:
        parts += ["--processed", str(processed)]
    return " ".join(parts)


def select(flagged: pd.DataFrame, latest: dict[str, str] | None = None, period: str | None = None,
           from_period: str | None = None, to_period: str | None = None, all_periods: bool = False) -> pd.DataFrame:
    """The flags of ``period``, or of ``from_period`` … ``to_period``; with none of them, those of each org's
    :data:`RECENT_MONTHS` latest months (``latest``: ``{org: its latest period with a result}``) unless
    ``all_periods``."""
    periods = flagged["period"].astype(str)
    keep = pd.Series(True, index=flagged.index)
    if period:
        keep &= periods == period
    if from_period:
        keep &= periods >= from_period
    if to_period:
        keep &= periods <= to_period
    if not (period or from_period or to_period or all_periods):
        first = {org: _months_before(p, RECENT_MONTHS - 1) for org, p in (latest or {}).items()}
        keep &= periods >= flagged["org"].map(first).fillna("")
    return flagged[keep].sort_values(["org", "period", "indicator"], kind="stable").reset_index(drop=True)


def _months_before(period: str, n: int) -> str:
    year, month = int(period[:4]), int(period[5:7])
    index = year * 12 + month - 1 - n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def flag_table(flagged: pd.DataFrame, lang: str = "vi") -> str:
    """The flags as a table for the terminal, a header line first; one sentence when there are none."""
    from sokhcn_analytics.core.vnformat import format_number

    if not len(flagged):
        return catalog.label("flags.none", lang)
    keys = ("org", "period", "indicator", "value", "base", "ratio", "cell", "file")
    rows = [[catalog.label(f"flags.col.{k}", lang) for k in keys]]
    for r in flagged.itertuples():
        rows.append([str(r.org), str(r.period), catalog.name(r.indicator, lang), format_number(r.value),
                     format_number(r.base), format_number(r.ratio), str(r.cell), str(r.source_file).rsplit("/", 1)[-1]])
    widths = [max(len(row[i]) for row in rows) for i in range(len(keys))]
    right = {3, 4, 5}  # numbers
    text = ["  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip()
            for row in rows]
    return "\n".join([catalog.label("flags.count", lang, count=len(flagged)), *text])


def flag_csv(flagged: pd.DataFrame) -> str:
    """The flags as CSV (machine-readable: plain numbers, English column names)."""
    return flagged.reindex(columns=CSV_COLUMNS).to_csv(index=False, lineterminator="\n")
