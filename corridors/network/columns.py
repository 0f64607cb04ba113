"""Records and tables as checked columns: parse records like cells, check places in columns.

:meth:`~corridors.network.Network.from_records` works on :class:`~corridors.table.Table`
columns. Records built by hand (or from GraphML, an OSM import) are turned into the
text of table cells (:func:`~corridors.network.checks._cell`) and parsed column by
column like a table read from a file, so every source is checked alike. Whenever
the array checks find a row that may be wrong, that row (or, for the places, the
whole table) goes through the row-by-row checks of :mod:`corridors.network.checks`,
which write the messages: they are exactly those of the row-by-row code.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from corridors import _validate as v
from corridors.costs import MODES
from corridors.engine.inputs import PlaceTable
from corridors.network.checks import (
    BORDER_ONLY,
    _cell,
    _check_place_fields,
    _check_places,
    _fold,
    _parse_values,
)
from corridors.schema import PLACE_COLUMNS, Column, Record
from corridors.table import (
    FLOAT_PARSERS,
    Table,
    blank_column,
    check_numbers,
    parse_column,
    present,
)

__all__ = ["Places", "check_place_table", "to_table"]

_MODE_BIT = {m: 1 << i for i, m in enumerate(MODES)}

_ABSENT = object()


def _parse_raw(
    raw: list[Any], column: Column, field: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse raw record values of one column as cells; return values, absent and bad flags.

    Numbers given as numbers are checked as numbers (``str(x)`` of a float or int reads
    back exactly as it); text as cells; any other value as its cell text
    (:func:`~corridors.network.checks._cell`; no cell text: bad).
    """
    types = set(map(type, raw))
    absent = (
        np.array([x is _ABSENT for x in raw], dtype=bool)
        if object in types
        else np.zeros(len(raw), dtype=bool)
    )
    if column.parse in FLOAT_PARSERS and types <= {float, int, object}:
        try:
            numbers = np.array([math.nan if x is _ABSENT else x for x in raw], dtype=float)
        except OverflowError:  # an int beyond floats: refused one by one
            pass
        else:
            ok = check_numbers(column, numbers)
            return np.where(ok, numbers, np.nan), absent, ~ok & ~absent
    if types <= {str, object}:
        texts = raw if object not in types else ["" if x is _ABSENT else x for x in raw]
        wrong = np.zeros(len(raw), dtype=bool)
    else:
        texts, wrong = [], np.zeros(len(raw), dtype=bool)
        for i, x in enumerate(raw):
            text = "" if x is _ABSENT else _cell(x, field)
            wrong[i] = text is None
            texts.append(text or "")
    values, _, refused = parse_column(column, texts)
    return values, absent, wrong | refused


def to_table(
    rows: Sequence[Record] | Table,
    columns: Mapping[str, Column],
    problems: v.Problems,
    source: str,
) -> Table:
    """Return records (or a table read from a file) as a checked table of parsed columns.

    Records the readers made are parsed already; the others go through the column
    parsers and physical bounds (problems collected, as
    :func:`~corridors.network.checks._parse_values` row by row). Fields that are not
    columns (e.g. ``osmid`` of an OSM import) are kept as they are.

    Parameters
    ----------
    rows
        Records, or a table from :mod:`corridors.io`.
    columns
        The table's schema.
    problems
        Collector of the messages.
    source
        File of the records that name none.

    Returns
    -------
    Table
    """
    if isinstance(rows, Table):
        return rows
    rows = rows if isinstance(rows, list | tuple) else list(rows)
    n = len(rows)
    dicts = [r.values for r in rows]
    checked = np.fromiter(map(operator.attrgetter("checked"), rows), dtype=bool, count=n)
    fresh = np.flatnonzero(~checked)
    every = len(fresh) == n
    found = set().union(*dicts)
    parsed: dict[str, np.ndarray] = {}
    bad = np.zeros(len(fresh), dtype=bool)
    for name, column in columns.items():
        parsed[name] = values = blank_column(column, n)
        if name not in found:
            bad |= column.required
            continue
        raw = [d.get(name, _ABSENT) for d in dicts]
        if every:
            parsed[name], absent, wrong = _parse_raw(raw, column, name)
        else:
            for i in np.flatnonzero(checked).tolist():
                if raw[i] is not _ABSENT:
                    values[i] = raw[i]
            values[fresh], absent, wrong = _parse_raw([raw[i] for i in fresh], column, name)
        bad |= wrong | (absent & column.required)
    for name in sorted(found - set(columns)):  # not a column: kept as it is
        parsed[name] = values = np.full(n, None, dtype=object)
        for i, d in enumerate(dicts):
            values[i] = d.get(name)
    for k in np.flatnonzero(bad).tolist():  # the messages, as row by row
        record = rows[fresh[k]]
        origin = record.source or source
        where = f"{origin}, {record.where}" if origin else record.where
        known = {f: x for f, x in record.values.items() if f in columns}
        _parse_values(known, columns, where, problems)
    return Table(parsed, n, lambda i: rows[i].where, lambda i: rows[i].source or source)


