"""Monthly series, year-to-date, year-on-year, plan vs actual, plan follow-up, task pipeline.

Every function takes the frames exactly as ``load_indicators()`` / ``load_tasks()`` return
them and applies the rules that naive pandas code gets quietly wrong:

- **Kinds are never mixed.** Actuals come only from ``kind == "result"`` rows, annual
  targets only from ``kind == "target"``, monthly plans only from ``kind == "plan"``.
- **Orgs are never added together.** With ``org=None`` and more than one org in the
  frame, every result gets an ``org`` index level (``org`` column for flat tables); with
  ``org="..."`` only that org's rows are used. An unknown org is a ``ValueError``.
- **A missing month is missing, not zero.** Months with no report are NaN; sums use
  ``min_count=1`` so "nothing reported" stays NaN rather than becoming 0.
- **Flows and stocks add up differently** (catalog column ``aggregation``): a year-to-date
  value is the sum of the monthly results for ``sum`` indicators and the latest reported
  value of the year for ``last`` indicators.
- **A revised value wins.** If the same (org, period, indicator, kind) appears more than
  once — e.g. the analyst concatenated a corrected row after the stored frame — the row
  that comes *later in the frame* is used and the earlier one ignored. Same for tasks
  per (org, period, task_id).
- **No infinite percentages.** A percentage over a zero or missing base is NaN, shown as
  "—" by :func:`sokhcn_analytics.core.vnformat.format_percent`.

Percentages are in percent units (``12.5`` means 12,5 %).
"""
from __future__ import annotations

import functools
import hashlib
import inspect
import math
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sokhcn_analytics.core import catalog
from sokhcn_analytics.core.model import LEVELS, STATUSES, months_only, parse_period, period as make_period, shift_period

_KEY = ["org", "period", "indicator", "kind"]


# ---------------------------------------------------------------------------
# shared helpers
# ---------------------------------------------------------------------------

def clean_values(df: pd.DataFrame) -> pd.DataFrame:
    """Check the needed columns, drop earlier duplicates (later row wins)."""
    missing = [c for c in _KEY + ["value"] if c not in df.columns]
    if missing:
        raise ValueError(f"indicator frame lacks column(s) {missing}; expected model.INDICATOR_COLUMNS")
    out = months_only(df).reset_index(drop=True)  # quarters and years are reconciled, never summed in
    out = out.assign(
        org=out["org"].astype(str), period=out["period"].astype(str),
        indicator=out["indicator"].astype(str), kind=out["kind"].astype(str),
        value=pd.to_numeric(out["value"], errors="coerce").astype("float64"),
    )
    return out.drop_duplicates(subset=_KEY, keep="last")


def _fingerprint(df: pd.DataFrame) -> bytes:
    """The rows the indicator functions read, hashed in order (a later duplicate wins, so order counts)."""
    rows = pd.util.hash_pandas_object(df[[*_KEY, "value"]], index=False).to_numpy()
    return hashlib.blake2b(rows.tobytes(), digest_size=16).digest()


def _memoized(fn):
    """Remember the last results of ``fn(df, ...)``, keyed by the frame's content, not its identity.

    A report asks for the same year-on-year table in its commentary, its key figures and
    its charts; hashing the frame (about 2 ms for a few thousand rows) is much cheaper than
    recomputing it. A frame changed in place hashes differently, so it is never served a
    stale result; callers get a copy, so changing a result does not change the cache.
    """
    cache: OrderedDict = OrderedDict()
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def wrapper(df, *args, **kwargs):
        try:
            bound = signature.bind(df, *args, **kwargs)
            bound.apply_defaults()
            key = (_fingerprint(df), tuple(bound.arguments.values())[1:])
            hash(key)
        except (KeyError, TypeError, AttributeError):  # not an indicator frame: fn says what is wrong
            return fn(df, *args, **kwargs)
        if key in cache:
            cache.move_to_end(key)
            return cache[key].copy()
        out = fn(df, *args, **kwargs)
        cache[key] = out.copy()
        while len(cache) > 32:
            cache.popitem(last=False)
        return out

    wrapper.cache_clear = cache.clear
    return wrapper


