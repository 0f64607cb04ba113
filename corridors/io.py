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
    """

    parse: Callable[[str], Any]
    required: bool = False


def _confidence(raw: str) -> str:
    value = v.choice(CONFIDENCE)(raw)
    return {"s": "S", "s*": "S*", "gk": "GK", "gk-low": "GK-low"}[value]


def _throughput_unit(raw: str) -> str:
    units = {"teu": "TEU", "mt": "Mt"}
    value = raw.strip().lower()
    if value not in units:
        raise v.FieldError("expected TEU or Mt")
    return units[value]


def _link_id(raw: str) -> str:
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
    "dwell_road_h": Column(v.parse_non_negative),
    "dwell_rail_h": Column(v.parse_non_negative),
    "gauge_break": Column(v.parse_bool),
    "gauge_change_h": Column(v.parse_non_negative),
    "fee_usd": Column(v.parse_non_negative),
    "handling_h": Column(v.parse_non_negative),
    "port_type": Column(v.choice(("sea", "river"))),
    "throughput": Column(v.parse_non_negative),
    "throughput_unit": Column(_throughput_unit),
    "throughput_year": Column(v.parse_year),
    "regime": Column(v.parse_text),
    "industries": Column(v.parse_list),
    "area_km2": Column(v.parse_positive),
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
    "length_km": Column(v.parse_positive),
    "length_basis": Column(v.choice(("source", "computed"))),
    "speed_kph": Column(v.parse_positive),
    "cost_usd_teu": Column(v.parse_non_negative),
    "defaults": Column(v.subset(("speed_kph", "cost_usd_teu"))),
    "gauge_mm": Column(v.parse_gauge),
    "status": Column(v.choice(STATUSES)),
    "closed": Column(v.parse_bool),
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
    """

    where: str
    values: dict[str, Any]


def _raw_rows(
    path: Path, layer: str | None = None
) -> Iterator[tuple[str, dict[str, str], list[str]]]:
    """Yield (position, raw cells, header) for each row of a CSV, GeoJSON or GPKG table."""
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header = list(reader.fieldnames or [])
            line = reader.line_num
            for row in reader:
                extra = row.pop(None, None)  # type: ignore[call-overload]
                if extra:
                    row["__extra__"] = ",".join(extra)
                yield f"line {line + 1}", {k: (x or "") for k, x in row.items()}, header
                line = reader.line_num
        return
    frame = gpd.read_file(path, layer=layer)
    header = [c for c in frame.columns if c != "geometry"]
    for number, (_, row) in enumerate(frame.iterrows(), start=1):
        cells = {c: _cell_text(row[c]) for c in header}
        geometry = row.get("geometry")
        if geometry is not None and not geometry.is_empty:
            if geometry.geom_type == "Point":
                cells["lon"], cells["lat"] = repr(geometry.x), repr(geometry.y)
            elif geometry.geom_type == "LineString":
                inner = list(geometry.coords)[1:-1]
                cells["via"] = "; ".join(f"{x!r} {y!r}" for x, y in inner)
        yield f"feature {number}", cells, [*header, "geometry"]


def _cell_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
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
    header_checked = False
    for position, cells, header in _raw_rows(path, layer):
        if not header_checked:
            _check_header(header, columns, what, problems)
            header_checked = True
        key = cells.get("id") or cells.get("name") or "?"
        where = f'{position} ({what} "{key}")'
        if "__extra__" in cells:
            problems.add(where, "more cells than columns; quote cells that contain commas")
        values: dict[str, Any] = {}
        for name, column in columns.items():
            raw = cells.get(name, "").strip()
            if not raw:
                if column.required:
                    problems.add(where, f"{name} is blank; expected a value")
                continue
            try:
                values[name] = column.parse(raw)
            except v.FieldError as error:
                problems.add(where, f"{name} = {raw!r}; {error}")
        ident = values.get("id", values.get("name"))
        if ident is not None:
            if ident in seen_ids:
                problems.add(where, f"duplicate id {ident!r} (first at {seen_ids[ident]})")
            else:
                seen_ids[ident] = position
        records.append(Record(where, values))
    problems.raise_if_any()
    return records


def _check_header(header: list[str], columns: dict[str, Column], what: str, problems: Any) -> None:
    geometry_cols = _GEOMETRY_COLUMNS.get(what, ())
    has_geometry = "geometry" in header
    for name in header:
        if name in columns or name == "geometry":
            continue
        hint = v.close_matches(name, columns, n=2)
        extra = f"; did you mean {' or '.join(hint)}?" if hint else ""
        problems.add("header", f"unknown column {name!r}{extra}")
    for name, column in columns.items():
        if column.required and name not in header:
            if has_geometry and name in geometry_cols:
                continue
            problems.add("header", f"required column {name!r} is missing")


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


def _toml_line(text: str, section: str, key: str) -> str:
    """Best-effort 'line N' of `key` inside `[section]` of a TOML text."""
    current = ""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            current = stripped.strip("[]").strip()
        elif current == section and stripped.split("=")[0].strip() == key:
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
                    self.problems.add(f"[{section}]", f"missing key {key!r}")
                continue
            try:
                out[key] = parse(str(value[key]))
            except v.FieldError as error:
                self.problems.add(self.where(section, key), f"{key} = {value[key]!r}; {error}")
        return out

    def mode(self, mode: str, raw: dict[str, Any]) -> ModeParams | None:
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
            reader.problems.add(
                f"[{section}]", f"unknown section; expected one of {', '.join(_SECTIONS)}"
            )
    vot = reader.table(
        "value_of_time",
        data.get("value_of_time", {}),
        {"usd_per_teu_h": v.parse_non_negative, "source": v.parse_text},
    )
    mode_tables = data.get("modes", {})
    for mode in mode_tables:
        if mode not in MODES:
            reader.problems.add(
                f"[modes.{mode}]", f"unknown mode; expected one of {', '.join(MODES)}"
            )
    modes = {m: reader.mode(m, mode_tables.get(m, {})) for m in MODES}
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
        Output folder, created if needed; its tables are replaced atomically one by one.

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
    for frame, stem in ((places, "places"), (links, "links")):
        with atomic_path(folder / f"{stem}.csv") as temp:
            frame.map(_csv_cell).to_csv(temp, index=False)
    if net.corridors is not None:
        with atomic_path(folder / "corridors.csv") as temp:
            net.corridors.reset_index().to_csv(temp, index=False)
    with atomic_path(folder / "params.toml") as temp:
        temp.write_text(_to_toml(net.params.to_dict()), encoding="utf-8")
    return folder


def _csv_cell(value: Any) -> str:
    return _cell_text(value)


def _to_toml(data: dict[str, Any], prefix: str = "") -> str:
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
