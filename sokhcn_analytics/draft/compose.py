"""The department's monthly report drafted from the store, as Word (.docx), and read back.

>>> doc = draft_report(load_indicators(), load_tasks(), "2021-01", "so-khcn-bac-kan")  # doctest: +SKIP
>>> doc.save("bao-cao-thang.docx")                                                      # doctest: +SKIP

What is said comes from data: one sentence template per indicator and part in
``draft_sentences.csv`` (``{n}`` a count written 01…09 below ten, ``{q}`` a quantity as it is,
``{m}`` an amount of money in đồng as the department writes it, ``{year}`` the year of the figure's
month, ``{fn}`` where the footnote is cited), the sections
of each part in ``draft_sections.csv``, the unit's names, place and signer in
``data/orgs/<org>.yml`` and the fixed words in ``labels.csv``. A figure that breaks another
down (``breakdown_of``) goes into the footnote of that figure ("¹ Trong đó: 24 nhiệm vụ cấp
tỉnh, …"), or stands alone when that figure is missing; a section without figures gets a
highlighted placeholder. The sentences are worded so that :mod:`sokhcn_analytics.extract.extractor` reads every figure
back: ``sokhcn draft --check`` proves it on the file written.
"""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sokhcn_analytics.core import catalog

from sokhcn_analytics.core import paths
from sokhcn_analytics.draft.form import Form, Line, Note, render
from sokhcn_analytics.core.errors import InputError, Problem, SokhcnError
from sokhcn_analytics.core.project import check_org, unfilled
from sokhcn_analytics.core.model import ILLUSTRATIVE_ORG, REAL_ORG, next_period, parse_period, shift_period
from sokhcn_analytics.core.vnformat import format_number, format_period, parse_number, amount_in_dong

PARTS = ("result", "plan")
ROMAN = ("I", "II", "III", "IV", "V")
REQUIRED_SETTINGS = ("issuing_body", "department", "department_short", "doc_code", "place", "center", "basis",
                     "signer", "recipients", "units")
# the register's moves a sentence may name (column names, space-separated): tasks that reached the status
# in the month, listed with the words of draft.names.<status> in labels.csv
NAME_LISTS = ("", "appraised", "approved", "accepted", "stopped")
MONEY_SCALES = ((1e9, "tỷ đồng"), (1e6, "triệu đồng"))  # read back by the money words of wording.csv


@dataclass(frozen=True)
class Sentence:
    indicator: str
    kind: str
    section: str
    template: str
    breakdown_of: str = ""
    alone: str = ""
    names: str = ""


@dataclass(frozen=True)
class Section:
    part: str
    key: str
    title: str
    unit: str


# --- the data files ------------------------------------------------------------------------------

@lru_cache(maxsize=2)
def load_sentences(path: str | None = None) -> tuple[Sentence, ...]:
    """The sentence templates in the order they are written."""
    path = Path(path or paths.DRAFT_SENTENCES_CSV)
    known = set(catalog.codes())
    rows = []
    with open(path, encoding="utf-8", newline="") as fh:
        for no, row in enumerate(csv.DictReader(fh), start=2):
            sentence = Sentence(**{k: (row.get(k) or "").strip() for k in Sentence.__dataclass_fields__})
            if sentence.indicator not in known or sentence.kind not in PARTS:
                raise SokhcnError(f"{path.name} dòng {no}: chỉ tiêu '{sentence.indicator}' (phần '{sentence.kind}') "
                                  "không có trong danh mục indicators.csv hoặc phần không phải result/plan",
                                  reason="unknown_indicator")
            if (sentence.breakdown_of and not sentence.alone) or not set(sentence.names.split()) <= set(NAME_LISTS):
                raise SokhcnError(f"{path.name} dòng {no}: số chi tiết (breakdown_of) cần câu 'alone' khi thiếu số tổng; "
                                  f"cột names chỉ nhận {', '.join(n for n in NAME_LISTS if n)}", reason="bad_template")
            rows.append(sentence)
    return tuple(rows)


@lru_cache(maxsize=2)
def load_sections(path: str | None = None) -> tuple[Section, ...]:
    with open(path or paths.DRAFT_SECTIONS_CSV, encoding="utf-8", newline="") as fh:
        return tuple(Section(**{k: row[k].strip() for k in Section.__dataclass_fields__}) for row in csv.DictReader(fh))


