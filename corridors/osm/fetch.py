"""OSM through osmnx: Overpass queries (``online=True``) and osmnx's graph of a file.

osmnx is the graph convention and the cross-check of the streaming reader
(:mod:`corridors.osm.reader`), not the parser of large files: :func:`load_graph`
returns osmnx's own unsimplified graph (for comparisons and for Overpass results), and
:func:`extract_from_graph` turns such a graph into the reader's :class:`Extract`.
"""

from __future__ import annotations

import contextlib
import os
from array import array
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from corridors._errors import CorridorsError, DataError
from corridors.osm.reader import Extract, sniff
from corridors.osm.tags import (
    NODE_TAGS,
    READ_WAY_TAGS,
    ROAD_SPEED_KPH,
    WAY_TAGS,
    scalar,
    text,
    way_mode,
)

__all__ = ["OSMFetchError", "extract_from_graph", "fetch", "load_graph"]


class OSMFetchError(CorridorsError, ConnectionError):
    """OpenStreetMap data could not be downloaded (offline, Overpass down, timeout)."""


# ---------------------------------------------------------------- reading OSM


@contextlib.contextmanager
def _osmnx_settings(timeout_s: float) -> Iterator[None]:
    """Set osmnx's global settings for one read (tags kept, fail-fast HTTP); restore them."""
    import osmnx as ox

    names = (
        "useful_tags_way",
        "useful_tags_node",
        "doh_url_template",
        "overpass_rate_limit",
        "requests_timeout",
        "use_cache",
    )
    saved = {name: getattr(ox.settings, name) for name in names}
    try:
        ox.settings.useful_tags_way = list(
            dict.fromkeys([*saved["useful_tags_way"], *WAY_TAGS, "oneway", "junction"])
        )
        ox.settings.useful_tags_node = list(
            dict.fromkeys([*saved["useful_tags_node"], *NODE_TAGS])
        )
        ox.settings.doh_url_template = None
        ox.settings.overpass_rate_limit = False
        ox.settings.requests_timeout = timeout_s
        ox.settings.use_cache = False
        yield
    finally:
        for name, value in saved.items():
            setattr(ox.settings, name, value)


def load_graph(
    source: str | os.PathLike[str] | tuple[float, float, float, float],
    *,
    online: bool = False,
    timeout_s: float = 10.0,
) -> nx.MultiDiGraph:
    """Read OSM data into osmnx's own unsimplified graph, with the corridor tags kept.

    The reference the streaming import is checked against (and the reader of Overpass
    results); it holds every way of the file in memory, so use it on small extracts.

    Parameters
    ----------
    source
        A local OSM XML file (``.osm``, ``.osm.bz2``, ``.osm.gz``); with
        ``online=True`` also a bounding box ``(west, south, east, north)`` in degrees
        or a place name (queried through Overpass / Nominatim).
    online
        Allow network access. Off by default: nothing is downloaded unless asked.
    timeout_s
        HTTP timeout (seconds) when online.

    Returns
    -------
    networkx.MultiDiGraph
        osmnx's graph (node ids are OSM ids; ``length`` in metres), every way of the
        file, with ``railway``, ``gauge``, ``usage``, ``service``, ``highway``,
        ``maxspeed``, ``name``, ``ref`` kept.

    Raises
    ------
    DataError
        If the file is missing, not OSM, or a ``.pbf`` (osmnx reads XML only; use
        :func:`corridors.osm.from_osm`).
    OSMFetchError
        If online data could not be fetched.
    """
    import osmnx as ox

    if isinstance(source, tuple | list):
        return fetch(tuple(float(c) for c in source), online=online, timeout_s=timeout_s)
    path = Path(source)
    if path.exists():
        fmt = sniff(path)
        if fmt == "pbf":
            raise DataError(f"{path}: osmnx reads OSM XML only; use from_osm for .pbf")
        with _osmnx_settings(timeout_s=timeout_s):
            return ox.graph_from_xml(path, simplify=False, retain_all=True)
    if online and isinstance(source, str):
        return fetch(source, online=True, timeout_s=timeout_s)
    raise DataError(
        f"{path}: file not found; expected a local OSM extract (.osm.pbf, .osm, .osm.bz2), "
        "or pass online=True to query OpenStreetMap for a bounding box or place name"
    )


