"""Write a network to a GeoPackage (places, links, corridors, parameters) and read it back."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from corridors._errors import DataError
from corridors.io.atomic import atomic_path
from corridors.io.params import params_from_dict
from corridors.io.tables import _read_table
from corridors.network import Network
from corridors.schema import LINK_COLUMNS, PLACE_COLUMNS

__all__ = ["metadata_layer", "network_layers", "write_geopackage"]


def _read_geopackage(path: Path, *, name: str | None) -> Network:
    """Read a network written by :func:`write_geopackage`."""
    import pyogrio

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
    meta = {"name": net.name, "params": net.params.to_dict()}
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
