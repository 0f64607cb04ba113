"""Read and write places, links, corridors and parameters; atomic writes.

Tables are read cell by cell with clear errors: every problem in a file is
collected, then one :class:`~corridors._errors.DataError` names the file, the
line (CSV) or feature (GeoJSON, GeoPackage), the record, the field, the value
found and what was expected. The column schema is documented in
``data/gtr/README.md``.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from corridors import _validate as v
from corridors._errors import DataError
from corridors.costs import (
    MODES,
    PLACE_KINDS,
    BorderParams,
    ModeParams,
    Parameters,
    TransferParams,
)

if TYPE_CHECKING:
    from corridors.network import Network

__all__ = [
    "LINK_COLUMNS",
    "PLACE_COLUMNS",
    "Record",
    "atomic_path",
    "params_from_dict",
    "read_corridors",
    "read_graphml",
    "read_links",
    "read_network",
    "read_params",
    "read_places",
    "write_geopackage",
    "write_graphml",
    "write_network",
]

STATUSES = ("existing", "planned", "suspended")
CONFIDENCE = ("s", "s*", "gk", "gk-low")
TABLE_SUFFIXES = (".csv", ".geojson", ".gpkg")


@dataclass(frozen=True)
class Column:
    """One column of an input table.

    Parameters
    ----------
    parse
        Turns the cell's text into its value, or raises ``FieldError``.
    required
        The cell must not be blank.
    unit
        Unit of a number, shown in messages (e.g. ``"km/h"``).
    """

    parse: Callable[[str], Any]
    required: bool = False
    unit: str = ""

    def expectation(self) -> str:
        """Say what a cell of this column must hold, for the message about a blank cell.

        Returns
        -------
        str
            E.g. ``"expected one of rail, road, sea, air"``.
        """
        try:
            self.parse("")
        except v.FieldError as error:
            return self.explain(error)
        return "expected a value"

    def explain(self, error: v.FieldError) -> str:
        """Return the parser's expectation with the column's unit, if any.

        Parameters
        ----------
        error
            What the parser raised.

        Returns
        -------
        str
            E.g. ``"expected a positive number (km/h)"``.
        """
        return f"{error} ({self.unit})" if self.unit else str(error)


def _confidence(raw: str) -> str:
    """Return a confidence code in its canonical spelling (S, S*, GK, GK-low)."""
    value = v.choice(CONFIDENCE)(raw)
    return {"s": "S", "s*": "S*", "gk": "GK", "gk-low": "GK-low"}[value]


def _throughput_unit(raw: str) -> str:
    """Return a throughput unit in its canonical spelling (TEU or Mt)."""
    units = {"teu": "TEU", "mt": "Mt"}
    value = raw.strip().lower()
    if value not in units:
        raise v.FieldError("expected TEU or Mt")
    return units[value]


def _link_id(raw: str) -> str:
    """Return a link id made of lower-case letters, digits, '_' and '-'."""
    value = raw.strip()
    if not value or not all(c.isalnum() or c in "_-" for c in value) or value != value.lower():
        msg = "expected an id of lower-case letters, digits, '_' and '-' (e.g. 'a-b-rail')"
        raise v.FieldError(msg)
    return value


#: Columns of a places table (see ``data/gtr/README.md``).
PLACE_COLUMNS: dict[str, Column] = {
    "id": Column(v.parse_id, required=True),
    "name": Column(v.parse_text, required=True),
    "alt_names": Column(v.parse_list),
    "kind": Column(v.choice(PLACE_KINDS), required=True),
    "country": Column(v.parse_country, required=True),
    "lon": Column(v.parse_lon, required=True),
    "lat": Column(v.parse_lat, required=True),
    "modes": Column(v.subset(MODES), required=True),
    "status": Column(v.choice(STATUSES)),
    "closed": Column(v.parse_bool),
    "countries": Column(v.parse_country_pair),
    "dwell_road_h": Column(v.parse_non_negative, unit="hours"),
    "dwell_rail_h": Column(v.parse_non_negative, unit="hours"),
    "gauge_break": Column(v.parse_bool),
    "gauge_change_h": Column(v.parse_non_negative, unit="hours"),
    "fee_usd": Column(v.parse_non_negative, unit="USD per TEU"),
    "handling_h": Column(v.parse_non_negative, unit="hours"),
    "port_type": Column(v.choice(("sea", "river"))),
    "throughput": Column(v.parse_non_negative),
    "throughput_unit": Column(_throughput_unit),
    "throughput_year": Column(v.parse_year),
    "regime": Column(v.parse_text),
    "industries": Column(v.parse_list),
    "area_km2": Column(v.parse_positive, unit="km²"),
    "source": Column(v.parse_text, required=True),
    "confidence": Column(_confidence),
    "notes": Column(v.parse_text),
}

#: Columns of a links table (see ``data/gtr/README.md``).
LINK_COLUMNS: dict[str, Column] = {
    "id": Column(_link_id, required=True),
    "from": Column(v.parse_id, required=True),
    "to": Column(v.parse_id, required=True),
    "mode": Column(v.choice(MODES), required=True),
    "length_km": Column(v.parse_positive, unit="km"),
    "length_basis": Column(v.choice(("source", "computed"))),
    "speed_kph": Column(v.parse_positive, unit="km/h"),
    "cost_usd_teu": Column(v.parse_non_negative, unit="USD per TEU"),
    "defaults": Column(v.subset(("speed_kph", "cost_usd_teu"))),
    "gauge_mm": Column(v.parse_gauge),
    "status": Column(v.choice(STATUSES)),
    "closed": Column(v.parse_bool),
    "oneway": Column(v.parse_bool),
    "corridors": Column(v.parse_list),
    "capacity": Column(v.parse_positive),
    "capacity_unit": Column(v.parse_text),
    "via": Column(v.parse_via),
    "source": Column(v.parse_text, required=True),
    "confidence": Column(_confidence),
    "notes": Column(v.parse_text),
}

CORRIDOR_COLUMNS: dict[str, Column] = {
    "name": Column(v.parse_text, required=True),
    "description": Column(v.parse_text),
    "modes": Column(v.subset(MODES)),
    "source": Column(v.parse_text, required=True),
}

#: Columns that a geometry replaces in GeoJSON / GeoPackage tables.
_GEOMETRY_COLUMNS = {"place": ("lon", "lat"), "link": ("via",)}


@dataclass(frozen=True)
class Record:
    """One parsed row of an input table.

    Parameters
    ----------
    where
        Its position for messages, e.g. ``line 12 (place "hunchun")``.
    values
        Parsed values of the non-blank cells, by column.
    source
        The file (and layer) the row comes from, e.g. ``data/gtr/links.csv``.
    """

    where: str
    values: dict[str, Any]
    source: str = ""

    @property
    def location(self) -> str:
        """File and position for messages, e.g. ``links.csv, line 12 (link "a-b-rail")``."""
        return f"{self.source}, {self.where}" if self.source else self.where


def _read_csv(path: Path) -> tuple[list[str], list[tuple[str, dict[str, str]]]]:
    """Return the header and (position, raw cells) of each row of a CSV file."""
    rows = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        for row in reader:
            extra = row.pop(None, None)  # type: ignore[call-overload]
            cells = {k: (x or "") for k, x in row.items()}
            # line_num is the row's last line: step back over line breaks inside cells
            line = reader.line_num - sum(x.count("\n") for x in cells.values())
            if extra:
                cells["__extra__"] = ",".join(extra)
            rows.append((f"line {line}", cells))
    return header, rows


def _raw_rows(
    path: Path, layer: str | None = None
) -> tuple[list[str], list[tuple[str, dict[str, str]]]]:
    """Return the header and (position, raw cells) of each row of a CSV, GeoJSON or GPKG table.

    For GeoJSON / GeoPackage tables the header ends with ``geometry``, and the cells
    hold ``lon``/``lat`` (points) or ``via`` (lines) taken from the geometry.
    """
    if path.suffix.lower() == ".csv":
        return _read_csv(path)
    frame = gpd.read_file(path, layer=layer)
    header = [c for c in frame.columns if c != "geometry"]
    rows = []
    for number, (_, row) in enumerate(frame.iterrows(), start=1):
        cells = {c: _cell_text(row[c]) for c in header}
        geometry = row.get("geometry")
        if geometry is not None and not geometry.is_empty:
            if geometry.geom_type == "Point":
                cells["lon"], cells["lat"] = repr(geometry.x), repr(geometry.y)
            elif geometry.geom_type == "LineString":
                inner = list(geometry.coords)[1:-1]
                cells["via"] = "; ".join(f"{x!r} {y!r}" for x, y in inner)
        rows.append((f"feature {number}", cells))
    return [*header, "geometry"], rows


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
) -> list[Record]:
    """Parse every row of a table, collecting all problems, then raise once."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: file not found; expected a {what} table (.csv/.geojson/.gpkg)")
    problems = v.Problems(f"{path} (layer {layer})" if layer else str(path))
    records: list[Record] = []
    seen_ids: dict[str, str] = {}
    header, rows = _raw_rows(path, layer)
    header_where = "line 1 (header)" if path.suffix.lower() == ".csv" else "columns"
    absent = _check_header(header, columns, what, problems, header_where)
    for position, cells in rows:
        key = cells.get("id") or cells.get("name") or "?"
        where = f'{position} ({what} "{key}")'
        if "__extra__" in cells:
            problems.add(where, "more cells than columns; quote cells that contain commas")
        values: dict[str, Any] = {}
        for name, column in columns.items():
            raw = cells.get(name, "").strip()
            if not raw:
                if column.required and name not in absent:  # a missing column is said once
                    problems.add(where, f"{name} is blank; {column.expectation()}")
                continue
            try:
                values[name] = column.parse(raw)
            except v.FieldError as error:
                problems.add(where, f"{name} = {raw!r}; {column.explain(error)}")
        ident = values.get("id", values.get("name"))
        if ident is not None:
            if ident in seen_ids:
                field = "id" if "id" in values else "name"
                problems.add(
                    where,
                    f"{field} = {ident!r} is used twice (first at {seen_ids[ident]}); "
                    f"expected a unique {field}: rename or remove one of the rows",
                )
            else:
                seen_ids[ident] = position
        records.append(Record(where, values, problems.source))
    problems.raise_if_any()
    return records


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
    return _read_table(Path(path), PLACE_COLUMNS, "place")


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
    return _read_table(Path(path), LINK_COLUMNS, "link")


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
    records = _read_table(Path(path), CORRIDOR_COLUMNS, "corridor")
    frame = pd.DataFrame([r.values for r in records], columns=list(CORRIDOR_COLUMNS))
    return frame.set_index("name")


