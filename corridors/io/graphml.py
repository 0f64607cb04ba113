"""Write a network to GraphML with osmnx (parameters included) and read it back."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from corridors._errors import DataError
from corridors.io.atomic import atomic_path
from corridors.io.params import params_from_dict
from corridors.network import Network

__all__ = ["read_graphml", "write_graphml"]


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
