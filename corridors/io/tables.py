"""Read places, links and corridors tables (CSV, GeoJSON, GeoPackage layers), cell by cell.

Every problem in a file is collected, then one :class:`~corridors._errors.DataError`
names the file, the line (CSV) or feature (GeoJSON, GeoPackage), the record, the
field, the value found and what was expected. The columns are those of
:mod:`corridors.schema`.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import io
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from corridors import _validate as v
from corridors._errors import DataError
from corridors.schema import CORRIDOR_COLUMNS, LINK_COLUMNS, PLACE_COLUMNS, Column, Record
from corridors.table import Table, blank_column, parse_column

__all__ = ["TABLE_SUFFIXES", "read_corridors", "read_links", "read_places"]


TABLE_SUFFIXES = (".csv", ".geojson", ".gpkg")


#: Columns that a geometry replaces in GeoJSON / GeoPackage tables.
_GEOMETRY_COLUMNS = {"place": ("lon", "lat"), "link": ("via",)}


#: Longest cell accepted (characters); a longer one is corruption, not data.
MAX_CELL = 100_000

_Rows = Iterator[tuple[str, dict[str, str]]]


def _read_csv(path: Path, stack: contextlib.ExitStack) -> tuple[list[str], _Rows]:
    """Return the header and an iterator of (position, raw cells) over the rows of a CSV file.

    The file stays open until `stack` closes, however the reading stops.
    """
    reader = csv.DictReader(stack.enter_context(path.open(newline="", encoding="utf-8-sig")))
    header = list(reader.fieldnames or [])

    def rows() -> _Rows:
        for row in reader:
            extra = row.pop(None, None)  # type: ignore[call-overload]
            cells = {k: (x or "") for k, x in row.items()}
            # line_num is the row's last line: step back over line breaks inside cells
            line = reader.line_num - sum(x.count("\n") for x in cells.values())
            if extra:
                cells["__extra__"] = ",".join(extra)
            yield f"line {line}", cells

    return header, rows()


def _raw_rows(
    path: Path, layer: str | None, stack: contextlib.ExitStack
) -> tuple[list[str], _Rows]:
    """Return the header and (position, raw cells) of each row of a CSV, GeoJSON or GPKG table.

    For GeoJSON / GeoPackage tables the header ends with ``geometry``, and the cells
    hold ``lon``/``lat`` (points) or ``via`` (lines) taken from the geometry. A CSV
    file stays open until `stack` closes.
    """
    if path.suffix.lower() == ".csv":
        return _read_csv(path, stack)
    frame = gpd.read_file(path, layer=layer)
    header = [c for c in frame.columns if c != "geometry"]

    def rows() -> _Rows:
        for number, (_, row) in enumerate(frame.iterrows(), start=1):
            cells = {c: _cell_text(row[c]) for c in header}
            geometry = row.get("geometry")
            if geometry is not None and not geometry.is_empty:
                if geometry.geom_type == "Point":
                    cells["lon"], cells["lat"] = repr(geometry.x), repr(geometry.y)
                elif geometry.geom_type == "LineString":
                    inner = list(geometry.coords)[1:-1]
                    cells["via"] = "; ".join(f"{x!r} {y!r}" for x, y in inner)
                else:
                    cells["__geometry__"] = geometry.geom_type
            yield f"feature {number}", cells

    return [*header, "geometry"], rows()


def _unreadable(path: Path, what: str, error: BaseException, position: str = "") -> DataError:
    """Return the one-line DataError for a table file that cannot be read at all."""
    at = f", {position}" if position else ""
    if isinstance(error, UnicodeDecodeError):
        head = path.read_bytes()[:4] if path.is_file() else b""
        if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
            found = "UTF-16 text"
        else:
            found = f"byte 0x{error.object[error.start]:02x} that is not UTF-8"
        return DataError(
            f"{path}{at}: {found}; expected UTF-8 text: save the {what} table as "
            "CSV UTF-8 (in a spreadsheet: Save as > CSV UTF-8)"
        )
    if isinstance(error, IsADirectoryError):
        return DataError(f"{path}: is a folder; expected a {what} table file")
    if isinstance(error, PermissionError):
        return DataError(f"{path}: permission denied; make the {what} table readable")
    if isinstance(error, csv.Error):
        reason = str(error)
        if "field limit" in reason:
            reason = f"a cell longer than {MAX_CELL:,} characters (a corrupt or wrong file?)"
        elif "NUL" in reason:
            reason = "a NUL byte (a binary or corrupt file?)"
        return DataError(f"{path}{at}: {reason}; expected a CSV {what} table")
    if isinstance(error, OSError):
        return DataError(f"{path}: cannot be read ({error.strerror or error})")
    return DataError(
        f"{path}: not a readable {what} table ({type(error).__name__}: {error}); "
        "expected a .csv, .geojson or .gpkg file written by corridors or GIS software"
    )


def _cell_text(value: Any) -> str:
    """Return a GeoPackage / GeoJSON / frame value as the text of a CSV cell (blank for NA)."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _read_table(
    path: Path, columns: dict[str, Column], what: str, layer: str | None = None
) -> Table:
    """Parse every row of a table, collecting all problems, then raise once."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: file not found; expected a {what} table (.csv/.geojson/.gpkg)")
    problems = v.Problems(f"{path} (layer {layer})" if layer else str(path))
    header_where = "line 1 (header)" if path.suffix.lower() == ".csv" else "columns"
    cells = None
    if path.suffix.lower() == ".csv":
        # an unreadable file is read again row by row, which says where it fails
        with (
            contextlib.suppress(OSError, UnicodeDecodeError, csv.Error, pd.errors.ParserError),
            _cell_limit(),
        ):
            cells = _csv_columns(path)
    if cells is None:
        cells = _row_cells(path, columns, what, layer, problems, header_where)
    else:
        cells.absent = _check_header(cells.header, columns, what, problems, header_where)
    texts, size, absent = cells.texts, cells.size, cells.absent

    def where(i: int) -> str:
        key = next(
            (t[i] for t in (texts.get("id"), texts.get("name")) if t is not None and t[i]), "?"
        )
        return f'{cells.position(i)} ({what} "{_shown(key)}")'

    parsed: dict[str, np.ndarray] = {}
    bad = np.zeros(size, dtype=bool)
    bad[cells.flagged] = True
    for name, column in columns.items():
        required = column.required and name not in absent  # a missing column is said once
        if name not in texts:
            parsed[name] = blank_column(column, size)
            bad |= required
            continue
        parsed[name], blank, refused = parse_column(column, texts[name])
        bad |= refused | (blank & required)
    for i in np.flatnonzero(bad).tolist():  # the messages, as row by row
        _row(cells.position(i), cells.row(i), columns, what, absent, problems)
    table = Table(parsed, size, where, problems.source)
    _check_unique(table, problems)
    problems.raise_if_any()
    return table


@dataclasses.dataclass
class _Cells:
    """The raw cells of a table by column, and where each row is.

    Parameters
    ----------
    header
        Column names as found.
    texts
        Each column's cells.
    size
        Number of rows.
    position
        Position of a row for messages (e.g. ``line 12``).
    row
        A row's cells by column, as the row-by-row reader gives them.
    flagged
        Rows with more cells than columns, or with a wrong geometry type.
    absent
        Required columns the header lacks.
    """

    header: list[str]
    texts: dict[str, Sequence[str]]
    size: int
    position: Callable[[int], str]
    row: Callable[[int], dict[str, str]]
    flagged: list[int] = dataclasses.field(default_factory=list)
    absent: set[str] = dataclasses.field(default_factory=set)


def _csv_columns(path: Path) -> _Cells | None:
    """Read a regular CSV file in columns (None: read it row by row).

    Regular: one header of distinct names, then rows of as many cells as the header,
    one line each (no line break inside a cell, no blank line), so that row ``i`` is
    on line ``i + 2``. A file without quotes is split by pandas' C parser (the cells
    are then exactly those of :mod:`csv`); one with quotes by :func:`csv.reader`.
    """
    data = path.read_bytes()  # counted as bytes: UTF-8 keeps ASCII bytes for themselves
    end = data.find(b"\n")
    first = data[: end if end >= 0 else len(data)].decode("utf-8-sig").rstrip("\r")
    if b'"' in data or b"\x00" in data or "\r" in first or not first:
        return _csv_reader_columns(path)
    header = first.split(",")
    lines = data.count(b"\n") + (not data.endswith(b"\n"))
    regular = (
        len(set(header)) == len(header)
        and data.count(b"\r") == data.count(b"\r\n")
        and data.count(b",") == (len(header) - 1) * lines  # no row longer or shorter
        and (len(data) <= MAX_CELL or max(map(len, data.split(b"\n"))) <= MAX_CELL)
    )
    if not regular:
        return _csv_reader_columns(path)
    frame = pd.read_csv(
        io.BytesIO(data),
        dtype=object,
        na_filter=False,
        index_col=False,
        header=0,
        encoding="utf-8-sig",
        encoding_errors="strict",
    )
    if len(frame) + 1 != lines or frame.shape[1] != len(header):  # a blank line
        return _csv_reader_columns(path)
    texts = {name: frame.iloc[:, k].to_numpy() for k, name in enumerate(header)}

    def row(i: int) -> dict[str, str]:
        return {name: str(cells[i]) for name, cells in texts.items()}

    return _Cells(header, texts, len(frame), lambda i: f"line {i + 2}", row)


def _csv_reader_columns(path: Path) -> _Cells | None:
    """Read a regular CSV file in columns with :func:`csv.reader` (None: it is not regular)."""
    with path.open(newline="", encoding="utf-8-sig") as file:
        reader = csv.reader(file)
        header = next(reader, None)
        if header is None or reader.line_num != 1 or len(set(header)) < len(header):
            return None
        rows = list(reader)
        if reader.line_num != len(rows) + 1 or (rows and set(map(len, rows)) != {len(header)}):
            return None
    texts = dict(zip(header, zip(*rows, strict=True), strict=True)) if rows else {}
    return _Cells(
        header,
        texts,
        len(rows),
        lambda i: f"line {i + 2}",
        lambda i: dict(zip(header, rows[i], strict=True)),
    )


def _row_cells(
    path: Path,
    columns: dict[str, Column],
    what: str,
    layer: str | None,
    problems: v.Problems,
    header_where: str,
) -> _Cells:
    """Read a table row by row (GeoJSON, GeoPackage, irregular CSV); check its header."""
    position = "line 1"
    positions: list[str] = []
    rows: list[dict[str, str]] = []
    flagged: list[int] = []
    absent: set[str] = set()
    try:
        with _cell_limit(), contextlib.ExitStack() as stack:
            header, raw = _raw_rows(path, layer, stack)
            absent = _check_header(header, columns, what, problems, header_where)
            for position, cells in raw:
                if "__extra__" in cells or "__geometry__" in cells:
                    flagged.append(len(rows))
                positions.append(position)
                rows.append(cells)
    except DataError:
        raise
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        for at, cells in zip(positions, rows, strict=True):  # as many problems as read
            _row(at, cells, columns, what, absent, problems)  # may reach MAX_PROBLEMS
        raise _unreadable(path, what, error, _next_line(position)) from None
    except Exception as error:  # a GIS driver's error on a corrupt file
        raise _unreadable(path, what, error) from None
    names = dict.fromkeys(n for cells in rows for n in cells if not n.startswith("__"))
    texts = {n: [cells.get(n, "") for cells in rows] for n in names}
    return _Cells(
        header, texts, len(rows), positions.__getitem__, rows.__getitem__, flagged, absent
    )


def _check_unique(table: Table, problems: v.Problems) -> None:
    """Report every row whose id (or name, without id) an earlier row has."""
    ident = table.column("id").copy()
    has_id = pd.notna(ident)
    ident[~has_id] = table.column("name")[~has_id]
    codes, _ = pd.factorize(ident)
    seen = codes >= 0
    repeated = np.flatnonzero(seen & pd.Series(codes).duplicated().to_numpy())
    if not len(repeated):
        return
    _, first = np.unique(codes, return_index=True)
    first_of = dict(zip(np.unique(codes).tolist(), first.tolist(), strict=True))
    for i in repeated.tolist():
        field = "id" if has_id[i] else "name"
        earlier = table.where(first_of[codes[i]]).split(" (")[0]
        problems.add(
            table.where(i),
            f"{field} = {ident[i]!r} is used twice (first at {earlier}); "
            f"expected a unique {field}: rename or remove one of the rows",
        )


@contextlib.contextmanager
def _cell_limit() -> Iterator[None]:
    """Limit CSV cells to :data:`MAX_CELL` characters while reading."""
    old = csv.field_size_limit(MAX_CELL)
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _next_line(position: str) -> str:
    """Return the position after `position` (where a read error happened), e.g. ``line 5``."""
    kind, _, number = position.partition(" ")
    return f"after {kind} {number}" if number.isdigit() and number != "1" else ""


def _row(
    position: str,
    cells: dict[str, str],
    columns: dict[str, Column],
    what: str,
    absent: set[str],
    problems: v.Problems,
) -> Record:
    """Parse one row's cells, collecting problems; return its record."""
    key = _shown(cells.get("id") or cells.get("name") or "?")
    where = f'{position} ({what} "{key}")'
    if "__extra__" in cells:
        problems.add(where, "more cells than columns; quote cells that contain commas")
    if "__geometry__" in cells:
        problems.add(
            where,
            f"geometry is a {cells['__geometry__']}; expected a "
            f"{'Point' if what == 'place' else 'LineString'}",
        )
    values: dict[str, Any] = {}
    for name, column in columns.items():
        raw = cells.get(name, "").strip()
        if not raw:
            if column.required and name not in absent:  # a missing column is said once
                problems.add(where, f"{name} is blank; {column.expectation()}")
            continue
        try:
            values[name] = column.read(raw)
        except v.FieldError as error:
            problems.add(where, f"{name} = {_shown(raw)!r}; {column.explain(error)}")
    return Record(where, values, problems.source, checked=True)