# ---------------------------------------------------------------- parameters


_TOML_TABLE = re.compile(r"^\[\s*([^\]]+?)\s*\]")


def _toml_line(text: str, section: str, key: str | None = None) -> str:
    """Best-effort 'line N' of `key` inside `[section]` (or of the header) of a TOML text."""
    current = ""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = _TOML_TABLE.match(stripped)
        if header:
            current = "".join(header.group(1).split()).replace('"', "")
            if key is None and current == section:
                return f"line {number}"
        elif key is not None and current == section:
            name = stripped.split("=")[0].strip().strip("\"'")
            if name == key and "=" in stripped:
                return f"line {number}"
    return f"[{section}]"


_MODE_KEYS = ("speed_kph", "cost_usd_teu_km", "detour_factor")
_SECTIONS = ("value_of_time", "modes", "transfer", "border", "meta")


class _ParamsReader:
    """Check the tables of a parameters document, collecting problems."""

    def __init__(self, source: str, text: str) -> None:
        self.problems = v.Problems(source)
        self.text = text

    def where(self, section: str, key: str) -> str:
        """Return where `key` of `[section]` is, e.g. ``line 12 ([border] fee_usd)``."""
        return f"{_toml_line(self.text, section, key)} ([{section}] {key})"

    def table(self, section: str, value: Any, keys: dict[str, Callable[[str], Any]]) -> dict:
        """Parse `keys` of one table; report unknown, missing (except source) and bad keys."""
        out: dict[str, Any] = {}
        if not isinstance(value, dict):
            self.problems.add(f"[{section}]", "expected a table")
            return out
        for key in value:
            if key not in keys:
                hint = v.close_matches(key, keys, n=2)
                extra = f"; did you mean {' or '.join(hint)}?" if hint else ""
                self.problems.add(self.where(section, key), f"unknown key {key!r}{extra}")
        for key, parse in keys.items():
            if key not in value:
                if key != "source":
                    self.problems.add(
                        f"{_toml_line(self.text, section)} ([{section}])",
                        f"missing key {key!r}; add '{key} = ...' to the table",
                    )
                continue
            try:
                out[key] = parse(str(value[key]))
            except v.FieldError as error:
                self.problems.add(self.where(section, key), f"{key} = {value[key]!r}; {error}")
        return out

    def mode(self, mode: str, raw: dict[str, Any]) -> ModeParams | None:
        """Parse the ``[modes.<mode>]`` table; None when a required key is missing."""
        section = f"modes.{mode}"
        raw = dict(raw)
        by_country = raw.pop("speed_kph_by_country", {})
        keys = {
            "speed_kph": v.parse_positive,
            "cost_usd_teu_km": v.parse_non_negative,
            "detour_factor": v.parse_positive,
            "source": v.parse_text,
        }
        got = self.table(section, raw, keys)
        table = f"{section}.speed_kph_by_country"
        speeds = self.table(table, by_country, dict.fromkeys(by_country, v.parse_positive))
        for country in speeds:
            if country not in v.ISO_COUNTRIES:
                self.problems.add(
                    self.where(table, country), "expected ISO 3166-1 alpha-2 country codes as keys"
                )
        if not all(k in got for k in _MODE_KEYS):
            return None
        return ModeParams(*(got[k] for k in _MODE_KEYS), speeds, got.get("source", ""))

    def transfer(self, kind: str, raw: dict[str, Any]) -> TransferParams | None:
        """Parse a ``[transfer.<kind>]`` table; None when it is unusable."""
        if kind not in PLACE_KINDS:
            self.problems.add(
                f"[transfer.{kind}]", f"unknown kind; expected one of {', '.join(PLACE_KINDS)}"
            )
            return None
        keys = {
            "handling_h": v.parse_non_negative,
            "fee_usd": v.parse_non_negative,
            "source": v.parse_text,
        }
        got = self.table(f"transfer.{kind}", raw, keys)
        if "handling_h" not in got or "fee_usd" not in got:
            return None
        return TransferParams(got["handling_h"], got["fee_usd"], got.get("source", ""))