class Places(Mapping[str, dict[str, Any]]):
    """Node attributes by place id, made on demand from a checked places table.

    Parameters
    ----------
    table
        Checked place rows with unique ids.
    """

    def __init__(self, table: Table) -> None:
        self.table = table
        self.rows = np.flatnonzero(present(table.column("id")))
        self.ids = table.column("id")[self.rows]
        self.index = pd.Index(self.ids, dtype=object)

    def __getitem__(self, place: str) -> dict[str, Any]:
        return self.attrs(int(self.index.get_loc(place)))

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids.tolist())

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, place: object) -> bool:
        return place in self.index

    def attrs(self, k: int, values: dict[str, Any] | None = None) -> dict[str, Any]:
        """Return the node attributes of place number `k`, as ``_check_places`` makes them.

        `values` are the place's row, if already at hand.
        """
        values = self.table.row(int(self.rows[k])) if values is None else values
        attrs = {f: x for f, x in values.items() if f not in {"id", "lon", "lat"}}
        attrs.update(x=values.get("lon", math.nan), y=values.get("lat", math.nan))
        attrs.setdefault("status", "existing")
        attrs.setdefault("closed", False)
        if attrs.get("kind") == "border":
            attrs.setdefault("gauge_break", False)
        if attrs.get("kind") == "port":
            attrs.setdefault("port_type", "sea")
        return attrs

    def items(self) -> Iterator[tuple[str, dict[str, Any]]]:  # type: ignore[override]
        """Return (place id, node attributes) in table order."""
        rows = self.table.rows(self.rows)
        return ((p, self.attrs(k, rows[k])) for k, p in enumerate(self.ids.tolist()))

    def get_column(self, name: str, default: Any = None) -> np.ndarray:
        """Return a column over the places (blank cells: `default`)."""
        values = self.table.column(name)[self.rows]
        if default is not None:
            values = values.copy()
            values[~present(values)] = default
        return values

    def place_columns(self) -> dict[str, list[Any]]:
        """Return the columns of ``net.places`` as read from the graph's node attributes.

        Returns
        -------
        dict
            Lists by column of :data:`~corridors.schema.PLACE_COLUMNS` (None: blank),
            with the defaults ``_check_places`` gives (status, closed, a crossing's
            gauge_break, a port's port_type).
        """
        columns = {name: self.get_column(name) for name in PLACE_COLUMNS}
        kind = columns["kind"]
        for name, fill, where in (
            ("status", "existing", None),
            ("closed", False, None),
            ("gauge_break", False, kind == "border"),
            ("port_type", "sea", kind == "port"),
        ):
            blank = ~present(columns[name])
            columns[name][blank if where is None else blank & where] = fill
        columns["id"] = self.ids
        return {name: values.tolist() for name, values in columns.items()}

    def place_table(self) -> PlaceTable:
        """Return the places as columns for :func:`~corridors.engine.compiled.compile_tables`."""
        closed = self.get_column("closed")
        return PlaceTable(
            ids=self.ids,
            kind=self.get_column("kind"),
            modes=self.get_column("modes", ""),
            status=self.get_column("status", "existing"),
            country=self.get_column("country", ""),
            countries=self.get_column("countries", ""),
            closed=np.asarray(closed == True, dtype=bool),  # noqa: E712 (blank: False)
            nodes=self,
        )

    def arrays(self) -> dict[str, np.ndarray]:
        """Per-place arrays the link checks and edges need (see ``build._place_arrays``)."""
        modes = self.get_column("modes", "")
        codes, distinct = pd.factorize(modes)
        masks = np.array(
            [sum(_MODE_BIT.get(m, 0) for m in set(text.split(";"))) for text in distinct],
            dtype=np.int64,
        )
        return {
            "index": self.index,
            "bits": masks[codes] if len(codes) else np.zeros(0, dtype=np.int64),
            "existing": self.get_column("status", "existing") == "existing",
            "border": self.get_column("kind") == "border",
            "country": self.get_column("country", ""),
            "x": self.get_column("lon").astype(float),
            "y": self.get_column("lat").astype(float),
        }


