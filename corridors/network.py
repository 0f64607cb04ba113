"""The :class:`Network`: an osmnx-style MultiDiGraph of places and links, with parameters.

Nodes are places keyed by their id; edges are links, one per direction, keyed by
the link id (so ``G.edges[u, v, link_id]``). Units follow osmnx: ``length`` in
metres, ``speed_kph`` in km/h, ``travel_time`` in seconds; ``cost_usd_teu`` is
USD per TEU. ``net.places`` and ``net.links`` give the same data as GeoDataFrames
with units in column names (``length_km``, ``time_h``).
"""

from __future__ import annotations

import copy
import dataclasses
import math
from collections.abc import Iterable, Sequence
from typing import Any

import geopandas as gpd
import networkx as nx
import pandas as pd
import pyproj
import shapely

from corridors import _validate as v
from corridors._errors import UnknownPlaceError
from corridors.costs import MODES, PLACE_KINDS, Parameters
from corridors.io import LINK_COLUMNS, PLACE_COLUMNS, Column, Record

__all__ = ["Network", "great_circle_km"]

CRS = "EPSG:4326"
LAND_MODES = ("rail", "road")
BORDER_ONLY = ("countries", "dwell_road_h", "dwell_rail_h", "gauge_break", "gauge_change_h")
_GEOD = pyproj.Geod(ellps="WGS84")