def params_from_dict(
    data: dict[str, Any], source: str = "parameters", text: str = ""
) -> Parameters:
    """Build :class:`Parameters` from the nested dict of a ``params.toml``.

    Parameters
    ----------
    data
        The parsed TOML document.
    source
        File name for messages.
    text
        The TOML text, used to give line numbers in messages.

    Returns
    -------
    corridors.costs.Parameters
        The parsed, checked parameters.

    Raises
    ------
    DataError
        Listing every missing, unknown or invalid key.
    """
    reader = _ParamsReader(source, text)
    for section in data:
        if section not in _SECTIONS:
            hint = v.close_matches(section, _SECTIONS, n=1)
            extra = f" (did you mean [{hint[0]}]?)" if hint else ""
            reader.problems.add(
                f"{_toml_line(text, section)} ([{section}])",
                f"unknown section; expected one of {', '.join(_SECTIONS)}{extra}",
            )
    vot = reader.table(
        "value_of_time",
        data.get("value_of_time", {}),
        {"usd_per_teu_h": v.parse_non_negative, "source": v.parse_text},
    )
    mode_tables = data.get("modes", {})
    for mode in mode_tables:
        if mode not in MODES:
            hint = v.close_matches(mode, MODES, n=1)
            extra = f" (did you mean [modes.{hint[0]}]?)" if hint else ""
            reader.problems.add(
                f"{_toml_line(text, f'modes.{mode}')} ([modes.{mode}])",
                f"unknown mode; expected one of {', '.join(MODES)}{extra}",
            )
    for mode in MODES:
        if mode not in mode_tables:
            reader.problems.add(
                f"[modes.{mode}]",
                f"table [modes.{mode}] is missing; expected {', '.join(_MODE_KEYS)} "
                f"for every mode ({', '.join(MODES)})",
            )
    modes = {m: reader.mode(m, mode_tables[m]) for m in MODES if m in mode_tables}
    transfer = {k: reader.transfer(k, raw) for k, raw in data.get("transfer", {}).items()}
    border_keys = {
        k: v.parse_non_negative
        for k in ("dwell_road_h", "dwell_rail_h", "gauge_change_h", "fee_usd")
    }
    border = reader.table(
        "border", data.get("border", {}), {**border_keys, "source": v.parse_text}
    )
    reader.problems.raise_if_any()
    return Parameters(
        value_of_time_usd_teu_h=vot["usd_per_teu_h"],
        modes={m: p for m, p in modes.items() if p is not None},
        transfer={k: p for k, p in transfer.items() if p is not None},
        border=BorderParams(**border),
        value_of_time_source=vot.get("source", ""),
    )


