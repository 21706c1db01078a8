"""How right ``sokhcn extract`` is on real published texts (benchmarks/real_texts), per batch and in all.

    .venv/bin/python benchmarks/bench_real_texts.py [--batch dev-a] [--detail]

Not part of ``make test``: the texts are not in the repository (they are pages of other sites). They
live in ``benchmarks/real_texts/texts/<name>.txt`` (git-ignored) and are gathered again from the URLs of
``benchmarks/real_texts/sources.csv`` when a machine lacks them; without them this script says which
are missing and stops.

Scoring, per text, against the hand-read ``<name>.truth.csv``:

* the period: the text is read without ``--period``; "period found" when the period and span the
  extractor gives are the ``doc_period`` / ``doc_span`` of sources.csv (texts that state one only).
  When the text states none (``doc_period`` empty) the month of the file name is passed as
  ``--period``, as a user would; when the text states one but the extractor finds none, the user is
  told to pass ``--period`` and does so with that month too. A truth row without a period is the
  passed month, span 1.
* recall: the truth's ``result`` rows found among the extracted rows, (indicator, value, period, span)
  as a multiset (one extracted row finds one truth row); also over all truth rows (cumulative,
  target, plan as well).
* wrong values: an extracted row that finds no truth row, for an (indicator, period, span, kind) the
  truth has with another value.
* never-values: the other extracted rows that find no truth row — numbers that are not figures, or
  a right figure with a wrong period or span (counted apart as "scope").

The ``untouched`` batch is never tuned on: ``--detail`` never prints its texts, only its totals.
"""
from __future__ import annotations

import argparse
import csv
import sys
import warnings
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent / "real_texts"
HIDDEN = "untouched"


@dataclass
class Tally:
    texts: int = 0
    results: int = 0
    found_results: int = 0
    rows: int = 0
    found_rows: int = 0
    claimed: int = 0
    wrong: int = 0
    never: int = 0
    scope: int = 0
    stated: int = 0
    period_found: int = 0
    errors: int = 0
    details: list = field(default_factory=list)

    def add(self, other: "Tally") -> None:
        for name in ("texts", "results", "found_results", "rows", "found_rows", "claimed", "wrong", "never",
                     "scope", "stated", "period_found", "errors"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _value(text: str) -> Decimal:
    return Decimal(str(text)).normalize()


def _read_truth(name: str, passed: str) -> list[tuple]:
    with open(HERE / f"{name}.truth.csv", encoding="utf-8", newline="") as fh:
        return [(r["indicator"], _value(r["value"]), r["period"] or passed, int(r["span"] or 1), r["kind"])
                for r in csv.DictReader(fh)]


def _name_month(name: str) -> str:
    parts = name.split("-")
    for i in range(len(parts) - 1):
        if len(parts[i]) == 4 and parts[i].isdigit() and len(parts[i + 1]) == 2 and parts[i + 1].isdigit():
            return f"{parts[i]}-{parts[i + 1]}"
    raise ValueError(f"no YYYY-MM in the name {name}")


def score_text(source: dict) -> Tally:
    from sokhcn_analytics.core.errors import SokhcnError
    from sokhcn_analytics.extract.extractor import extract_indicators, read_report

    name, tally = source["name"], Tally(texts=1)
    path = HERE / "texts" / f"{name}.txt"
    passed = _name_month(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report, found = None, None
        if source["doc_period"]:
            tally.stated = 1
            try:
                report = read_report(path)
                found = (report.period, report.span)
                tally.period_found = int((report.period, report.span) == (source["doc_period"], int(source["doc_span"])))
            except SokhcnError:
                report = None
        try:
            if report is None:
                report = read_report(path, passed)
            df = extract_indicators(report)
        except SokhcnError as exc:
            tally.errors = 1
            tally.details.append(f"  error: {exc}")
            df = None
    truth = _read_truth(name, passed)
    tally.rows = len(truth)
    tally.results = sum(1 for t in truth if t[4] == "result")
    open_truth = Counter((t[0], t[1], t[2], t[3]) for t in truth)
    open_results = Counter((t[0], t[1], t[2], t[3]) for t in truth if t[4] == "result")
    other_value = {(t[0], t[2], t[3], t[4]) for t in truth}
    scoped = Counter((t[0], t[1]) for t in truth)
    for r in ([] if df is None else df.itertuples()):
        key = (r.indicator, _value(repr(float(r.value))), r.period, int(r.span))
        tally.claimed += 1
        if open_truth[key] > 0:
            open_truth[key] -= 1
            tally.found_rows += 1
            if open_results[key] > 0:
                open_results[key] -= 1
                tally.found_results += 1
            continue
        if (r.indicator, r.period, int(r.span), r.kind) in other_value:
            tally.wrong += 1
            tally.details.append(f"  wrong value: {key} {r.kind} «{r.quote}»")
        else:
            tally.never += 1
            tally.scope += int(scoped[(key[0], key[1])] > 0)
            tally.details.append(f"  never: {key} {r.kind} «{r.quote}»")
    for key, left in open_truth.items():
        for _ in range(left):
            tally.details.append(f"  missed: {key}")
    if tally.stated and not tally.period_found:
        tally.details.append(f"  period: found {found}, "
                             f"text states {(source['doc_period'], source['doc_span'])}")
    return tally


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f} %" if whole else "    – "


def _line(label: str, t: Tally) -> str:
    return (f"{label:<10} {t.texts:>3} texts | recall {t.found_results:>3}/{t.results:<3} {_pct(t.found_results, t.results)}"
            f" (all kinds {t.found_rows}/{t.rows}) | claimed {t.claimed:>3} | wrong values {t.wrong:>2} | "
            f"never-values {t.never:>2} (of which scope {t.scope}) | period found {t.period_found}/{t.stated} "
            f"{_pct(t.period_found, t.stated)} | errors {t.errors}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batch", action="append", help="only these batches (dev-a, dev-b, untouched)")
    parser.add_argument("--detail", action="store_true", help="per-text misses (never for the untouched batch)")
    args = parser.parse_args()
    with open(HERE / "sources.csv", encoding="utf-8", newline="") as fh:
        sources = [s for s in csv.DictReader(fh) if not args.batch or s["batch"] in args.batch]
    missing = [s["name"] for s in sources if not (HERE / "texts" / f"{s['name']}.txt").exists()]
    if missing:
        print(f"{len(missing)} of {len(sources)} texts are missing from {HERE / 'texts'} (not in the repository; "
              f"gather them again from the URLs of sources.csv): {', '.join(missing[:5])}"
              f"{' …' if len(missing) > 5 else ''}", file=sys.stderr)
        return 2
    batches: dict[str, Tally] = {}
    for source in sources:
        tally = score_text(source)
        if args.detail and source["batch"] != HIDDEN and tally.details:
            print(f"{source['batch']} {source['name']}:\n" + "\n".join(tally.details))
        batches.setdefault(source["batch"], Tally()).add(tally)
    dev, everything = Tally(), Tally()
    for name in sorted(batches):
        print(_line(name, batches[name]))
        everything.add(batches[name])
        if name != HIDDEN:
            dev.add(batches[name])
    if len([b for b in batches if b != HIDDEN]) > 1:
        print(_line("dev a+b", dev))
    if len(batches) > 1:
        print(_line("all", everything))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
