"""The model's rows as Arrow tables, built from the rows directly.

A reading worker turns the rows of its slice of workbooks into tables it sends to the
build; building a pandas frame, normalizing it and then making a table of it took about
three times as long as making the table at once (14 against 38–51 ms for 96 workbooks).
The tables here hold exactly what :func:`model.normalize_indicators` /
:func:`model.normalize_tasks` make of the same rows (text as text, missing text as ``""``,
numbers as float64, flags as bool, ``span`` 1 when not given; task years as whole numbers
that may be missing), so that ``table_frame(indicator_table(rows), "indicators")`` equals
``normalize_indicators(pd.DataFrame(rows))`` — ``tests/test_arrow_rows.py`` checks it.
Rows that do not fit those types (a year of 2014.5, a number written as text) raise
:class:`ValueError`; the caller then takes the pandas way, which says what is wrong.
"""
from __future__ import annotations

from itertools import repeat

from sokhcn_analytics.core.model import INDICATOR_COLUMNS, TASK_COLUMNS

# what each column holds: how its values become an Arrow array (see the converters below)
_INDICATOR_TYPES = {**dict.fromkeys(("org", "period", "indicator", "unit", "kind", "source_file", "source_ref",
                                     "approx"), "text"),
                    "value": "number", "span": "span", "reviewed": "flag", "illustrative": "flag"}
_TASK_TYPES = {**dict.fromkeys(("org", "period", "task_id", "name", "level", "status", "lead_org", "source_file",
                                "source_ref"), "text"),
               "start_year": "whole", "end_year": "whole", "illustrative": "flag"}


def indicator_table(rows: list[dict]):
    """The rows as an Arrow table in :data:`model.INDICATOR_COLUMNS`."""
    return _table(rows, INDICATOR_COLUMNS, _INDICATOR_TYPES)


def task_table(rows: list[dict]):
    """The rows as an Arrow table in :data:`model.TASK_COLUMNS`."""
    return _table(rows, TASK_COLUMNS, _TASK_TYPES)


def _table(rows: list[dict], columns: list[str], types: dict[str, str]):
    import pyarrow as pa

    convert = {"text": _text, "number": lambda pa, v: _array(pa, v, pa.float64()), "whole": _whole,
               "span": lambda pa, v: _whole(pa, v).fill_null(1), "flag": _flag}
    return pa.table({c: convert[types[c]](pa, list(map(dict.get, rows, repeat(c, len(rows))))) for c in columns})


def table_frame(table, kind: str):
    """The pandas frame of a table made here (``kind``: ``"indicators"`` or ``"tasks"``), in the model's dtypes."""
    import pandas as pd
    import pyarrow as pa

    if kind == "tasks":  # years stay whole numbers with gaps (Int64), as normalize_tasks makes them
        return table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    return table.to_pandas()


def _array(pa, values: list, type_):
    try:
        return pa.array(values, type=type_)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as exc:
        raise ValueError(str(exc)) from None


def _text(pa, values: list):
    """Text as given, missing as "" (normalize writes other values as their text; those go the pandas way)."""
    return _array(pa, values, pa.string()).fill_null("")


def _whole(pa, values: list):
    """Whole numbers (floats like 2014.0 included), ``None`` kept as missing; 2014.5 raises."""
    import pyarrow.compute as pc

    floats = _array(pa, values, pa.float64())
    try:
        return pc.cast(floats, pa.int64(), safe=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise ValueError(str(exc)) from None


def _flag(pa, values: list):
    """True/False, missing as False."""
    return _array(pa, values, pa.bool_()).fill_null(False)