def read_params(path: str | os.PathLike[str]) -> Parameters:
    """Read a ``params.toml`` file.

    Parameters
    ----------
    path
        The TOML file (schema in ``data/gtr/README.md``).

    Returns
    -------
    corridors.costs.Parameters
        The parsed, checked parameters.

    Raises
    ------
    DataError
        If the file is missing, is not valid TOML, or has a missing, unknown or bad key.
    """
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: file not found; expected a params.toml parameters file")
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DataError(f"{path}: not valid TOML: {error}") from None
    return params_from_dict(data, str(path), text)


# ---------------------------------------------------------------- networks


def _find_table(folder: Path, stem: str, required: bool = True) -> Path | None:
    """Return the ``{stem}.csv/.geojson/.gpkg`` file in `folder` (None if optional)."""
    for suffix in TABLE_SUFFIXES:
        candidate = folder / f"{stem}{suffix}"
        if candidate.exists():
            return candidate
    if required:
        names = ", ".join(f"{stem}{s}" for s in TABLE_SUFFIXES)
        raise DataError(f"{folder}: no {stem} table found; expected one of {names}")
    return None


def read_network(path: str | os.PathLike[str], *, name: str | None = None) -> Network:
    """Read a network from a folder of tables, a GeoPackage or a GraphML file.

    Parameters
    ----------
    path
        A folder holding ``places``, ``links`` (``.csv``/``.geojson``/``.gpkg``),
        ``params.toml`` and optionally ``corridors.csv``; or a ``.gpkg`` written by
        :func:`write_geopackage`; or a ``.graphml`` written by :func:`write_graphml`.
    name
        Network name; defaults to the folder or file name.

    Returns
    -------
    Network

    Raises
    ------
    DataError
        If any file is missing or invalid; nothing is built then.
    """
    from corridors.network import Network

    path = Path(path)
    if path.suffix.lower() == ".graphml":
        return read_graphml(path)
    if path.suffix.lower() == ".gpkg":
        return _read_geopackage(path, name=name)
    if not path.is_dir():
        raise DataError(f"{path}: not found; expected a folder of tables, a .gpkg or a .graphml")
    places = read_places(_find_table(path, "places"))  # type: ignore[arg-type]
    links = read_links(_find_table(path, "links"))  # type: ignore[arg-type]
    params = read_params(path / "params.toml")
    corridor_path = path / "corridors.csv"
    corridors = read_corridors(corridor_path) if corridor_path.exists() else None
    return Network.from_records(
        places, links, params, corridors=corridors, name=name or path.name, source=str(path)
    )


