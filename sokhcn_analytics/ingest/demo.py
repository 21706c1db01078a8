"""An illustrative (synthetic) multi-year data set, made deterministically.

Scale comes from the real January 2021 report (250 kg of mushroom spawn, 700 bags of
mushrooms, 68 construction-material samples, 36 tasks under management); seasonality is a
plausible guess: little work around Tết (February), more construction testing in the dry
season, more calibration before year end. Every row is ``illustrative=True`` under its own
org (:data:`~sokhcn_analytics.core.model.ILLUSTRATIVE_ORG`) and folder, so it can never be
mistaken for, or added to, the department's real figures.

    sokhcn demo-data --out data/raw/illustrative --start 2019-01 --end 2021-12 --seed 2021

``--orgs N`` (N > 1) makes N illustrative departments, ``minh-hoa-01`` … ``minh-hoa-NN``, each
in its own sub-folder and with its own scale, for a national roll-up of the store (34
departments × 10 years is what ``benchmarks/bench_store.py`` builds). Every one of them is
``illustrative=True``; the same arguments always give the same files.
"""
from __future__ import annotations

import math
import random
from pathlib import Path

from sokhcn_analytics.core.model import ILLUSTRATIVE_ORG, next_period, parse_period, shift_period

# indicator: (monthly level, seasonal amplitude, month of peak, noise share)
FLOWS = {
    "mushroom_spawn_kg": (260, 0.35, 11, 0.15),
    "mushroom_bags": (720, 0.30, 12, 0.15),
    "orchid_flasks": (30, 0.40, 4, 0.30),
    "orchid_bags": (55, 0.30, 10, 0.25),
    "material_samples_tested": (70, 0.45, 12, 0.20),
    "instruments_verified": (160, 0.40, 11, 0.20),
    "grounding_systems_measured": (6, 0.40, 6, 0.40),
    "training_classes": (3, 0.60, 9, 0.40),
    "media_programs": (2, 0.20, 6, 0.40),
    "admin_procedures": (2, 0.50, 3, 0.60),
    "inspections": (2, 0.60, 8, 0.50),
    "ip_applications": (2, 0.40, 5, 0.60),
    "budget_appraisals": (2, 0.50, 3, 0.50),
}
GROWTH = 0.06  # a year-on-year growth so trends are visible
TET_FACTOR = 0.55  # February output falls around the lunar new year
PLANNED = ("mushroom_spawn_kg", "mushroom_bags", "material_samples_tested", "inspections", "training_classes")
LEVEL_MIX = ["provincial"] * 8 + ["national", "ntmn"]
PATH_TO_ACCEPTANCE = ["proposed", "reviewed", "appraised", "approved", "in_progress", "accepted"]
TOPICS = ["cây dược liệu", "nấm Linh chi", "quýt Bắc Kạn", "hồng không hạt", "mận chín sớm", "chè Shan tuyết",
          "gạo nếp đặc sản", "bưởi Diễn", "cá bản địa", "vi sinh vật hữu ích", "thông tin nông nghiệp", "GIS"]


def make_demo_data(out, start: str = "2019-01", end: str = "2021-12", seed: int = 2021, orgs: int = 1) -> list[Path]:
    """Write one illustrative workbook per month from ``start`` to ``end`` into ``out``.

    With ``orgs`` > 1, one sub-folder per illustrative org (:func:`demo_orgs`), each org
    with its own seed and scale. The same arguments always give the same figures.
    """
    if orgs < 1:
        raise ValueError(f"số đơn vị minh họa phải ít nhất là 1, nhận được {orgs}")
    if orgs == 1:
        return _make_org(Path(out), ILLUSTRATIVE_ORG, start, end, seed)
    written = []
    for i, org in enumerate(demo_orgs(orgs)):
        written += _make_org(Path(out) / org, org, start, end, seed * 1000 + i + 1, _org_scale(seed, i))
    return written


def demo_orgs(n: int) -> list[str]:
    """The names of ``n`` illustrative orgs: ``["minh-hoa"]`` for one, else ``minh-hoa-01`` … ``minh-hoa-NN``."""
    if n == 1:
        return [ILLUSTRATIVE_ORG]
    width = max(2, len(str(n)))
    return [f"{ILLUSTRATIVE_ORG}-{i:0{width}d}" for i in range(1, n + 1)]


def _org_scale(seed: int, i: int) -> float:
    """A department's size relative to the one the figures are modelled on (0.5–2×)."""
    return round(random.Random(f"{seed}-scale-{i}").uniform(0.5, 2.0), 2)


