"""Real rail and road networks from OpenStreetMap (osmnx), snapped to corridor places.

:func:`from_osm` reads a local OSM extract (``.osm``, ``.osm.xml``, ``.osm.bz2``,
``.osm.gz``) with osmnx — or, only when asked with ``online=True``, queries
Overpass for a bounding box or a place name — and builds a corridor
:class:`~corridors.network.Network` from its ``railway=rail`` and road
(``highway=*``) ways. :func:`snap_places` joins places (parks, ports, crossings)
to it, and :func:`merge` puts a detailed network into a coarse one such as
:func:`corridors.load_gtr`.

How OSM becomes a corridor network (the choices, in order):

- **Tags kept.** ``railway``, ``gauge``, ``usage``, ``service``, ``highway``,
  ``maxspeed``, ``name``, ``ref`` (and ``oneway``, ``junction``) on edges, ``name``,
  ``railway``, ``ref`` on nodes: osmnx drops them unless ``ox.settings.useful_tags_way``
  / ``useful_tags_node`` list them; they are set for the read only and restored after.
- **Ways used.** Rail: ``railway=rail`` with a gauge the model knows (1435, 1520,
  both, or Japan's 1067; other gauges
  and ``narrow_gauge``, ``light_rail``, ``tram``, ``subway``, disused / abandoned /
  construction are left out and counted in ``G.graph["osm_skipped"]``). Road: the
  ``highway`` classes of :data:`ROAD_SPEED_KPH` (footways, paths, tracks are left out).
- **One layer per mode.** Every OSM node of a rail way becomes node ``rail_<osmid>``,
  of a road way ``road_<osmid>``: a level crossing is two nodes, so goods never change
  mode at a junction. Modes meet only at the user's places, snapped to both layers.
- **Node kinds.** The schema has no "junction" kind, so: ``railway=station/halt/yard``
  → ``terminal``; inserted border crossings → ``border``; every other node (junctions,
  named nodes, ends, kept attribute changes) → ``city``. All OSM nodes serve one mode,
  so none of them is a transfer point whatever its kind. ``osm_role`` (``station``,
  ``crossing``, ``named``, ``junction``, ``end``, ``change``) says what the node is
  and is repeated in ``notes`` (which survives a GeoPackage). Unnamed nodes are named
  ``"OSM rail node 123"``; a name already taken gets `` (OSM node rail_123)`` appended.
- **Countries.** Each node's country comes from the ``countries`` argument: one
  ISO code for the whole extract, or a polygon table (GeoDataFrame or file with a
  ``country`` column; a node outside every polygon takes the nearest one). Without it,
  from the nearest of the user's ``places`` (a border crossing counts as its
  ``country``); this puts the border roughly midway between places, so give polygons
  where the exact crossing point matters.
- **Border crossings.** A corridor land link must not join two countries except
  through a ``border`` place, so where an OSM edge joins nodes of two countries a
  border node (``<mode>_x_<a>_<b>``, ``countries`` e.g. ``CN-RU``, ``country`` the
  side of ``a``) is inserted at the crossing point (found by bisection along the
  segment, lengths split in proportion). If one of the user's border places for
  that pair and mode lies within ``snap_km``, the node takes its name, dwell times,
  fee and gauge change (``place_ref`` names it); otherwise the ``[border]`` parameter
  defaults apply and ``gauge_break`` is true when the two countries' gauges or the
  track gauges on either side have no gauge in common. The user's border place itself
  is snapped like any place (on either side).
- **Gauge.** From the ``gauge`` tag (``1435``, ``1520``, ``1435;1520`` → ``1435+1520``);
  a way without one takes its country's gauge (:data:`corridors._validate.COUNTRY_GAUGES`;
  1435 where unknown). Foreign-gauge track inside a country (e.g. 1520 mm yards on
  the Chinese side of a crossing) is recorded as ``1435+1520`` so that the network's
  gauge rule holds; the raw tag stays in ``gauge`` and ``notes`` says so.
- **Speeds** are freight commercial speeds (km/h), not line speeds: rail by
  :data:`SERVICE_SPEED_KPH` (``service=*``) else :data:`RAIL_SPEED_KPH` (``usage``),
  times :data:`DUAL_GAUGE_FACTOR` on dual-gauge track; road by :data:`ROAD_SPEED_KPH`
  (``highway`` class, a truck's speed). A numeric ``maxspeed`` caps either. osmnx's
  ``add_edge_speeds`` is not used: it gives car speeds (maxspeed or class means) and
  leaves rail blank.
- **Simplification** (osmnx ``simplify_graph``) keeps stations, named nodes,
  crossings, junctions, ends, and nodes where the class, gauge, speed or one-way
  flag changes; ``length`` and ``travel_time`` add up, so a link's speed is exact.
- **Links** keep the OSM length (``length_basis = source``), geometry and tags; a
  two-way pair of osmnx edges becomes one link. A ``oneway`` road becomes one link
  with ``oneway = True``, which has a single (forward) edge in ``net.graph``; the
  flag is a column of the links table, so it survives GeoPackage and CSV round trips.
- **Snapping.** A place is joined, for each land mode it serves, to the nearest OSM
  node of that mode in a compatible country (its own, or either side for a border
  crossing) within ``snap_km``, by an access link (length = great-circle × the
  mode's detour factor, at least :data:`MIN_ACCESS_KM`). The report (one row per
  place and land mode) says ``snapped``, ``too_far`` (with the distance) or ``no_node``.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from corridors import _validate as v
from corridors._errors import CorridorsError, DataError
from corridors.costs import Parameters
from corridors.io import Record, read_params, read_places
from corridors.network import LAND_MODES, Network, great_circle_km

__all__ = [
    "DUAL_GAUGE_FACTOR",
    "MIN_ACCESS_KM",
    "RAIL_SPEED_KPH",
    "ROAD_SPEED_KPH",
    "SERVICE_SPEED_KPH",
    "OSMFetchError",
    "from_osm",
    "load_graph",
    "merge",
    "rail_speed_kph",
    "road_speed_kph",
    "snap_places",
]

logger = logging.getLogger(__name__)

#: Freight train commercial speed (km/h) by ``usage`` tag; ``""`` when untagged.
#: assumption: between the corridors parameters' 30-40 km/h line-haul averages
#: (stops included) and typical 80-100 km/h freight line speeds.
RAIL_SPEED_KPH: dict[str, float] = {
    "main": 60.0,
    "branch": 45.0,
    "industrial": 25.0,
    "military": 25.0,
    "tourism": 30.0,
    "": 45.0,
}

#: Speed (km/h) on ``service=*`` track (yards, sidings), used instead of the usage speed.
#: assumption: shunting speeds.
SERVICE_SPEED_KPH: dict[str, float] = {
    "yard": 10.0,
    "siding": 15.0,
    "spur": 20.0,
    "crossover": 10.0,
}

#: Factor on rail speeds on dual-gauge (1435+1520) track. assumption: mixed-gauge
#: track (e.g. Khasan-Rajin, Zabaikalsk yards) is old, single and slow.
DUAL_GAUGE_FACTOR: float = 0.75

#: Truck commercial speed (km/h) by ``highway`` class. assumption: container trucks;
#: motorway 80 is below car limits, minor roads follow corridors' 40-60 km/h averages.
ROAD_SPEED_KPH: dict[str, float] = {
    "motorway": 80.0,
    "motorway_link": 40.0,
    "trunk": 70.0,
    "trunk_link": 40.0,
    "primary": 60.0,
    "primary_link": 40.0,
    "secondary": 50.0,
    "secondary_link": 35.0,
    "tertiary": 40.0,
    "tertiary_link": 30.0,
    "unclassified": 30.0,
    "road": 30.0,
    "residential": 25.0,
    "living_street": 10.0,
    "service": 15.0,
}

OSM_LICENCE = "OpenStreetMap contributors (ODbL)"
XML_SUFFIXES = (".osm", ".xml", ".osm.bz2", ".xml.bz2", ".osm.gz", ".xml.gz")
STATION_TAGS = frozenset({"station", "halt", "yard"})
WAY_TAGS = ("railway", "gauge", "usage", "service", "highway", "maxspeed", "name", "ref")
NODE_TAGS = ("name", "railway", "ref")
_LIST_TAGS = (*WAY_TAGS, "osmid")
_KEEP = "corridors_keep"
_EARTH_KM = 6371.0088
_BISECTIONS = 32
_MPH = 1.609344
#: Shortest access link (km): a place on its node still gets a link of positive length.
MIN_ACCESS_KM = 0.001


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
    """Read OSM data into an unsimplified osmnx graph with the corridor tags kept.

    Parameters
    ----------
    source
        A local ``.osm`` / ``.osm.xml`` / ``.osm.bz2`` / ``.osm.gz`` file; with
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
        If the file is missing, not OSM XML, or a ``.pbf`` (convert it first).
    OSMFetchError
        If online data could not be fetched.
    """
    if isinstance(source, tuple | list):
        return _fetch(tuple(float(c) for c in source), online=online, timeout_s=timeout_s)
    path = Path(source)
    if path.exists():
        return _read_file(path)
    if online and isinstance(source, str) and not source.lower().endswith((*XML_SUFFIXES, ".pbf")):
        return _fetch(source, online=True, timeout_s=timeout_s)
    raise DataError(
        f"{path}: file not found; expected a local OSM extract (.osm, .osm.xml, .osm.bz2), "
        "or pass online=True to query OpenStreetMap for a bounding box or place name"
    )


def _read_file(path: Path) -> nx.MultiDiGraph:
    """Read a local OSM XML file with osmnx (tags kept, unsimplified, all components)."""
    from xml.etree import ElementTree

    import osmnx as ox

    name = path.name.lower()
    if name.endswith(".pbf"):
        raise DataError(
            f"{path}: .osm.pbf is not read directly (no pure-Python PBF reader is a "
            "dependency); convert it to OSM XML first, e.g. `osmium cat FILE.osm.pbf -o "
            "FILE.osm.bz2` (osmium-tool) or `osmconvert FILE.osm.pbf -o=FILE.osm`, "
            "cutting the area you need with `osmium extract --bbox W,S,E,N`"
        )
    if not name.endswith(XML_SUFFIXES):
        raise DataError(
            f"{path}: unknown file type; expected OSM XML (.osm, .osm.xml, .osm.bz2, .osm.gz)"
        )
    try:
        with _osmnx_settings(timeout_s=10.0):
            return ox.graph_from_xml(path, simplify=False, retain_all=True)
    except ElementTree.ParseError as error:
        line, column = error.position
        raise DataError(
            f"{path}, line {line}: not valid OSM XML ({error.msg.split(':')[0]} at column "
            f"{column}); expected an OpenStreetMap XML export (<osm> with <node> and <way> "
            "elements)"
        ) from None
    except ox._errors.InsufficientResponseError:
        raise DataError(
            f"{path}: no OSM nodes or ways in the file; expected rail or road ways"
        ) from None


def _fetch(query: str | tuple[float, ...], *, online: bool, timeout_s: float) -> nx.MultiDiGraph:
    """Query Overpass for rail and road ways (fail-fast settings), or explain how not to."""
    what = f"bounding box {query}" if isinstance(query, tuple) else f"place {query!r}"
    if not online:
        raise CorridorsError(
            f"reading OpenStreetMap for {what} needs network access; pass online=True "
            "(corridors import-osm --online), or save an extract as .osm and pass the file"
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
            "(e.g. a Geofabrik .osm.pbf, cut with `osmium extract --bbox W,S,E,N` and "
            "converted to .osm.bz2) and run `corridors import-osm FILE.osm.bz2`"
        ) from None


# ---------------------------------------------------------------- tags, gauges, speeds


def _scalar(value: Any) -> Any:
    """Return the first item of a list-valued tag (osmnx merges differing tags into lists)."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _gauge_text(tag: Any) -> str | None:
    """Return a corridors gauge (``1435``, ``1520``, ``1435+1520``) from a ``gauge`` tag.

    None when the tag is absent; ``""`` when it names no gauge the model knows.
    """
    tag = _scalar(tag)
    if tag is None or str(tag).strip() == "":
        return None
    found = {int(m) for m in re.findall(r"\d{3,4}", str(tag))} & set(v.KNOWN_GAUGES)
    return "+".join(str(g) for g in sorted(found))


