"""Write a network to a GeoPackage (places, links, corridors, parameters) and read it back."""

from __future__ import annotations

import json
import os
from pathlib import Path

import geopandas as gpd
import pandas as pd

from corridors._errors import DataError
from corridors.io.atomic import atomic_path
from corridors.io.params import params_from_dict
from corridors.io.tables import _read_table
from corridors.network import Network
from corridors.schema import LINK_COLUMNS, PLACE_COLUMNS

__all__ = ["write_geopackage"]


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
