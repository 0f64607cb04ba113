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

import dataclasses
import math
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from corridors import _validate as v
from corridors.schema import Column, Record, _link_id

__all__ = ["FLOAT_PARSERS", "Table", "blank_column", "check_numbers", "parse_column", "present"]

#: Parsers whose values are floats (float64 columns, NaN when blank).
FLOAT_PARSERS = (v.parse_positive, v.parse_non_negative, v.parse_lon, v.parse_lat)

#: Longest cell of the character-level fast paths (longer ones are parsed one by one).
_FAST_WIDTH = 40


@dataclasses.dataclass(frozen=True)
class _Chars:
    """A set of ASCII characters: a lookup by code (0, numpy's padding, included) and a regex."""

    lookup: np.ndarray
    pattern: re.Pattern[str]

    @classmethod
    def of(cls, chars: str) -> _Chars:
        lookup = np.zeros(128, dtype=bool)
        lookup[[0, *map(ord, chars)]] = True
        return cls(lookup, re.compile(f"[{re.escape(chars)}]*"))


_NUMBER_CHARS = _Chars.of("0123456789+-.eE")
_ID_CHARS = _Chars.of("abcdefghijklmnopqrstuvwxyz0123456789_")
_LINK_ID_CHARS = _Chars.of("abcdefghijklmnopqrstuvwxyz0123456789_-")


def _in_set(texts: Sequence[str], lengths: np.ndarray, chars: _Chars) -> np.ndarray:
    """Return which texts are non-empty, short and made only of `chars`."""
    ok = (lengths > 0) & (lengths <= _FAST_WIDTH)
    rows = np.flatnonzero(ok)
    if not len(rows):
        return ok
    chosen = texts if len(rows) == len(texts) else [texts[i] for i in rows]
    grid = np.array(chosen, dtype=str).view(np.uint32).reshape(len(chosen), -1)
    allowed = chars.lookup[np.minimum(grid, 127)] & (grid < 128)
    # a NUL inside a text would read as numpy's padding: the counts tell it apart
    ok[rows] = allowed.all(axis=1) & ((grid != 0).sum(axis=1) == lengths[rows])
    return ok


def check_numbers(column: Column, numbers: np.ndarray) -> np.ndarray:
    """Return which numbers the column's float parser and its unit's bounds accept.

    Parameters
    ----------
    column
        A column whose parser is one of :data:`FLOAT_PARSERS`.
    numbers
        Values (NaN: none).

    Returns
    -------
    numpy.ndarray of bool
        Finite values within the parser's range and :data:`~corridors._validate.BOUNDS`.
    """
    parse = column.parse
    with np.errstate(invalid="ignore"):
        if parse is v.parse_positive:
            ok = numbers > 0
        elif parse is v.parse_non_negative:
            ok = numbers >= 0
        elif parse is v.parse_lon:
            ok = (numbers >= -180) & (numbers <= 180)
        else:
            ok = (numbers >= -90) & (numbers <= 90)
        if column.unit in v.BOUNDS:
            low, high = v.BOUNDS[column.unit]
            ok &= (numbers >= low) & (numbers <= high)
    return ok & np.isfinite(numbers)


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
    parse = column.parse
    if not any(texts):
        return blank_column(column, n), np.ones(n, dtype=bool), np.zeros(n, dtype=bool)
    whole = _whole_column(column, texts)
    if whole is not None:
        return whole, np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    if parse not in FLOAT_PARSERS and parse is not v.parse_via:
        distinct = set(texts)
        if len(distinct) * 4 <= n or parse not in (v.parse_id, _link_id, v.parse_text):
            return _by_distinct_value(column, texts, distinct)
    return _cell_by_cell(column, texts)


def _whole_column(column: Column, texts: Sequence[str]) -> np.ndarray | None:
    """Return the values of a column of ids or numbers that all pass (None: some may not)."""
    parse = column.parse
    if parse in FLOAT_PARSERS:
        chars = _NUMBER_CHARS
    elif parse is v.parse_id or parse is _link_id:
        chars = _ID_CHARS if parse is v.parse_id else _LINK_ID_CHARS
    else:
        return None
    if not all(texts) or not chars.pattern.fullmatch("".join(texts)):
        return None
    if chars is not _NUMBER_CHARS:
        return np.array(texts, dtype=object)
    try:  # the characters are those of NUMBER_PATTERN: float() reads the same texts
        numbers = np.fromiter(map(float, texts), dtype=np.float64, count=len(texts))
    except ValueError:
        return None
    return numbers if check_numbers(column, numbers).all() else None