def _orgs(df: pd.DataFrame) -> list[str]:
    return sorted(df["org"].astype(str).unique().tolist())


def _per_org(df: pd.DataFrame, org: str | None, fn, *args):
    """Apply ``fn(frame_of_one_org, *args)``; key the result by org when several are present."""
    orgs = _orgs(df)
    if org is not None:
        if org not in orgs:
            raise ValueError(f"org '{org}' is not in the frame (orgs present: {', '.join(orgs) or 'none'})")
        return fn(df[df["org"] == org], *args)
    if len(orgs) <= 1:
        return fn(df, *args)
    return pd.concat({o: fn(df[df["org"] == o], *args) for o in orgs}, names=["org"])


def _check_period(text: str) -> str:
    parse_period(text)  # raises ValueError with a readable message
    return str(text)


def _period_range(start: str, end: str) -> list[str]:
    y0, m0 = parse_period(start)
    y1, m1 = parse_period(end)
    n = (y1 * 12 + m1) - (y0 * 12 + m0)
    return [shift_period(start, i) for i in range(n + 1)]


def catalog_order(codes) -> list[str]:
    """The distinct codes in the order of the catalog; codes it lacks last, by name."""
    order = {c: i for i, c in enumerate(catalog.codes())}
    return sorted(set(codes), key=lambda c: (order.get(c, len(order)), c))


def pct_change(new, base):
    """``(new - base) / |base| * 100``; NaN where base is 0 or missing (never inf)."""
    new = pd.to_numeric(pd.Series(new), errors="coerce").astype("float64")
    base = pd.to_numeric(pd.Series(base), errors="coerce").astype("float64")
    ok = base.notna() & (base != 0)
    out = (new - base) / base.abs().where(ok) * 100.0
    return out.where(ok & new.notna())


def _ratio_pct(num, den):
    num = pd.to_numeric(pd.Series(num), errors="coerce").astype("float64")
    den = pd.to_numeric(pd.Series(den), errors="coerce").astype("float64")
    ok = den.notna() & (den != 0)
    return (num / den.where(ok) * 100.0).where(ok & num.notna())


def _results(df: pd.DataFrame) -> pd.DataFrame:
    return df[df["kind"] == "result"]


def _ytd_table(d: pd.DataFrame, period: str) -> pd.DataFrame:
    """YTD value and number of months reported, per indicator, for one org."""
    y, _ = parse_period(period)
    r = _results(d)
    r = r[(r["period"] >= make_period(y, 1)) & (r["period"] <= period) & r["value"].notna()]
    g = r.sort_values("period", kind="stable").groupby("indicator", sort=False)
    table = pd.DataFrame({"sum": g["value"].sum(), "last": g["value"].last(), "months": g["period"].nunique()})
    idx = pd.Index(catalog_order(table.index.astype(str)), name="indicator")
    table = table.set_axis(table.index.astype(str)).reindex(idx)
    flows = np.array([catalog.aggregation(c) == "sum" for c in idx], dtype=bool)
    return pd.DataFrame(
        {"ytd": np.where(flows, table["sum"].to_numpy("float64"), table["last"].to_numpy("float64")),
         "months": table["months"].to_numpy("int64")},
        index=idx,
    ).astype({"ytd": "float64", "months": "int64"})


def _month_values(d: pd.DataFrame, period: str) -> pd.Series:
    r = _results(d)
    r = r[r["period"] == period]
    return pd.Series(r["value"].to_numpy("float64"), index=r["indicator"].to_numpy(object))


# ---------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------