def fetch(query: str | tuple[float, ...], *, online: bool, timeout_s: float) -> nx.MultiDiGraph:
    """Query Overpass for rail and road ways (fail-fast settings), or explain how not to."""
    what = f"bounding box {query}" if isinstance(query, tuple) else f"place {query!r}"
    if not online:
        raise CorridorsError(
            f"reading OpenStreetMap for {what} needs network access; pass online=True "
            "(corridors import-osm --online), or download an extract (.osm.pbf) and pass the file"
        )
    import osmnx as ox
    import requests

    filters = [
        '["railway"="rail"]',
        f'["highway"~"^({"|".join(ROAD_SPEED_KPH)})$"]',
    ]
    try:
        with _osmnx_settings(timeout_s=timeout_s):
            if isinstance(query, tuple):
                if len(query) != 4:
                    raise DataError(f"bbox {query}; expected (west, south, east, north) degrees")
                return ox.graph_from_bbox(
                    query, custom_filter=filters, simplify=False, retain_all=True
                )
            return ox.graph_from_place(
                query, custom_filter=filters, simplify=False, retain_all=True
            )
    except (
        requests.RequestException,
        OSError,
        ox._errors.InsufficientResponseError,
        ox._errors.ResponseStatusCodeError,
    ) as error:
        raise OSMFetchError(
            f"could not fetch OpenStreetMap data for {what} ({type(error).__name__}: {error}); "
            "check the connection, or use a local file instead: download an extract "
            "(e.g. a Geofabrik .osm.pbf) and run `corridors import-osm FILE.osm.pbf`"
        ) from None


def extract_from_graph(graph: nx.MultiDiGraph, name: str) -> Extract:
    """Turn an unsimplified osmnx graph into an :class:`Extract` (one two-node way per edge).

    Parameters
    ----------
    graph
        osmnx's graph (e.g. from Overpass), edges with their way tags and ``oneway``.
    name
        What the data came from.

    Returns
    -------
    Extract
        Ways in osmnx's travel direction (``oneway=yes`` where osmnx made them one-way).
    """
    ids, tag_index, refs = array("q"), array("i"), array("q")
    modes: list[str] = []
    sets: dict[tuple[tuple[str, str], ...], int] = {}
    skipped: dict[Any, str] = {}
    for u, w, data in graph.edges(data=True):
        if data.get("reversed", False):
            continue
        tags = {k: text(data[k]) for k in READ_WAY_TAGS if data.get(k) is not None}
        tags.pop("oneway", None)  # osmnx's flag: True where it made the edge one-way
        if data.get("oneway") is True:
            tags["oneway"] = "yes"
        mode, why = way_mode(tags)
        osmid = int(scalar(data.get("osmid", 0)))
        if mode is None:
            skipped[osmid] = why
            continue
        tag_index.append(sets.setdefault(tuple(sorted(tags.items())), len(sets)))
        ids.append(osmid)
        modes.append(mode)
        refs.extend((int(u), int(w)))
    nodes = sorted(graph.nodes)
    return Extract(
        name=name,
        way_ids=np.frombuffer(ids, dtype=np.int64),
        way_mode=modes,
        way_tags=np.frombuffer(tag_index, dtype=np.int32),
        tag_sets=[dict(key) for key in sets],
        offsets=np.arange(0, len(refs) + 1, 2, dtype=np.int64),
        refs=np.frombuffer(refs, dtype=np.int64),
        node_ids=np.array(nodes, dtype=np.int64),
        lon=np.array([graph.nodes[n]["x"] for n in nodes], dtype=float),
        lat=np.array([graph.nodes[n]["y"] for n in nodes], dtype=float),
        node_tags={
            int(n): {k: str(d[k]) for k in NODE_TAGS if d.get(k) is not None}
            for n, d in graph.nodes(data=True)
            if any(d.get(k) is not None for k in NODE_TAGS)
        },
        skipped=dict(Counter(skipped.values()).most_common()),
    )