def _shown(text: str, limit: int = 60) -> str:
    """Return `text` cut to `limit` characters for a message."""
    return text if len(text) <= limit else f"{text[:limit]}..."


def _check_header(
    header: list[str],
    columns: dict[str, Column],
    what: str,
    problems: v.Problems,
    where: str,
) -> set[str]:
    """Report unknown and missing columns; return the missing required ones."""
    missing: set[str] = set()
    geometry_cols = _GEOMETRY_COLUMNS.get(what, ())
    has_geometry = "geometry" in header
    for name in header:
        if name in columns or name == "geometry":
            continue
        hint = v.close_matches(name, columns, n=2)
        extra = f"; did you mean {' or '.join(hint)}?" if hint else ""
        problems.add(where, f"unknown column {name!r}{extra}")
    unknown = [c for c in header if c not in columns and c != "geometry"]
    for name, column in columns.items():
        if column.required and name not in header:
            if has_geometry and name in geometry_cols:
                continue
            hint = v.close_matches(name, unknown, n=1)
            fix = f"rename column {hint[0]!r} to {name!r}" if hint else f"add a {name!r} column"
            problems.add(where, f"required column {name!r} is missing; {fix}")
            missing.add(name)
    return missing


def read_places(path: str | os.PathLike[str]) -> list[Record]:
    """Read and check a places table (CSV, GeoJSON or GeoPackage).

    Parameters
    ----------
    path
        The file. GeoJSON / GeoPackage tables use point geometry for lon/lat.

    Returns
    -------
    list of Record
        One per row, with typed values.

    Raises
    ------
    DataError
        Listing every bad cell: file, line/feature, place id, field, value, expectation.
    """
    return _read_table(Path(path), PLACE_COLUMNS, "place").records()


def read_links(path: str | os.PathLike[str]) -> list[Record]:
    """Read and check a links table (CSV, GeoJSON or GeoPackage).

    Parameters
    ----------
    path
        The file. GeoJSON / GeoPackage tables use line geometry for ``via``.

    Returns
    -------
    list of Record
        One per row, with typed values.

    Raises
    ------
    DataError
        Listing every bad cell: file, line/feature, link id, field, value, expectation.
    """
    return _read_table(Path(path), LINK_COLUMNS, "link").records()


def read_corridors(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read the named corridors table (``name``, ``description``, ``modes``, ``source``).

    Parameters
    ----------
    path
        A CSV file.

    Returns
    -------
    pandas.DataFrame
        Indexed by corridor name.
    """
    records = _read_table(Path(path), CORRIDOR_COLUMNS, "corridor").records()
    frame = pd.DataFrame([r.values for r in records], columns=list(CORRIDOR_COLUMNS))
    return frame.set_index("name")