def load_org_settings(org: str) -> dict:
    """The unit's names, place, signer and recipients from ``data/orgs/<org>.yml`` (made by
    ``sokhcn init --org ORG``), every entry present, of its shape and filled in."""
    import yaml

    path = paths.orgs_dir() / f"{check_org(org)}.yml"
    if not path.is_file():
        raise SokhcnError(catalog.label("settings.missing", org=org, path=path), reason="org_settings_missing")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InputError(Problem("bad_org_settings", catalog.label(
            "settings.unreadable", error=exc.__class__.__name__, org=org), file=str(path))) from exc
    missing = [k for k in REQUIRED_SETTINGS if not data.get(k)] if isinstance(data, dict) else list(REQUIRED_SETTINGS)
    shapes = {"signer": dict, "units": dict, "recipients": list}
    missing += [k for k, kind in shapes.items() if k not in missing and not isinstance(data[k], kind)]
    if missing:
        raise InputError(Problem("bad_org_settings", catalog.label("settings.incomplete", keys=", ".join(missing),
                                                                   org=org), file=str(path)))
    left = unfilled(data)
    if left:
        raise InputError(Problem("org_settings_unfilled", catalog.label("settings.unfilled", keys=", ".join(left)),
                                 file=str(path), value=left))
    return data


# --- numbers -------------------------------------------------------------------------------------

def vn_number(value: float, count: bool = True) -> str:
    """A figure as the department writes it: counts under ten as 01…09, Vietnamese separators,
    as many decimals as the value has.

    >>> vn_number(6), vn_number(36), vn_number(1200), vn_number(2.5, count=False), vn_number(0)
    ('06', '36', '1.200', '2,5', '0')
    """
    value = float(value)
    if count and value.is_integer() and 1 <= value <= 9:
        return f"{int(value):02d}"
    for decimals in range(7):
        text = format_number(value, decimals)
        if parse_number(text) == value:
            return text
    return format_number(value, 6)


def vn_money(value: float) -> str:
    """An amount in đồng as the department writes it: in tỷ or triệu đồng when that is exact,
    else in đồng.

    >>> vn_money(12_500_000), vn_money(18_600_000_000), vn_money(48_300_000), vn_money(2_500_001), vn_money(0)
    ('12,5 triệu đồng', '18,6 tỷ đồng', '48,3 triệu đồng', '2.500.001 đồng', '0 đồng')
    """
    value = float(value)
    for scale, word in MONEY_SCALES:
        if abs(value) >= scale:
            text = vn_number(value / scale, count=False)
            if amount_in_dong(text, int(scale)) == value and len(text.partition(",")[2]) <= 3:  # exact: Decimal
                return f"{text} {word}"
    return f"{vn_number(value, count=False)} đồng"


# --- composing the body ----------------------------------------------------------------------------

def _records(frame) -> list[dict]:
    """Rows as dicts, from a pandas DataFrame, a pyarrow Table or a list of dicts."""
    if frame is None:
        return []
    if hasattr(frame, "to_dict"):
        return frame.to_dict("records")
    if hasattr(frame, "to_pylist"):
        return frame.to_pylist()
    return list(frame)


def month_figures(rows: list[dict], period: str, org: str) -> dict[tuple[str, str], float]:
    """(kind, indicator) → value: the month's results and the plans it makes for the next month."""
    wanted = {("result", period), ("plan", next_period(period))}
    return {(r["kind"], r["indicator"]): float(r["value"]) for r in rows
            if r["org"] == org and (r["kind"], r["period"]) in wanted}


def _fill(template: str, value: float, year: str) -> str:
    try:
        return template.format(n=vn_number(value), q=vn_number(value, count=False), m=vn_money(value), year=year,
                               fn="{fn}")
    except (KeyError, IndexError, ValueError) as exc:
        raise SokhcnError(f"draft_sentences.csv: mẫu câu '{template}' có chỗ trống không hợp lệ ({exc}); chỉ dùng "
                          "{n}, {q}, {m}, {year}, {fn}", reason="bad_template") from exc


def _pieces(text: str, notes: list[str]) -> tuple:
    """The sentence with its footnote cited at ``{fn}``, or before the final stop."""
    note = " ".join(notes)
    if "{fn}" not in text:
        text = text[:-1] + "{fn}." if note and text.endswith(".") else text + ("{fn}" if note else "")
    before, _, after = text.partition("{fn}")
    return tuple(p for p in (before, Note(note) if note else "", after) if p)


