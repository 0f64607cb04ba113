"""Write a network to GraphML with osmnx (parameters included) and read it back."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import shapely

from corridors import _validate as v
from corridors._errors import DataError
from corridors.io.atomic import atomic_path
from corridors.io.params import params_from_dict
from corridors.network import Network
from corridors.schema import Record

__all__ = ["read_graphml", "write_graphml"]


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
    """Read a network written by :func:`write_graphml`, checked like a folder of tables.

    Node and edge attributes go through the same column parsers, physical bounds and
    cross-table checks as ``places.csv`` / ``links.csv`` (one validation path); edge
    lengths and travel times are derived again from the link values and must match
    the file's ``length`` / ``travel_time``.

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
        If the file cannot be parsed, lacks the corridors parameters (it was not
        written by corridors), or any node or edge is invalid (every problem listed).
    """
    path = Path(path)
    graph = _load(path)
    source = str(path)
    params = params_from_dict(_json_attr(graph, "params_json", path, required=True), source)
    corridors = None
    if "corridors_json" in graph.graph:
        rows = _json_attr(graph, "corridors_json", path)
        if not isinstance(rows, list) or not all(
            isinstance(r, dict) and "name" in r for r in rows
        ):
            raise DataError(
                f"{path}: graph attribute corridors_json; expected a list of corridors"
            )
        corridors = pd.DataFrame(rows).set_index("name")
    problems = v.Problems(source)
    places = [_place_record(node, data, source) for node, data in graph.nodes(data=True)]
    links = [
        _link_record(u, w, key, data, source, problems)
        for u, w, key, data in graph.edges(keys=True, data=True)
        if str(data.get("reversed", "False")).lower() != "true"
    ]
    problems.raise_if_any()
    name = str(graph.graph.get("name", path.stem))
    net = Network.from_records(
        places, links, params, corridors=corridors, name=name, source=source
    )
    _check_derived(graph, net, problems)
    problems.raise_if_any()
    return net


def _load(path: Path) -> nx.MultiDiGraph:
    """Parse the GraphML file (attributes stay text), or raise one DataError."""
    if not path.exists():
        raise DataError(f"{path}: file not found; expected a .graphml file")
    try:
        graph = nx.read_graphml(path, force_multigraph=True)
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise DataError(f"{path}: cannot be read ({reason})") from None
    except Exception as error:  # ParseError, NetworkXError, KeyError, ... of a broken file
        raise DataError(
            f"{path}: not a valid GraphML file ({type(error).__name__}: {error}); "
            "write it with corridors.io.write_graphml"
        ) from None
    if not graph.is_directed():
        raise DataError(f"{path}: an undirected graph; write it with corridors.io.write_graphml")
    return graph


def _json_attr(graph: nx.MultiDiGraph, key: str, path: Path, *, required: bool = False) -> Any:
    """Return a JSON graph attribute, decoded, or raise one DataError."""
    if key not in graph.graph:
        if required:
            raise DataError(
                f"{path}: no {key!r} graph attribute; write it with corridors.io.write_graphml"
            )
        return None
    try:
        value = json.loads(str(graph.graph.pop(key)))
    except (ValueError, RecursionError) as error:
        raise DataError(f"{path}: graph attribute {key} is not valid JSON ({error})") from None
    if key == "params_json" and not isinstance(value, dict):
        raise DataError(f"{path}: graph attribute params_json; expected a JSON object")
    return value


def _place_record(node: str, data: dict[str, Any], source: str) -> Record:
    """Return a place record from a node's attributes (x, y are lon, lat)."""
    values = {k: x for k, x in data.items() if k not in ("x", "y")}
    values.update(id=node, lon=data.get("x", ""), lat=data.get("y", ""))
    return Record(f'node "{node}"', values, source)


def _link_record(
    u: str, w: str, key: str, data: dict[str, Any], source: str, problems: v.Problems
) -> Record:
    """Return a link record from a forward edge's attributes (length in m, geometry WKT)."""
    where = f'edge "{key}" ({u} -> {w})'
    values = {k: x for k, x in data.items() if k not in _DERIVED}
    values.update({"id": str(key), "from": u, "to": w})
    if "length" in data:
        try:
            values["length_km"] = v.parse_positive(str(data["length"])) / 1000.0
        except v.FieldError as error:
            problems.add(where, f"length = {data['length']!r}; {error} (metres)")
    if "geometry" in data:
        try:
            line = shapely.from_wkt(str(data["geometry"]))
            values["via"] = [tuple(p) for p in list(line.coords)[1:-1]]
        except (shapely.errors.ShapelyError, ValueError, NotImplementedError):
            problems.add(where, "geometry is not a WKT LineString; expected LINESTRING (x y, ...)")
    return Record(where, values, source)


_DERIVED = ("geometry", "reversed", "length", "travel_time")


def _check_derived(graph: nx.MultiDiGraph, net: Network, problems: v.Problems) -> None:
    """Check the file's edges against those built from the links (length, travel time)."""
    built = net.graph
    for u, w, key, data in graph.edges(keys=True, data=True):
        where = f'edge "{key}" ({u} -> {w})'
        if not built.has_edge(u, w, key):
            problems.add(where, "matches no link direction (a oneway link's reverse?)")
            continue
        for attr, unit in (("length", "m"), ("travel_time", "s")):
            if attr not in data:
                continue
            expected = built.edges[u, w, key][attr]
            try:
                found = float(v._number(str(data[attr])))
            except v.FieldError as error:
                problems.add(where, f"{attr} = {data[attr]!r}; {error} ({unit})")
                continue
            if not math.isclose(found, expected, rel_tol=1e-6, abs_tol=1e-6):
                problems.add(
                    where,
                    f"{attr} = {data[attr]!r} {unit} does not match the link's "
                    f"{expected:.6g} {unit} (from length_km and speed_kph); edit those instead",
                )
