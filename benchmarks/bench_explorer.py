"""Re-draw time of the explorer on 34 units × 10 years × every catalog indicator (target: ≤ 150 ms median).

    .venv/bin/python benchmarks/bench_explorer.py [--orgs 34] [--years 10] [--changes 30] [--seed 2021]

The store is generated here, in pandas (illustrative rows: results of every indicator every
month, plans of the flows, an annual target each January), so the script runs from a fresh
clone. The explorer is built once; then, for each kind of change (unit, category, indicator,
year, year compared with, view, plans shown, month of the sources), the control is set
``--changes`` times to values it has not had in a row — every unit and every year is visited,
so first visits (nothing cached yet) count as much as repeated ones — and each change is timed
end to end: the explorer's observers, the numbers, the SVG chart, the table and the sources.
Beside each, in the same run and interleaved, the baseline: a bare ``df.query`` + ``groupby``
of the same selection (the unit's result rows of the indicators over both years, summed by
indicator and month), which is what any re-draw must at least do. Wall-clock, one process.
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from sokhcn_analytics.core import catalog
from sokhcn_analytics.explorer.widget import Explorer
from sokhcn_analytics.core.model import normalize_indicators

TARGET_MS = 150.0


def make_frame(n_orgs: int, years: int, seed: int, last_year: int = 2021) -> pd.DataFrame:
    """Every catalog indicator for ``n_orgs`` illustrative units × ``years`` × 12 months."""
    rng = np.random.default_rng(seed)
    cat = catalog.load_catalog()
    codes = list(cat.index)
    flows = [c for c in codes if cat.loc[c, "aggregation"] == "sum"]
    orgs = [f"minh-hoa-{i:02d}" for i in range(1, n_orgs + 1)]
    periods = [f"{y}-{m:02d}" for y in range(last_year - years + 1, last_year + 1) for m in range(1, 13)]
    names = ["org", "period", "indicator"]
    grid = pd.MultiIndex.from_product([orgs, periods, codes], names=names).to_frame(index=False)
    grid["value"] = np.round(rng.gamma(2.0, 50.0, len(grid)))
    grid["kind"] = "result"
    plans = grid[grid["indicator"].isin(flows)].assign(kind="plan", value=lambda d: np.round(d["value"] * 1.1))
    targets = grid[grid["indicator"].isin(flows) & grid["period"].str.endswith("-01")].assign(
        kind="target", value=lambda d: np.round(d["value"] * 12.5))
    df = pd.concat([grid, plans, targets], ignore_index=True)
    df["unit"] = ""
    df["source_file"] = "data/raw/illustrative/" + df["period"] + "_" + df["org"] + ".xlsx"
    df["source_ref"] = "ChiTieu!D" + (df.groupby("indicator").ngroup() + 5).astype(str)
    df["reviewed"] = True
    df["illustrative"] = True
    return normalize_indicators(df)


def baseline(df: pd.DataFrame, s: dict) -> None:
    """The least a re-draw does: the selection's result rows over both years, summed by indicator and month."""
    org, codes = s["org"], list(s["indicators"])  # noqa: F841 (used by the query)
    first = f"{min(s['year'], s['compare_year'] or s['year'])}-01"  # noqa: F841
    last = f"{max(s['year'], s['compare_year'] or s['year'])}-12"  # noqa: F841
    rows = df.query("org == @org and indicator in @codes and kind == 'result' and period >= @first and period <= @last")
    rows.groupby(["indicator", "period"])["value"].sum()


def changes(ex: Explorer, n: int, first_year: int, last_year: int) -> dict:
    """Kind of change → the values to set, in order (never the same twice in a row)."""
    orgs = [v for _, v in ex.org.options]
    years = list(range(first_year + 1, last_year + 1))
    codes = catalog.codes()
    cats = [c for c in catalog.CATEGORIES]
    cycle = lambda values: [values[(i + 1) % len(values)] for i in range(n)]  # noqa: E731
    return {
        "unit": cycle(orgs),
        "category": cycle(cats),
        "indicator": [(codes[i % len(codes)], codes[(i * 7 + 3) % len(codes)]) for i in range(1, n + 1)],
        "year": cycle(years[::-1]),
        "compare_year": [years[i % len(years)] - 1 for i in range(n)],
        "view": cycle(["ytd", "rolling12", "monthly"]),
        "show_plans": [bool((i + 1) % 2) for i in range(n)],
        "month": cycle(list(range(1, 13))),
    }


CONTROL = {"unit": "org", "category": "category", "indicator": "indicators", "year": "year",
           "compare_year": "compare_year", "view": "view", "show_plans": "show_plans", "month": "month"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=34)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--changes", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2021)
    args = parser.parse_args()
    start = time.perf_counter()
    df = make_frame(args.orgs, args.years, args.seed)
    made = time.perf_counter() - start
    start = time.perf_counter()
    ex = Explorer(df, None, year=2021)
    loaded = time.perf_counter() - start
    print(f"store: {len(df):,} rows ({args.orgs} units × {args.years} years × {len(catalog.codes())} indicators, "
          f"results + plans + targets), made in {made:.1f} s; explorer built in {loaded * 1000:.0f} ms")
    plan = changes(ex, args.changes, 2021 - args.years + 1, 2021)
    print(f"{'change':<14}{'n':>4}{'median ms':>11}{'p95 ms':>9}{'baseline ms':>13}{'ratio':>8}")
    worst = 0.0
    for kind, values in plan.items():
        ours, base = [], []
        widget = getattr(ex, CONTROL[kind])
        for value in values:
            t0 = time.perf_counter()
            widget.value = value
            ours.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            baseline(df, ex.selection())
            base.append((time.perf_counter() - t0) * 1000)
            assert not ex.messages or kind in ("compare_year", "indicator"), (kind, value, ex.messages)
        med, p95 = statistics.median(ours), float(np.percentile(ours, 95))
        bmed = statistics.median(base)
        worst = max(worst, med)
        print(f"{kind:<14}{len(ours):>4}{med:>11.1f}{p95:>9.1f}{bmed:>13.1f}{med / bmed:>8.2f}")
    verdict = "met" if worst <= TARGET_MS else "NOT met"
    print(f"slowest median {worst:.1f} ms; target ≤ {TARGET_MS:.0f} ms median per change: {verdict}")


if __name__ == "__main__":
    main()
