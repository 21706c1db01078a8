"""The model's rows as Arrow tables, built without pandas.

A reading worker turns the rows of its slice of workbooks into tables it sends to the
build; importing pandas only for that cost each worker a third of a second before its
first file, and building a pandas frame and then a table from it cost twice the time of
the table alone. The tables here hold exactly what :func:`model.normalize_indicators` /
:func:`model.normalize_tasks` make of the same rows (text as text, missing text as ``""``,
numbers as float64, flags as bool, ``span`` 1 when not given; task years as whole numbers
that may be missing), so that ``table_frame(indicator_table(rows), "indicators")`` equals
``normalize_indicators(pd.DataFrame(rows))`` — ``tests/test_arrow_rows.py`` checks it.
Rows that do not fit those types (a year of 2014.5, a number written as text) raise
:class:`ValueError`; the caller then takes the pandas way, which says what is wrong.
"""
from __future__ import annotations

from itertools import repeat

from .model import INDICATOR_COLUMNS, TASK_COLUMNS

_INDICATOR_TEXT = ("org", "period", "indicator", "unit", "kind", "source_file", "source_ref", "approx")
_TASK_TEXT = ("org", "period", "task_id", "name", "level", "status", "lead_org", "source_file", "source_ref")


def indicator_table(rows: list[dict]):
    """The rows as an Arrow table in :data:`model.INDICATOR_COLUMNS`."""
    import pyarrow as pa

    column = _columns(rows)
    arrays = {}
    for c in INDICATOR_COLUMNS:
        values = column(c)
        if c in _INDICATOR_TEXT:
            arrays[c] = _text(pa, values)
        elif c == "value":
            arrays[c] = _array(pa, values, pa.float64())
        elif c == "span":
            arrays[c] = _whole(pa, values).fill_null(1)
        else:  # reviewed, illustrative
            arrays[c] = _flag(pa, values)
    return pa.table(arrays)


def task_table(rows: list[dict]):
    """The rows as an Arrow table in :data:`model.TASK_COLUMNS`."""
    import pyarrow as pa

    column = _columns(rows)
    arrays = {}
    for c in TASK_COLUMNS:
        values = column(c)
        if c in _TASK_TEXT:
            arrays[c] = _text(pa, values)
        elif c in ("start_year", "end_year"):
            arrays[c] = _whole(pa, values)
        else:  # illustrative
            arrays[c] = _flag(pa, values)
    return pa.table(arrays)


def table_frame(table, kind: str):
    """The pandas frame of a table made here (``kind``: ``"indicators"`` or ``"tasks"``), in the model's dtypes."""
    import pandas as pd
    import pyarrow as pa

    if kind == "tasks":  # years stay whole numbers with gaps (Int64), as normalize_tasks makes them
        return table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    return table.to_pandas()


def _columns(rows: list[dict]):
    """``column(name)``: the values of ``name`` over ``rows`` (``None`` where a row lacks it)."""
    return lambda name: list(map(dict.get, rows, repeat(name, len(rows))))


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