def _by_distinct_value(
    column: Column, texts: Sequence[str], distinct: set[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse each distinct text of a column once (see :func:`parse_column`)."""
    parsed: dict[str, Any] = {}
    blank: set[str] = set()
    refused: set[str] = set()
    for text in distinct:
        raw = text.strip()
        parsed[text] = None
        if not raw:
            blank.add(text)
            continue
        try:
            parsed[text] = column.read(raw)
        except v.FieldError:
            refused.add(text)
    n = len(texts)
    values = np.empty(n, dtype=object)
    values[:] = list(map(parsed.__getitem__, texts))

    def flags(chosen: set[str]) -> np.ndarray:
        if not chosen:
            return np.zeros(n, dtype=bool)
        return np.fromiter(map(chosen.__contains__, texts), dtype=bool, count=n)

    return values, flags(blank), flags(refused)


def _cell_by_cell(
    column: Column, texts: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse a column with character checks, then the cells they do not clear one by one."""
    n = len(texts)
    values = blank_column(column, n)
    refused = np.zeros(n, dtype=bool)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    blank = lengths == 0
    parse = column.parse
    if parse in FLOAT_PARSERS:
        numbers, ok = _numbers(texts, lengths)
        ok &= check_numbers(column, numbers)
        values[ok] = numbers[ok]
    elif parse is v.parse_id or parse is _link_id:
        ok = _in_set(texts, lengths, _ID_CHARS if parse is v.parse_id else _LINK_ID_CHARS)
        values[ok] = np.array(texts, dtype=object)[ok]
    elif parse is v.parse_text:
        stripped = np.array(list(map(str.strip, texts)), dtype=object)
        ok = stripped != ""
        values[ok] = stripped[ok]
        blank |= ~ok
    else:
        ok = np.zeros(n, dtype=bool)  # via: lists parsed one by one, never shared
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


def _nan(value: Any) -> bool:
    """Return whether a value is blank (None or NaN)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


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
        The file (and layer) of every row, or one per row (or a function of the row).
    """

    def __init__(
        self,
        columns: dict[str, np.ndarray],
        size: int,
        where: Sequence[str] | Callable[[int], str],
        source: str | Sequence[str] | Callable[[int], str] = "",
    ) -> None:
        self.columns = columns
        self.size = size
        self._where = where
        self._source = source

    def __len__(self) -> int:
        return self.size

    def __getstate__(self) -> dict[str, Any]:
        """Pickle positions and sources as text (a function of the row may not pickle)."""
        state = dict(self.__dict__)
        for key in ("_where", "_source"):
            if callable(state[key]):
                state[key] = [state[key](i) for i in range(self.size)]
        return state

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
        if isinstance(self._source, str):
            return self._source
        return self._source(i) if callable(self._source) else self._source[i]

    def row(self, i: int) -> dict[str, Any]:
        """Return the values of row `i`'s non-blank cells, by column (as :class:`Record`)."""
        out: dict[str, Any] = {}
        for name, values in self.columns.items():
            value = values[i]
            if not _nan(value):
                out[name] = value.item() if isinstance(value, np.generic) else value
        return out

    def rows(self, index: np.ndarray | None = None) -> list[dict[str, Any]]:
        """Return :meth:`row` of every row (or of the rows in `index`), filled column by column.

        Parameters
        ----------
        index
            Row numbers; ``None``: all rows in order.

        Returns
        -------
        list of dict
        """
        index = np.arange(self.size) if index is None else np.asarray(index, dtype=np.int64)
        out: list[dict[str, Any]] = [{} for _ in range(len(index))]
        for name, column in self.columns.items():
            values = column[index]
            given = np.flatnonzero(present(values))
            for k, value in zip(given.tolist(), values[given].tolist(), strict=True):
                out[k][name] = value
        return out

    def record(self, i: int) -> Record:
        """Return row `i` as a checked :class:`Record`."""
        return Record(self.where(i), self.row(i), self.source(i), checked=True)

    def records(self) -> list[Record]:
        """Return every row as a checked :class:`Record`, in table order."""
        return [
            Record(self.where(i), values, self.source(i), checked=True)
            for i, values in enumerate(self.rows())
        ]

    def location(self, i: int) -> str:
        """Return file and position of row `i`, as :attr:`Record.location`."""
        source, where = self.source(i), self.where(i)
        return f"{source}, {where}" if source else where
