"""Parse an input table column by column: the same parsers and messages as cell by cell.

A :class:`Table` holds the parsed values of a places, links or corridors table by
column. :func:`parse_column` parses a whole column at once: blank cells, numbers
(a character check and one conversion; then the parser's range and the unit's
physical bounds of :data:`corridors._validate.BOUNDS`), ids (a character check) and
text are array operations; every other column parses each distinct value once with
its :class:`~corridors.schema.Column` parser. A cell the fast path cannot clear goes
through :meth:`~corridors.schema.Column.read` alone, so it is accepted or refused
exactly as cell by cell; a row with a refused cell is then parsed again by the
row-by-row code of its reader, which writes the messages.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from corridors import _validate as v
from corridors.schema import Column, Record, _link_id

__all__ = ["FLOAT_PARSERS", "Table", "blank_column", "parse_column", "present"]

#: Parsers whose values are floats (float64 columns, NaN when blank).
FLOAT_PARSERS = (v.parse_positive, v.parse_non_negative, v.parse_lon, v.parse_lat)

#: Longest cell of the character-level fast paths (longer ones are parsed one by one).
_FAST_WIDTH = 40


def _table(chars: str) -> np.ndarray:
    """Return a lookup of the ASCII codes in `chars` (and 0, numpy's padding)."""
    table = np.zeros(128, dtype=bool)
    table[[0, *map(ord, chars)]] = True
    return table


_NUMBER_CHARS = _table("0123456789+-.eE")
_ID_CHARS = _table("abcdefghijklmnopqrstuvwxyz0123456789_")
_LINK_ID_CHARS = _table("abcdefghijklmnopqrstuvwxyz0123456789_-")


def _in_set(texts: Sequence[str], lengths: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Return which texts are non-empty, short and made only of the characters in `table`."""
    ok = (lengths > 0) & (lengths <= _FAST_WIDTH)
    rows = np.flatnonzero(ok)
    if not len(rows):
        return ok
    chosen = texts if len(rows) == len(texts) else [texts[i] for i in rows]
    codes = np.array(chosen, dtype=str)
    grid = codes.view(np.uint32).reshape(len(chosen), -1)
    allowed = table[np.minimum(grid, 127)] & (grid < 128)
    # a NUL inside a text would read as numpy's padding: the counts tell it apart
    ok[rows] = allowed.all(axis=1) & ((grid != 0).sum(axis=1) == lengths[rows])
    return ok


def _float_range(parse: Callable[[str], Any], values: np.ndarray) -> np.ndarray:
    """Return which values the float parser `parse` accepts (finite values only)."""
    with np.errstate(invalid="ignore"):
        if parse is v.parse_positive:
            return values > 0
        if parse is v.parse_non_negative:
            return values >= 0
        if parse is v.parse_lon:
            return (values >= -180) & (values <= 180)
        return (values >= -90) & (values <= 90)


def _numbers(texts: Sequence[str], lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Convert plain decimal texts to floats; return the values and which were converted.

    A text made only of digits, signs, '.', 'e' and 'E' converts exactly as
    ``float(text)`` or not at all, the same texts that ``_validate.NUMBER_PATTERN``
    matches.
    """
    ok = _in_set(texts, lengths, _NUMBER_CHARS)
    values = np.full(len(texts), np.nan)
    rows = np.flatnonzero(ok)
    if len(rows):
        chosen = np.array([texts[i] for i in rows] if len(rows) < len(texts) else texts, dtype=str)
        try:
            values[rows] = chosen.astype(np.float64)
        except ValueError:  # some text is not a number: convert one by one
            for i in rows.tolist():
                try:
                    values[i] = float(texts[i])
                except ValueError:
                    ok[i] = False
    return values, ok & np.isfinite(values)


def present(values: np.ndarray) -> np.ndarray:
    """Return which values of a parsed column are not blank (None / NaN).

    Parameters
    ----------
    values
        A column of a :class:`Table`.

    Returns
    -------
    numpy.ndarray of bool
    """
    return np.asarray(pd.notna(values), dtype=bool)


def blank_column(column: Column, size: int) -> np.ndarray:
    """Return a column of `size` blank values (NaN for numbers, None otherwise)."""
    if column.parse in FLOAT_PARSERS:
        return np.full(size, np.nan)
    return np.full(size, None, dtype=object)


def parse_column(
    column: Column, texts: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse every cell of a column, as :meth:`Column.read` does cell by cell.

    Parameters
    ----------
    column
        The column's schema.
    texts
        The cells' text.

    Returns
    -------
    values : numpy.ndarray
        Parsed values: float64 (NaN: blank or refused) for number columns, else
        objects (None: blank or refused).
    blank : numpy.ndarray of bool
        Cells that are blank once stripped.
    refused : numpy.ndarray of bool
        Cells the parser refuses (:meth:`Column.read` raises ``FieldError``).
    """
    n = len(texts)
    values = blank_column(column, n)
    blank = np.zeros(n, dtype=bool)
    refused = np.zeros(n, dtype=bool)
    if not any(texts):
        blank[:] = True
        return values, blank, refused
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    blank = lengths == 0
    parse = column.parse
    if parse in FLOAT_PARSERS:
        numbers, ok = _numbers(texts, lengths)
        ok &= _float_range(parse, numbers)
        if column.unit in v.BOUNDS:
            low, high = v.BOUNDS[column.unit]
            ok &= (numbers >= low) & (numbers <= high)
        values[ok] = numbers[ok]
    elif parse is v.parse_id or parse is _link_id:
        chars = _ID_CHARS if parse is v.parse_id else _LINK_ID_CHARS
        ok = _in_set(texts, lengths, chars)
        values[ok] = np.array(texts, dtype=object)[ok]
    elif parse is v.parse_text:
        stripped = np.array([t.strip() for t in texts], dtype=object)
        ok = stripped != ""
        values[ok] = stripped[ok]
        blank |= ~ok
    elif parse is v.parse_via:
        ok = np.zeros(n, dtype=bool)  # lists: parsed one by one, never shared
    else:
        ok = _by_distinct_value(column, texts, values, refused) | blank
    for i in np.flatnonzero(~(ok | blank)).tolist():
        raw = texts[i].strip()
        if not raw:
            blank[i] = True
            continue
        try:
            values[i] = column.read(raw)
        except v.FieldError:
            refused[i] = True
    return values, blank, refused


def _by_distinct_value(
    column: Column, texts: Sequence[str], values: np.ndarray, refused: np.ndarray
) -> np.ndarray:
    """Parse each distinct text of a column once; fill `values` and `refused`; return parsed."""
    codes, distinct = pd.factorize(np.asarray(texts, dtype=object))
    parsed = np.full(len(distinct), None, dtype=object)
    done = np.ones(len(distinct), dtype=bool)
    bad = np.zeros(len(distinct), dtype=bool)
    for k, text in enumerate(distinct.tolist()):
        raw = text.strip()
        if not raw:
            done[k] = False  # spaces only: blank, found by the caller
            continue
        try:
            parsed[k] = column.read(raw)
        except v.FieldError:
            bad[k] = True
    values[:] = parsed[codes]
    refused |= bad[codes]
    return done[codes]


class Table:
    """The parsed rows of one input table, column by column.

    Parameters
    ----------
    columns
        Parsed values by column name: float64 arrays (NaN: blank) for numbers,
        object arrays (None: blank) otherwise. Columns a row lacks are blank.
    size
        Number of rows.
    where
        Each row's position for messages (e.g. ``line 12 (link "a-b-rail")``), or a
        function of the row index returning it.
    source
        The file (and layer) of every row, or one per row.
    """

    def __init__(
        self,
        columns: dict[str, np.ndarray],
        size: int,
        where: Sequence[str] | Callable[[int], str],
        source: str | Sequence[str] = "",
    ) -> None:
        self.columns = columns
        self.size = size
        self._where = where
        self._source = source

    def __len__(self) -> int:
        return self.size

    def column(self, name: str) -> np.ndarray:
        """Return a column's parsed values (all None when the table lacks it)."""
        if name in self.columns:
            return self.columns[name]
        return np.full(self.size, None, dtype=object)

    def where(self, i: int) -> str:
        """Return row `i`'s position for messages."""
        return self._where(i) if callable(self._where) else self._where[i]

    def source(self, i: int) -> str:
        """Return the file row `i` comes from."""
        return self._source if isinstance(self._source, str) else self._source[i]

    def row(self, i: int) -> dict[str, Any]:
        """Return the values of row `i`'s non-blank cells, by column (as :class:`Record`)."""
        out: dict[str, Any] = {}
        for name, values in self.columns.items():
            value = values[i]
            if value is None or (isinstance(value, float) and math.isnan(value)):
                continue
            out[name] = value.item() if isinstance(value, np.generic) else value
        return out

    def record(self, i: int) -> Record:
        """Return row `i` as a checked :class:`Record`."""
        return Record(self.where(i), self.row(i), self.source(i), checked=True)

    def records(self) -> list[Record]:
        """Return every row as a checked :class:`Record`, in table order."""
        return [self.record(i) for i in range(self.size)]

    def location(self, i: int) -> str:
        """Return file and position of row `i`, as :attr:`Record.location`."""
        source, where = self.source(i), self.where(i)
        return f"{source}, {where}" if source else where
