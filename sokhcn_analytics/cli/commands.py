"""What each ``sokhcn`` subcommand does: read its arguments, call the package, print.

The parser and :func:`~sokhcn_analytics.cli.main.main` are in :mod:`sokhcn_analytics.cli.main`. Each command imports what
it needs when it runs, so that ``sokhcn --help`` and ``sokhcn report`` (which must not load
pandas before its kernel starts) stay quick.
"""
from __future__ import annotations

import sys
from pathlib import Path

from sokhcn_analytics.core.errors import SokhcnError, with_reason


def cmd_init(args) -> int:
    """``sokhcn init [DIR] --org ORG [--name …] [--place …] [--signer …] [--center …] [--recipient …]… [--force]``."""
    from sokhcn_analytics.core import catalog
    from sokhcn_analytics.core.project import init_project

    done = init_project(args.dir, args.org, force=args.force, name=args.name, place=args.place, signer=args.signer,
                        center=args.center, recipients=args.recipients or ())
    for path in done.created:
        print(catalog.label("init.created", path=path))
    for path in done.kept:
        print(catalog.label("init.kept", path=path))
    if done.unfilled:
        print(catalog.label("init.unfilled", count=len(done.unfilled), path=done.settings,
                            keys=", ".join(done.unfilled)))
    print(catalog.label("init.next", org=args.org, root=done.root))
    return 0


def cmd_template(args) -> int:
    from sokhcn_analytics.core.model import REAL_ORG
    from sokhcn_analytics.ingest.workbook import write_template

    print(write_template(args.period, args.out, org=args.org or REAL_ORG))
    return 0


def cmd_build(args) -> int:
    from sokhcn_analytics.store.build import build_store

    result = build_store(args.raw, args.processed, force=args.force)
    print(result.message)
    if result.changed and result.read:
        _print_new_flags(result, args.processed)
    if args.diff:
        print_diff(result.diff if result.diff is not None else _stored_diff(args.processed))
    return 0


def _print_new_flags(result, processed) -> None:
    """The flags of the rows this build read, on stderr, at most a screenful (older flags: ``sokhcn flags``).

    Only the orgs whose parts the build rewrote are read and judged: a flag's level comes from its
    own org's earlier months, so no other org's flags can have changed.
    """
    from sokhcn_analytics.analysis.flag_list import capped_lines, flags_of_files
    from sokhcn_analytics.analysis.plausibility import flags
    from sokhcn_analytics.store.build import load_indicators

    found = flags_of_files(flags(load_indicators(processed, orgs=result.orgs_rewritten)), result.read)
    for line in capped_lines(found, processed):
        print(line, file=sys.stderr)


def _stored_diff(processed):
    from sokhcn_analytics.store.build import diff_sources, load_sources

    return diff_sources(load_sources(processed))


def print_diff(diff) -> None:
    if diff is None or not len(diff):
        print("Không có khác biệt giữa sổ đã rà soát và số trích từ báo cáo.")
        return
    print(f"{len(diff)} khác biệt giữa sổ đã rà soát (workbook) và số trích từ báo cáo (report):")
    print(diff.to_string(index=False))


def cmd_summary(args) -> int:
    from sokhcn_analytics.analysis.summary import summary_months, summary_table

    print(summary_table(args.processed, args.period, args.org))
    _print_month_flags(args.processed, summary_months(args.processed, args.period, args.org))
    return 0


def _print_month_flags(processed, months: dict[str, str]) -> None:
    """The flags of the month the summary shows for each org (``{org: period}``), capped like a build's."""
    from sokhcn_analytics.analysis.flag_list import capped_lines
    from sokhcn_analytics.analysis.plausibility import flags
    from sokhcn_analytics.store.build import load_indicators

    if not months:
        return
    found = flags(load_indicators(processed, orgs=sorted(months)))
    found = found[found["period"] == found["org"].map(months)]
    for line in capped_lines(found, processed):
        print(line, file=sys.stderr)


def cmd_flags(args) -> int:
    """``sokhcn flags [--org ORG] [--period P | --from P --to P | --all] [--format table|csv]``."""
    from sokhcn_analytics.analysis.flag_list import flag_csv, flag_table, select
    from sokhcn_analytics.analysis.plausibility import flags
    from sokhcn_analytics.core.catalog import label
    from sokhcn_analytics.store.build import load_indicators, result_periods

    if args.all and (args.period or args.from_period or args.to_period):
        raise SokhcnError(label("flags.all_with_period"), reason="bad_range")
    latest = {org: periods[-1] for org, periods in result_periods(args.processed).items() if periods}
    df = load_indicators(args.processed, orgs=[args.org] if args.org else None)
    found = select(flags(df, org=args.org), latest, args.period, args.from_period, args.to_period, args.all)
    sys.stdout.write(flag_csv(found) if args.format == "csv" else flag_table(found) + "\n")
    return 0