def check_place_table(places: Table, problems: v.Problems) -> Places | dict[str, dict]:
    """Check places on their own, as ``_check_places`` does (problems collected).

    Array checks find whether any place has a problem; if one has, the rows go
    through ``_check_places`` for the messages (and its node attributes are returned).

    Parameters
    ----------
    places
        Checked place rows.
    problems
        Collector of the messages.

    Returns
    -------
    Places or dict
        Node attributes by place id.
    """
    ids = places.column("id")
    has_id = present(ids)
    kind = places.column("kind")
    suspect = has_id & np.isin(kind, ["border", "port"])
    for field in BORDER_ONLY:
        suspect |= has_id & present(places.column(field))
    scratch = v.Problems("")
    for i in np.flatnonzero(suspect).tolist():
        _check_place_fields(places.row(i), "", scratch)
    wrong = bool(scratch.messages) or pd.Index(ids[has_id], dtype=object).has_duplicates
    if not wrong:
        wrong = _names_clash(places, has_id)
    if wrong:
        return _check_places(places.records(), problems)
    return Places(places)


#: Text that is not a plain name: not printable ASCII, or spaces not single and inside.
_NOT_PLAIN = re.compile(r"[^\x20-\x7e\n]|  | \n|\n |\A | \Z")


def _fold_all(names: list[str]) -> list[str]:
    """Return ``_fold(name)`` of each name; plain ASCII names are lower-cased at once."""
    joined = "\n".join(names)
    if joined.count("\n") == len(names) - 1 and not _NOT_PLAIN.search(joined):
        return joined.lower().split("\n") if names else []
    return [_fold(name) for name in names]


def _names_clash(places: Table, has_id: np.ndarray) -> bool:
    """Return whether two places share a (folded) name or alternative name."""
    rows = np.flatnonzero(has_id)
    ids = places.column("id")
    keys: list[str] = []
    owners: list[int] = []
    names = places.column("name")
    named = rows[present(names[rows])]
    keys += _fold_all(names[named].tolist())
    owners += named.tolist()
    alt = places.column("alt_names")
    for i in rows[present(alt[rows])].tolist():
        for name in alt[i].split(";"):
            if name:
                keys.append(_fold(name))
                owners.append(i)
    codes, distinct = pd.factorize(np.array(keys, dtype=object))
    if len(distinct) == len(keys):
        return False
    pairs = pd.DataFrame({"key": codes, "id": ids[owners]}).drop_duplicates()
    return bool(pairs["key"].duplicated().any())