def _country_gauge(country: str) -> str:
    """Return a country's network gauge as corridors text (1435 where unknown)."""
    gauges = v.COUNTRY_GAUGES.get(country, frozenset({1435})) & set(v.KNOWN_GAUGES)
    return str(1435 if 1435 in gauges or not gauges else min(gauges))


def _maxspeed_kph(tag: Any) -> float | None:
    """Return the lowest numeric ``maxspeed`` (km/h; ``mph`` converted), None if none."""
    if tag is None:
        return None
    speeds = []
    for part in tag if isinstance(tag, list) else str(tag).split(";"):
        match = re.match(r"\s*(\d+(?:\.\d+)?)\s*(mph)?", str(part))
        if match:
            speeds.append(float(match.group(1)) * (_MPH if match.group(2) else 1.0))
    positive = [s for s in speeds if s > 0]
    return min(positive) if positive else None


def rail_speed_kph(
    *,
    usage: str | None = None,
    service: str | None = None,
    gauge_mm: str = "1435",
    maxspeed: str | None = None,
) -> float:
    """Freight speed (km/h) of a rail edge from its OSM tags.

    Parameters
    ----------
    usage
        ``usage`` tag (main, branch, industrial, ...).
    service
        ``service`` tag (yard, siding, spur, crossover); takes precedence over `usage`.
    gauge_mm
        Track gauge: ``1435``, ``1520`` or dual ``1435+1520`` (× :data:`DUAL_GAUGE_FACTOR`).
    maxspeed
        ``maxspeed`` tag; a number caps the speed.

    Returns
    -------
    float
        Speed in km/h.

    Examples
    --------
    >>> rail_speed_kph(usage="main", gauge_mm="1520")
    60.0
    >>> rail_speed_kph(service="siding", gauge_mm="1435+1520")
    11.25
    """
    service, usage = _scalar(service), _scalar(usage)
    if service in SERVICE_SPEED_KPH:
        speed = SERVICE_SPEED_KPH[service]
    else:
        speed = RAIL_SPEED_KPH.get(usage or "", RAIL_SPEED_KPH[""])
    if "+" in gauge_mm:
        speed *= DUAL_GAUGE_FACTOR
    cap = _maxspeed_kph(maxspeed)
    return min(speed, cap) if cap else speed


