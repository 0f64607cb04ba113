"""Write a network to a GeoPackage (places, links, corridors, parameters) and read it back."""

from __future__ import annotations

import json
import os
import warnings
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
    places = _read_table(path, PLACE_COLUMNS, "place", layer="places")
    links = _read_table(path, LINK_COLUMNS, "link", layer="links")
    where = f"{path} (layer parameters)"
    try:
        frame = gpd.read_file(path, layer="parameters")
        meta = json.loads(frame.loc[0, "params_json"])
        raw_params = meta["params"]
    except Exception as error:  # a missing row or column, bad JSON, a driver error
        raise DataError(
            f"{where}: expected one row with params_json holding the parameters ({_reason(error)})"
        ) from None
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


def _reason(error: BaseException) -> str:
    """Return an error's type and first line, for a message."""
    first = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {first}" if first else type(error).__name__


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