def monthly(df: pd.DataFrame, indicator: str, start: str | None = None, end: str | None = None,
            org: str | None = None) -> pd.Series:
    """The monthly results of one indicator, one value per month, gaps as NaN.

    The index holds every month from ``start`` to ``end`` (default: the first and last
    month with a result for that org) as ``"YYYY-MM"`` strings; a month with no report is
    NaN, never 0. Only ``kind == "result"`` rows are used. Several orgs and ``org=None``
    → a MultiIndex ``(org, period)``, each org over its own range.

    >>> import pandas as pd
    >>> from sokhcn_analytics.core.model import normalize_indicators
    >>> df = normalize_indicators(pd.DataFrame({
    ...     "org": "x", "period": ["2021-01", "2021-03"], "indicator": "mushroom_spawn_kg",
    ...     "value": [250.0, 300.0], "kind": "result"}))
    >>> monthly(df, "mushroom_spawn_kg").to_dict()
    {'2021-01': 250.0, '2021-02': nan, '2021-03': 300.0}
    """
    start = _check_period(start) if start is not None else None
    end = _check_period(end) if end is not None else None
    return _per_org(clean_values(df), org, _monthly_one, indicator, start, end)


def _monthly_one(d, indicator, start, end):
    r = _results(d)
    r = r[r["indicator"] == indicator]
    s = pd.Series(r["value"].to_numpy("float64"), index=r["period"].to_numpy(object))
    lo = start or (s.index.min() if len(s) else None)
    hi = end or (s.index.max() if len(s) else None)
    idx = _period_range(lo, hi) if lo and hi and lo <= hi else []
    out = s.reindex(pd.Index(idx, dtype=object, name="period")).astype("float64")
    out.name = indicator
    return out


def ytd(df: pd.DataFrame, period: str, org: str | None = None) -> pd.Series:
    """Year-to-date value of every indicator through ``period``, by the catalog's aggregation.

    ``sum`` indicators (flows): the sum of the monthly results from January to ``period``
    (months not reported are skipped, not counted as 0). ``last`` indicators (stocks): the
    latest value reported in that year up to ``period`` — a stock reported only last year
    is NaN, not carried over. Indicators with no result in the window are left out.
    Series indexed by ``indicator`` (catalog order); ``(org, indicator)`` for several orgs.

    >>> import pandas as pd
    >>> from sokhcn_analytics.core.model import normalize_indicators
    >>> df = normalize_indicators(pd.DataFrame({
    ...     "org": "x", "period": ["2021-01", "2021-02", "2021-01", "2021-02"],
    ...     "indicator": ["mushroom_spawn_kg"] * 2 + ["tasks_managed"] * 2,
    ...     "value": [250.0, 300.0, 36.0, 35.0], "kind": "result"}))
    >>> ytd(df, "2021-02").to_dict()
    {'tasks_managed': 35.0, 'mushroom_spawn_kg': 550.0}
    """
    period = _check_period(period)
    out = _per_org(clean_values(df), org, lambda d: _ytd_table(d, period)["ytd"])
    out.name = "ytd"
    return out


YOY_COLUMNS = ["value", "value_prev_year", "change", "change_pct",
               "ytd", "ytd_prev_year", "ytd_change", "ytd_change_pct", "months", "months_prev_year"]


@_memoized
def yoy(df: pd.DataFrame, period: str, org: str | None = None) -> pd.DataFrame:
    """Year on year: this month and YTD against the same month and YTD a year earlier.

    One row per indicator with a result in either YTD window. Columns: ``value`` (this
    month), ``value_prev_year`` (same month last year), ``change``, ``change_pct``, ``ytd``,
    ``ytd_prev_year`` (through the same month last year), ``ytd_change``, ``ytd_change_pct``,
    and ``months`` / ``months_prev_year`` — how many months of each YTD window were
    reported, so that a YTD built from fewer reports is visible. A zero or missing base
    gives a NaN percentage (never inf); display it with ``format_percent`` → "—".

    >>> import pandas as pd
    >>> from sokhcn_analytics.core.model import normalize_indicators
    >>> df = normalize_indicators(pd.DataFrame({
    ...     "org": "x", "period": ["2020-01", "2021-01"], "indicator": "mushroom_spawn_kg",
    ...     "value": [200.0, 250.0], "kind": "result"}))
    >>> yoy(df, "2021-01").loc["mushroom_spawn_kg", ["value", "value_prev_year", "change_pct"]].tolist()
    [250.0, 200.0, 25.0]
    """
    period = _check_period(period)
    return _per_org(clean_values(df), org, _yoy_one, period)