def great_circle_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic distance (km) between two points on the WGS 84 ellipsoid.

    Parameters
    ----------
    lon1, lat1, lon2, lat2
        Coordinates in decimal degrees.

    Returns
    -------
    float
        Distance in kilometres.

    Examples
    --------
    >>> round(great_circle_km(0, 0, 1, 0), 1)
    111.3
    """
    _, _, metres = _GEOD.inv(lon1, lat1, lon2, lat2)
    return float(metres) / 1000.0


def _line_km(line: shapely.LineString) -> float:
    """Return the geodesic length (km) of a lon/lat line on the WGS 84 ellipsoid."""
    return float(_GEOD.geometry_length(line)) / 1000.0


class Network:
    """A multimodal corridor network: places, links and parameters.

    Build one with :func:`corridors.load_gtr`, :func:`corridors.io.read_network`
    or :meth:`Network.from_records`. The graph follows osmnx conventions, so
    osmnx and networkx functions work on ``net.graph`` directly.

    Parameters
    ----------
    graph
        A MultiDiGraph in corridors' conventions (as built by :meth:`from_records`).
    params
        Network-wide parameters.
    corridors
        Named corridors (index: name; columns description, modes, source).

    Notes
    -----
    Analyses cache compiled arrays per :attr:`revision`. The editing methods
    (``add_place``, ``add_link``, ``close``, ...) bump it; after editing
    ``net.graph`` directly, call :meth:`touch`.
    """

    def __init__(
        self,
        graph: nx.MultiDiGraph,
        params: Parameters,
        *,
        corridors: pd.DataFrame | None = None,
    ) -> None:
        graph.graph.setdefault("crs", CRS)
        graph.graph.setdefault("name", "network")
        self._graph = graph
        self.params = params
        self.corridors = corridors
        self._revision = 0
        self._cache: dict[Any, Any] = {}

    # ------------------------------------------------------------ construction

    @classmethod
    def from_records(
        cls,
        places: Sequence[Record],
        links: Sequence[Record],
        params: Parameters,
        *,
        corridors: pd.DataFrame | None = None,
        name: str = "network",
        source: str = "tables",
    ) -> Network:
        """Check places and links against each other and build a network.

        Parameters
        ----------
        places, links
            Parsed rows from :func:`corridors.io.read_places` / :func:`~corridors.io.read_links`.
        params
            Parameters (speeds, costs, detour factors).
        corridors
            Named corridors; when given, every corridor a link names must be in it.
        name
            Network name (``G.graph["name"]``).
        source
            Where the tables came from, for error messages.

        Returns
        -------
        Network

        Raises
        ------
        DataError
            Listing every inconsistency (unknown place, mode not served, a land link
            across a border without a crossing, a gauge the country does not have, ...).
            Nothing is built then.
        """
        places = [r if r.source else dataclasses.replace(r, source=source) for r in places]
        links = [r if r.source else dataclasses.replace(r, source=source) for r in links]
        problems = v.Problems("")  # each record names its own file
        nodes = _check_places(places, problems)
        corridor_names = set(corridors.index) if corridors is not None else None
        for record in links:
            _check_link(record, nodes, corridor_names, problems)
        problems.raise_if_any()
        graph = nx.MultiDiGraph(crs=CRS, name=name, source=source)
        for place_id, attrs in nodes.items():
            graph.add_node(place_id, **attrs)
        edges = [_link_edges(graph, record.values, params) for record in links]
        # forward edges first, so the order of net.links (grouped by the places'
        # order) survives writing the network out and reading it back
        graph.add_edges_from(forward for forward, _ in edges)
        graph.add_edges_from(backward for _, backward in edges)
        return cls(graph, params, corridors=corridors)

    # ------------------------------------------------------------ basic properties

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The osmnx-style MultiDiGraph (nodes: places; edges: links, keyed by link id)."""
        return self._graph

    @property
    def name(self) -> str:
        """The network's name."""
        return str(self._graph.graph.get("name", "network"))

    @property
    def crs(self) -> str:
        """Coordinate reference system of coordinates and geometries (EPSG:4326)."""
        return str(self._graph.graph["crs"])

    @property
    def revision(self) -> int:
        """Edit counter; compiled arrays are cached per revision."""
        return self._revision

    def touch(self) -> None:
        """Mark the network as edited, dropping cached compiled arrays."""
        self._revision += 1
        self._cache.clear()

    def cached(self, key: Any, build: Any) -> Any:
        """Return ``build()`` cached under `key` for the current revision.

        Parameters
        ----------
        key
            Hashable cache key.
        build
            Zero-argument callable computing the value.

        Returns
        -------
        object
            The cached or newly built value.
        """
        full_key = (self._revision, key)
        if full_key not in self._cache:
            self._cache[full_key] = build()
        return self._cache[full_key]

    def copy(self) -> Network:
        """Return an independent copy (graph, parameters and corridors).

        Returns
        -------
        Network
        """
        return Network(
            copy.deepcopy(self._graph),
            self.params,
            corridors=None if self.corridors is None else self.corridors.copy(),
        )

    def __repr__(self) -> str:
        return (
            f"<Network {self.name!r}: {self._graph.number_of_nodes()} places, "
            f"{len(self.link_ids())} links>"
        )

    # ------------------------------------------------------------ tables

    @property
    def places(self) -> gpd.GeoDataFrame:
        """Places as a GeoDataFrame indexed by id (columns as in ``places.csv``; points)."""
        return self.cached("places", self._places_frame)

    @property
    def links(self) -> gpd.GeoDataFrame:
        """Links as a GeoDataFrame indexed by id, one row per link (not per direction).

        Columns are those of ``links.csv`` with the effective values (``length_km``,
        ``speed_kph``, ``cost_usd_teu`` filled from parameters where the data left them
        blank, as listed in ``defaults``), plus ``time_h``; geometry runs from → to.
        """
        return self.cached("links", self._links_frame)

    def _places_frame(self) -> gpd.GeoDataFrame:
        """Build the places GeoDataFrame from the graph's nodes."""
        rows = []
        for place_id, data in self._graph.nodes(data=True):
            row = {c: data.get(c) for c in PLACE_COLUMNS}
            row.update(id=place_id, lon=data["x"], lat=data["y"])
            rows.append(row)
        frame = _typed(pd.DataFrame(rows, columns=list(PLACE_COLUMNS)), PLACE_COLUMNS)
        geometry = gpd.points_from_xy(frame["lon"], frame["lat"])
        return gpd.GeoDataFrame(frame, geometry=geometry, crs=self.crs).set_index("id")

    def _links_frame(self) -> gpd.GeoDataFrame:
        """Build the links GeoDataFrame from the graph's forward edges."""
        rows, geoms = [], []
        for u, w, key, data in self._graph.edges(keys=True, data=True):
            if data.get("reversed", False):
                continue
            row = {c: data.get(c) for c in LINK_COLUMNS}
            row.update(
                {
                    "id": key,
                    "from": u,
                    "to": w,
                    "length_km": data["length"] / 1000.0,
                    "time_h": data["travel_time"] / 3600.0,
                    "via": [tuple(p) for p in list(data["geometry"].coords)[1:-1]],
                }
            )
            rows.append(row)
            geoms.append(data["geometry"])
        frame = _typed(pd.DataFrame(rows, columns=[*LINK_COLUMNS, "time_h"]), LINK_COLUMNS)
        return gpd.GeoDataFrame(frame, geometry=geoms, crs=self.crs).set_index("id")

    def link_ids(self) -> list[str]:
        """Return the ids of all links (each link once, both directions together).

        Returns
        -------
        list of str
        """
        return sorted({k for _, _, k in self._graph.edges(keys=True)})

    # ------------------------------------------------------------ lookups

    def _name_index(self) -> dict[str, str]:
        """Map every folded name and alt name to its place id."""
        index: dict[str, str] = {}
        for place_id, data in self._graph.nodes(data=True):
            names = [data.get("name", place_id), *(data.get("alt_names") or "").split(";")]
            for name in names:
                if name.strip():
                    index.setdefault(v.normalize_name(name), place_id)
        return index

    def resolve(self, place: str) -> str:
        """Return the id of a place given its id or name (case- and accent-insensitive).

        Parameters
        ----------
        place
            A place id (``"hunchun"``), name (``"Hunchun"``) or alternative name.

        Returns
        -------
        str
            The place id.

        Raises
        ------
        UnknownPlaceError
            If nothing matches; the message lists close matches.
        """
        if place in self._graph:
            return place
        index = self.cached("name_index", self._name_index)
        key = v.normalize_name(place)
        if key in index:
            return str(index[key])
        if key.replace(" ", "_") in self._graph:
            return key.replace(" ", "_")
        names = [d.get("name", n) for n, d in self._graph.nodes(data=True)]
        raise UnknownPlaceError(place, v.close_matches(place, [*names, *self._graph.nodes]))

    def select(self, spec: str | Iterable[str]) -> list[str]:
        """Return place ids from a kind (``"park"``), a name or id, or a list of them.

        Parameters
        ----------
        spec
            A kind of place (every place of that kind), one place, or several places.

        Returns
        -------
        list of str
            Place ids, in the order given (a kind: sorted by id).

        Raises
        ------
        UnknownPlaceError
            If a name matches no place.
        """
        if isinstance(spec, str):
            if spec in PLACE_KINDS:
                return sorted(n for n, d in self._graph.nodes(data=True) if d["kind"] == spec)
            return [self.resolve(spec)]
        return [self.resolve(p) for p in spec]

    # ------------------------------------------------------------ summary

    def summary(self) -> dict[str, Any]:
        """Count places and links by kind, mode, country, corridor and status; sum km by mode.

        Returns
        -------
        dict
            Keys ``places``, ``links``, ``places_by_kind``, ``places_by_country``,
            ``links_by_mode``, ``links_by_status``, ``km_by_mode``, ``links_by_corridor``.
        """
        places, links = self.places, self.links
        corridor_counts: dict[str, int] = {}
        for value in links["corridors"].dropna():
            for corridor in str(value).split(";"):
                corridor_counts[corridor] = corridor_counts.get(corridor, 0) + 1
        return {
            "name": self.name,
            "places": len(places),
            "links": len(links),
            "places_by_kind": places["kind"].value_counts().sort_index().to_dict(),
            "places_by_country": places["country"].value_counts().sort_index().to_dict(),
            "links_by_mode": links["mode"].value_counts().reindex(MODES, fill_value=0).to_dict(),
            "links_by_status": links["status"].value_counts().sort_index().to_dict(),
            "km_by_mode": links.groupby("mode")["length_km"]
            .sum()
            .reindex(MODES, fill_value=0.0)
            .round(0)
            .to_dict(),
            "links_by_corridor": dict(sorted(corridor_counts.items())),
        }


