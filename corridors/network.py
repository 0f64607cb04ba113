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
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import geopandas as gpd
import networkx as nx
import pandas as pd
import pyproj
import shapely

from corridors import _validate as v
from corridors._errors import DataError, UnknownPlaceError
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
        graph.add_edges_from(pair[0] for pair in edges)
        graph.add_edges_from(pair[1] for pair in edges if len(pair) > 1)
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
        places = list(spec)
        if all(p in self._graph for p in places):  # ids already: skip the name lookups
            return places
        return [self.resolve(p) for p in places]

    # ------------------------------------------------------------ editing (mutates)

    def _corridor_names(self) -> set[str] | None:
        """Return the names of the network's corridors (None if it has no table)."""
        return None if self.corridors is None else set(self.corridors.index)

    def _link_ends(self, link_id: str, where: str) -> tuple[str, str]:
        """Return the from and to place of a link, or raise with close matches."""
        ends = self.cached("link_ends", self._link_ends_index)
        if link_id not in ends:
            hint = v.close_matches(link_id, ends, n=3)
            extra = f"; did you mean {', '.join(hint)}?" if hint else ""
            raise DataError(f"{where}: link = {link_id!r} is not a link id{extra}")
        return ends[link_id]

    def _link_ends_index(self) -> dict[str, tuple[str, str]]:
        """Map each link id to its (from, to) places."""
        return {
            k: (u, w)
            for u, w, k, rev in self._graph.edges(keys=True, data="reversed", default=False)
            if not rev
        }

    def _place_id(self, place: str, where: str) -> str:
        """Resolve a place id or name, naming `where` in the error."""
        try:
            return self.resolve(place)
        except UnknownPlaceError as error:
            hint = f"; did you mean {', '.join(error.suggestions)}?" if error.suggestions else ""
            raise DataError(f"{where}: place = {place!r} is not a place{hint}") from None

    def _rebuild_link(self, u: str, w: str, values: dict[str, Any]) -> None:
        """Replace both directions of link ``values["id"]`` by edges built from `values`."""
        key = values["id"]
        for a, b in ((u, w), (w, u)):
            if self._graph.has_edge(a, b, key):
                self._graph.remove_edge(a, b, key)
        self._graph.add_edges_from(_link_edges(self._graph, values, self.params))

    def add_place(self, place: Mapping[str, Any], *, where: str = "") -> str:
        """Add a place to this network (mutates it), checked as a row of ``places.csv``.

        Parameters
        ----------
        place
            Fields named as the columns of ``places.csv`` (``id``, ``name``, ``kind``,
            ``country``, ``lon``, ``lat`` (degrees), ``modes``, ``source``, ...); values
            as text, numbers, booleans, or lists for ``;``-separated columns.
        where
            Where the values come from, for messages (default ``add_place "<id>"``).

        Returns
        -------
        str
            The new place's id.

        Raises
        ------
        DataError
            Listing every problem (bad value, id or name already used, ...); the
            network is unchanged then.
        """
        where = where or f'add_place "{place.get("id", "?")}"'
        problems = v.Problems("")
        values = _parse_values(place, PLACE_COLUMNS, where, problems)
        problems.raise_if_any()
        if values["id"] in self._graph:
            problems.add(where, f"id = {values['id']!r} is already a place; expected a new id")
        taken = self.cached("name_index", self._name_index)
        nodes = _check_places([Record(where, values)], problems, taken_names=taken)
        problems.raise_if_any()
        self._graph.add_node(values["id"], **nodes[values["id"]])
        self.touch()
        return str(values["id"])

    def add_link(self, link: Mapping[str, Any], *, where: str = "") -> str:
        """Add a link to this network (mutates it), checked as a row of ``links.csv``.

        Blank ``speed_kph`` and ``cost_usd_teu`` come from the parameters, and a blank
        ``length_km`` is the great-circle length of from → ``via`` → to times the
        mode's detour factor, exactly as when a network is read.

        Parameters
        ----------
        link
            Fields named as the columns of ``links.csv`` (``id``, ``from``, ``to``,
            ``mode``, ``length_km`` (km), ``speed_kph`` (km/h), ``cost_usd_teu``
            (USD per TEU), ``gauge_mm``, ``via`` (list of (lon, lat)), ``source``, ...).
        where
            Where the values come from, for messages (default ``add_link "<id>"``).

        Returns
        -------
        str
            The new link's id.

        Raises
        ------
        DataError
            Listing every problem (unknown place, a mode an end does not serve, a
            gauge the country lacks, ...); the network is unchanged then.
        """
        where = where or f'add_link "{link.get("id", "?")}"'
        problems = v.Problems("")
        values = _parse_values(link, LINK_COLUMNS, where, problems)
        problems.raise_if_any()
        if values["id"] in self.cached("link_ends", self._link_ends_index):
            problems.add(where, f"id = {values['id']!r} is already a link; expected a new id")
        nodes = dict(self._graph.nodes(data=True))
        _check_link(Record(where, values), nodes, self._corridor_names(), problems)
        problems.raise_if_any()
        self._graph.add_edges_from(_link_edges(self._graph, values, self.params))
        self.touch()
        return str(values["id"])

    def update_link(self, link_id: str, changes: Mapping[str, Any], *, where: str = "") -> None:
        """Change fields of a link (mutates it): speed, cost, gauge, length, status, capacity.

        A given ``speed_kph`` or ``cost_usd_teu`` stops being a parameter default; a
        given ``length_km`` becomes a sourced length (a default cost follows it).

        Parameters
        ----------
        link_id
            The link.
        changes
            Fields of ``links.csv`` and their new values; ``id``, ``from``, ``to``,
            ``mode`` and ``via`` cannot change (remove the link and add another).
        where
            Where the values come from, for messages.

        Raises
        ------
        DataError
            For an unknown link, a bad value, or a result that fails the checks of
            loading (e.g. a gauge the country lacks); the network is unchanged then.
        """
        where = where or f'update_link "{link_id}"'
        u, w = self._link_ends(link_id, where)
        problems = v.Problems("")
        parsed = _parse_values(changes, LINK_COLUMNS, where, problems, required=False)
        for key in sorted(set(parsed) & {"id", "from", "to", "mode", "via"}):
            problems.add(where, f"{key} cannot change; remove the link and add a new one")
        problems.raise_if_any()
        values = _link_values(u, w, link_id, self._graph.edges[u, w, link_id])
        defaults = set(values.get("defaults", "").split(";")) - set(parsed) - {""}
        values.update(parsed, defaults=";".join(sorted(defaults)))
        if "length_km" in parsed:
            values["length_basis"] = "source"
        _check_link(Record(where, values), dict(self._graph.nodes(data=True)),
                    self._corridor_names(), problems)  # fmt: skip
        problems.raise_if_any()
        self._rebuild_link(u, w, values)
        self.touch()

    def update_place(self, place: str, changes: Mapping[str, Any], *, where: str = "") -> None:
        """Change attributes of a place (mutates it): dwell, handling, fees, modes added, ...

        Parameters
        ----------
        place
            Place id or name.
        changes
            Columns of ``places.csv`` and their new values (hours, USD per TEU, ...).
            ``id``, ``kind``, ``country``, ``countries``, ``lon`` and ``lat`` cannot
            change, and ``modes`` may only gain modes.
        where
            Where the values come from, for messages.

        Raises
        ------
        DataError
            For an unknown place, a bad value, or a change the checks of loading
            refuse; the network is unchanged then.
        """
        where = where or f'update_place "{place}"'
        place_id = self._place_id(place, where)
        problems = v.Problems("")
        parsed = _parse_values(changes, PLACE_COLUMNS, where, problems, required=False)
        for key in sorted(set(parsed) & {"id", "kind", "country", "countries", "lon", "lat"}):
            problems.add(where, f"{key} cannot change; add a new place instead")
        data = self._graph.nodes[place_id]
        if "modes" in parsed:
            lost = set(data["modes"].split(";")) - set(parsed["modes"].split(";"))
            if lost:
                problems.add(
                    where,
                    f"modes = {parsed['modes']!r} drops {', '.join(sorted(lost))}; "
                    f"expected the place's modes ({data['modes']}) plus new ones",
                )
        problems.raise_if_any()
        values = {k: x for k, x in data.items() if k not in {"x", "y"} and not _blank(x)}
        values.update(parsed, id=place_id, lon=data["x"], lat=data["y"])
        taken = self.cached("name_index", self._name_index)
        nodes = _check_places([Record(where, values)], problems, taken_names=taken)
        problems.raise_if_any()
        data.update(nodes[place_id])
        self.touch()

    def remove_link(self, link_id: str, *, where: str = "") -> None:
        """Remove a link, both directions (mutates the network).

        Parameters
        ----------
        link_id
            The link.
        where
            Where the request comes from, for messages.

        Raises
        ------
        DataError
            If there is no such link (with close matches).
        """
        for u, w in self._directions(link_id, where or "remove_link"):
            self._graph.remove_edge(u, w, link_id)
        self.touch()

    def close_link(self, link_id: str, *, where: str = "") -> None:
        """Close a link in both directions (mutates: sets ``closed = True``; status unchanged).

        Parameters
        ----------
        link_id
            The link.
        where
            Where the request comes from, for messages.

        Raises
        ------
        DataError
            If there is no such link (with close matches).
        """
        self._set_link_closed(link_id, True, where or "close_link")

    def open_link(self, link_id: str, *, where: str = "") -> None:
        """Reopen a closed link (mutates: sets ``closed = False``; status unchanged).

        Parameters
        ----------
        link_id
            The link.
        where
            Where the request comes from, for messages.

        Raises
        ------
        DataError
            If there is no such link (with close matches).
        """
        self._set_link_closed(link_id, False, where or "open_link")

    def _set_link_closed(self, link_id: str, closed: bool, where: str) -> None:
        """Set ``closed`` on both directions of a link (the one of a one-way link)."""
        for u, w in self._directions(link_id, where):
            self._graph.edges[u, w, link_id]["closed"] = closed
        self.touch()

    def _directions(self, link_id: str, where: str) -> list[tuple[str, str]]:
        """Return the (u, v) pairs of a link's edges: both directions, or one if one-way."""
        u, w = self._link_ends(link_id, where)
        return [(a, b) for a, b in ((u, w), (w, u)) if self._graph.has_edge(a, b, link_id)]

    def close_place(
        self, place: str, *, modes: Iterable[str] | None = None, where: str = ""
    ) -> list[str]:
        """Close a place (mutates): the whole place, or only its links of some modes.

        Parameters
        ----------
        place
            Place id or name.
        modes
            ``None``: set the place's ``closed`` flag (nothing passes it). Otherwise
            close the place's links of these modes (e.g. ``["rail"]`` at a crossing).
        where
            Where the request comes from, for messages.

        Returns
        -------
        list of str
            The place id (whole place) or the ids of the links closed.

        Raises
        ------
        DataError
            For an unknown place or a mode it does not serve.
        """
        return self._set_place_closed(place, modes, True, where or "close_place")

    def open_place(
        self, place: str, *, modes: Iterable[str] | None = None, where: str = ""
    ) -> list[str]:
        """Reopen a place (mutates): clear its flag, or reopen its links of some modes.

        Parameters
        ----------
        place
            Place id or name.
        modes
            ``None``: clear the place's ``closed`` flag (its links keep theirs).
            Otherwise reopen the place's links of these modes.
        where
            Where the request comes from, for messages.

        Returns
        -------
        list of str
            The place id, or the ids of the links reopened.

        Raises
        ------
        DataError
            For an unknown place or a mode it does not serve.
        """
        return self._set_place_closed(place, modes, False, where or "open_place")

    def _set_place_closed(
        self, place: str, modes: Iterable[str] | None, closed: bool, where: str
    ) -> list[str]:
        """Set ``closed`` on a place, or on its links of `modes`."""
        place_id = self._place_id(place, where)
        if modes is None:
            self._graph.nodes[place_id]["closed"] = closed
            self.touch()
            return [place_id]
        modes = list(modes)
        served = self._graph.nodes[place_id]["modes"].split(";")
        for mode in modes:
            if mode not in served:
                raise DataError(
                    f"{where}: mode = {mode!r} but place {place_id!r} serves only "
                    f"{';'.join(served)!r}; expected one of its modes"
                )
        touching = [*self._graph.out_edges(place_id, keys=True, data="mode"),
                    *self._graph.in_edges(place_id, keys=True, data="mode")]  # fmt: skip
        changed = {key for _, _, key, mode in touching if mode in modes}
        for key in changed:
            for u, w in self._directions(key, where):
                self._graph.edges[u, w, key]["closed"] = closed
        self.touch()
        return sorted(changed)

    def crossings_between(self, countries: str) -> list[str]:
        """Return the ids of the border crossings between two countries.

        Parameters
        ----------
        countries
            Two ISO country codes joined by '-', in either order (``"CN-RU"``).

        Returns
        -------
        list of str
            Sorted ids of places of kind ``border`` joining exactly those countries.

        Raises
        ------
        DataError
            If `countries` is not two country codes.
        """
        try:
            pair = set(v.parse_country_pair(countries).split("-"))
        except v.FieldError as error:
            raise DataError(f"countries = {countries!r}; {error}") from None
        return sorted(
            n
            for n, d in self._graph.nodes(data=True)
            if d.get("kind") == "border" and set(str(d.get("countries", "")).split("-")) == pair
        )

    def set_params(self, params: Parameters) -> None:
        """Replace the parameters (mutates) and refill every value derived from them.

        Link speeds and costs listed in an edge's ``defaults``, and lengths with
        ``length_basis = computed``, are recomputed from `params`.

        Parameters
        ----------
        params
            The new parameters (e.g. ``net.params.replace(value_of_time_usd_teu_h=5.0)``).
        """
        self.params = params
        for key, (u, w) in list(self.cached("link_ends", self._link_ends_index).items()):
            self._rebuild_link(u, w, _link_values(u, w, key, self._graph.edges[u, w, key]))
        self.touch()

    def build_planned(self, links: Iterable[str] | None = None, *, where: str = "") -> list[str]:
        """Make planned links, and the planned places they end at, existing (mutates).

        Parameters
        ----------
        links
            Link ids; ``None``: every planned link and every planned place.
        where
            Where the request comes from, for messages.

        Returns
        -------
        list of str
            Ids of the links whose status changed.

        Raises
        ------
        DataError
            For an unknown link or one that is not planned; nothing changes then.
        """
        where = where or "build_planned"
        ends = self.cached("link_ends", self._link_ends_index)
        if links is None:
            chosen = [
                k
                for k, (u, w) in ends.items()
                if self._graph.edges[u, w, k]["status"] == "planned"
            ]
            places = [n for n, d in self._graph.nodes(data=True) if d["status"] == "planned"]
        else:
            chosen = list(links)
            for key in chosen:
                u, w = self._link_ends(key, where)
                status = self._graph.edges[u, w, key]["status"]
                if status != "planned":
                    raise DataError(
                        f"{where}: link {key!r} has status {status!r}; expected a planned link"
                    )
            places = [
                p for k in chosen for p in ends[k] if self._graph.nodes[p]["status"] == "planned"
            ]
        for key in chosen:
            for u, w in self._directions(key, "include_planned"):
                self._graph.edges[u, w, key]["status"] = "existing"
        for place in places:
            self._graph.nodes[place]["status"] = "existing"
        self.touch()
        return sorted(chosen)

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