def moved_to(tasks: list[dict], period: str, org: str, status: str) -> list[str]:
    """Names of the tasks that reached ``status`` in the month: there now, not in last month's
    register (none without a register of last month to compare with)."""
    previous = {t["task_id"]: t["status"] for t in tasks if t["org"] == org and t["period"] == shift_period(period, -1)}
    if not previous:
        return []
    return [str(t["name"]).strip() for t in tasks if t["org"] == org and t["period"] == period
            and t["status"] == status and previous.get(t["task_id"]) != status and str(t["name"]).strip()]


def compose(figures: dict, period: str, settings: dict, names: dict[str, list[str]] | None = None) -> list[Line]:
    """The body: each part's heading, its sections, and in each one sentence per figure."""
    sentences, names = load_sentences(), names or {}
    placed: set[tuple[str, str]] = set()
    lines: list[Line] = []
    for number, part in enumerate(PARTS):
        month = period if part == "result" else next_period(period)
        year, mm = month[:4], month[5:]
        lines.append(Line("part", (f"{ROMAN[number]}. {catalog.label(f'draft.part.{part}', month=mm, year=year)}",)))
        own = [s for s in sentences if s.kind == part]
        sections = [s for s in load_sections() if s.part == part]
        for i, section in enumerate(sections, start=1):
            lines.append(Line("section", (f"{i}. {section.title.format(center=settings['center'])}",)))
            body = _section_lines(own, section.key, figures, part, year, names if part == "result" else {}, placed)
            if section is sections[-1]:
                body += _unplaced(figures, part, placed)
            lines += body or [Line("placeholder", (catalog.label(
                "draft.placeholder", unit=settings["units"].get(section.unit, section.unit)),))]
    return lines


def _section_lines(own, key, figures, part, year, names, placed) -> list[Line]:
    out = []
    for s in (s for s in own if s.section == key):
        value = figures.get((part, s.indicator))
        if s.breakdown_of:
            if value is not None and (part, s.breakdown_of) not in figures:
                out.append(Line("figure", _pieces(_fill(s.alone, value, year), [])))
                placed.add((part, s.indicator))
            continue
        listed = [catalog.label(f"draft.names.{status}", items="; ".join(names[status]))
                  for status in s.names.split() if names.get(status)]
        if value is None:  # no figure, but the register names tasks: say who
            out += [Line("figure", (text,)) for text in listed]
            continue
        parts_of = [c for c in own if c.breakdown_of == s.indicator and (part, c.indicator) in figures]
        notes = [catalog.label("draft.breakdown", items=", ".join(
            _fill(c.template, figures[(part, c.indicator)], year) for c in parts_of))] if parts_of else []
        out.append(Line("figure", _pieces(_fill(s.template, value, year), notes + listed)))
        placed.update({(part, s.indicator), *((part, c.indicator) for c in parts_of)})
    return out


def _unplaced(figures, part, placed) -> list[Line]:
    """A figure with no sentence: said plainly, highlighted, so that it is neither lost nor sent."""
    return [Line("placeholder", (catalog.label("draft.no_template", name=catalog.name(code)),))
            for (kind, code) in figures if kind == part and (kind, code) not in placed]


# --- the report ----------------------------------------------------------------------------------

def _subject(period: str) -> list[str]:
    y, m = parse_period(period)
    ny, nm = parse_period(next_period(period))
    key = "draft.subject_year_end" if ny != y else "draft.subject"
    return catalog.label(key, month=f"{m:02d}", next_month=f"{nm:02d}", year=y, next_year=ny).split("|")


def make_form(figures: dict, period: str, settings: dict, illustrative: bool, names=None) -> Form:
    """Everything the form shows, composed; :func:`sokhcn_analytics.draft.form.render` lays it out."""
    subject = _subject(period)
    inline = " ".join(subject).replace("; ", ", ")  # in a sentence: "tháng 01, phương hướng …"
    inline = inline[:1].lower() + inline[1:]
    department, signer = settings["department_short"], settings["signer"]
    y, m = parse_period(period)
    return Form(
        issuing_body=settings["issuing_body"], department=settings["department"],
        motto=catalog.label("draft.motto"), slogan=catalog.label("draft.slogan"),
        number=catalog.label("draft.number", code=settings["doc_code"]),
        place_date=catalog.label("draft.place_date", place=settings["place"], month=f"{m:02d}", year=y),
        title=catalog.label("draft.title"), subject=tuple(subject),
        intro=catalog.label("draft.intro", basis=settings["basis"].rstrip(". "), department=department, subject=inline),
        closing=catalog.label("draft.closing", subject=inline, department=department),
        recipients_label=catalog.label("draft.recipients"), recipients=tuple(map(str, settings["recipients"])),
        signer_title=str(signer.get("title", "")), signer_name=str(signer.get("name", "")),
        banner=catalog.label("illustrative.banner") if illustrative else None,
        lines=tuple(compose(figures, period, settings, names)))