def road_speed_kph(highway: str, *, maxspeed: str | None = None) -> float:
    """Truck speed (km/h) of a road edge from its ``highway`` class and ``maxspeed``.

    Parameters
    ----------
    highway
        ``highway`` tag, one of :data:`ROAD_SPEED_KPH`.
    maxspeed
        ``maxspeed`` tag; a number caps the speed (``"30 mph"`` is converted).

    Returns
    -------
    float
        Speed in km/h.

    Examples
    --------
    >>> road_speed_kph("primary", maxspeed="40")
    40.0
    """
    speed = ROAD_SPEED_KPH[_scalar(highway)]
    cap = _maxspeed_kph(maxspeed)
    return min(speed, cap) if cap else speed


def _edge_mode(data: dict[str, Any]) -> tuple[str | None, str]:
    """Return (mode, why skipped) of a raw osmnx edge: mode None when the way is left out."""
    railway, highway = _scalar(data.get("railway")), _scalar(data.get("highway"))
    if railway == "rail":
        if _gauge_text(data.get("gauge")) == "":
            return None, f"railway=rail with gauge={data.get('gauge')} (not 1067/1435/1520 mm)"
        return "rail", ""
    if highway in ROAD_SPEED_KPH:
        return "road", ""
    if railway is not None:
        return None, f"railway={railway}"
    return None, f"highway={highway}" if highway is not None else "no railway/highway tag"


# ---------------------------------------------------------------- countries