# ---------------------------------------------------------------- checks and building

_FLOAT_PARSERS = (v.parse_positive, v.parse_non_negative, v.parse_lon, v.parse_lat)


def _typed(frame: pd.DataFrame, columns: dict[str, Column]) -> pd.DataFrame:
    """Give each column a dtype that depends on its schema, not on which cells are blank.

    Numbers are float64 (NaN when blank), years Int64, ``closed`` bool and other
    flags nullable boolean, so that two networks' tables compare column by column.
    """
    for name, column in columns.items():
        if column.parse in _FLOAT_PARSERS:
            frame[name] = pd.to_numeric(frame[name]).astype("float64")
        elif column.parse is v.parse_year:
            frame[name] = pd.to_numeric(frame[name]).astype("Int64")
        elif column.parse is v.parse_bool:
            flags = frame[name].astype("boolean")
            frame[name] = flags.astype(bool) if name == "closed" else flags
    return frame


def _check_places(places: Sequence[Record], problems: v.Problems) -> dict[str, dict[str, Any]]:
    """Check places on their own; return node attributes by id (problems collected)."""
    nodes: dict[str, dict[str, Any]] = {}
    names: dict[str, str] = {}
    for record in places:
        values, where = record.values, record.location
        if "id" not in values:
            continue
        kind = values.get("kind")
        if kind == "border":
            countries = values.get("countries")
            if not countries:
                problems.add(
                    where,
                    "countries is blank; a border crossing joins two "
                    "countries, e.g. countries = CN-RU",
                )
            elif values.get("country") not in countries.split("-"):
                problems.add(
                    where,
                    f"country = {values.get('country')!r} is not one of "
                    f"countries = {countries!r}; give the side the point lies on",
                )
        else:
            for field in BORDER_ONLY:
                if field in values:
                    problems.add(
                        where,
                        f"{field} is set but kind = {kind!r}; only border "
                        "crossings (kind = border) take it",
                    )
        modes = values.get("modes", "").split(";")
        if kind == "port" and values.get("port_type", "sea") == "sea" and "sea" not in modes:
            problems.add(
                where,
                f"modes = {values.get('modes', '')!r}; expected a sea port to serve sea: "
                "add sea to modes, or set port_type = river for a river port",
            )
        alt_names = [("alt_names", n) for n in values.get("alt_names", "").split(";")]
        for field, name in [("name", values.get("name", "")), *alt_names]:
            if not name:
                continue
            key = v.normalize_name(name)
            if key in names and names[key] != values["id"]:
                problems.add(
                    where,
                    f"{field} = {name!r} is already a name of place {names[key]!r}; "
                    "expected names and alt_names unique across places: rename one",
                )
            names[key] = values["id"]
        attrs = {k: x for k, x in values.items() if k not in {"id", "lon", "lat"}}
        attrs.update(x=values.get("lon", math.nan), y=values.get("lat", math.nan))
        attrs.setdefault("status", "existing")
        attrs.setdefault("closed", False)
        if kind == "border":
            attrs.setdefault("gauge_break", False)
        if kind == "port":
            attrs.setdefault("port_type", "sea")
        nodes[values["id"]] = attrs
    return nodes


