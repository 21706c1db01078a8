"""Texts the extractor was not written for (issue 12): news restatements, inspection bulletins,
quarterly, half-year, nine-month and annual reports and tables of other provinces' departments,
written for these tests (imitations, no sentence copied from a published page), each with the
rows a careful analyst reads: ``period, span, indicator, value, kind``. A row ``never`` names a
number of the text that is no figure (a team's name, a document number, a date, a grade, a page
counter, a percentage of change, a column of another period): it must not be read as any value.

The texts whose name starts with ``held-`` were written with the others and measured before any
wording was tuned on this corpus; the wording was tuned on the others only.
"""
from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from sokhcn_analytics.extract.extractor import extract_indicators, read_report

CORPUS = Path(__file__).parent / "data" / "extract" / "corpus"
TEXTS = sorted(CORPUS.glob("*.txt"))
HELD_OUT = [p for p in TEXTS if p.name.startswith("held-")]


def _expected(path: Path) -> tuple[Counter, set[float]]:
    rows, never = Counter(), set()
    with open(path.with_suffix(".expected.csv"), encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["indicator"] == "never":
                never.add(float(r["value"]))
            else:
                rows[(r["period"], int(r["span"]), r["indicator"], float(r["value"]), r["kind"])] += 1
    return rows, never


@pytest.fixture(scope="module")
def readings() -> dict[str, tuple[Counter, Counter, set[float]]]:
    out = {}
    for path in TEXTS:
        df = extract_indicators(read_report(path))
        got = Counter(zip(df["period"], df["span"].astype(int), df["indicator"], df["value"].astype(float), df["kind"]))
        want, never = _expected(path)
        out[path.name] = (got, want, never)
    return out


# Measured 2026-12-08 on this corpus: held-out 94/95 rows (98.9 %), whole corpus 188/189 (99.5 %); the one
# row missing is held-quang-nam-2022-03-news (tasks_identified 13). Extra rows (read, but in no expected
# file): none in the held-out texts, two in the whole corpus, each a figure of the text the expected file
# does not list (a careful analyst may read them; the files were not changed to suit the extractor):
KNOWN_EXTRA = [("hoa-binh-2022-11-monthly.txt", ("2022-11", 1, "ip_applications", 3.0, "result")),
               ("lang-son-2022-06-halfyear.txt", ("2022-06", 6, "tasks_new", 17.0, "result"))]
MISSING_AT_MOST = 1  # rows of the expected files not read, held-out and whole corpus alike


def _score(readings, paths) -> tuple[int, int, list, list, list, list]:
    found = total = 0
    wrong, never_read, missing, extra = [], [], [], []
    for path in paths:
        got, want, never = readings[path.name]
        hit = got & want
        found += sum(hit.values())
        total += sum(want.values())
        missing += [(path.name, row) for row in (want - got).elements()]
        wanted_keys = {(p, s, i, k) for p, s, i, _, k in want}
        unexpected = [(path.name, row) for row in (got - want).elements()]
        wrong += [(name, row) for name, row in unexpected if (row[0], row[1], row[2], row[4]) in wanted_keys]
        extra += [(name, row) for name, row in unexpected if (row[0], row[1], row[2], row[4]) not in wanted_keys
                  and row[3] not in never]
        never_read += [(path.name, row) for row in got.elements() if row[3] in never]
    return found, total, wrong, never_read, missing, extra


def test_corpus_is_broad_enough():
    assert len(TEXTS) >= 30 and len(HELD_OUT) >= 10
    provinces = {p.stem.removeprefix("held-").rsplit("-", 2)[0].rsplit("-", 1)[0] for p in TEXTS}
    assert len(provinces) >= 10
    for path in TEXTS:
        assert path.with_suffix(".expected.csv").is_file(), path.name


def test_held_out_texts_read_every_row_but_one_with_no_wrong_or_extra_value(readings):
    found, total, wrong, never_read, missing, extra = _score(readings, HELD_OUT)
    assert not wrong, f"a wrong value for a right code: {wrong}"
    assert not never_read, f"a number that is no figure read as one: {never_read}"
    assert not extra, f"rows no expected file lists: {extra}"
    assert len(missing) <= MISSING_AT_MOST, f"recall {found}/{total} (measured 94/95); missing {missing}"


def test_whole_corpus_reads_every_row_but_one_with_no_wrong_value_and_only_the_known_extra_rows(readings):
    found, total, wrong, never_read, missing, extra = _score(readings, TEXTS)
    assert not wrong, f"a wrong value for a right code: {wrong}"
    assert not never_read, f"a number that is no figure read as one: {never_read}"
    assert extra == KNOWN_EXTRA, f"rows no expected file lists (measured: the {len(KNOWN_EXTRA)} known): {extra}"
    assert len(missing) <= MISSING_AT_MOST, f"recall {found}/{total} (measured 188/189); missing {missing}"


def recall_report() -> str:
    """What the corpus scores, for the record (``python -m tests.test_extract_corpus``)."""
    from sokhcn_analytics.core.errors import SokhcnError

    readings = {}
    for path in TEXTS:
        try:
            df = extract_indicators(read_report(path))
        except SokhcnError:
            df = extract_indicators(read_report(path, "1990-01"))  # no period found: nothing can match
        got = Counter(zip(df["period"], df["span"].astype(int), df["indicator"], df["value"].astype(float), df["kind"]))
        want, never = _expected(path)
        readings[path.name] = (got, want, never)
    lines = []
    for label, paths in (("held-out", HELD_OUT), ("all", TEXTS)):
        found, total, wrong, never_read, missing, extra = _score(readings, paths)
        lines.append(f"{label}: {found}/{total} = {found / total:.1%}; wrong {len(wrong)}; never read {len(never_read)}; "
                     f"extra {len(extra)}")
        lines += [f"  missing {m}" for m in missing] + [f"  WRONG {w}" for w in wrong] + [f"  NEVER {n}" for n in never_read]
        lines += [f"  EXTRA {x}" for x in extra]
    return "\n".join(lines)


if __name__ == "__main__":
    print(recall_report())