def _unit_xyz(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Return points on the unit sphere (chord distance ranks like great-circle distance)."""
    lam, phi = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


def _chord(km: float) -> float:
    """Return the unit-sphere chord of a great-circle distance (km)."""
    return 2.0 * math.sin(min(km / _EARTH_KM, math.pi) / 2.0)


Locator = Callable[[np.ndarray, np.ndarray], np.ndarray]


def _country_locator(
    countries: str | os.PathLike[str] | gpd.GeoDataFrame | None, places: Sequence[Record]
) -> Locator:
    """Return ``locate(lon, lat) -> country codes`` from polygons, one code, or places."""
    if isinstance(countries, str) and countries.upper() in v.ISO_COUNTRIES:
        code = countries.upper()
        return lambda lon, lat: np.full(len(lon), code, dtype=object)
    if countries is not None:
        return _polygon_locator(countries)
    located = [r for r in places if {"lon", "lat", "country"} <= r.values.keys()]
    if not located:
        raise DataError(
            "from_osm needs each node's country: pass countries= (an ISO code such as "
            "'CN', or a polygon table with a 'country' column) or places= (nodes take "
            "the country of the nearest place)"
        )
    lon = np.array([r.values["lon"] for r in located])
    lat = np.array([r.values["lat"] for r in located])
    codes = np.array([r.values["country"] for r in located], dtype=object)
    tree = cKDTree(_unit_xyz(lon, lat))

    def locate(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Return the country of the nearest place to each point."""
        _, index = tree.query(_unit_xyz(np.asarray(x), np.asarray(y)))
        return codes[index]

    return locate


def _polygon_locator(countries: str | os.PathLike[str] | gpd.GeoDataFrame) -> Locator:
    """Return a locator from a polygon table (GeoDataFrame or file) with a ``country`` column."""
    where = "countries table" if isinstance(countries, gpd.GeoDataFrame) else str(countries)
    if isinstance(countries, gpd.GeoDataFrame):
        frame = countries
    else:
        if not Path(countries).exists():
            raise DataError(
                f"{countries}: file not found; expected an ISO country code or a polygon "
                "file (GeoJSON / GeoPackage) with a 'country' column"
            )
        frame = gpd.read_file(countries)
    if "country" not in frame.columns:
        raise DataError(
            f"{where}: no 'country' column (found {', '.join(map(str, frame.columns))}); "
            "add one with ISO 3166-1 alpha-2 codes"
        )
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    problems = v.Problems(where)
    codes = []
    for number, code in enumerate(frame["country"], start=1):
        if str(code).upper() not in v.ISO_COUNTRIES:
            problems.add(f"feature {number}", f"country = {code!r}; expected an ISO alpha-2 code")
        codes.append(str(code).upper())
    problems.raise_if_any()
    geoms = np.asarray(frame.geometry.values, dtype=object)
    tree = shapely.STRtree(geoms)
    codes_array = np.array(codes, dtype=object)

    def locate(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Return the country of the polygon holding (or nearest to) each point."""
        points = shapely.points(np.asarray(x), np.asarray(y))
        pairs = tree.query_nearest(points, all_matches=False)
        out = np.empty(len(points), dtype=object)
        out[pairs[0]] = codes_array[pairs[1]]
        return out

    return locate


# ---------------------------------------------------------------- one mode's graph


def _token(osmid: Any) -> str:
    """Return an OSM id as id text (``n`` for a negative id, as JOSM writes new objects)."""
    text = str(osmid)
    return "n" + text[1:] if text.startswith("-") else text


def _skipped_ways(raw: nx.MultiDiGraph) -> dict[str, int]:
    """Count the ways left out (neither rail nor road), by reason."""
    reasons = {}
    for _, _, data in raw.edges(data=True):
        mode, why = _edge_mode(data)
        if mode is None:
            reasons[_text(data.get("osmid"))] = why
    return dict(Counter(reasons.values()).most_common())


def _mode_graph(raw: nx.MultiDiGraph, mode: str) -> nx.MultiDiGraph:
    """Copy the edges of one mode into a graph whose nodes are ``<mode>_<osmid>``."""
    graph = nx.MultiDiGraph(crs=raw.graph.get("crs", "EPSG:4326"))
    for u, w, key, data in raw.edges(keys=True, data=True):
        if _edge_mode(data)[0] != mode:
            continue
        a, b = f"{mode}_{_token(u)}", f"{mode}_{_token(w)}"
        for node, osmid in ((a, u), (b, w)):
            if node not in graph:
                attrs = {k: x for k, x in raw.nodes[osmid].items() if k in ("x", "y", *NODE_TAGS)}
                graph.add_node(node, osmid=osmid, **attrs)
        graph.add_edge(a, b, key=key, **{k: x for k, x in data.items() if k != "reversed"})
    return graph


def _tag_countries(graph: nx.MultiDiGraph, locate: Locator) -> None:
    """Set ``country`` on every node of `graph`."""
    nodes = list(graph.nodes)
    lon = np.array([graph.nodes[n]["x"] for n in nodes], dtype=float)
    lat = np.array([graph.nodes[n]["y"] for n in nodes], dtype=float)
    for node, code in zip(nodes, locate(lon, lat), strict=True):
        graph.nodes[node]["country"] = str(code)


def _crossing_fractions(
    start: np.ndarray, end: np.ndarray, country: np.ndarray, locate: Locator
) -> np.ndarray:
    """Return, per segment, the fraction (0-1) from `start` where it leaves `country`."""
    low, high = np.zeros(len(start)), np.ones(len(start))
    for _ in range(_BISECTIONS):
        mid = (low + high) / 2.0
        points = start + mid[:, None] * (end - start)
        inside = locate(points[:, 0], points[:, 1]) == country
        low, high = np.where(inside, mid, low), np.where(inside, high, mid)
    return (low + high) / 2.0


def _insert_crossings(
    graph: nx.MultiDiGraph, mode: str, locate: Locator, places: Sequence[Record], snap_km: float
) -> None:
    """Split every edge that joins two countries at a new border node (see module notes)."""
    nodes = graph.nodes
    crossing: dict[tuple[str, str], list[tuple[str, str, Any]]] = {}
    for u, w, key in graph.edges(keys=True):
        if nodes[u]["country"] != nodes[w]["country"]:
            a, b = sorted((u, w))
            crossing.setdefault((a, b), []).append((u, w, key))
    if not crossing:
        return
    pairs = list(crossing)
    start = np.array([(nodes[a]["x"], nodes[a]["y"]) for a, _ in pairs])
    end = np.array([(nodes[b]["x"], nodes[b]["y"]) for _, b in pairs])
    country = np.array([nodes[a]["country"] for a, _ in pairs], dtype=object)
    fractions = _crossing_fractions(start, end, country, locate)
    points = start + fractions[:, None] * (end - start)
    for (a, b), t, (x, y) in zip(pairs, fractions, points, strict=True):
        border = f"{mode}_x_{a.split('_', 1)[1]}_{b.split('_', 1)[1]}"
        pair = "-".join(sorted((nodes[a]["country"], nodes[b]["country"])))
        first = graph.edges[crossing[(a, b)][0]]
        attrs = {
            "x": float(x),
            "y": float(y),
            "kind": "border",
            "country": nodes[a]["country"],
            "countries": pair,
            "osm_role": "crossing",
            _KEEP: True,
            "name": f"{mode} border {pair} on OSM way {_scalar(first.get('osmid'))}",
            "notes": f"OSM crossing: inserted where OSM way {_scalar(first.get('osmid'))} "
            f"crosses {pair}",
        }
        attrs.update(_crossing_attrs(mode, pair, float(x), float(y), places, snap_km))
        graph.add_node(border, **attrs)
        for u, w, key in crossing[(a, b)]:
            data = dict(graph.edges[u, w, key])
            share = float(t) if u == a else 1.0 - float(t)
            graph.remove_edge(u, w, key)
            graph.add_edge(u, border, **{**data, "length": data["length"] * share})
            graph.add_edge(border, w, **{**data, "length": data["length"] * (1.0 - share)})


def _crossing_attrs(
    mode: str, pair: str, x: float, y: float, places: Sequence[Record], snap_km: float
) -> dict[str, Any]:
    """Attributes an inserted crossing takes from the user's nearest matching border place."""
    best: tuple[float, Record] | None = None
    for record in places:
        values = record.values
        if values.get("kind") != "border" or values.get("countries") is None:
            continue
        if "-".join(sorted(values["countries"].split("-"))) != pair:
            continue
        if mode not in values.get("modes", "").split(";"):
            continue
        km = great_circle_km(x, y, values["lon"], values["lat"])
        if km <= snap_km and (best is None or km < best[0]):
            best = (km, record)
    if best is None:
        return {}
    values = best[1].values
    copied = {
        k: values[k]
        for k in (f"dwell_{mode}_h", "gauge_break", "gauge_change_h", "fee_usd")
        if k in values
    }
    copied["name"] = f"{values['name']} ({mode}, OSM)"
    copied["place_ref"] = values["id"]
    copied["notes"] = (
        f"OSM crossing: inserted where an OSM {mode} way crosses {pair}; dwell, fee and "
        f"gauge attributes from place {values['id']} ({best[0]:.1f} km away)"
    )
    return copied


def _set_edge_attrs(graph: nx.MultiDiGraph, mode: str) -> None:
    """Set ``gauge_mm`` (rail), ``speed_kph`` and ``travel_time`` on every edge."""
    nodes = graph.nodes
    for u, w, data in graph.edges(data=True):
        if mode == "rail":
            home = nodes[u]["country"] if nodes[u].get("kind") != "border" else nodes[w]["country"]
            track = _gauge_text(data.get("gauge")) or _country_gauge(home)
            data["track_gauge"] = track
            data["gauge_mm"] = _fit_gauge(track, [nodes[u], nodes[w]])
            speed = rail_speed_kph(
                usage=data.get("usage"),
                service=data.get("service"),
                gauge_mm=track,
                maxspeed=data.get("maxspeed"),
            )
        else:
            speed = road_speed_kph(data["highway"], maxspeed=data.get("maxspeed"))
        data["speed_kph"] = speed
        data["travel_time"] = data["length"] / 1000.0 / speed * 3600.0
    if mode == "rail":
        _set_gauge_breaks(graph)


def _fit_gauge(track: str, ends: list[dict[str, Any]]) -> str:
    """Return `track`, or ``1435+1520`` if it fits the gauge of neither end's country."""
    gauges = {int(g) for g in track.split("+")}
    for end in ends:
        if end.get("kind") == "border":
            continue
        network = v.COUNTRY_GAUGES.get(end["country"])
        if network is not None and not gauges & network:
            return "1435+1520"
    return track


def _set_gauge_breaks(graph: nx.MultiDiGraph) -> None:
    """Set ``gauge_break`` on inserted crossings that did not take it from a place."""
    for node, data in graph.nodes(data=True):
        if data.get("kind") != "border" or "gauge_break" in data:
            continue
        a, b = data["countries"].split("-")
        nets = [v.COUNTRY_GAUGES.get(c, frozenset({1435})) for c in (a, b)]
        sides: dict[str, set[int]] = {}
        for u, w, edge in [*graph.in_edges(node, data=True), *graph.out_edges(node, data=True)]:
            other = graph.nodes[w if u == node else u]["country"]
            gauges = {int(g) for g in edge["track_gauge"].split("+")}
            sides.setdefault(other, set()).update(gauges)
        tracks = list(sides.values())
        track_break = len(tracks) == 2 and not tracks[0] & tracks[1]
        data["gauge_break"] = bool(not nets[0] & nets[1] or track_break)


def _mark_kept(graph: nx.MultiDiGraph) -> None:
    """Flag stations, named nodes and crossings so that simplification keeps them."""
    for _, data in graph.nodes(data=True):
        if data.get("railway") in STATION_TAGS or data.get("name") or data.get("kind") == "border":
            data[_KEEP] = True


def _simplify(graph: nx.MultiDiGraph, mode: str) -> nx.MultiDiGraph:
    """Simplify with osmnx, keeping flagged nodes and nodes where edge attributes change."""
    import osmnx as ox

    graph.graph.pop("simplified", None)
    return ox.simplify_graph(
        graph,
        node_attrs_include=[_KEEP],
        edge_attrs_differ=["railway" if mode == "rail" else "highway", "gauge_mm", "speed_kph"],
    )


# ---------------------------------------------------------------- records


def _text(value: Any) -> str:
    """Return a tag value as text (lists, from merged edges, joined by ';' without repeats)."""
    if isinstance(value, list):
        return ";".join(dict.fromkeys(str(x) for x in value))
    return str(value)


def _role(graph: nx.MultiDiGraph, node: str, data: dict[str, Any]) -> str:
    """Return what an OSM node is: crossing, station, named, junction, end or change."""
    if data.get("kind") == "border":
        return "crossing"
    if data.get("railway") in STATION_TAGS:
        return "station"
    if data.get("name"):
        return "named"
    degree = len(set(graph.predecessors(node)) | set(graph.successors(node)))
    return "junction" if degree >= 3 else "end" if degree <= 1 else "change"


def _node_records(graph: nx.MultiDiGraph, mode: str, source: str) -> list[Record]:
    """Return one place record per node of a mode graph."""
    records = []
    for node, data in graph.nodes(data=True):
        role = _role(graph, node, data)
        values: dict[str, Any] = {
            "id": node,
            "kind": "border"
            if role == "crossing"
            else "terminal"
            if role == "station"
            else "city",
            "country": data["country"],
            "lon": float(data["x"]),
            "lat": float(data["y"]),
            "modes": mode,
            "status": "existing",
            "source": source,
            "osm_role": role,
            "notes": f"OSM {mode} {role}" + (f", node {data['osmid']}" if "osmid" in data else ""),
        }
        for key in ("name", "countries", "gauge_break", "place_ref", "notes", "status"):
            if key in data:
                values[key] = data[key]
        for key in (f"dwell_{mode}_h", "gauge_change_h", "fee_usd", "railway", "ref"):
            if key in data:
                values[key] = data[key] if key != "ref" else _text(data[key])
        if "osmid" in data:
            values["osmid"] = str(data["osmid"])
        values.setdefault("name", f"OSM {mode} node {_token(data.get('osmid', node))}")
        records.append(Record(f"OSM {mode} node {node}", values, source))
    return records


def _link_records(graph: nx.MultiDiGraph, mode: str, source: str) -> list[Record]:
    """Return one link record per two-way pair or one-way edge of a mode graph."""
    used: set[tuple[str, str, Any]] = set()
    records: list[Record] = []
    counts: Counter[tuple[str, str]] = Counter()
    for u, w, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: e[:3]):
        if (u, w, key) in used:
            continue
        used.add((u, w, key))
        oneway = bool(_scalar(data.get("oneway", False)))
        if not oneway:
            partner = _partner(graph, u, w, data, used)
            if partner is None:
                oneway = True
            else:
                used.add(partner)
        counts[(u, w)] += 1
        link_id = f"{u}-{w}-{mode}" + (f"-{counts[(u, w)]}" if counts[(u, w)] > 1 else "")
        records.append(
            Record(
                f"OSM {mode} edge {link_id}",
                _link_values(link_id, u, w, mode, data, oneway, source),
                source,
            )
        )
    return records


def _partner(
    graph: nx.MultiDiGraph, u: str, w: str, data: dict[str, Any], used: set[tuple[str, str, Any]]
) -> tuple[str, str, Any] | None:
    """Return the unused reverse edge of a two-way edge (same ways, same length)."""
    if not graph.has_edge(w, u):
        return None
    for key, other in graph[w][u].items():
        if (w, u, key) in used or bool(_scalar(other.get("oneway", False))):
            continue
        same_ways = _text(other.get("osmid")) in (_text(data.get("osmid")),) or set(
            _text(other.get("osmid")).split(";")
        ) == set(_text(data.get("osmid")).split(";"))
        if same_ways and math.isclose(other["length"], data["length"], rel_tol=1e-9, abs_tol=1e-6):
            return (w, u, key)
    return None


def _link_speed(data: dict[str, Any]) -> float:
    """Return an edge's speed (km/h): its own, or length / travel time if merged ones differ."""
    speed = data["speed_kph"]
    if not isinstance(speed, list) or len(set(speed)) == 1:
        return float(_scalar(speed))
    return float(data["length"]) / float(data["travel_time"]) * 3.6


def _link_values(
    link_id: str, u: str, w: str, mode: str, data: dict[str, Any], oneway: bool, source: str
) -> dict[str, Any]:
    """Return the link record values of one osmnx edge."""
    length_km = float(data["length"]) / 1000.0
    values: dict[str, Any] = {
        "id": link_id,
        "from": u,
        "to": w,
        "mode": mode,
        "length_km": length_km,
        "length_basis": "source",
        "speed_kph": _link_speed(data),
        "status": "existing",
        "source": source,
        "oneway": oneway,
    }
    if "geometry" in data:
        values["via"] = [tuple(p) for p in list(data["geometry"].coords)[1:-1]]
    for tag in _LIST_TAGS:
        if data.get(tag) is not None:
            values[tag] = _text(data[tag])
    notes = [f"OSM way {values.get('osmid', '?')}"]
    if mode == "rail":
        track = _text(data["track_gauge"])
        values["gauge_mm"] = _text(data["gauge_mm"])
        if values["gauge_mm"] != track:
            notes.append(
                f"track gauge {track} mm is foreign to the country; recorded as 1435+1520"
            )
    if oneway:
        notes.append("one-way")
    values["notes"] = "; ".join(notes)
    return values


def _name_keys(values: dict[str, Any]) -> set[str]:
    """Return the folded name and alt names of a place (they must be unique across places)."""
    names = [values.get("name", ""), *str(values.get("alt_names") or "").split(";")]
    return {v.normalize_name(n) for n in names if n and n.strip()}


def _unique_names(records: list[Record], taken: set[str]) -> list[Record]:
    """Append `` (OSM node <id>)`` to names already used (names must be unique)."""
    out = []
    for record in records:
        name = record.values["name"]
        if v.normalize_name(name) in taken:
            values = dict(record.values)
            values["name"] = f"{name} (OSM node {values['id']})"
            record = Record(record.where, values, record.source)
        taken.add(v.normalize_name(record.values["name"]))
        out.append(record)
    return out


# ---------------------------------------------------------------- snapping


def _place_records(places: str | os.PathLike[str] | Sequence[Record] | None) -> list[Record]:
    """Return place records from a table path, records, or nothing."""
    if places is None:
        return []
    if isinstance(places, str | os.PathLike):
        return read_places(places)
    return list(places)


class _Snapper:
    """Nearest-node search per (mode, country side) over OSM nodes."""

    def __init__(self, nodes: dict[str, dict[str, Any]]) -> None:
        self.nodes = nodes
        self.modes = {m for d in nodes.values() for m in d["modes"].split(";")}
        groups: dict[tuple[str, str], list[str]] = {}
        for node, data in nodes.items():
            sides = data["countries"].split("-") if data.get("kind") == "border" else []
            for side in sides or [data["country"]]:
                for mode in data["modes"].split(";"):
                    groups.setdefault((mode, side), []).append(node)
        self.trees = {
            key: (
                cKDTree(_unit_xyz(*np.array([(nodes[n]["x"], nodes[n]["y"]) for n in ids]).T)),
                ids,
            )
            for key, ids in groups.items()
        }

    def nearest(
        self, mode: str, sides: Iterable[str], lon: float, lat: float
    ) -> tuple[str, float]:
        """Return the nearest node of `mode` on one of `sides` and its distance (km)."""
        best = ("", math.inf)
        point = _unit_xyz(np.array([lon]), np.array([lat]))[0]
        for side in sides:
            if (mode, side) not in self.trees:
                continue
            tree, ids = self.trees[(mode, side)]
            _, index = tree.query(point)
            node = ids[int(index)]
            km = great_circle_km(lon, lat, self.nodes[node]["x"], self.nodes[node]["y"])
            if km < best[1]:
                best = (node, km)
        return best


def _sides(values: dict[str, Any]) -> list[str]:
    """Countries a place lies on (both sides of a border crossing)."""
    if values.get("kind") == "border" and values.get("countries"):
        return sorted(values["countries"].split("-"))
    return [values["country"]]


def _access_link(
    values: dict[str, Any],
    node: str,
    node_data: dict[str, Any],
    mode: str,
    km: float,
    source: str,
    detour: float,
) -> Record:
    """Return the access link record joining a place to its snapped node."""
    link: dict[str, Any] = {
        "id": f"{values['id']}-{node}-{mode}",
        "from": values["id"],
        "to": node,
        "mode": mode,
        "length_km": max(km * detour, MIN_ACCESS_KM),
        "length_basis": "source",
        "status": values.get("status", "existing"),
        "source": f"{source}; access link: great-circle length x the mode's detour factor "
        f"(at least {MIN_ACCESS_KM * 1000:g} m)",
        "notes": f"access link: place snapped {km:.2f} km to OSM node {node}",
    }
    if mode == "rail":
        if values.get("kind") != "border":
            link["gauge_mm"] = _country_gauge(values["country"])
        elif node_data.get("kind") != "border":
            link["gauge_mm"] = _country_gauge(node_data["country"])
        else:
            link["gauge_mm"] = "1435+1520"
    return Record(f"access link {link['id']}", link, source)


def _snap(
    nodes: dict[str, dict[str, Any]],
    places: Sequence[Record],
    snap_km: float,
    source: str,
    params: Parameters | None = None,
) -> tuple[list[Record], pd.DataFrame]:
    """Snap places to OSM nodes; return access link records and the report."""
    snapper = _Snapper(nodes)
    rows, links = [], []
    for record in places:
        values = record.values
        for mode in [m for m in values.get("modes", "").split(";") if m in LAND_MODES]:
            sides = _sides(values)
            row = {"place": values["id"], "name": values.get("name"), "mode": mode}
            node, km = snapper.nearest(mode, sides, values["lon"], values["lat"])
            if not node:
                where = "the network" if mode not in snapper.modes else "-".join(sides)
                row.update(status="no_node", reason=f"no OSM {mode} node in {where}")
            elif km > snap_km:
                row.update(
                    status="too_far",
                    node=node,
                    distance_km=km,
                    reason=f"nearest {mode} node {node} is {km:.1f} km away "
                    f"(limit snap_km = {snap_km:g} km)",
                )
            else:
                row.update(status="snapped", node=node, distance_km=km, reason="")
                detour = params.modes[mode].detour_factor if params else 1.0
                links.append(_access_link(values, node, nodes[node], mode, km, source, detour))
            rows.append(row)
    columns = ["place", "name", "mode", "status", "node", "distance_km", "reason"]
    return links, pd.DataFrame(rows, columns=columns)


def snap_places(
    net: Network,
    places: str | os.PathLike[str] | Sequence[Record],
    *,
    snap_km: float = 5.0,
) -> tuple[Network, pd.DataFrame]:
    """Join places to the OSM nodes of a network within `snap_km` (km), by access links.

    Parameters
    ----------
    net
        A network built by :func:`from_osm` (or :func:`merge`); only its OSM nodes
        (those with ``osm_role``) are snapping targets.
    places
        A places table (path) or place records; places already in `net` (same id)
        are joined, others are added when at least one of their modes snaps.
    snap_km
        Largest distance (km) from a place to its node.

    Returns
    -------
    network : Network
        A new network with the places and access links (`net` is not changed).
    report : pandas.DataFrame
        One row per place and land mode it serves: ``place``, ``name``, ``mode``,
        ``status`` (``snapped``, ``too_far``, ``no_node``), ``node`` (nearest suitable
        node), ``distance_km`` (km), ``reason``.

    Raises
    ------
    DataError
        If `snap_km` is not positive or a place id clashes with an OSM node id.
    """
    if not snap_km > 0:
        raise DataError(f"snap_km = {snap_km}; expected a positive distance in km")
    records = _place_records(places)
    place_recs, link_recs = _graph_records(net)
    _check_clashes(records, {r.values["id"] for r in place_recs if "osm_role" in r.values})
    known = {r.values["id"] for r in place_recs}
    osm = {n: d for n, d in net.graph.nodes(data=True) if "osm_role" in d}
    source = net.graph.graph.get("source", OSM_LICENCE)
    access, report = _snap(osm, records, snap_km, source, net.params)
    snapped = set(report.loc[report["status"] == "snapped", "place"])
    new = [r for r in records if r.values["id"] in snapped and r.values["id"] not in known]
    taken: set[str] = set()
    for record in [*place_recs, *new]:
        if "osm_role" not in record.values:
            taken |= _name_keys(record.values)
    osm_recs = _unique_names([r for r in place_recs if "osm_role" in r.values], taken)
    others = [r for r in place_recs if "osm_role" not in r.values]
    have = {r.values["id"] for r in link_recs}
    access = [r for r in access if r.values["id"] not in have]  # snapped before
    out = _build([*others, *new, *osm_recs], [*link_recs, *access], net, name=net.name)
    out.graph.graph["snap_report"] = report
    return out, report


def _check_clashes(records: Sequence[Record], osm_ids: set[str]) -> None:
    """Refuse places whose ids are OSM node ids of the network."""
    problems = v.Problems("")
    for record in records:
        if record.values.get("id") in osm_ids:
            problems.add(
                record.location,
                f"id = {record.values['id']!r} is also an OSM node id of the network; "
                "rename the place (OSM nodes are <mode>_<osmid>)",
            )
    problems.raise_if_any()


# ---------------------------------------------------------------- building


def _graph_records(net: Network) -> tuple[list[Record], list[Record]]:
    """Return place and link records that rebuild `net` (the inverse of from_records)."""
    places = []
    for node, data in net.graph.nodes(data=True):
        values = {k: x for k, x in data.items() if k not in ("x", "y") and _present(x)}
        values.update(id=node, lon=data["x"], lat=data["y"])
        places.append(Record(f"{net.name} place {node}", values, str(values.get("source", ""))))
    links = []
    for u, w, key, data in net.graph.edges(keys=True, data=True):
        if data.get("reversed", False):
            continue
        skip = ("geometry", "reversed", "length", "travel_time")
        values = {k: x for k, x in data.items() if k not in skip and _present(x)}
        values.update(id=key, via=[tuple(p) for p in list(data["geometry"].coords)[1:-1]])
        values.update({"from": u, "to": w})
        if data.get("length_basis", "source") == "source":
            values["length_km"] = data["length"] / 1000.0
        links.append(Record(f"{net.name} link {key}", values, str(values.get("source", ""))))
    return places, links


def _present(value: Any) -> bool:
    """Return False for None and NaN (blank cells)."""
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _build(
    places: list[Record], links: list[Record], like: Network | Parameters, *, name: str
) -> Network:
    """Build a network through :meth:`Network.from_records` (one-way links get one edge)."""
    params = like if isinstance(like, Parameters) else like.params
    corridors = None if isinstance(like, Parameters) else like.corridors
    return Network.from_records(
        places, links, params, corridors=corridors, name=name, source=OSM_LICENCE
    )


def _default_params() -> Parameters:
    """Return the built-in network's parameters (``data/gtr/params.toml``)."""
    from corridors.datasets import gtr_data_dir

    return read_params(gtr_data_dir() / "params.toml")


def _check_modes(modes: Iterable[str]) -> tuple[str, ...]:
    """Return the land modes asked for, refusing others."""
    modes = tuple(modes)
    bad = [m for m in modes if m not in LAND_MODES]
    if bad or not modes:
        raise DataError(
            f"modes = {','.join(modes)!r}; expected one or more of rail, road "
            "(OpenStreetMap gives land networks only)"
        )
    return modes


def _mode_part(
    raw: nx.MultiDiGraph,
    mode: str,
    *,
    locate: Locator,
    places: Sequence[Record],
    snap_km: float,
    simplify: bool,
) -> nx.MultiDiGraph:
    """Return one mode's corridor-ready osmnx graph (countries, crossings, speeds, simplified)."""
    graph = _mode_graph(raw, mode)
    if graph.number_of_edges() == 0:
        return graph
    _tag_countries(graph, locate)
    _insert_crossings(graph, mode, locate, places, snap_km)
    _set_edge_attrs(graph, mode)
    _mark_kept(graph)
    return _simplify(graph, mode) if simplify else graph


def from_osm(
    source: str | os.PathLike[str] | tuple[float, float, float, float],
    *,
    modes: Iterable[str] = ("rail", "road"),
    places: str | os.PathLike[str] | Sequence[Record] | None = None,
    countries: str | os.PathLike[str] | gpd.GeoDataFrame | None = None,
    params: Parameters | None = None,
    snap_km: float = 5.0,
    simplify: bool = True,
    online: bool = False,
    timeout_s: float = 10.0,
    name: str | None = None,
) -> Network:
    """Build a corridor network (lengths m, speeds km/h) from OpenStreetMap rail and roads.

    The choices (node kinds, countries, border crossings, gauges, speeds) are listed in
    the module notes of :mod:`corridors.osm`.

    Parameters
    ----------
    source
        A local ``.osm`` / ``.osm.xml`` / ``.osm.bz2`` / ``.osm.gz`` file; with
        ``online=True`` also a bounding box ``(west, south, east, north)`` or a place name.
    modes
        Land modes to import: ``rail``, ``road`` or both.
    places
        The user's places (a table path such as ``data/gtr/places.csv``, or records):
        snapped to the network, and used for nodes' countries when `countries` is None.
    countries
        Node countries: an ISO code for the whole extract, or a polygon table
        (GeoDataFrame or file) with a ``country`` column.
    params
        Parameters (default: the built-in network's ``data/gtr/params.toml``).
    snap_km
        Largest distance (km) from a place to the node it is joined to, and from an
        inserted border crossing to the border place whose attributes it takes.
    simplify
        Merge chains of edges (osmnx ``simplify_graph``), keeping stations, named
        nodes, crossings, junctions and attribute changes.
    online
        Allow downloading (Overpass). Off by default.
    timeout_s
        HTTP timeout (seconds) when online.
    name
        Network name (default: the file name).

    Returns
    -------
    Network
        OSM nodes ``<mode>_<osmid>`` (kinds ``terminal``, ``city``, ``border``), links
        with OSM lengths, tags and freight speeds, the snapped places with their access
        links. ``net.graph.graph["snap_report"]`` is the report of :func:`snap_places`
        (empty without places); ``net.graph.graph["osm_skipped"]`` counts the ways left
        out, by reason.

    Raises
    ------
    DataError
        If the file is missing or invalid, holds no usable way, or countries cannot be set.
    OSMFetchError
        If ``online=True`` and the data could not be downloaded.

    Examples
    --------
    >>> from pathlib import Path
    >>> extract = Path(__file__).parents[1] / "tests" / "data" / "osm" / "border.osm"
    >>> net = from_osm(extract, countries="CN", modes=["road"])
    >>> sorted({d["mode"] for _, _, d in net.graph.edges(data=True)})
    ['road']
    """
    modes = _check_modes(modes)
    records = _place_records(places)
    raw = load_graph(source, online=online, timeout_s=timeout_s)
    locate = _country_locator(countries, records)
    label = Path(source).name if isinstance(source, str | os.PathLike) else str(source)
    origin = f"{OSM_LICENCE}, {label}"
    skipped = _skipped_ways(raw)
    place_recs: list[Record] = []
    link_recs: list[Record] = []
    for mode in modes:
        part = _mode_part(
            raw, mode, locate=locate, places=records, snap_km=snap_km, simplify=simplify
        )
        place_recs += _node_records(part, mode, origin)
        link_recs += _link_records(part, mode, origin)
    if not link_recs:
        found = ", ".join(f"{why} ({n})" for why, n in list(skipped.items())[:5]) or "none"
        raise DataError(
            f"{label}: no {' or '.join(modes)} ways found (ways left out: {found}); "
            "expected railway=rail (1067/1435/1520 mm) or highway=motorway..service ways"
        )
    _check_clashes(records, {r.values["id"] for r in place_recs})
    net = _build(
        _unique_names(place_recs, set()),
        link_recs,
        params or _default_params(),
        name=name or label,
    )
    net.graph.graph.update(source=origin, osm_skipped=skipped)
    if records:
        net, _ = snap_places(net, records, snap_km=snap_km)
        net.graph.graph.update(source=origin, osm_skipped=skipped)
    else:
        net.graph.graph["snap_report"] = _snap({}, [], snap_km, origin)[1]
    return net


# ---------------------------------------------------------------- merging


def _region(
    region: tuple[float, float, float, float] | shapely.Geometry | None, detailed: Network
) -> shapely.Geometry:
    """Return the merge region: a bbox or polygon, or the detailed network's convex hull."""
    if region is None:
        points = [(d["x"], d["y"]) for _, d in detailed.graph.nodes(data=True)]
        return shapely.MultiPoint(points).convex_hull
    if isinstance(region, shapely.Geometry):
        return region
    if len(region) != 4:
        raise DataError(f"region = {region!r}; expected (west, south, east, north) in degrees")
    return shapely.box(*region)


def merge(
    base: Network,
    detailed: Network,
    *,
    region: tuple[float, float, float, float] | shapely.Geometry | None = None,
    snap_km: float = 5.0,
) -> Network:
    """Replace the base network's land links inside a region by a detailed OSM network.

    Base links of the detailed network's modes (rail / road) whose two ends lie in
    `region` are dropped; everything else is kept (places, sea and air links, land
    links leaving the region, modes the detailed network lacks). The detailed network's
    OSM nodes and links are added (its own snapped places and access links are not),
    and every base place inside the region is snapped to them (:func:`snap_places`).

    Parameters
    ----------
    base
        The coarse network, e.g. :func:`corridors.load_gtr`.
    detailed
        A network from :func:`from_osm`.
    region
        ``(west, south, east, north)`` in degrees or a shapely polygon (lon/lat);
        default: the convex hull of the detailed network's nodes.
    snap_km
        Largest distance (km) from a base place to the OSM node it is joined to.

    Returns
    -------
    Network
        A new network with the base's parameters and corridors;
        ``G.graph["snap_report"]`` reports the snapping of the base places in the region.

    Raises
    ------
    DataError
        If the result is inconsistent (e.g. a base place id equals an OSM node id).
    """
    area = _region(region, detailed)
    modes = {d["mode"] for _, _, d in detailed.graph.edges(data=True)}
    places, links = _graph_records(base)
    inside = {
        r.values["id"]
        for r in places
        if area.covers(shapely.Point(r.values["lon"], r.values["lat"]))
    }
    kept_links = [
        r
        for r in links
        if not (r.values["mode"] in modes and {r.values["from"], r.values["to"]} <= inside)
    ]
    d_places, d_links = _graph_records(detailed)
    osm_ids = {r.values["id"] for r in d_places if "osm_role" in r.values}
    osm_links = [r for r in d_links if {r.values["from"], r.values["to"]} <= osm_ids]
    _check_clashes(places, osm_ids)
    taken = {key for r in places for key in _name_keys(r.values)}
    osm_places = _unique_names(
        [_strip_suffix(r) for r in d_places if r.values["id"] in osm_ids], taken
    )
    nodes = {n: d for n, d in detailed.graph.nodes(data=True) if n in osm_ids}
    source = detailed.graph.graph.get("source", OSM_LICENCE)
    inside_places = [r for r in places if r.values["id"] in inside]
    access, report = _snap(nodes, inside_places, snap_km, source, base.params)
    net = _build(
        [*places, *osm_places],
        [*kept_links, *osm_links, *access],
        base,
        name=f"{base.name} + {detailed.name}",
    )
    net.graph.graph.update(
        snap_report=report, merge_region=area.wkt, source=base.graph.graph.get("source", "tables")
    )
    return net


def _strip_suffix(record: Record) -> Record:
    """Undo a `` (OSM node <id>)`` name suffix so that names are re-made against the base."""
    values = dict(record.values)
    suffix = f" (OSM node {values['id']})"
    if values["name"].endswith(suffix):
        values["name"] = values["name"][: -len(suffix)]
    return Record(record.where, values, record.source)
