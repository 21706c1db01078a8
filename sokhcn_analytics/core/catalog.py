"""The indicator catalog and the label catalog, both data files shipped in the package.

``indicators.csv`` holds one row per indicator: code, Vietnamese and English names and
units, category and how months add up (``sum`` for flows, ``last`` for stocks). ``labels.csv``
holds every other leadership-facing word, in Vietnamese and English. Adding an indicator or
a label is one row, never code.
"""
from __future__ import annotations

import csv
from functools import lru_cache

from sokhcn_analytics.core.paths import CATALOG_CSV, HINTS_CSV, LABELS_CSV

CATEGORIES = (
    "tasks", "lab_production", "testing", "calibration",
    "training", "information", "administration", "inspection",
)
AGGREGATIONS = ("sum", "last")
DEFAULT_FLAG_RATIO = 3.0
DEFAULT_FLAG_MIN_CHANGE = 10.0


@lru_cache(maxsize=1)
def _rows() -> tuple[dict, ...]:
    with open(CATALOG_CSV, encoding="utf-8", newline="") as fh:
        rows = []
        for row in csv.DictReader(fh):
            row["key"] = row["key"].strip().lower() == "true"
            row["order"] = int(row["order"])
            # how far a month may stray from its usual level before it is flagged (3 → above 3× or below ⅓)
            row["flag_ratio"] = float(row.get("flag_ratio") or DEFAULT_FLAG_RATIO)
            # ... and by at least this much: small counts (1 class instead of 4) jump without being wrong
            row["flag_min_change"] = float(row.get("flag_min_change") or DEFAULT_FLAG_MIN_CHANGE)
            rows.append(row)
    return tuple(sorted(rows, key=lambda r: r["order"]))


def load_catalog():
    """The indicator catalog as a DataFrame indexed by ``code``.

    >>> load_catalog().loc["mushroom_spawn_kg", "unit"]
    'kg'
    """
    import pandas as pd

    return pd.DataFrame(list(_rows())).set_index("code")


def codes() -> list[str]:
    """All indicator codes, in catalog order."""
    return [r["code"] for r in _rows()]


_REQUIRED = object()  # no default given: an unknown code or key raises KeyError


@lru_cache(maxsize=1)
def _by_code() -> dict[str, dict]:
    return {row["code"]: row for row in _rows()}


def indicator(code: str, default=_REQUIRED) -> dict:
    """One indicator's catalog row as a dict; ``default`` if the code is unknown and one is given,
    else ``KeyError`` naming the code.

    >>> indicator("orchid_flasks")["aggregation"], indicator("no_such_code", default=None)
    ('sum', None)
    """
    row = _by_code().get(code)
    if row is not None:
        return dict(row)
    if default is _REQUIRED:
        raise KeyError(f"indicator '{code}' is not in the catalog ({CATALOG_CSV.name})")
    return default


def field(code: str, column: str, default=_REQUIRED):
    """One column of an indicator's row; ``default`` for a code the catalog lacks (if given).

    >>> field("tasks_managed", "category"), field("no_such_code", "category", default="")
    ('tasks', '')
    """
    row = _by_code().get(code)
    if row is None:
        return indicator(code, default)
    return row[column]


def aggregation(code: str, default=_REQUIRED) -> str:
    """``sum`` (a flow: months add up) or ``last`` (a stock: the latest month stands)."""
    return field(code, "aggregation", default)


def is_stock(code: str) -> bool:
    """A stock (tasks under management): its year is its latest month, not the sum. Unknown: no."""
    return field(code, "aggregation", default="sum") == "last"


def flag_ratio(code: str) -> float:
    """The plausibility threshold of an indicator (column ``flag_ratio``; 3 when left empty)."""
    return field(code, "flag_ratio", default=DEFAULT_FLAG_RATIO)


def flag_min_change(code: str) -> float:
    """The smallest change (in the indicator's unit) that may be flagged (column ``flag_min_change``)."""
    return field(code, "flag_min_change", default=DEFAULT_FLAG_MIN_CHANGE)


def unit(code: str, lang: str = "vi", default=_REQUIRED) -> str:
    """The indicator's unit in ``lang`` ('vi' or 'en'); the stored ``unit`` column is Vietnamese.

    >>> unit("mushroom_spawn_kg"), unit("no_such_code", default="")
    ('kg', '')
    """
    row = _by_code().get(code)
    if row is None:
        return indicator(code, default)
    return (row.get("unit_en") or row["unit"]) if lang == "en" else row["unit"]


def org_name(org: str, lang: str = "vi") -> str:
    """The unit's name from ``labels.csv`` (``org.<org>``); the code itself for a unit it lacks.

    >>> org_name("so-khcn-chua-co")
    'so-khcn-chua-co'
    """
    return label(f"org.{org}", lang, default=org)


def name(code: str, lang: str = "vi") -> str:
    """The indicator's display name in ``lang`` ('vi' or 'en'); the code if unknown."""
    return field(code, "name_en" if lang == "en" else "name_vi", default=code)



HINT_FIELDS = ("nouns", "actions", "qualifiers", "excludes")


@lru_cache(maxsize=1)
def hints() -> dict[str, dict]:
    """code → the words the extractor reads an indicator by (``indicator_hints.csv``): ``nouns`` the
    figure counts, ``actions`` done to them, ``qualifiers`` one of which must be near, ``excludes``
    none of which may be near, each a tuple of phrases; ``within`` the total it details, if any.

    >>> "nghiệm thu" in hints()["tasks_accepted"]["actions"]
    True
    """
    known, out = set(codes()), {}
    with open(HINTS_CSV, encoding="utf-8", newline="") as fh:
        for no, row in enumerate(csv.DictReader(fh), start=2):
            if row["indicator"] not in known or (row["within"] and row["within"] not in known):
                raise KeyError(f"{HINTS_CSV.name} line {no}: indicator '{row['indicator']}' or its total "
                               f"'{row['within']}' is not in the catalog ({CATALOG_CSV.name})")
            entry = {f: tuple(w.strip() for w in row[f].split("|") if w.strip()) for f in HINT_FIELDS}
            out[row["indicator"]] = {**entry, "within": row["within"], "example": row["example"]}
    return out


@lru_cache(maxsize=1)
def _labels() -> dict[str, dict[str, str]]:
    with open(LABELS_CSV, encoding="utf-8", newline="") as fh:
        return {r["key"]: r for r in csv.DictReader(fh)}


def label(key: str, lang: str = "vi", default=_REQUIRED, **fields) -> str:
    """A leadership-facing label from ``labels.csv``, formatted with ``fields``; ``default`` for a key
    the file lacks (if given), else ``KeyError``.

    >>> label("category.lab_production"), label("status.no_such_status", default="no_such_status")
    ('Sản xuất tại Trung tâm', 'no_such_status')
    """
    row = _labels().get(key)
    if row is None:
        if default is _REQUIRED:
            raise KeyError(f"label '{key}' is missing from {LABELS_CSV.name}")
        return default
    text = row.get(lang) or row["vi"]
    return text.format(**fields) if fields else text