def _read_geopackage(path: Path, *, name: str | None) -> Network:
    """Read a network written by :func:`write_geopackage`."""
    import pyogrio

    from corridors.network import Network

    layers = {row[0] for row in pyogrio.list_layers(path)}
    for layer in ("places", "links", "parameters"):
        if layer not in layers:
            raise DataError(f"{path}: layer {layer!r} is missing; found {sorted(layers)}")
    places = _read_table(path, PLACE_COLUMNS, "place", layer="places")
    links = _read_table(path, LINK_COLUMNS, "link", layer="links")
    frame = gpd.read_file(path, layer="parameters")
    meta = json.loads(frame.loc[0, "params_json"])
    params = params_from_dict(meta["params"], f"{path} (layer parameters)")
    corridors = None
    if "corridors" in layers:
        corridors = pd.DataFrame(gpd.read_file(path, layer="corridors")).drop(
            columns="geometry", errors="ignore"
        )
        corridors = corridors.set_index("name")
    return Network.from_records(
        places,
        links,
        params,
        corridors=corridors,
        name=name or meta.get("name", path.stem),
        source=str(path),
    )


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to `path`; move it into place only on success.

    Parameters
    ----------
    path
        The final output file. Its folder is created if needed.

    Yields
    ------
    pathlib.Path
        Where to write. If the block raises, the temporary file is removed and
        any existing `path` is left untouched.
    """
    final = Path(path)
    final.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(
        prefix=f".{final.name}.", suffix=final.suffix, dir=final.parent
    )
    os.close(handle)
    temp = Path(temp_name)
    temp.unlink()
    try:
        yield temp
        os.replace(temp, final)
    finally:
        if temp.exists():
            temp.unlink()


def write_geopackage(net: Network, path: str | os.PathLike[str]) -> Path:
    """Write a network to a GeoPackage (layers places, links, corridors, parameters).

    The file opens in QGIS; :func:`read_network` reads it back with every attribute,
    type and geometry intact. The write is atomic.

    Parameters
    ----------
    net
        The network.
    path
        Output ``.gpkg`` file; replaced if it exists.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    path = Path(path)
    places = net.places.reset_index()[[*PLACE_COLUMNS, "geometry"]].drop(columns=["lon", "lat"])
    links = net.links.reset_index()[[*LINK_COLUMNS, "geometry"]].drop(columns=["via"])
    meta = {"name": net.name, "params": net.params.to_dict()}
    parameters = gpd.GeoDataFrame(
        {"params_json": [json.dumps(meta)]}, geometry=[None], crs=net.crs
    )
    with atomic_path(path) as temp:
        places.to_file(temp, layer="places", driver="GPKG")
        links.to_file(temp, layer="links", driver="GPKG")
        parameters.to_file(temp, layer="parameters", driver="GPKG")
        if net.corridors is not None:
            corridors = gpd.GeoDataFrame(
                net.corridors.reset_index(), geometry=[None] * len(net.corridors), crs=net.crs
            )
            corridors.to_file(temp, layer="corridors", driver="GPKG")
    return path