def _check_border_fields(values: dict[str, Any], where: str, problems: v.Problems) -> None:
    """Check that a crossing joins two countries, its own among them; others lack border fields."""
    kind = values.get("kind")
    if kind == "border":
        countries = values.get("countries")
        if not countries:
            problems.add(
                where,
                "countries is blank; a border crossing joins two countries, "
                "e.g. countries = CN-RU",
            )
        elif values.get("country") not in countries.split("-"):
            problems.add(
                where,
                f"country = {values.get('country')!r} is not one of countries = "
                f"{countries!r}; give the side the point lies on",
            )
        return
    for field in BORDER_ONLY:
        if field in values:
            problems.add(
                where,
                f"{field} is set but kind = {kind!r}; only border crossings "
                "(kind = border) take it",
            )


def _check_places(
    places: Sequence[Record],
    problems: v.Problems,
    taken_names: dict[str, str] | None = None,
) -> dict[str, dict[str, Any]]:
    """Check places on their own; return node attributes by id (problems collected).

    `taken_names` maps folded names already in use (e.g. by a network's places) to
    their place ids, so that a place added later cannot reuse one.
    """
    nodes: dict[str, dict[str, Any]] = {}
    names: dict[str, str] = dict(taken_names or {})
    for record in places:
        values, where = record.values, record.location
        if "id" not in values:
            continue
        kind = values.get("kind")
        _check_border_fields(values, where, problems)
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
        if values["id"] in nodes:
            problems.add(
                record.location, f"duplicate place id {values['id']!r}; ids must be unique"
            )
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
    if attrs.get("oneway", False):
        return [(u, w, values["id"], forward)]
    backward = {"geometry": line.reverse(), "reversed": True, **attrs}
    return [(u, w, values["id"], forward), (w, u, values["id"], backward)]