def cmd_demo_data(args) -> int:
    from sokhcn_analytics.core import catalog
    from sokhcn_analytics.core.paths import orgs_dir, raw_dir
    from sokhcn_analytics.core.project import write_illustrative_settings
    from sokhcn_analytics.ingest.demo import demo_orgs, make_demo_data

    out = Path(args.out) if args.out else raw_dir() / "illustrative"
    files = make_demo_data(out, args.start, args.end, args.seed, orgs=args.orgs)
    orgs = f" của {args.orgs} đơn vị" if args.orgs > 1 else ""
    print(f"Đã tạo {len(files)} sổ số liệu MINH HỌA{orgs} trong {out}")
    created, _ = write_illustrative_settings(orgs_dir(), demo_orgs(args.orgs))  # for `sokhcn draft --org minh-hoa`
    for path in created:
        print(catalog.label("init.created", path=path))
    return 0


def cmd_extract(args) -> int:
    """``sokhcn extract REPORT... [--format csv|json] [--period YYYY-MM] [--to-workbook OUT.xlsx] [--review]``.

    Rows go to standard output; unrecognised quantities and errors to standard error. Every
    report is tried; the exit code is 1 when any of them failed.
    """
    import warnings

    import pandas as pd

    from sokhcn_analytics.extract.extractor import OUTPUT_COLUMNS, extract_indicators, read_report

    done, failed = [], False
    for path in args.reports:
        try:
            with warnings.catch_warnings(record=True) as caught:  # e.g. a legacy encoding: one plain line
                warnings.simplefilter("always")
                report = read_report(path, getattr(args, "period", None))
            for w in caught:
                print(str(w.message), file=sys.stderr)
            if getattr(args, "review", False):
                _print_review(report)
                continue
            done.append((report, extract_indicators(report)))
            _print_unrecognised(report)
        except SokhcnError as exc:
            print(str(exc), file=sys.stderr)
            failed = True
    if getattr(args, "review", False):
        return 1 if failed else 0
    frames = [df for _, df in done]
    out = pd.concat(frames, ignore_index=True)[OUTPUT_COLUMNS] if frames else pd.DataFrame(columns=OUTPUT_COLUMNS)
    if getattr(args, "format", "csv") == "json":
        sys.stdout.write(out.to_json(orient="records", force_ascii=False, indent=1) + "\n")
    else:
        out = out.assign(value=[_plain_number(v) for v in out["value"]])
        sys.stdout.write(out.to_csv(index=False, lineterminator="\n"))
    if getattr(args, "to_workbook", None) and done:
        try:
            _write_workbook(done, args.to_workbook)
        except SokhcnError as exc:
            print(str(exc), file=sys.stderr)
            failed = True
    return 1 if failed else 0


def _plain_number(value: float) -> str:
    """36.0 → "36", 2.5 → "2.5", 1234567.0 → "1234567" (machine-readable, never 1.23e+06)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _print_unrecognised(report) -> None:
    from sokhcn_analytics.core import catalog
    from sokhcn_analytics.extract.extractor import unrecognised

    rows = unrecognised(report)
    if rows.empty:
        return
    print(catalog.label("extract.unrecognised_header", file=Path(report.path).name, count=len(rows)),
          file=sys.stderr)
    for r in rows.itertuples():
        print(f"  dòng {r.line}: {r.quote}", file=sys.stderr)


def _print_review(report) -> None:
    """``sokhcn extract --review``: each number that needs a person, with its line, reason and sentence."""
    from sokhcn_analytics.core import catalog
    from sokhcn_analytics.extract.extractor import review

    rows = review(report)
    print(catalog.label("extract.review_header", file=Path(report.path).name, count=len(rows)))
    for r in rows.itertuples():
        reason = catalog.label(f"extract.review.{r.reason}", default=r.reason)
        print(f"  dòng {r.line}: «{r.quote}» — {reason}\n      {r.sentence}")


def _write_workbook(done, out_path) -> None:
    """The monthly workbook prefilled with one report's figures, each quote as a cell comment."""
    from sokhcn_analytics.core.model import REAL_ORG
    from sokhcn_analytics.ingest.workbook import write_template

    if len(done) != 1:
        raise SokhcnError("--to-workbook chỉ nhận một báo cáo mỗi lần; hãy chạy lại với đúng một tệp báo cáo",
                          reason="too_many_reports")
    report, df = done[0]
    df = df[df["span"] == 1]  # the workbook holds the month: quarter and year figures are not its cells
    results, plans = df[df["kind"] == "result"], df[df["kind"] == "plan"]
    comments = {(code, kind): "\n".join(group["quote"]) for (code, kind), group in df.groupby(["indicator", "kind"])}
    notes = {code: "Trích từ báo cáo: " + " | ".join(group["quote"]) for code, group in df.groupby("indicator")}
    write_template(report.period, out_path, org=REAL_ORG, results=_values(results), plans=_values(plans),
                   comments=comments, notes=notes)