def write_network(net: Network, folder: str | os.PathLike[str]) -> Path:
    """Write a network as a folder of CSV tables and ``params.toml``, like ``data/gtr``.

    Parameters
    ----------
    net
        The network.
    folder
        Output folder, created if needed. Every table is written to a temporary file
        first and the files are moved into place only when all are written, so a
        failure leaves the earlier tables untouched.

    Returns
    -------
    pathlib.Path
        The folder.
    """
    folder = Path(folder)
    places = pd.DataFrame(net.places.reset_index()[list(PLACE_COLUMNS)])
    links = pd.DataFrame(net.links.reset_index()[list(LINK_COLUMNS)])
    links["via"] = links["via"].map(
        lambda pts: "; ".join(f"{x!r} {y!r}" for x, y in pts) if isinstance(pts, list) else ""
    )
    with contextlib.ExitStack() as stack:  # every file is written before any is replaced
        for frame, stem in ((places, "places"), (links, "links")):
            temp = stack.enter_context(atomic_path(folder / f"{stem}.csv"))
            frame.map(_csv_cell).to_csv(temp, index=False)
        if net.corridors is not None:
            temp = stack.enter_context(atomic_path(folder / "corridors.csv"))
            net.corridors.reset_index().to_csv(temp, index=False)
        temp = stack.enter_context(atomic_path(folder / "params.toml"))
        temp.write_text(_to_toml(net.params.to_dict()), encoding="utf-8")
    return folder


