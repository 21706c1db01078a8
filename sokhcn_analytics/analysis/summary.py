"""A plain-text summary of the store, for the terminal after a build."""
from __future__ import annotations

from sokhcn_analytics.core import catalog
from sokhcn_analytics.core.model import REAL_ORG
from sokhcn_analytics.core.vnformat import format_number, format_period


def summary_table(processed_dir=None, period: str | None = None, org: str | None = None) -> str:
    """The results of one period (default: the latest real one) by indicator, with their sources
    (``org``: only that org's)."""
    from sokhcn_analytics.store.build import load_indicators

    results = _results(load_indicators(processed_dir, orgs=[org] if org else None))
    lines = []
    for org_shown, org_period in _months(results, period).items():
        rows = results[results.org == org_shown]
        lines.append(_block(org_shown, org_period, rows[rows.period == org_period], len(rows.period.unique())))
    if not lines:
        return f"Kho dữ liệu không có kết quả nào{f' cho kỳ {period}' if period else ''}."
    return "\n\n".join(lines)


def summary_months(processed_dir=None, period: str | None = None, org: str | None = None) -> dict[str, str]:
    """``{org: the month its block shows}`` of :func:`summary_table` with the same arguments."""
    from sokhcn_analytics.store.build import load_indicators

    return _months(_results(load_indicators(processed_dir, orgs=[org] if org else None)), period)


def _results(df):
    return df[(df.kind == "result") & (df.span == 1)] if "span" in df.columns else df[df.kind == "result"]


def _months(results, period: str | None) -> dict[str, str]:
    """Each org with results in ``period`` (default: its latest month), the real figures first."""
    out = {}
    for org in sorted(results.org.unique(), key=lambda o: (o != REAL_ORG, o)):
        periods = results.period[results.org == org]
        org_period = period or periods.max()
        if (periods == org_period).any():
            out[org] = org_period
    return out


def _block(org: str, period: str, month, n_periods: int) -> str:
    title = catalog.label(f"org.{org}") if org in (REAL_ORG, "minh-hoa") else org
    order = {code: i for i, code in enumerate(catalog.codes())}
    month = month.assign(_o=month.indicator.map(order)).sort_values("_o")
    width = max(len(catalog.name(c)) for c in month.indicator)
    out = [f"{title} — {format_period(period)} ({n_periods} kỳ có số liệu)", "-" * (width + 40)]
    for row in month.itertuples():
        out.append(f"{catalog.name(row.indicator):<{width}}  {format_number(row.value):>10} {row.unit:<14}"
                   f"  [{row.source_file.split('/')[-1]} {_short_ref(row.source_ref)}]")
    return "\n".join(out)


def _short_ref(ref: str, width: int = 50) -> str:
    """``ChiTieu!D2 — Kết quả: Báo cáo …, "quote"`` → ``ChiTieu!D2 "quote"`` (cut to ``width``)."""
    import re

    cell, _, note = ref.partition(" — ")
    quote = re.search(r'"([^"]+)"', note)
    text = quote.group(1) if quote else note
    text = text if len(text) <= width else text[: width - 1] + "…"
    return f'{cell} "{text}"' if text else cell