def _yoy_one(d, period):
    prev = shift_period(period, -12)
    now_m, prev_m = _month_values(d, period), _month_values(d, prev)
    now_y, prev_y = _ytd_table(d, period), _ytd_table(d, prev)
    idx = pd.Index(catalog_order([*now_y.index, *prev_y.index, *now_m.index, *prev_m.index]),
                   name="indicator")
    value, value_prev = now_m.reindex(idx).to_numpy("float64"), prev_m.reindex(idx).to_numpy("float64")
    ytd_now, ytd_prev = (now_y["ytd"].reindex(idx).to_numpy("float64"),
                         prev_y["ytd"].reindex(idx).to_numpy("float64"))
    return pd.DataFrame({
        "value": value,
        "value_prev_year": value_prev,
        "change": value - value_prev,
        "change_pct": pct_change(value, value_prev).to_numpy("float64"),
        "ytd": ytd_now,
        "ytd_prev_year": ytd_prev,
        "ytd_change": ytd_now - ytd_prev,
        "ytd_change_pct": pct_change(ytd_now, ytd_prev).to_numpy("float64"),
        "months": now_y["months"].reindex(idx).fillna(0).to_numpy("int64"),
        "months_prev_year": prev_y["months"].reindex(idx).fillna(0).to_numpy("int64"),
    }, index=idx)


def through_month(year: int, through) -> int:
    """The last month of ``year`` a figure runs to: ``through`` is a month number or a period."""
    if isinstance(through, (int, np.integer)) and not isinstance(through, bool):
        month = int(through)
    else:
        y, month = parse_period(str(through))
        if y != int(year):
            raise ValueError(f"through={through!r} is not in year {year}")
    if not 1 <= month <= 12:
        raise ValueError(f"through month must be 1..12, got {through!r}")
    return month


@_memoized
def plan_vs_actual(df: pd.DataFrame, year: int, through, org: str | None = None) -> pd.DataFrame:
    """Progress to the annual targets of ``year`` through month ``through``.

    ``through`` is a period ``"YYYY-MM"`` of that year or a month number. The target is the
    latest ``kind == "target"`` row of the year with period ≤ ``through`` (a mid-year
    restatement revises it from its month on). ``actual`` is the YTD value (see :func:`ytd`).

    Judging: a flow (``sum``) is on track when ``actual >= target * month / 12`` — the
    pro-rata share of the year elapsed. A stock (``last``) is judged on its latest value
    against the full target: on track when ``actual >= target`` (a stock is a level to be
    reached, not an amount accumulated). Both thresholds are in ``expected`` and
    ``expected_pct``. No result yet → ``actual`` NaN and ``on_track`` <NA>.
    Columns: ``target``, ``target_period``, ``actual``, ``pct_of_target``, ``expected``,
    ``expected_pct``, ``on_track`` (nullable boolean). One row per indicator with a target.

    >>> import pandas as pd
    >>> from sokhcn_analytics.core.model import normalize_indicators
    >>> df = normalize_indicators(pd.DataFrame({
    ...     "org": "x", "period": ["2021-01", "2021-01", "2021-02", "2021-03"],
    ...     "indicator": "mushroom_spawn_kg", "value": [3000.0, 250.0, 300.0, 200.0],
    ...     "kind": ["target", "result", "result", "result"]}))
    >>> row = plan_vs_actual(df, 2021, "2021-03").loc["mushroom_spawn_kg"]
    >>> float(row["actual"]), float(row["pct_of_target"]), float(row["expected"]), bool(row["on_track"])
    (750.0, 25.0, 750.0, True)
    """
    month = through_month(int(year), through)
    return _per_org(clean_values(df), org, _pva_one, int(year), month)