def _csv_cell(value: Any) -> str:
    """Return a frame value as the text :func:`read_network` reads back."""
    return _cell_text(value)


def _to_toml(data: dict[str, Any], prefix: str = "") -> str:
    """Return a nested dict of scalars as TOML text (tables under `prefix`)."""
    scalars = {k: x for k, x in data.items() if not isinstance(x, dict)}
    tables = {k: x for k, x in data.items() if isinstance(x, dict)}
    lines = [f"[{prefix}]"] if prefix and scalars else []
    lines += [f"{k} = {json.dumps(x)}" for k, x in scalars.items()]
    text = "\n".join(lines) + ("\n\n" if lines else "")
    for key, table in tables.items():
        text += _to_toml(table, f"{prefix}.{key}" if prefix else key)
    return text


_NODE_DTYPES: dict[str, Callable[[str], Any]] = {
    "dwell_road_h": float,
    "dwell_rail_h": float,
    "gauge_change_h": float,
    "fee_usd": float,
    "handling_h": float,
    "throughput": float,
    "throughput_year": int,
    "area_km2": float,
}
_EDGE_DTYPES: dict[str, Callable[[str], Any]] = {"cost_usd_teu": float, "capacity": float}
_BOOL_ATTRS = ("closed", "gauge_break")


def write_graphml(net: Network, path: str | os.PathLike[str]) -> Path:
    """Write a network to GraphML with osmnx (atomically), parameters included.

    Parameters
    ----------
    net
        The network.
    path
        Output ``.graphml`` file; replaced if it exists.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    import osmnx as ox

    graph = net.graph.copy()
    graph.graph["params_json"] = json.dumps(net.params.to_dict())
    if net.corridors is not None:
        graph.graph["corridors_json"] = net.corridors.reset_index().to_json(orient="records")
    with atomic_path(path) as temp:
        ox.save_graphml(graph, temp)
    return Path(path)


def read_graphml(path: str | os.PathLike[str]) -> Network:
    """Read a network written by :func:`write_graphml`.

    Parameters
    ----------
    path
        The ``.graphml`` file.

    Returns
    -------
    Network

    Raises
    ------
    DataError
        If the file lacks the corridors parameters (it was not written by corridors).
    """
    import osmnx as ox

    from corridors.network import Network

    to_bool = ox.io._convert_bool_string
    node_dtypes = {**_NODE_DTYPES, **dict.fromkeys(_BOOL_ATTRS, to_bool), "osmid": str}
    edge_dtypes = {**_EDGE_DTYPES, **dict.fromkeys(_BOOL_ATTRS, to_bool)}
    graph = ox.load_graphml(path, node_dtypes=node_dtypes, edge_dtypes=edge_dtypes)
    if "params_json" not in graph.graph:
        raise DataError(
            f"{path}: no 'params_json' graph attribute; write it with corridors.io.write_graphml"
        )
    params = params_from_dict(json.loads(graph.graph.pop("params_json")), str(path))
    corridors = None
    if "corridors_json" in graph.graph:
        corridors = pd.DataFrame(json.loads(graph.graph.pop("corridors_json"))).set_index("name")
    return Network(graph, params, corridors=corridors)
