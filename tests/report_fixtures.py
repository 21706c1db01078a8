"""Small stores and notebooks for the report tests (written into tmp dirs).

:func:`write_store` is the store production makes: monthly workbooks written with the shipped
template (:func:`write_template`) and ingested by the real :func:`build_store` (manifest and
per-org parts). The workbooks are written and built once per test session, then copied.
:func:`write_single_file_store` keeps the old single-file layout, only for the tests of that layout.
"""
from __future__ import annotations

import argparse
import atexit
import shutil
import tempfile
from pathlib import Path

import nbformat
import pandas as pd
from nbformat.v4 import new_code_cell, new_notebook

from sokhcn_analytics.core.model import ILLUSTRATIVE_ORG, REAL_ORG, normalize_indicators, normalize_tasks

# The real department's figures in the small store (period 2021-03); the HTML must show them.
REAL = {"mushroom_spawn_kg": 1234.5, "instruments_verified": 180.0, "material_samples_tested": 68.0}
# The illustrative org: mushroom spawn by month, 2020-01..2021-03.
DEMO_SPAWN = {f"2020-{m:02d}": 200.0 + 10 * m for m in range(1, 13)}
DEMO_SPAWN.update({"2021-01": 250.0, "2021-02": 180.0, "2021-03": 300.0})
DEMO_TARGETS = {"2020": 3000.0, "2021": 3200.0}  # in each January workbook
DEMO_PLANS = {"2021-02": 280.0, "2021-03": 260.0}  # next month's plan, by the workbook's period
TASK_STATUSES = {"2021-02": ["approved", "in_progress", "proposed"], "2021-03": ["in_progress", "accepted", "reviewed"]}
HOSTILE = '<script>alert("x")</script> & <b>'


def indicator_rows() -> pd.DataFrame:
    rows = []
    for p, v in DEMO_SPAWN.items():
        rows.append((ILLUSTRATIVE_ORG, p, "mushroom_spawn_kg", v, "kg", "result", f"illustrative/{p}.xlsx", "ChiTieu!D20"))
        rows.append((ILLUSTRATIVE_ORG, p, "instruments_verified", 100.0 + int(p[-2:]), "phương tiện", "result",
                     f"illustrative/{p}.xlsx", "ChiTieu!D30"))
        rows.append((ILLUSTRATIVE_ORG, p, "tasks_managed", 30.0 + int(p[-2:]) % 3, "nhiệm vụ", "result",
                     f"illustrative/{p}.xlsx", "ChiTieu!D5"))
    for y, target in ((2020, DEMO_TARGETS["2020"]), (2021, DEMO_TARGETS["2021"])):
        rows.append((ILLUSTRATIVE_ORG, f"{y}-01", "mushroom_spawn_kg", target, "kg", "target",
                     f"illustrative/{y}-01.xlsx", "ChiTieu!E20"))
    rows.append((ILLUSTRATIVE_ORG, "2021-03", "mushroom_spawn_kg", 280.0, "kg", "plan", "illustrative/2021-02.xlsx",
                 "ChiTieu!F20"))
    rows.append((ILLUSTRATIVE_ORG, "2021-04", "mushroom_spawn_kg", 260.0, "kg", "plan", "illustrative/2021-03.xlsx",
                 "ChiTieu!F20"))
    for code, v in REAL.items():
        rows.append((REAL_ORG, "2021-03", code, v, "", "result", "workbooks/2021-03_so-khcn-bac-kan.xlsx",
                     f"ChiTieu!D9 — {HOSTILE}"))
    df = pd.DataFrame(rows, columns=["org", "period", "indicator", "value", "unit", "kind", "source_file", "source_ref"])
    df["reviewed"] = True
    df["illustrative"] = df["org"] == ILLUSTRATIVE_ORG
    return normalize_indicators(df)


def task_rows() -> pd.DataFrame:
    rows = []
    for p, st in TASK_STATUSES.items():
        for i, s in enumerate(st):
            name = HOSTILE if i == 2 else f"Nhiệm vụ số {i}"
            rows.append((ILLUSTRATIVE_ORG, p, f"T{i}", name, "provincial" if i else "national", s, 2021, 2022,
                         "Sở KH&CN", f"illustrative/{p}.xlsx", f"NhiemVu!B{i + 5}", True))
    rows.append((ILLUSTRATIVE_ORG, "2021-03", "T9", "Nhiệm vụ mới " + HOSTILE, "ntmn", "proposed", 2021, 2023, "Sở KH&CN",
                 "illustrative/2021-03.xlsx", "NhiemVu!B9", True))
    return normalize_tasks(pd.DataFrame(rows, columns=["org", "period", "task_id", "name", "level", "status",
                                                       "start_year", "end_year", "lead_org", "source_file",
                                                       "source_ref", "illustrative"]))