def _values(df) -> dict[str, float]:
    """code → value; several statements of a flow add up, of a stock the first one counts."""
    from sokhcn_analytics.core import catalog

    out: dict[str, float] = {}
    for r in df.itertuples():
        if r.indicator in out and catalog.aggregation(r.indicator) == "sum":
            out[r.indicator] += r.value
        else:
            out.setdefault(r.indicator, r.value)
    return out


def cmd_check(args) -> int:
    """``sokhcn check``: each stated quarter, half year or year beside the sum of its months."""
    from sokhcn_analytics.analysis.reconcile import check_text
    from sokhcn_analytics.store.build import load_indicators

    text, differs = check_text(load_indicators(args.processed), args.org, args.period, args.differences)
    print(text)
    return 0


def cmd_draft(args) -> int:
    """``sokhcn draft --period YYYY-MM [--org ORG] [--out FILE.docx] [--check] [--processed DIR]``."""
    from sokhcn_analytics.core import catalog
    from sokhcn_analytics.draft import compose as draft
    from sokhcn_analytics.core.model import REAL_ORG

    org = args.org or REAL_ORG
    settings = draft.load_org_settings(org)
    rows, register = draft.store_rows(getattr(args, "processed", None), org, args.period)
    out = Path(args.out) if args.out else draft.default_path(args.period, org)
    if out.suffix.lower() != ".docx":
        raise SokhcnError(f"tệp ra '{out}' phải có đuôi .docx", reason="bad_out")
    draft.save(draft.draft_report(rows, register, args.period, org, settings), out)
    print(catalog.label("draft.written", path=out))
    if not args.check:
        return 0
    figures = draft.month_figures(rows, args.period, org)
    problems = draft.check_draft(out, figures, args.period)
    if not problems:
        print(catalog.label("draft.check.ok", count=len(figures)))
        return 0
    print(catalog.label("draft.check.failed", count=len(problems), file=out.name), file=sys.stderr)
    for line in problems:
        print(f"  - {line}", file=sys.stderr)
    return 1


def cmd_report(args) -> int:
    """``sokhcn report``: print each written path on its own line; non-zero exit on any failure."""
    from sokhcn_analytics.core.catalog import label

    try:
        return _report(args)
    except SokhcnError as e:
        print(with_reason(str(e), e.reason), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(label("report.interrupted"), file=sys.stderr)
        return 130


def _report(args) -> int:
    from sokhcn_analytics.reports import runner as report
    from sokhcn_analytics.core.catalog import label
    from sokhcn_analytics.core.errors import ReportError
    from sokhcn_analytics.store.build import result_periods

    out = report.validate_out(getattr(args, "out", None))
    n_jobs = int(getattr(args, "jobs", 1) or 1)
    if n_jobs < 1:
        raise ReportError(label("report.bad_jobs", jobs=n_jobs), reason="bad_jobs")
    for p in (args.period, getattr(args, "from_period", None), getattr(args, "to_period", None)):
        if p:
            report.validate_period(p)
    data = getattr(args, "data", None)
    notebooks = list(getattr(args, "notebooks", None) or report.DEFAULT_NOTEBOOKS)
    for name in notebooks:  # unknown names fail before the store is read
        report.resolve_notebook(name)
    # from the manifest: no pandas in this process before the kernel is launched
    periods = report.select_periods(result_periods(data), args.period, bool(getattr(args, "all", False)),
                                    getattr(args, "from_period", None), getattr(args, "to_period", None))
    jobs = report.plan_jobs(periods, notebooks, processed_dir=data, out=out,
                            lang=getattr(args, "lang", "vi") or "vi")
    warnings = []

    def show(res, bar):
        for path in res.written:
            bar.write(path, file=sys.stdout)
        sys.stdout.flush()
        if res.error:
            bar.write(res.error, file=sys.stderr)
        if res.warning and res.warning not in warnings:
            warnings.append(res.warning)

    try:
        results = report.run_jobs(jobs, n_jobs=n_jobs, pdf=not getattr(args, "no_pdf", False), on_result=show)
    finally:  # what is in the folder, this run's reports and earlier ones, even when some failed
        from sokhcn_analytics.reports.index import update_index

        index = update_index(out, lang=getattr(args, "lang", "vi") or "vi")
    for w in warnings:
        print(w, file=sys.stderr)
    failed = [r for r in results if r.error]
    if failed:
        print(label("report.summary_failed", failed=len(failed), total=len(results)), file=sys.stderr)
        for r in failed:
            print(f"  - {r.error}", file=sys.stderr)
            if r.partial:
                print("    " + label("report.partial_kept", path=r.partial), file=sys.stderr)
    print(index)  # the page to open: the last line, after the failures if any
    return 1 if failed else 0