def _check_link(
    record: Record,
    nodes: dict[str, dict[str, Any]],
    corridor_names: set[str] | None,
    problems: v.Problems,
) -> None:
    """Check one link against the places it joins (problems collected)."""
    values, where = record.values, record.location
    mode = values.get("mode")
    ends = [values.get("from"), values.get("to")]
    for field, end in zip(("from", "to"), ends, strict=True):
        if end is not None and end not in nodes:
            hint = v.close_matches(end, nodes, n=3)
            extra = f"; did you mean {', '.join(hint)}?" if hint else ""
            problems.add(where, f"{field} = {end!r} is not a place id{extra}")
    if None in ends or any(e not in nodes for e in ends) or mode is None:
        return
    a, b = (nodes[e] for e in ends)
    if ends[0] == ends[1]:
        problems.add(where, "from and to are the same place; a link joins two places")
    for field, end, place in zip(("from", "to"), ends, (a, b), strict=True):
        if mode not in place.get("modes", "").split(";"):
            problems.add(
                where,
                f"mode = {mode!r} but {field} place {end!r} serves only "
                f"{place.get('modes')!r}; add {mode} to its modes or fix the mode",
            )
    _check_link_status(values, ends, (a, b), where, problems)
    if mode in LAND_MODES:
        _check_land_link(values, ends, a, b, where, problems)
    elif "gauge_mm" in values:
        problems.add(where, f"gauge_mm is set on a {mode} link; only rail links take a gauge")
    _check_corridor_names(values, corridor_names, where, problems)
    if "length_km" in values and values.get("length_basis", "source") == "source":
        straight = great_circle_km(a["x"], a["y"], b["x"], b["y"])
        if values["length_km"] < straight - 5.0:
            problems.add(
                where,
                f"length_km = {values['length_km']} is shorter than the "
                f"{straight:.1f} km straight line between its ends; check the "
                "length or the places' coordinates",
            )


def _check_link_status(
    values: dict[str, Any],
    ends: list[str],
    places: tuple[dict[str, Any], dict[str, Any]],
    where: str,
    problems: v.Problems,
) -> None:
    """Report an existing link that ends at a planned or suspended place."""
    if values.get("status", "existing") == "existing":
        for end, place in zip(ends, places, strict=True):
            if place.get("status", "existing") != "existing":
                problems.add(
                    where,
                    f"an existing link ends at {place.get('status')} place "
                    f"{end!r}; set the link's status to match",
                )