def write_workbooks(raw: Path) -> Path:
    """The monthly workbooks behind :func:`indicator_rows` and :func:`task_rows`, as staff fill them in."""
    from sokhcn_analytics.ingest.template import write_template

    for p, spawn in DEMO_SPAWN.items():
        month = int(p[-2:])
        tasks = [dict(task_id=f"T{i}", name=HOSTILE if i == 2 else f"Nhiệm vụ số {i}",
                      level="provincial" if i else "national", status=s, start_year=2021, end_year=2022,
                      lead_org="Sở KH&CN") for i, s in enumerate(TASK_STATUSES.get(p, []))]
        if p == "2021-03":
            tasks.append(dict(task_id="T9", name="Nhiệm vụ mới " + HOSTILE, level="ntmn", status="proposed",
                              start_year=2021, end_year=2023, lead_org="Sở KH&CN"))
        write_template(p, raw / "illustrative" / f"{p}_{ILLUSTRATIVE_ORG}.xlsx", org=ILLUSTRATIVE_ORG,
                       results={"mushroom_spawn_kg": spawn, "instruments_verified": 100.0 + month,
                                "tasks_managed": 30.0 + month % 3},
                       plans={"mushroom_spawn_kg": v} if (v := DEMO_PLANS.get(p)) else None,
                       targets={"mushroom_spawn_kg": DEMO_TARGETS[p[:4]]} if p.endswith("-01") else None,
                       tasks=tasks, reviewed=True, illustrative=True)
    write_template("2021-03", raw / "workbooks" / f"2021-03_{REAL_ORG}.xlsx", org=REAL_ORG, results=REAL,
                   notes={code: HOSTILE for code in REAL}, reviewed=True)
    return raw


_BUILT: list[Path] = []


def built_store() -> Path:
    """The store :func:`build_store` makes of :func:`write_workbooks`, built once per session (read-only)."""
    from sokhcn_analytics.store.build import build_store

    if not _BUILT:
        root = Path(tempfile.mkdtemp(prefix="sokhcn-report-store-"))
        atexit.register(shutil.rmtree, root, True)
        build_store(write_workbooks(root / "raw"), root / "processed")
        _BUILT.append(root / "processed")
    return _BUILT[0]


def write_store(folder: Path) -> Path:
    """A writable copy of :func:`built_store` at ``folder`` (manifest and parts, as production writes them)."""
    shutil.copytree(built_store(), folder, ignore=shutil.ignore_patterns(".lock"), dirs_exist_ok=True)
    return folder


def write_single_file_store(folder: Path) -> Path:
    """The old single-file layout (``indicators.parquet``, ``tasks.parquet``, no manifest): only for its own tests."""
    folder.mkdir(parents=True, exist_ok=True)
    indicator_rows().to_parquet(folder / "indicators.parquet", index=False)
    task_rows().to_parquet(folder / "tasks.parquet", index=False)
    return folder


def failing_notebook(path: Path, fail_period: str) -> Path:
    """A tiny monthly notebook that raises for one period (the failure-mode fixture)."""
    params = new_code_cell('period = "2021-01"\nprocessed_dir = None\nlang = "vi"')
    params.metadata["tags"] = ["parameters"]
    body = new_code_cell(f'if period == "{fail_period}":\n    raise RuntimeError("hỏng kỳ " + period)\nprint(period)')
    nb = new_notebook(cells=[params, body], metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "sokhcn": {"scope": "month"}})
    nbformat.write(nb, path)
    return path


def args(**kw) -> argparse.Namespace:
    """The namespace the lead's argparse gives ``cli_commands.cmd_report``."""
    base = dict(period=None, notebooks=None, data=None, out="reports", no_pdf=False, all=False,
                from_period=None, to_period=None, jobs=1)
    base.update(kw)
    return argparse.Namespace(**base)
