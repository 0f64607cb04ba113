"""Write a network to a GeoPackage (places, links, corridors, parameters) and read it back."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from corridors import _validate as v
from corridors._errors import DataError
from corridors.io.atomic import atomic_path
from corridors.io.params import params_from_dict
from corridors.io.tables import _read_table
from corridors.network import Network
from corridors.schema import LINK_COLUMNS, PLACE_COLUMNS, Column

__all__ = ["metadata_layer", "network_layers", "write_geopackage"]


def _read_geopackage(path: Path, *, name: str | None) -> Network:
    """Read a network written by :func:`write_geopackage`."""
    import pyogrio

    if not path.is_file():
        found = "a folder" if path.is_dir() else "not found"
        raise DataError(f"{path}: {found}; expected a GeoPackage file written by corridors")
    try:
        with warnings.catch_warnings():  # GDAL's warnings about a foreign file
            warnings.simplefilter("ignore", RuntimeWarning)
            layers = {row[0] for row in pyogrio.list_layers(path)}
    except Exception as error:  # pyogrio's DataSourceError on a corrupt or foreign file
        raise DataError(
            f"{path}: not a readable GeoPackage ({_reason(error)}); "
            "write it with corridors.io.write_geopackage"
        ) from None
    for layer in ("places", "links", "parameters"):
        if layer not in layers:
            raise DataError(f"{path}: layer {layer!r} is missing; found {sorted(layers)}")
    where = f"{path} (layer parameters)"
    try:
        frame = gpd.read_file(path, layer="parameters")
        meta = json.loads(frame.loc[0, "params_json"])
        raw_params = meta["params"]
    except Exception as error:  # a missing row or column, bad JSON, a driver error
        raise DataError(
            f"{where}: expected one row with params_json holding the parameters ({_reason(error)})"
        ) from None
    extra = meta.get("extra_columns", {})
    text = Column(v.parse_text)
    place_columns = {**PLACE_COLUMNS, **dict.fromkeys(extra.get("places", []), text)}
    link_columns = {**LINK_COLUMNS, **dict.fromkeys(extra.get("links", []), text)}
    places = _read_table(path, place_columns, "place", layer="places")
    links = _read_table(path, link_columns, "link", layer="links")
    params = params_from_dict(raw_params, where)
    corridors = None
    if "corridors" in layers:
        try:
            corridors = pd.DataFrame(gpd.read_file(path, layer="corridors")).drop(
                columns="geometry", errors="ignore"
            )
            corridors = corridors.set_index("name")
        except Exception as error:
            raise DataError(
                f"{path} (layer corridors): expected a name column ({_reason(error)})"
            ) from None
    return Network.from_records(
        places,
        links,
        params,
        corridors=corridors,
        name=name or meta.get("name", path.stem),
        source=str(path),
    )


#: Edge attributes computed from the links table (not written as columns).
_EDGE_DERIVED = frozenset({"geometry", "reversed", "length", "travel_time"})


def _extra_columns(
    items: dict[str, dict], schema: dict[str, Column], derived: set[str] | frozenset[str]
) -> list[str]:
    """Return the attributes outside `schema` whose values are all text (others are skipped)."""
    seen: dict[str, bool] = {}
    for data in items.values():
        for key, value in data.items():
            if key in schema or key in derived or value is None:
                continue
            seen[key] = seen.get(key, True) and isinstance(value, str)
    return [key for key, is_text in seen.items() if is_text]


def _reason(error: BaseException) -> str:
    """Return an error's type and first line, for a message."""
    first = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {first}" if first else type(error).__name__


def write_geopackage(net: Network, path: str | os.PathLike[str]) -> Path:
    """Write a network to a GeoPackage (layers places, links, corridors, parameters).

    The file opens in QGIS; :func:`read_network` reads it back with every attribute,
    type and geometry intact. Text attributes outside the table schemas (e.g. the OSM
    tags of :mod:`corridors.osm`: ``osm_role``, ``osmid``, ``highway``, ...) are written
    as extra columns, listed in the parameters layer, and read back. The write is atomic.

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
    layers = network_layers(net)
    with atomic_path(path) as temp:
        for name, layer in layers.items():
            layer.to_file(temp, layer=name, driver="GPKG")
    return path


def network_layers(net: Network) -> dict[str, gpd.GeoDataFrame]:
    """Return the layers that make a GeoPackage readable as a network.

    ``places``, ``links``, ``parameters`` (the network's name and parameters as
    JSON) and, when the network has one, ``corridors``: what
    :func:`write_geopackage` writes and :func:`corridors.io.read_network` reads.
    Any GeoPackage holding these layers (such as the report's ``corridors.gpkg``)
    reads back as the network.

    Parameters
    ----------
    net
        The network.

    Returns
    -------
    dict of str to geopandas.GeoDataFrame
        Layer name to layer.
    """
    places = net.places.reset_index()[[*PLACE_COLUMNS, "geometry"]].drop(columns=["lon", "lat"])
    links = net.links.reset_index()[[*LINK_COLUMNS, "geometry"]].drop(columns=["via"])
    nodes = dict(net.graph.nodes(data=True))
    edges = {k: d for _, _, k, d in net.graph.edges(keys=True, data=True) if not d["reversed"]}
    extra = {
        "places": _extra_columns(nodes, PLACE_COLUMNS, {"x", "y"}),
        "links": _extra_columns(edges, LINK_COLUMNS, _EDGE_DERIVED),
    }
    for column in extra["places"]:
        places[column] = [nodes[i].get(column) for i in places["id"]]
    for column in extra["links"]:
        links[column] = [edges[i].get(column) for i in links["id"]]
    meta = {"name": net.name, "params": net.params.to_dict(), "extra_columns": extra}
    layers = {
        "places": gpd.GeoDataFrame(places, geometry="geometry", crs=net.crs),
        "links": gpd.GeoDataFrame(links, geometry="geometry", crs=net.crs),
        "parameters": gpd.GeoDataFrame(
            {"params_json": [json.dumps(meta)]}, geometry=[None], crs=net.crs
        ),
    }
    if net.corridors is not None:
        layers["corridors"] = gpd.GeoDataFrame(
            net.corridors.reset_index(), geometry=[None] * len(net.corridors), crs=net.crs
        )
    return layers


def metadata_layer(record: dict[str, Any]) -> pd.DataFrame:
    """Return a provenance record as a ``metadata`` layer: one row per key, values as JSON.

    Parameters
    ----------
    record
        A provenance record (:func:`corridors.provenance.provenance`).

    Returns
    -------
    pandas.DataFrame
        Columns ``key`` and ``value`` (JSON text; ``null`` for missing).
    """
    from corridors.provenance import json_safe

    return pd.DataFrame(
        {
            "key": list(record),
            "value": [json.dumps(json_safe(v), ensure_ascii=False) for v in record.values()],
        }
    )
