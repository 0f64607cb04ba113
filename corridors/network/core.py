"""The :class:`Network`: an osmnx-style MultiDiGraph of places and links, with parameters.

Nodes are places keyed by their id; edges are links, one per direction, keyed by
the link id (so ``G.edges[u, v, link_id]``). Units follow osmnx: ``length`` in
metres, ``speed_kph`` in km/h, ``travel_time`` in seconds; ``cost_usd_teu`` is
USD per TEU. ``net.places`` and ``net.links`` give the same data as GeoDataFrames
with units in column names (``length_km``, ``time_h``).

This module builds, checks and queries a network; the editing methods come from
:class:`~corridors.network.editing.NetworkEditing`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import geopandas as gpd
import networkx as nx
import pandas as pd

from corridors import _validate as v
from corridors._errors import DataError, UnknownPlaceError
from corridors.costs import MODES, PLACE_KINDS, Parameters
from corridors.network.build import BuiltLinks, check_links
from corridors.network.checks import _typed
from corridors.network.columns import check_place_table, to_table
from corridors.network.editing import NetworkEditing
from corridors.network.geometry import CRS
from corridors.schema import LINK_COLUMNS, PLACE_COLUMNS, Record
from corridors.table import Table

__all__ = ["Network"]


class Network(NetworkEditing):
    """A multimodal corridor network: places, links and parameters.

    Build one with :func:`corridors.load_gtr`, :func:`corridors.io.read_network`
    or :meth:`Network.from_records`. The graph follows osmnx conventions, so
    osmnx and networkx functions work on ``net.graph`` directly.

    Parameters
    ----------
    graph
        A MultiDiGraph in corridors' conventions; ``None`` only from
        :meth:`from_records`, which makes it from its build arrays on first use.
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
        graph: nx.MultiDiGraph | None,
        params: Parameters,
        *,
        corridors: pd.DataFrame | None = None,
    ) -> None:
        self._built: BuiltLinks | None = None
        self._graph_store = graph
        if graph is not None:
            graph.graph.setdefault("crs", CRS)
            graph.graph.setdefault("name", "network")
        self.params = params
        self.corridors = corridors
        self._revision = 0
        self._cache: dict[Any, Any] = {}

    # ------------------------------------------------------------ construction

    @classmethod
    def from_records(
        cls,
        places: Sequence[Record] | Table,
        links: Sequence[Record] | Table,
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
            Rows built by hand, or parsed rows from :func:`corridors.io.read_places` /
            :func:`~corridors.io.read_links`, or tables of parsed columns
            (:class:`~corridors.table.Table`, as :func:`corridors.io.read_network` reads).
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
        problems = v.Problems("")  # each row names its own file
        place_table = to_table(places, PLACE_COLUMNS, problems, source)
        link_table = to_table(links, LINK_COLUMNS, problems, source)
        nodes = check_place_table(place_table, problems)
        corridor_names = set(corridors.index) if corridors is not None else None
        arrays = check_links(link_table, nodes, corridor_names, problems)
        problems.raise_if_any()
        attrs = {"crs": CRS, "name": name, "source": source}
        built = BuiltLinks.build(nodes, link_table, params, attrs, arrays)  # type: ignore[arg-type]
        net = cls(None, params, corridors=corridors)
        net._built = built  # the graph is made from it when first asked for
        return net

    # ------------------------------------------------------------ basic properties

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The osmnx-style MultiDiGraph (nodes: places; edges: links, keyed by link id)."""
        return self._graph

    @property
    def _graph(self) -> nx.MultiDiGraph:
        """The graph, made from the build arrays on first use."""
        if self._graph_store is None:
            if self._built is None:
                raise ValueError("a Network needs a graph")
            self._graph_store = self._built.graph()
        return self._graph_store

    def _compile_tables(self) -> tuple[Any, Any]:
        """Return node attributes and edge columns from the build, while unedited (else Nones).

        Compiling reads these instead of the graph, so a network built from tables
        is compiled without making its MultiDiGraph.
        """
        if self._built is None or self._revision != 0:
            return None, None
        edges = self._built.edge_table()
        return (None, None) if edges is None else (self._built.nodes.place_table(), edges)

    @property
    def _unmade(self) -> BuiltLinks | None:
        """The build's columns while the graph is not made yet (they are the network then)."""
        return self._built if self._graph_store is None else None

    @property
    def _graph_attrs(self) -> dict[str, Any]:
        """``G.graph``, without making the graph when it is not made yet."""
        built = self._unmade
        return self._graph.graph if built is None else built.graph_attrs

    @property
    def name(self) -> str:
        """The network's name."""
        return str(self._graph_attrs.get("name", "network"))

    @property
    def crs(self) -> str:
        """Coordinate reference system of coordinates and geometries (EPSG:4326)."""
        return str(self._graph_attrs["crs"])

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

    def _place_count(self) -> int:
        """Return the number of places, without making the graph when it is not made yet."""
        built = self._unmade
        return int(self._graph.number_of_nodes()) if built is None else len(built.nodes)

    def __repr__(self) -> str:
        return (
            f"<Network {self.name!r}: {self._place_count()} places, {len(self.link_ids())} links>"
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
        """Build the places GeoDataFrame from the build's columns or the graph's nodes."""
        if self._built is not None and self._revision == 0:  # unedited: the build's columns
            rows: Any = self._built.nodes.place_columns()
        else:
            rows = []
            for place_id, data in self._graph.nodes(data=True):
                row = {c: data.get(c) for c in PLACE_COLUMNS}
                row.update(id=place_id, lon=data["x"], lat=data["y"])
                rows.append(row)
        frame = _typed(pd.DataFrame(rows, columns=list(PLACE_COLUMNS)), PLACE_COLUMNS)
        geometry = gpd.points_from_xy(frame["lon"], frame["lat"])
        return gpd.GeoDataFrame(frame, geometry=geometry, crs=self.crs).set_index("id")

    def _links_frame(self) -> gpd.GeoDataFrame:
        """Build the links GeoDataFrame from the build's columns or the graph's forward edges."""
        built = None
        if self._built is not None and self._revision == 0:  # unedited: the build's columns
            built = self._built.link_columns()
        if built is not None:
            frame = _typed(pd.DataFrame(built[0], columns=[*LINK_COLUMNS, "time_h"]), LINK_COLUMNS)
            return gpd.GeoDataFrame(frame, geometry=built[1], crs=self.crs).set_index("id")
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
        built = self._unmade
        if built is not None:
            return sorted(set(built.links.column("id").tolist()))
        return sorted({k for _, _, k in self._graph.edges(keys=True)})

    # ------------------------------------------------------------ lookups

    def _nodes(self) -> Mapping[str, dict[str, Any]]:
        """Node attributes by place id, without making the graph when it is not made yet."""
        built = self._unmade
        return self._graph.nodes if built is None else built.nodes

    def _name_index(self) -> dict[str, str]:
        """Map every folded name and alt name to its place id."""
        index: dict[str, str] = {}
        for place_id, data in self._nodes().items():
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
        nodes = self._nodes()
        if place in nodes:
            return place
        index = self.cached("name_index", self._name_index)
        key = v.normalize_name(place)
        if key in index:
            return str(index[key])
        if key.replace(" ", "_") in nodes:
            return key.replace(" ", "_")
        names = [d.get("name", n) for n, d in nodes.items()]
        raise UnknownPlaceError(place, v.close_matches(place, [*names, *nodes]))

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
                if self._unmade is None:
                    return sorted(n for n, d in self._graph.nodes(data=True) if d["kind"] == spec)
                places = self.places  # from the build's columns, without making the graph
                return sorted(places.index[places["kind"] == spec])
            return [self.resolve(spec)]
        places = list(spec)
        nodes = self._nodes()
        if all(p in nodes for p in places):  # ids already: skip the name lookups
            return places
        return [self.resolve(p) for p in places]

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