def _pva_one(d, year, month):
    through = make_period(year, month)
    t = d[(d["kind"] == "target") & (d["period"] >= make_period(year, 1)) & (d["period"] <= through)]
    t = t[t["value"].notna()].sort_values("period", kind="stable").groupby("indicator").tail(1)
    t = t.set_index("indicator")
    idx = pd.Index(catalog_order(t.index), name="indicator")
    out = pd.DataFrame(index=idx)
    out["target"] = t["value"].reindex(idx).astype("float64")
    out["target_period"] = t["period"].reindex(idx).astype(object)
    out["actual"] = _ytd_table(d, through)["ytd"].reindex(idx)
    out["pct_of_target"] = _ratio_pct(out["actual"], out["target"]).to_numpy()
    share = np.array([month / 12 if catalog.aggregation(c) == "sum" else 1.0 for c in idx])
    out["expected"] = out["target"] * share
    out["expected_pct"] = share * 100.0
    on = (out["actual"] >= out["expected"]).astype("boolean")
    out["on_track"] = on.where(out["actual"].notna() & out["target"].notna(), pd.NA)
    return out


PLAN_STATUSES = ("done", "partial", "not_done", "not_reported")


def plan_followup(df: pd.DataFrame, period: str, org: str | None = None) -> pd.DataFrame:
    """Was what was planned for ``period`` done? Plans beside that month's results.

    Plans are stored with period = the month they are planned *for* (the January report's
    plan section is stored as February), so ``plan_followup(df, "2021-02")`` compares the
    plan stated in January with the results reported for February. One row per indicator
    with a plan. Columns: ``plan``, ``result``, ``difference`` (result − plan), ``pct_done``
    and ``status``: ``done`` (result ≥ plan), ``partial`` (0 < result < plan), ``not_done``
    (result reported as 0) or ``not_reported`` (no result for that month — we do not know,
    so it is not counted as not done).

    >>> import pandas as pd
    >>> from sokhcn_analytics.core.model import normalize_indicators
    >>> df = normalize_indicators(pd.DataFrame({
    ...     "org": "x", "period": "2021-02", "indicator": ["tasks_appraised", "tasks_appraised", "inspections"],
    ...     "value": [5.0, 3.0, 1.0], "kind": ["plan", "result", "plan"]}))
    >>> plan_followup(df, "2021-02")["status"].to_dict()
    {'tasks_appraised': 'partial', 'inspections': 'not_reported'}
    """
    period = _check_period(period)
    return _per_org(clean_values(df), org, _followup_one, period)


def _followup_one(d, period):
    p = d[(d["kind"] == "plan") & (d["period"] == period)].set_index("indicator")["value"]
    idx = pd.Index(catalog_order(p.index), name="indicator")
    out = pd.DataFrame(index=idx)
    out["plan"] = p.reindex(idx).astype("float64")
    out["result"] = _month_values(d, period).reindex(idx).astype("float64")
    out["difference"] = out["result"] - out["plan"]
    out["pct_done"] = _ratio_pct(out["result"], out["plan"]).to_numpy()
    status = np.select(
        [out["result"].isna(), out["result"] >= out["plan"].fillna(math.inf), out["result"] > 0],
        ["not_reported", "done", "partial"], default="not_done",
    )
    out["status"] = pd.Series(status, index=idx)
    return out


# ---------------------------------------------------------------------------
# task pipeline
# ---------------------------------------------------------------------------

@dataclass
class TaskPipeline:
    """The task register at one period and what changed since the previous one.

    ``counts``: tasks by level (rows, ``model.LEVELS`` order) × status (columns,
    ``model.STATUSES`` order), ints, zeros where none; with several orgs an ``org`` level.
    ``moves``: status changes of tasks present in both snapshots, columns
    ``from_status``, ``to_status``, ``count`` (plus ``org`` with several orgs).
    ``new`` / ``removed``: task rows present only now / only in the previous snapshot.
    ``previous``: the previous available period (str or None); a dict org → period with
    several orgs.
    """

    period: str
    previous: object
    counts: pd.DataFrame
    moves: pd.DataFrame
    new: pd.DataFrame
    removed: pd.DataFrame
    orgs: list = field(default_factory=list)