def _check_corridor_names(
    values: dict[str, Any], corridor_names: set[str] | None, where: str, problems: v.Problems
) -> None:
    """Report corridor names of a link that corridors.csv lacks, with close matches."""
    if corridor_names is None:
        return
    for corridor in values.get("corridors", "").split(";"):
        if corridor and corridor not in corridor_names:
            hint = v.close_matches(corridor, corridor_names, n=2)
            extra = f"; did you mean {' or '.join(hint)}?" if hint else ""
            problems.add(where, f"corridor {corridor!r} is not in corridors.csv{extra}")


def _check_land_link(
    values: dict[str, Any],
    ends: list[str],
    a: dict[str, Any],
    b: dict[str, Any],
    where: str,
    problems: v.Problems,
) -> None:
    """Check a rail / road link: no border crossed without a crossing; gauges."""

    def sides(place: dict[str, Any]) -> set[str]:
        """Return the countries a place lies on (both for a border crossing)."""
        if place.get("kind") == "border" and place.get("countries"):
            return set(place["countries"].split("-"))
        return {place.get("country", "")}

    if not sides(a) & sides(b):
        problems.add(
            where,
            f"{values['mode']} link joins {a.get('country')} ({ends[0]}) and "
            f"{b.get('country')} ({ends[1]}) without a border crossing; route it "
            "through a place of kind = border",
        )
    if values["mode"] != "rail":
        if "gauge_mm" in values:
            problems.add(where, "gauge_mm is set on a road link; only rail links take a gauge")
        return
    if "gauge_mm" not in values:
        problems.add(
            where, "gauge_mm is blank; a rail link needs its gauge (1435, 1520 or 1435+1520)"
        )
        return
    gauges = {int(g) for g in values["gauge_mm"].split("+")}
    for end, place in zip(ends, (a, b), strict=True):
        if place.get("kind") == "border":
            continue
        country_gauges = v.COUNTRY_GAUGES.get(place.get("country", ""))
        if country_gauges is not None and not gauges & country_gauges:
            found = "+".join(str(g) for g in sorted(country_gauges))
            problems.add(
                where,
                f"gauge_mm = {values['gauge_mm']} but {end!r} is in "
                f"{place['country']}, whose network is {found} mm; use that gauge "
                "or 1435+1520 for dual-gauge track",
            )


Edge = tuple[str, str, str, dict[str, Any]]


def _link_edges(
    graph: nx.MultiDiGraph, values: dict[str, Any], params: Parameters
) -> tuple[Edge, Edge]:
    """Return both directions ``(u, v, key, attrs)`` of one link, with length, speed and cost.

    Blank speed and cost come from `params`; a length no source gives is the geodesic
    length of the from → via → to line times the mode's detour factor.
    """
    u, w, mode = values["from"], values["to"], values["mode"]
    a, b = graph.nodes[u], graph.nodes[w]
    line = shapely.LineString([(a["x"], a["y"]), *values.get("via", []), (b["x"], b["y"])])
    mode_params = params.modes[mode]
    attrs = {k: x for k, x in values.items() if k not in {"id", "from", "to", "via"}}
    if "length_km" in values and values.get("length_basis", "source") == "source":
        length_km, basis = values["length_km"], "source"
    else:
        length_km, basis = _line_km(line) * mode_params.detour_factor, "computed"
    defaults = set(values.get("defaults", "").split(";")) - {""}
    if "speed_kph" not in values or "speed_kph" in defaults:
        attrs["speed_kph"] = mode_params.speed_in((a["country"], b["country"]))
        defaults.add("speed_kph")
    if "cost_usd_teu" not in values or "cost_usd_teu" in defaults:
        attrs["cost_usd_teu"] = length_km * mode_params.cost_usd_teu_km
        defaults.add("cost_usd_teu")
    attrs.update(
        mode=mode,
        length=length_km * 1000.0,
        length_basis=basis,
        travel_time=length_km / attrs["speed_kph"] * 3600.0,
        defaults=";".join(sorted(defaults)),
        status=values.get("status", "existing"),
        closed=values.get("closed", False),
    )
    attrs.pop("length_km", None)
    forward = {"geometry": line, "reversed": False, **attrs}
    backward = {"geometry": line.reverse(), "reversed": True, **attrs}
    return (u, w, values["id"], forward), (w, u, values["id"], backward)