# ---------------------------------------------------------------- editing helpers

#: Columns whose values are ``;``-separated lists (given as lists when editing).
_LIST_FIELDS = frozenset({"alt_names", "industries", "modes", "corridors", "defaults"})


def _blank(value: Any) -> bool:
    """Return whether an attribute value is missing (None or NaN)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _cell(value: Any, field: str) -> str | None:
    """Return a value as the text of a table cell for the column parsers (None: wrong type)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    if isinstance(value, list | tuple):
        if field == "via":
            pairs = [p for p in value if isinstance(p, list | tuple) and len(p) == 2]
            ok = len(pairs) == len(value) and all(
                isinstance(x, int | float) and not isinstance(x, bool) for p in pairs for x in p
            )
            return "; ".join(f"{x} {y}" for x, y in pairs) if ok else None
        if field in _LIST_FIELDS and all(isinstance(x, str) for x in value):
            return ";".join(value)
    return None


def _parse_values(
    values: Mapping[str, Any],
    columns: Mapping[str, Column],
    where: str,
    problems: v.Problems,
    *,
    required: bool = True,
) -> dict[str, Any]:
    """Parse fields given as Python values with the columns' parsers (problems collected)."""
    out: dict[str, Any] = {}
    for key, raw in values.items():
        if key not in columns:
            hint = v.close_matches(key, columns, n=2)
            extra = f"; did you mean {' or '.join(hint)}?" if hint else ""
            problems.add(where, f"unknown field {key!r}{extra}")
            continue
        text = _cell(raw, key)
        if text is None:
            kind = (
                "a list of [lon, lat] pairs"
                if key == "via"
                else ("text or a list of text" if key in _LIST_FIELDS else "a single value")
            )
            problems.add(where, f"{key} = {raw!r}; expected {kind}")
            continue
        if not text.strip():
            continue
        try:
            out[key] = columns[key].parse(text)
        except v.FieldError as error:
            problems.add(where, f"{key} = {raw!r}; {columns[key].explain(error)}")
    if required:
        for key, column in columns.items():
            if column.required and key not in values:
                problems.add(where, f"{key} is missing; {column.expectation()}")
    return out


def _link_values(u: str, w: str, key: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Return the record values of a link from its forward edge (inverse of `_link_edges`)."""
    derived = {"geometry", "reversed", "length", "travel_time"}
    values = {k: x for k, x in data.items() if k not in derived and not _blank(x)}
    values.update(
        {
            "id": key,
            "from": u,
            "to": w,
            "length_km": data["length"] / 1000.0,
            "via": [tuple(p) for p in list(data["geometry"].coords)[1:-1]],
        }
    )
    return values