def _make_org(out: Path, org: str, start: str, end: str, seed: int, scale: float = 1.0) -> list[Path]:
    from sokhcn_analytics.ingest.workbook import write_template

    rng = random.Random(seed)
    tasks = _TaskRegister(random.Random(seed + 1), parse_period(start)[0])
    written, period = [], start
    while parse_period(period) <= parse_period(end):
        results = _month_results(rng, period, tasks, scale)
        plans = {code: _flow(random.Random(f"{seed}-{code}-{next_period(period)}"), code, next_period(period), scale)
                 for code in PLANNED}
        targets = _annual_targets(period, scale) if period.endswith("-01") else None
        path = out / f"{period}_{org}.xlsx"
        written.append(write_template(period, path, org=org, results=results, plans=plans,
                                      targets=targets, tasks=tasks.snapshot(), reviewed=True, illustrative=True,
                                      notes={c: "Số liệu minh họa (tự tạo)" for c in results}))
        period = next_period(period)
    return written


def _flow(rng: random.Random, code: str, period: str, scale: float = 1.0) -> float:
    level, amplitude, peak, noise = FLOWS[code]
    level *= scale
    year, month = parse_period(period)
    season = 1 + amplitude * math.cos(2 * math.pi * (month - peak) / 12)
    trend = (1 + GROWTH) ** (year - 2021)
    tet = TET_FACTOR if month == 2 else 1.0
    value = level * season * trend * tet * (1 + rng.uniform(-noise, noise))
    return float(max(0, round(value / 10) * 10 if level >= 100 else round(value)))


def _month_results(rng: random.Random, period: str, tasks: "_TaskRegister", scale: float = 1.0) -> dict:
    results = {code: _flow(rng, code, period, scale) for code in FLOWS}
    tasks.advance(period)
    results.update(tasks.counts(period))
    return results


def _annual_targets(period: str, scale: float = 1.0) -> dict:
    months = [shift_period(period, i) for i in range(12)]
    targets = {}
    for code in FLOWS:
        expected = sum(_flow(random.Random(0), code, p, scale) for p in months)
        targets[code] = float(round(expected * 1.05, -1 if expected >= 100 else 0))
    return targets


class _TaskRegister:
    """Tasks that move one status at a time, so the pipeline has something to show."""

    def __init__(self, rng: random.Random, first_year: int):
        self.rng = rng
        self.tasks: list[dict] = []
        for i in range(30):  # tasks already running when the data set starts
            self._add(first_year - rng.choice([0, 1, 1, 2]), status="in_progress")
        self.year = first_year

    def _add(self, year: int, status: str = "proposed"):
        n = len(self.tasks) + 1
        level = self.rng.choice(LEVEL_MIX)
        self.tasks.append(dict(task_id=f"MH-{year}-{n:03d}", name=f"Nhiệm vụ minh họa số {n}: "
                               f"{self.rng.choice(TOPICS)}", level=level, status=status, start_year=year,
                               end_year=year + self.rng.choice([2, 2, 3]), lead_org="Đơn vị chủ trì minh họa",
                               started=year))

    def advance(self, period: str):
        year, month = parse_period(period)
        if month == 9:  # proposals for next year's batch
            for _ in range(self.rng.randint(10, 13)):
                self._add(year + 1)
        for task in self.tasks:
            if task["status"] in ("accepted", "stopped"):
                continue
            if task["status"] == "in_progress":
                if year >= task["end_year"] and month >= 6 and self.rng.random() < 0.15:
                    task["status"] = "accepted" if self.rng.random() > 0.05 else "stopped"
            elif self.rng.random() < 0.35:
                task["status"] = PATH_TO_ACCEPTANCE[PATH_TO_ACCEPTANCE.index(task["status"]) + 1]
        self.accepted_now = sum(t["status"] == "accepted" and not t.get("counted") for t in self.tasks)
        for task in self.tasks:
            if task["status"] == "accepted":
                task["counted"] = True

    def counts(self, period: str) -> dict:
        year, _ = parse_period(period)
        managed = [t for t in self.tasks if t["status"] in ("approved", "in_progress") and t["start_year"] <= year]
        continuing = [t for t in managed if t["start_year"] < year]
        new = [t for t in managed if t["start_year"] == year]
        out = {"tasks_managed": len(managed), "tasks_continuing": len(continuing), "tasks_new": len(new),
               "tasks_accepted": self.accepted_now}
        for level in ("provincial", "national", "ntmn"):
            out[f"tasks_continuing_{level}"] = sum(t["level"] == level for t in continuing)
            out[f"tasks_new_{level}"] = sum(t["level"] == level for t in new)
        return {k: float(v) for k, v in out.items()}

    def snapshot(self) -> list[dict]:
        return [{k: v for k, v in t.items() if k not in ("started", "counted")} for t in self.tasks]
