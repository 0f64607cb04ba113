"""Compile a network into a mode-expanded state graph in CSR arrays.

The compiled graph has one **state** per (place, mode) the place serves; a border
crossing has one state per (mode, side), one side per country it joins. Its edges:

- **link** edges join states of one mode along a link (each direction separately);
- **transfer** edges join two modes at a place that handles transfers (parks,
  ports, cities, airports, terminals), costing the place's ``handling_h`` and
  ``fee_usd`` (or the parameter default for its kind);
- **crossing** edges join the two sides of a border crossing for each mode it
  serves, costing its dwell time (``dwell_road_h`` / ``dwell_rail_h``) and fee,
  plus ``gauge_change_h`` on rail where ``gauge_break`` is true.

Four weights are compiled: ``time``
(hours), ``distance`` (km), ``cost`` (USD per TEU) and ``generalized`` (cost +
value of time × hours). Mode filters, closures, avoided places and planned /
suspended elements are boolean masks over the edge arrays
(:meth:`CompiledGraph.edge_mask`); the searches are in :mod:`corridors.engine.dijkstra`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from corridors import _validate as v
from corridors._errors import CorridorsError, DataError
from corridors.costs import FREIGHT_MODES, MODES, SEASONS, TRANSFER_KINDS
from corridors.engine import freight
from corridors.engine.inputs import EdgeTable, PlaceTable

if TYPE_CHECKING:
    from corridors.network import Network

__all__ = [
    "EDGE_CROSSING",
    "EDGE_DISCHARGE",
    "EDGE_KIND_NAMES",
    "EDGE_LINK",
    "EDGE_LOADING",
    "EDGE_TRANSFER",
    "EDGE_TRANSSHIPMENT",
    "STATUS_CODES",
    "WEIGHTS",
    "WEIGHT_COLUMNS",
    "CompiledGraph",
    "EdgeTable",
    "Restrictions",
    "check_weight",
    "compile_network",
    "compile_tables",
]


#: Weights a search can minimize, with their units.
WEIGHTS: dict[str, str] = {
    "time": "h",
    "distance": "km",
    "cost": "USD/TEU",
    "generalized": "USD/TEU",
}


#: Table column holding each weight's value (its unit in the name).
WEIGHT_COLUMNS: dict[str, str] = {
    "time": "time_h",
    "distance": "distance_km",
    "cost": "cost_usd_teu",
    "generalized": "generalized_usd_teu",
}


EDGE_LINK, EDGE_TRANSFER, EDGE_CROSSING = 0, 1, 2
EDGE_LOADING, EDGE_DISCHARGE, EDGE_TRANSSHIPMENT = 3, 4, 5

#: Name of each edge kind (the ``kind`` of a route's legs).
EDGE_KIND_NAMES: dict[int, str] = {
    EDGE_LINK: "link",
    EDGE_TRANSFER: "transfer",
    EDGE_CROSSING: "border",
    EDGE_LOADING: "loading",
    EDGE_DISCHARGE: "discharge",
    EDGE_TRANSSHIPMENT: "transshipment",
}
_PORT_KIND = {
    "loading": EDGE_LOADING,
    "discharge": EDGE_DISCHARGE,
    "transshipment": EDGE_TRANSSHIPMENT,
}


def check_weight(weight: str) -> None:
    """Raise unless `weight` is one of :data:`WEIGHTS` (suggesting the closest).

    Parameters
    ----------
    weight
        A weight name as given by the user.

    Raises
    ------
    DataError
        Naming the weights allowed and close matches.
    """
    if weight not in WEIGHTS:
        hint = v.close_matches(weight, WEIGHTS, n=2)
        extra = f"; did you mean {' or '.join(hint)}?" if hint else ""
        raise DataError(f"weight = {weight!r} is not one of {', '.join(WEIGHTS)}{extra}")


def check_search_weights(
    graph: CompiledGraph, weight: str | np.ndarray, values: np.ndarray, edges: np.ndarray
) -> None:
    """Raise if a weight a search would use is negative or NaN (Dijkstra needs ≥ 0).

    Parameters
    ----------
    graph
        The compiled graph.
    weight
        Weight name (see :data:`WEIGHTS`) or the values given instead.
    values
        The weight of each edge in `edges`.
    edges
        The edges the search may use.

    Raises
    ------
    DataError
        Naming the first bad edge (its link, or its kind and place) and the value.
    """
    bad = np.flatnonzero(~(values >= 0))
    if not len(bad):
        return
    edge, link = int(edges[bad[0]]), int(graph.edge_link[edges[bad[0]]])
    kind, place = graph.edge_kind[edge], graph.place_ids[graph.state_place[graph.edge_src[edge]]]
    where = f"link {graph.link_ids[link]}" if link >= 0 else f"{EDGE_KIND_NAMES[kind]} at {place}"
    name, unit = (weight, WEIGHTS[weight]) if isinstance(weight, str) else ("weight", "")
    raise DataError(
        f"{where}: {name} = {float(values[bad[0]]):g} {unit}".rstrip()
        + f" ({len(bad)} such edge(s)); searches need finite non-negative travel_time,"
        " length and cost_usd_teu: fix the network's data"
    )


STATUS_CODES = {"existing": 0, "planned": 1, "suspended": 2}


_MODE_CODE = {m: i for i, m in enumerate(MODES)}


@dataclasses.dataclass(frozen=True)
class Restrictions:
    """What a search may use.

    Parameters
    ----------
    modes
        Modes allowed (default :data:`~corridors.costs.FREIGHT_MODES`: rail, road and
        sea; ``None``: all, air included).
    avoid
        Place ids that must not be used (their states and links are masked).
    closed_links
        Link ids closed in both directions, on top of links marked ``closed``.
    include_planned
        Use planned links and places.
    include_suspended
        Use suspended links and places (e.g. DPRK rail links).
    season
        Also use links that run only in this season (one of
        :data:`~corridors.costs.SEASONS`); ``None``: all-year links only.
    """

    modes: frozenset[str] | None = frozenset(FREIGHT_MODES)
    avoid: frozenset[str] = frozenset()
    closed_links: frozenset[str] = frozenset()
    include_planned: bool = False
    include_suspended: bool = False
    season: str | None = None

    @property
    def mode_text(self) -> str:
        """The modes allowed, for table titles and summary lines (e.g. ``"rail, road, sea"``)."""
        allowed = MODES if self.modes is None else [m for m in MODES if m in self.modes]
        return ", ".join(allowed)

    @property
    def air(self) -> bool:
        """Whether air is allowed (answers are then air cargo, not TEU freight)."""
        return self.modes is None or "air" in self.modes

    def describe(self) -> str:
        """Return a short text of what is excluded, for messages.

        Returns
        -------
        str
            E.g. ``"modes rail, sea; avoiding kraskino_border; planned links excluded"``.
        """
        parts = [f"modes {self.mode_text}"]
        if self.avoid:
            parts.append(f"avoiding {', '.join(sorted(self.avoid))}")
        if self.closed_links:
            parts.append(f"links closed: {', '.join(sorted(self.closed_links))}")
        parts.append("planned links " + ("included" if self.include_planned else "excluded"))
        if not self.include_suspended:
            parts.append("suspended links excluded")
        parts.append(f"{self.season} links included" if self.season else "seasonal links excluded")
        return "; ".join(parts)


@dataclasses.dataclass(frozen=True)
class CompiledGraph:
    """The state graph of a network as flat arrays (see the module docstring).

    Parameters
    ----------
    place_ids
        Place id of each place index.
    state_place, state_mode
        Place index and mode code (index into :data:`~corridors.costs.MODES`) of each state.
    place_state_start
        States of place ``i`` are ``place_state_start[i]:place_state_start[i + 1]``.
    edge_src, edge_dst
        State indices of each edge.
    edge_kind
        ``EDGE_LINK``, ``EDGE_TRANSFER``, ``EDGE_CROSSING``, ``EDGE_LOADING``,
        ``EDGE_DISCHARGE`` or ``EDGE_TRANSSHIPMENT`` (see :data:`EDGE_KIND_NAMES`).
    edge_link
        Index into `link_ids` for link edges, -1 otherwise.
    edge_reversed
        Link edges running against the link's from → to direction.
    edge_status
        0 existing, 1 planned, 2 suspended (of the link, or of the place).
    edge_closed
        Marked ``closed`` in the network (the link, or either place).
    time_h, distance_km, cost_usd
        Edge weights in hours, km and USD per TEU.
    value_of_time
        USD per TEU-hour, for the generalized weight.
    gauge_change_h
        Gauge-change part of ``time_h`` on crossing edges (0 elsewhere).
    link_ids
        Link id of each link index.
    edge_mode
        Mode code of the link behind a link edge (a ro-ro link is ``sea`` although it
        joins road states); -1 for other edges.
    edge_season
        Bit mask of the seasons a link edge runs in (bit ``i``: ``SEASONS[i]``); 0 all year.

    Notes
    -----
    States ``0 .. place_state_start[-1]`` are the places' end states, where searches
    start and end; the internal states after them (a port's sea ``in`` / ``out``)
    belong to a place (`state_place`) but are no end state of it.
    """

    place_ids: np.ndarray
    state_place: np.ndarray
    state_mode: np.ndarray
    place_state_start: np.ndarray
    edge_src: np.ndarray
    edge_dst: np.ndarray
    edge_kind: np.ndarray
    edge_link: np.ndarray
    edge_reversed: np.ndarray
    edge_status: np.ndarray
    edge_closed: np.ndarray
    time_h: np.ndarray
    distance_km: np.ndarray
    cost_usd: np.ndarray
    value_of_time: float
    gauge_change_h: np.ndarray
    link_ids: np.ndarray
    edge_mode: np.ndarray
    edge_season: np.ndarray

    @property
    def n_states(self) -> int:
        """Number of states."""
        return len(self.state_place)

    @property
    def n_places(self) -> int:
        """Number of places."""
        return len(self.place_ids)

    @property
    def place_index(self) -> dict[str, int]:
        """Map of place id to place index."""
        return {p: i for i, p in enumerate(self.place_ids)}

    def weight(self, name: str) -> np.ndarray:
        """Return the edge weights of `name` (see :data:`WEIGHTS`).

        Parameters
        ----------
        name
            ``time``, ``distance``, ``cost`` or ``generalized``.

        Returns
        -------
        numpy.ndarray
            One weight per edge, in the unit of :data:`WEIGHTS`.

        Raises
        ------
        ValueError
            For an unknown weight name.
        """
        if name == "time":
            return self.time_h
        if name == "distance":
            return self.distance_km
        if name == "cost":
            return self.cost_usd
        if name == "generalized":
            return self.cost_usd + self.value_of_time * self.time_h
        allowed = ", ".join(WEIGHTS)
        msg = f"weight = {name!r}; expected one of {allowed}"
        raise ValueError(msg)

    def edge_mask(self, restrictions: Restrictions) -> np.ndarray:
        """Return the edges a search may use under `restrictions`.

        Parameters
        ----------
        restrictions
            Modes, avoided places, closed links, planned / suspended elements.

        Returns
        -------
        numpy.ndarray of bool
            One flag per edge.
        """
        allowed_status = [0]
        if restrictions.include_planned:
            allowed_status.append(1)
        if restrictions.include_suspended:
            allowed_status.append(2)
        mask = np.isin(self.edge_status, allowed_status) & ~self.edge_closed
        state_ok = np.ones(self.n_states, dtype=bool)
        if restrictions.modes is not None:
            codes = [_MODE_CODE[m] for m in restrictions.modes]
            state_ok &= np.isin(self.state_mode, codes)
            mask &= (self.edge_mode < 0) | np.isin(self.edge_mode, codes)
        seasons = 0 if restrictions.season is None else 1 << SEASONS.index(restrictions.season)
        mask &= (self.edge_season == 0) | ((self.edge_season & seasons) != 0)
        if restrictions.avoid:
            index = self.place_index
            avoided = [index[p] for p in restrictions.avoid if p in index]
            state_ok &= ~np.isin(self.state_place, avoided)
        mask &= state_ok[self.edge_src] & state_ok[self.edge_dst]
        if restrictions.closed_links:
            closed = np.isin(self.link_ids, list(restrictions.closed_links))
            mask &= ~((self.edge_link >= 0) & closed[np.maximum(self.edge_link, 0)])
        return mask

    def matrix(
        self, weight: str | np.ndarray, mask: np.ndarray, *, reverse: bool = False
    ) -> tuple[sp.csr_array, np.ndarray]:
        """Return the CSR matrix of the masked graph and the edge behind each entry.

        Between two states joined by several edges only the cheapest is kept
        (a CSR matrix would otherwise add them up).

        Parameters
        ----------
        weight
            Weight name (see :data:`WEIGHTS`), or one non-negative value per edge.
        mask
            Edges to keep (from :meth:`edge_mask`).
        reverse
            Build the transposed graph (edges point backwards), to search towards a place.

        Returns
        -------
        matrix : scipy.sparse.csr_array
            ``n_states × n_states``; explicit zeros are edges of zero weight.
        edge_of_entry : numpy.ndarray
            The edge index behind each stored entry (aligned with ``matrix.data``).
        """
        edges = np.flatnonzero(mask)
        values = (self.weight(weight) if isinstance(weight, str) else weight)[edges]
        check_search_weights(self, weight, values, edges)
        sources, targets = (
            (self.edge_dst, self.edge_src) if reverse else (self.edge_src, self.edge_dst)
        )
        order = np.lexsort((values, targets[edges], sources[edges]))
        edges, values = edges[order], values[order]
        src, dst = sources[edges], targets[edges]
        first = np.ones(len(edges), dtype=bool)
        first[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
        edges, values, src, dst = edges[first], values[first], src[first], dst[first]
        indptr = np.zeros(self.n_states + 1, dtype=np.int64)
        np.add.at(indptr, src + 1, 1)
        np.cumsum(indptr, out=indptr)
        matrix = sp.csr_array((values, dst, indptr), shape=(self.n_states, self.n_states))
        return matrix, edges


def _side(nodes: Mapping[str, dict], place: str, other: str) -> str:
    """Side of border `place` that a link from `other` arrives on."""
    data = nodes[place]
    countries = data["countries"].split("-")
    other_data = nodes[other]
    if other_data.get("kind") == "border":
        shared = sorted(set(countries) & set(other_data["countries"].split("-")))
        return shared[0] if shared else countries[0]
    return other_data["country"] if other_data["country"] in countries else data["country"]


def compile_network(net: Network) -> CompiledGraph:
    """Compile `net` into its state graph (cached per network revision).

    Parameters
    ----------
    net
        The network.

    Returns
    -------
    CompiledGraph
        Arrays of states and edges; see the module docstring.
    """
    return net.cached("compiled", lambda: _compile(net))


def _compile(net: Network) -> CompiledGraph:
    """Compile from the network's build arrays when it has them, else from its graph."""
    tables = getattr(net, "_compile_tables", None)
    nodes, edges = tables() if tables is not None else (None, None)
    if nodes is None:
        nodes, edges = dict(net.graph.nodes(data=True)), EdgeTable.from_graph(net.graph)
    return compile_tables(nodes, edges, net.params)


def compile_tables(
    nodes: Mapping[str, dict] | PlaceTable, edges: EdgeTable, params: Any
) -> CompiledGraph:
    """Compile places and edges into the state graph, in array operations.

    Land links map to one state edge each, vectorised; sea links (few) go through
    :func:`~corridors.engine.freight.link_variants` (port ``out → in`` states,
    sailing waits, ro-ro variants). Only border crossings, ports and places that
    change modes are handled one by one.

    Parameters
    ----------
    nodes
        Node attributes by place id (as ``graph.nodes``), or the places as columns.
    edges
        The directed link edges, in ``graph.edges`` order.
    params
        Network parameters.

    Returns
    -------
    CompiledGraph
    """
    table = nodes if isinstance(nodes, PlaceTable) else PlaceTable.from_nodes(nodes)
    order = np.argsort(np.asarray(table.ids, dtype=str), kind="stable")
    places = table.take(order)
    place_ids = places.ids
    modes = _Modes(places)
    states = _states(places, modes)
    if edges.tail is not None and edges.head is not None:
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        u, w = rank[edges.tail], rank[edges.head]
    else:
        place_index = pd.Index(place_ids, dtype=object)
        u = place_index.get_indexer(pd.Index(edges.u, dtype=object))
        w = place_index.get_indexer(pd.Index(edges.v, dtype=object))
    mode = _codes(edges.mode, MODES)
    border = np.asarray(places.kind == "border", dtype=bool)
    place_status = _codes(places.status, STATUS_CODES).astype(np.int8)
    place_closed = places.closed
    side_u = np.zeros(len(u), dtype=np.int64)
    side_w = np.zeros(len(w), dtype=np.int64)
    for i in np.flatnonzero(border[u] | border[w]):  # few: links at border crossings
        for end, other, out in ((u, w, side_u), (w, u, side_w)):
            if border[end[i]]:
                side = _side(table.nodes, place_ids[end[i]], place_ids[other[i]])
                out[i] = places.countries[end[i]].split("-").index(side)
    links = _link_rows(
        edges, table.nodes, params, states, place_ids, (u, w), states.lookup(u, mode, side_u),
        states.lookup(w, mode, side_w),
    )  # fmt: skip
    row = links["edge"]  # the directed link edge behind each state edge
    link_ids, link_of_edge = _link_index(edges)
    status = np.maximum(
        _codes(edges.status, STATUS_CODES).astype(np.int8),
        np.maximum(place_status[u], place_status[w]),
    )[row]
    extra = _place_edges(places, modes, states, params)
    n_links, n_extra = len(row), len(extra["src"])
    return CompiledGraph(
        place_ids=place_ids,
        state_place=states.place,
        state_mode=states.mode,
        place_state_start=states.start,
        edge_src=np.r_[links["src"], extra["src"]].astype(np.int64),
        edge_dst=np.r_[links["dst"], extra["dst"]].astype(np.int64),
        edge_kind=np.r_[np.full(n_links, EDGE_LINK), extra["kind"]].astype(np.int8),
        edge_link=np.r_[link_of_edge[row], np.full(n_extra, -1)].astype(np.int64),
        edge_reversed=np.r_[edges.reversed[row], np.zeros(n_extra, dtype=bool)],
        edge_status=np.r_[status, extra["status"]].astype(np.int8),
        edge_closed=np.r_[
            (edges.closed | place_closed[u] | place_closed[w])[row], extra["closed"]
        ].astype(bool),
        time_h=np.r_[edges.travel_time[row] / 3600.0 + links["hours"], extra["time"]].astype(
            float
        ),
        distance_km=np.r_[edges.length[row] / 1000.0, extra["dist"]].astype(float),
        cost_usd=np.r_[edges.cost[row] + links["usd"], extra["cost"]].astype(float),
        value_of_time=float(params.value_of_time_usd_teu_h),
        gauge_change_h=np.r_[np.zeros(n_links), extra["gauge"]].astype(float),
        link_ids=link_ids,
        edge_mode=np.r_[mode[row], np.full(n_extra, -1)].astype(np.int8),
        edge_season=np.r_[edges.season[row], np.zeros(n_extra)].astype(np.int8),
    )


def _codes(values: np.ndarray, names: Any) -> np.ndarray:
    """Return the position of each value in `names` (-1: not there), per distinct value."""
    codes, distinct = pd.factorize(values)
    lookup = pd.Index(list(names), dtype=object).get_indexer(pd.Index(distinct, dtype=object))
    return np.r_[lookup, -1][codes]


def _link_index(edges: EdgeTable) -> tuple[np.ndarray, np.ndarray]:
    """Return the sorted link ids and each edge's index among them."""
    if edges.link is not None and len(edges.link):  # every link has its forward edge
        keys = np.empty(edges.link.max() + 1, dtype=object)
        keys[edges.link] = edges.key
        order = np.argsort(keys.astype(str), kind="stable")
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        return keys[order], rank[edges.link]
    link_ids = np.unique(edges.key.astype(str)) if len(edges.key) else np.empty(0, dtype=str)
    index = np.searchsorted(link_ids, edges.key.astype(str)) if len(edges.key) else []
    return np.asarray(link_ids, dtype=object), np.asarray(index, dtype=np.int64)


def _link_rows(
    edges: EdgeTable,
    nodes: Mapping[str, dict],
    params: Any,
    states: _States,
    place_ids: np.ndarray,
    ends: tuple[np.ndarray, np.ndarray],
    src: np.ndarray,
    dst: np.ndarray,
) -> dict[str, np.ndarray]:
    """State edges of the directed links, in edge order, with their extra hours and USD.

    A land link is one state edge between its plain states (`src`, `dst`); a sea
    link gives the edges of :func:`~corridors.engine.freight.link_variants`.
    """
    n = len(src)
    sea = np.flatnonzero(edges.mode == "sea")
    counts = np.ones(n, dtype=np.int64)
    variants: dict[int, list[tuple[int, int, float, float]]] = {}
    for i in sea.tolist():
        a, b = place_ids[ends[0][i]], place_ids[ends[1][i]]
        data = {"mode": "sea", "sea_service": edges.sea_service[i]}
        if np.isfinite(edges.sailings[i]):
            data["sailings_per_week"] = float(edges.sailings[i])
        found = freight.link_variants(a, b, data, nodes, params, (a, "sea", ""), (b, "sea", ""))
        variants[i] = [
            (states.key(ends[0][i], ends[1][i], x), states.key(ends[1][i], ends[0][i], y), h, c)
            for x, y, h, c in found
        ]
        counts[i] = len(found)
    row = np.repeat(np.arange(n), counts)
    first = np.cumsum(counts) - counts  # position of each edge's first state edge
    out = {
        "edge": row,
        "src": src[row].astype(np.int64),
        "dst": dst[row].astype(np.int64),
        "hours": np.zeros(len(row)),
        "usd": np.zeros(len(row)),
    }
    for i, found in variants.items():
        for k, (x, y, h, c) in enumerate(found):
            at = first[i] + k
            out["src"][at], out["dst"][at], out["hours"][at], out["usd"][at] = x, y, h, c
    return out


_SIDE_SLOTS = 4  # per (place, mode): border sides 0 and 1; a port's sea "in" 2, "out" 3
_IN_SLOT, _OUT_SLOT = 2, 3


@dataclasses.dataclass(frozen=True)
class _States:
    """States of each place: one per (mode, side); `slot` finds one by (place, mode, side).

    End states come first (per place in id order); a sea port's internal ``in`` /
    ``out`` states follow all of them, so ``start`` covers end states only.
    """

    place: np.ndarray
    mode: np.ndarray
    start: np.ndarray
    slot: np.ndarray

    def lookup(self, place: np.ndarray, mode: np.ndarray, side: np.ndarray) -> np.ndarray:
        """State index of each (place, mode code, side slot)."""
        return self.slot[(place * len(MODES) + mode) * _SIDE_SLOTS + side]

    def key(self, place: int, other: int, key: tuple[str, str, str]) -> int:
        """State index of a freight state key ``(place id, mode, side)`` at place `place`.

        Side ``""`` is the plain state, ``in`` / ``out`` a port's internal sea states
        (sea links do not touch border crossings, so `other` is not needed for sides).
        """
        side = {"": 0, freight.IN: _IN_SLOT, freight.OUT: _OUT_SLOT}[key[2]]
        return int(self.lookup(np.int64(place), np.int64(_MODE_CODE[key[1]]), np.int64(side)))


class _Modes:
    """The modes of each place, from its ``modes`` text (each distinct text read once).

    Parameters
    ----------
    places
        The places in compiled order.
    """

    def __init__(self, places: PlaceTable) -> None:
        self.of, distinct = pd.factorize(places.modes)
        lists = [[_MODE_CODE[m] for m in str(text).split(";")] for text in distinct]
        #: mode codes of each distinct text, padded with -1
        self.codes = np.full((len(lists), max(map(len, lists), default=0)), -1, dtype=np.int64)
        for k, codes in enumerate(lists):
            self.codes[k, : len(codes)] = codes
        self.count = np.array([len(c) for c in lists], dtype=np.int64)[self.of]
        sea = np.array([_MODE_CODE["sea"] in c for c in lists], dtype=bool)
        kind = places.kind
        #: ports serving the sea: they get internal sea states and port calls
        self.port_call = np.asarray(kind == "port", dtype=bool) & sea[self.of]


def _states(places: PlaceTable, modes: _Modes) -> _States:
    """Return the states: per place in id order, its modes and sides; then ports' sea states.

    The internal ``in`` / ``out`` states of every port serving the sea come after all
    end states.
    """
    n_places = len(places.ids)
    sides = np.where(np.asarray(places.kind == "border", dtype=bool), 2, 1)
    count = modes.count * sides
    start = np.zeros(n_places + 1, dtype=np.int64)
    np.cumsum(count, out=start[1:])
    place = np.repeat(np.arange(n_places, dtype=np.int64), count)
    k = np.arange(len(place)) - start[place]
    mode = modes.codes[modes.of[place], k // sides[place]]
    side = k % sides[place]
    ports = np.flatnonzero(modes.port_call)
    place = np.r_[place, np.repeat(ports, 2)]
    mode = np.r_[mode, np.full(2 * len(ports), _MODE_CODE["sea"])]
    side = np.r_[side, np.tile([_IN_SLOT, _OUT_SLOT], len(ports))]
    place_arr = place.astype(np.int64)
    mode_arr = mode.astype(np.int8)
    slot = np.full(n_places * len(MODES) * _SIDE_SLOTS, -1, dtype=np.int64)
    where = (place_arr * len(MODES) + mode_arr) * _SIDE_SLOTS + side.astype(np.int64)
    slot[where] = np.arange(len(place_arr))
    return _States(place_arr, mode_arr, start, slot)


def _state(states: _States, index: int, mode: str, side: int) -> int:
    """State index of place `index`'s `mode` state on `side` (slot; 0: the plain state)."""
    return int(states.slot[(index * len(MODES) + _MODE_CODE[mode]) * _SIDE_SLOTS + side])


def _crossing_rows(index: int, data: dict, states: _States, params: Any) -> list[tuple]:
    """Crossing edges of a border place, both ways per land mode (dwell, gauge change, fees)."""
    rows: list[tuple] = []
    border = params.border
    status, closed = STATUS_CODES[data["status"]], bool(data["closed"])
    fee = _attr(data, "fee_usd", border.fee_usd)
    for mode in data["modes"].split(";"):
        if mode not in ("rail", "road"):
            continue
        dwell = _attr(data, f"dwell_{mode}_h", getattr(border, f"dwell_{mode}_h"))
        gauge, gauge_fee = 0.0, 0.0
        if mode == "rail" and data.get("gauge_break", False):
            gauge = _attr(data, "gauge_change_h", border.gauge_change_h)
            gauge_fee = _attr(data, "gauge_change_fee_usd", border.gauge_change_fee_usd)
        a, b = _state(states, index, mode, 0), _state(states, index, mode, 1)
        for x, y in ((a, b), (b, a)):
            rows.append(
                (x, y, EDGE_CROSSING, status, closed, dwell + gauge, fee + gauge_fee, gauge)
            )
    return rows


def _transfer_rows(
    index: int, place: str, data: dict, states: _States, params: Any
) -> list[tuple]:
    """Port calls (loading, discharge, transshipment) and mode changes at a place."""
    rows: list[tuple] = []
    modes = data["modes"].split(";")
    status, closed = STATUS_CODES[data["status"]], bool(data["closed"])
    port = freight.is_port_call(data)
    if port:
        for src, dst, kind, hours, usd in freight.port_edges(place, data, params):
            a, b = states.key(index, index, src), states.key(index, index, dst)
            rows.append((a, b, _PORT_KIND[kind], status, closed, hours, usd, 0.0))
        modes = [m for m in modes if m != "sea"]  # sea is reached by port calls
    if len(modes) < 2:
        return rows
    defaults = params.transfer.get(data["kind"])
    own = {} if port else data  # a port's own cells price its calls
    handling = _attr(own, "handling_h", defaults.handling_h if defaults else None)
    fee = _attr(own, "fee_usd", defaults.fee_usd if defaults else None)
    if handling is None or fee is None:
        msg = (
            f"place {place!r} (kind {data['kind']}) needs handling_h and fee_usd, "
            f"or a [transfer.{data['kind']}] table in the parameters"
        )
        raise CorridorsError(msg)
    for m1 in modes:
        for m2 in modes:
            if m1 != m2:
                a, b = _state(states, index, m1, 0), _state(states, index, m2, 0)
                rows.append((a, b, EDGE_TRANSFER, status, closed, handling, fee, 0.0))
    return rows


def _place_edges(
    places: PlaceTable, modes: _Modes, states: _States, params: Any
) -> dict[str, np.ndarray]:
    """Crossing edges (both sides of a border), port calls and transfer edges at a place.

    Only border crossings, ports serving the sea and places of a transfer kind with
    two modes or more have such edges; they are few, and handled one by one.
    """
    border = np.asarray(places.kind == "border", dtype=bool)
    transfer = np.isin(places.kind, TRANSFER_KINDS) & (modes.port_call | (modes.count >= 2))
    rows: list[tuple] = []
    for index in np.flatnonzero(border | transfer).tolist():
        place = places.ids[index]
        data = places.nodes[place]
        if border[index]:
            rows += _crossing_rows(index, data, states, params)
        else:
            rows += _transfer_rows(index, place, data, states, params)
    names = ("src", "dst", "kind", "status", "closed", "time", "cost", "gauge")
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(names)
    out = {name: np.asarray(column) for name, column in zip(names, columns, strict=True)}
    out["dist"] = np.zeros(len(rows))
    return out


def _attr(data: dict, key: str, default: float | None) -> float | None:
    value = data.get(key)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return default
    return float(value)