def draft_report(df, tasks, period: str, org: str = REAL_ORG, settings: dict | None = None):
    """The month's report of ``org`` as a python-docx ``Document``, ready to save.

    ``df`` holds indicator rows (the store's columns; a DataFrame, a pyarrow Table or a list of
    dicts), ``tasks`` the task register (same; may be empty). Only ``org``'s rows are used: the
    month's results and the plans it made for the next month. Illustrative data (org
    ``minh-hoa``, or rows flagged ``illustrative``) is bannered on every page.
    """
    parse_period(period)
    rows, register = _records(df), _records(tasks)
    settings = settings or load_org_settings(org)
    figures = month_figures(rows, period, org)
    illustrative = bool(settings.get("illustrative")) or org == ILLUSTRATIVE_ORG or any(
        bool(r.get("illustrative")) for r in rows if r["org"] == org and r["period"] in (period, next_period(period)))
    names = {status: moved_to(register, period, org, status) for status in NAME_LISTS if status}
    return render(make_form(figures, period, settings, illustrative, names))


# --- reading the draft back ------------------------------------------------------------------------

def check_draft(path, figures: dict, period: str) -> list[str]:
    """Every figure that does not come back from the draft at ``path`` exactly, in Vietnamese;
    an empty list when all do (and nothing else is read)."""
    from sokhcn_analytics.extract.extractor import extract_indicators, read_report

    df = extract_indicators(read_report(path))
    got: dict[tuple[str, str], list[float]] = {}
    months = {"result": period, "plan": next_period(period)}
    for r in df.itertuples():
        kind = r.kind if r.period == months.get(r.kind) else f"{r.kind}@{r.period}"
        got.setdefault((kind, r.indicator), []).append(float(r.value))
    problems = []
    for key, value in figures.items():
        found = got.pop(key, [])
        if found != [value]:
            how = catalog.label("draft.check.missing") if not found else catalog.label(
                "draft.check.differs", found=", ".join(vn_number(v, count=False) for v in found))
            problems.append(_describe(key, value, months, how))
    for key, values in got.items():
        for v in values:
            problems.append(_describe(key, v, months, catalog.label("draft.check.extra")))
    return problems


def _describe(key, value, months, how) -> str:
    kind, code = key
    month = months.get(kind, kind.partition("@")[2] or months["result"])
    return (f"{catalog.label('kind.' + kind.partition('@')[0])} {format_period(month)} · {catalog.name(code)}: "
            f"{vn_number(value, count=False)} {catalog.unit(code)} — {how}")


# --- the store, read lightly -----------------------------------------------------------------------

def store_rows(processed, org: str, period: str) -> tuple[list[dict], list[dict]]:
    """The org's indicator rows of the month and the next, and its register of the month and the
    last one. Read with pyarrow alone: importing pandas would cost more than the whole draft."""
    import pyarrow.parquet as pq

    from sokhcn_analytics.store.build import result_periods

    folder = Path(processed) if processed else paths.processed_dir()
    if period not in result_periods(folder).get(org, []):  # also rolls a half-committed store forward
        raise SokhcnError(f"kho dữ liệu không có kết quả tháng {format_period(period)} của đơn vị '{org}'; nhập sổ "
                          "số liệu tháng vào data/raw rồi chạy 'sokhcn build'", reason="no_data")
    months, register_months = {period, next_period(period)}, {period, shift_period(period, -1)}

    from sokhcn_analytics.store.parts import files_of

    def rows(kind, keep):
        out = []
        for file in files_of(folder, kind, org):  # ParquetFile.read(), unlike read_table, leaves pandas out
            out += [r for r in pq.ParquetFile(file).read().to_pylist() if r["org"] == org and r["period"] in keep]
        return out

    return rows("indicators", months), rows("tasks", register_months)


def default_path(period: str, org: str) -> Path:
    return paths.reports_dir() / period / f"bao-cao-thang_{org}.docx"


def save(doc, out) -> Path:
    """Write atomically: a reader never finds half a file."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        doc.save(str(tmp))
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out