def task_pipeline(tasks: pd.DataFrame, period: str, org: str | None = None) -> TaskPipeline:
    """Counts of tasks by level × status at ``period`` and moves since the previous snapshot.

    The previous snapshot is the latest period before ``period`` that has register rows for
    that org (months without a register are skipped). No register at ``period`` is a
    ``ValueError`` (zero counts would read as "no tasks"); with several orgs, an org without
    a register that month is left out. A task_id listed twice in one
    snapshot counts once (later row wins). Levels or statuses outside the model
    vocabularies are kept as extra rows/columns rather than dropped.

    >>> import pandas as pd
    >>> from sokhcn_analytics.core.model import normalize_tasks
    >>> t = normalize_tasks(pd.DataFrame({
    ...     "org": "x", "period": ["2021-01", "2021-01", "2021-02", "2021-02", "2021-02"],
    ...     "task_id": ["A", "B", "A", "B", "C"], "level": "provincial",
    ...     "status": ["approved", "in_progress", "in_progress", "accepted", "proposed"]}))
    >>> p = task_pipeline(t, "2021-02")
    >>> p.previous, int(p.counts.loc["provincial", "in_progress"]), int(p.moves["count"].sum()), len(p.new)
    ('2021-01', 1, 2, 1)
    """
    period = _check_period(period)
    missing = [c for c in ("org", "period", "task_id", "level", "status") if c not in tasks.columns]
    if missing:
        raise ValueError(f"task frame lacks column(s) {missing}; expected model.TASK_COLUMNS")
    t = tasks.reset_index(drop=True).astype({"org": str, "period": str, "task_id": str,
                                             "level": str, "status": str})
    t = t.drop_duplicates(subset=["org", "period", "task_id"], keep="last")
    orgs = _orgs(t)
    keyed = org is None and len(orgs) > 1
    if org is not None:
        if org not in orgs:
            raise ValueError(f"org '{org}' is not in the task frame (orgs present: {', '.join(orgs) or 'none'})")
        orgs = [org]
    have = set(t.loc[t["period"] == period, "org"])
    if not have.intersection(orgs):
        known = ", ".join(sorted(set(t.loc[t["org"].isin(orgs), "period"]))[-6:])
        raise ValueError(f"no task register at {period} for {', '.join(orgs) or 'any org'} "
                         f"(latest periods: {known or 'none'})")
    orgs = [o for o in orgs if o in have]  # an org without a register that month is left out
    parts = {o: _pipeline_one(t[t["org"] == o], period) for o in orgs}
    if not keyed:
        (o, (prev, counts, moves, new, removed)), = parts.items()
        return TaskPipeline(period, prev, counts, moves, new, removed, [o])
    return TaskPipeline(
        period,
        {o: v[0] for o, v in parts.items()},
        pd.concat({o: v[1] for o, v in parts.items()}, names=["org"]),
        pd.concat([v[2].assign(org=o) for o, v in parts.items()], ignore_index=True)[
            ["org", "from_status", "to_status", "count"]],
        pd.concat([v[3] for v in parts.values()], ignore_index=True),
        pd.concat([v[4] for v in parts.values()], ignore_index=True),
        orgs,
    )


def _pipeline_one(t, period):
    now = t[t["period"] == period]
    earlier = t.loc[t["period"] < period, "period"]
    prev = earlier.max() if len(earlier) else None
    before = t[t["period"] == prev] if prev else t.iloc[0:0]
    levels = list(LEVELS) + sorted(set(now["level"]) - set(LEVELS))
    statuses = list(STATUSES) + sorted(set(now["status"]) - set(STATUSES))
    counts = (pd.crosstab(now["level"], now["status"]).reindex(index=levels, columns=statuses)
              .fillna(0).astype("int64"))
    counts.index.name, counts.columns.name = "level", "status"
    both = now.merge(before[["task_id", "status"]], on="task_id", suffixes=("", "_before"))
    changed = both[both["status"] != both["status_before"]]
    moves = (changed.groupby(["status_before", "status"]).size()
             .rename("count").reset_index()
             .rename(columns={"status_before": "from_status", "status": "to_status"}))
    moves = moves.astype({"from_status": object, "to_status": object, "count": "int64"})
    new = now[~now["task_id"].isin(before["task_id"])].reset_index(drop=True)
    removed = before[~before["task_id"].isin(now["task_id"])].reset_index(drop=True)
    return prev, counts, moves, new, removed


from sokhcn_analytics.analysis.reconcile import reconcile  # noqa: E402,F401  (re-exported: stated quarters/years vs their months)
