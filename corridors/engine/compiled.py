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
from corridors.costs import MODES, TRANSFER_KINDS

if TYPE_CHECKING:
    from corridors.network import Network

__all__ = [
    "EDGE_CROSSING",
    "EDGE_LINK",
    "EDGE_TRANSFER",
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


STATUS_CODES = {"existing": 0, "planned": 1, "suspended": 2}


_MODE_CODE = {m: i for i, m in enumerate(MODES)}


@dataclasses.dataclass(frozen=True)
class Restrictions:
    """What a search may use.

    Parameters
    ----------
    modes
        Modes allowed (``None``: all).
    avoid
        Place ids that must not be used (their states and links are masked).
    closed_links
        Link ids closed in both directions, on top of links marked ``closed``.
    include_planned
        Use planned links and places.
    include_suspended
        Use suspended links and places (e.g. DPRK rail links).
    """

    modes: frozenset[str] | None = None
    avoid: frozenset[str] = frozenset()
    closed_links: frozenset[str] = frozenset()
    include_planned: bool = False
    include_suspended: bool = False

    def describe(self) -> str:
        """Return a short text of what is excluded, for messages.

        Returns
        -------
        str
            E.g. ``"modes rail, sea; avoiding kraskino_border; planned links excluded"``.
        """
        parts = []
        if self.modes is not None:
            parts.append(f"modes {', '.join(m for m in MODES if m in self.modes)} only")
        if self.avoid:
            parts.append(f"avoiding {', '.join(sorted(self.avoid))}")
        if self.closed_links:
            parts.append(f"links closed: {', '.join(sorted(self.closed_links))}")
        parts.append("planned links " + ("included" if self.include_planned else "excluded"))
        if not self.include_suspended:
            parts.append("suspended links excluded")
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
        ``EDGE_LINK``, ``EDGE_TRANSFER`` or ``EDGE_CROSSING``.
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


@dataclasses.dataclass(frozen=True)
class EdgeTable:
    """The directed edges of a network's graph as columns, in ``graph.edges`` order.

    Parameters
    ----------
    u, v
        Tail and head place ids.
    key
        Link id.
    mode, status
        Mode and status of the link.
    reversed, closed
        Edge runs against the link's direction; link marked closed.
    travel_time, length, cost
        Seconds, metres and USD per TEU.
    """

    u: np.ndarray
    v: np.ndarray
    key: np.ndarray
    mode: np.ndarray
    status: np.ndarray
    reversed: np.ndarray
    closed: np.ndarray
    travel_time: np.ndarray
    length: np.ndarray
    cost: np.ndarray

    @classmethod
    def from_graph(cls, graph: Any) -> EdgeTable:
        """Read the edge columns of a corridors MultiDiGraph (one pass over its edges)."""
        rows = [
            (
                u,
                w,
                key,
                data["mode"],
                data.get("status", "existing"),
                bool(data.get("reversed", False)),
                bool(data.get("closed", False)),
                data["travel_time"],
                data["length"],
                data["cost_usd_teu"],
            )
            for u, w, key, data in graph.edges(keys=True, data=True)
        ]
        columns = list(zip(*rows, strict=True)) if rows else [()] * 10
        obj = [np.array(c, dtype=object) for c in columns[:5]]
        return cls(
            *obj,
            np.array(columns[5], dtype=bool),
            np.array(columns[6], dtype=bool),
            *(np.array(c, dtype=float) for c in columns[7:]),
        )


def _compile(net: Network) -> CompiledGraph:
    """Compile from the network's build arrays when it has them, else from its graph."""
    tables = getattr(net, "_compile_tables", None)
    nodes, edges = tables() if tables is not None else (None, None)
    if nodes is None:
        nodes, edges = dict(net.graph.nodes(data=True)), EdgeTable.from_graph(net.graph)
    return compile_tables(nodes, edges, net.params)


def compile_tables(nodes: Mapping[str, dict], edges: EdgeTable, params: Any) -> CompiledGraph:
    """Compile places and edges into the state graph, in array operations.

    Parameters
    ----------
    nodes
        Node attributes by place id (as ``graph.nodes``).
    edges
        The directed link edges, in ``graph.edges`` order.
    params
        Network parameters.

    Returns
    -------
    CompiledGraph
    """
    place_ids = np.array(sorted(nodes), dtype=object)
    states = _states(place_ids, nodes)
    place_index = pd.Index(place_ids)
    u = place_index.get_indexer(edges.u)
    w = place_index.get_indexer(edges.v)
    mode = pd.Index(MODES).get_indexer(edges.mode)
    place_data = [nodes[p] for p in place_ids]
    border = np.array([d["kind"] == "border" for d in place_data], dtype=bool)
    place_status = np.array([STATUS_CODES[d["status"]] for d in place_data], dtype=np.int8)
    place_closed = np.array([bool(d["closed"]) for d in place_data], dtype=bool)
    side_u = np.zeros(len(u), dtype=np.int64)
    side_w = np.zeros(len(w), dtype=np.int64)
    for i in np.flatnonzero(border[u] | border[w]):  # few: links at border crossings
        for end, other, out in ((u, w, side_u), (w, u, side_w)):
            if border[end[i]]:
                data = place_data[end[i]]
                side = _side(nodes, place_ids[end[i]], place_ids[other[i]])
                out[i] = data["countries"].split("-").index(side)
    src = states.lookup(u, mode, side_u)
    dst = states.lookup(w, mode, side_w)
    link_ids = np.unique(edges.key.astype(str)) if len(edges.key) else np.empty(0, dtype=str)
    status = np.maximum(
        pd.Index(STATUS_CODES).get_indexer(edges.status).astype(np.int8),
        np.maximum(place_status[u], place_status[w]),
    )
    extra = _place_edges(place_ids, place_data, states, params)
    n_links = len(src)
    return CompiledGraph(
        place_ids=place_ids,
        state_place=states.place,
        state_mode=states.mode,
        place_state_start=states.start,
        edge_src=np.r_[src, extra["src"]].astype(np.int64),
        edge_dst=np.r_[dst, extra["dst"]].astype(np.int64),
        edge_kind=np.r_[np.full(n_links, EDGE_LINK), extra["kind"]].astype(np.int8),
        edge_link=np.r_[
            np.searchsorted(link_ids, edges.key.astype(str)), np.full(len(extra["src"]), -1)
        ].astype(np.int64),
        edge_reversed=np.r_[edges.reversed, np.zeros(len(extra["src"]), dtype=bool)],
        edge_status=np.r_[status, extra["status"]].astype(np.int8),
        edge_closed=np.r_[
            edges.closed | place_closed[u] | place_closed[w], extra["closed"]
        ].astype(bool),
        time_h=np.r_[edges.travel_time / 3600.0, extra["time"]].astype(float),
        distance_km=np.r_[edges.length / 1000.0, extra["dist"]].astype(float),
        cost_usd=np.r_[edges.cost, extra["cost"]].astype(float),
        value_of_time=float(params.value_of_time_usd_teu_h),
        gauge_change_h=np.r_[np.zeros(n_links), extra["gauge"]].astype(float),
        link_ids=np.asarray(link_ids, dtype=object),
    )


@dataclasses.dataclass(frozen=True)
class _States:
    """States of each place: one per (mode, side); `slot` finds one by (place, mode, side)."""

    place: np.ndarray
    mode: np.ndarray
    start: np.ndarray
    slot: np.ndarray

    def lookup(self, place: np.ndarray, mode: np.ndarray, side: np.ndarray) -> np.ndarray:
        """State index of each (place, mode code, side index)."""
        return self.slot[(place * len(MODES) + mode) * 2 + side]


def _states(place_ids: np.ndarray, nodes: Mapping[str, dict]) -> _States:
    """Return the states: per place in id order, its modes in listed order, then sides."""
    place, mode, side = [], [], []
    for index, place_id in enumerate(place_ids):
        data = nodes[place_id]
        n_sides = 2 if data["kind"] == "border" else 1
        for m in data["modes"].split(";"):
            for s in range(n_sides):
                place.append(index)
                mode.append(_MODE_CODE[m])
                side.append(s)
    place_arr = np.asarray(place, dtype=np.int64)
    mode_arr = np.asarray(mode, dtype=np.int8)
    start = np.zeros(len(place_ids) + 1, dtype=np.int64)
    np.cumsum(np.bincount(place_arr, minlength=len(place_ids)), out=start[1:])
    slot = np.full(len(place_ids) * len(MODES) * 2, -1, dtype=np.int64)
    slot[(place_arr * len(MODES) + mode_arr) * 2 + np.asarray(side, dtype=np.int64)] = np.arange(
        len(place_arr)
    )
    return _States(place_arr, mode_arr, start, slot)


def _place_edges(
    place_ids: np.ndarray, place_data: list[dict], states: _States, params: Any
) -> dict[str, np.ndarray]:
    """Crossing edges (both sides of a border) and transfer edges (between modes at a place)."""
    rows: list[tuple] = []
    border = params.border
    for index, (place, data) in enumerate(zip(place_ids, place_data, strict=True)):
        modes = data["modes"].split(";")
        status, closed = STATUS_CODES[data["status"]], bool(data["closed"])
        if data["kind"] == "border":
            fee = _attr(data, "fee_usd", border.fee_usd)
            for mode in modes:
                if mode not in ("rail", "road"):
                    continue
                dwell = _attr(data, f"dwell_{mode}_h", getattr(border, f"dwell_{mode}_h"))
                gauge = 0.0
                if mode == "rail" and data.get("gauge_break", False):
                    gauge = _attr(data, "gauge_change_h", border.gauge_change_h)
                code = _MODE_CODE[mode]
                a = states.slot[(index * len(MODES) + code) * 2]
                b = states.slot[(index * len(MODES) + code) * 2 + 1]
                for x, y in ((a, b), (b, a)):
                    rows.append((x, y, EDGE_CROSSING, status, closed, dwell + gauge, fee, gauge))
        elif data["kind"] in TRANSFER_KINDS and len(modes) > 1:
            defaults = params.transfer.get(data["kind"])
            handling = _attr(data, "handling_h", defaults.handling_h if defaults else None)
            fee = _attr(data, "fee_usd", defaults.fee_usd if defaults else None)
            if handling is None or fee is None:
                msg = (
                    f"place {place!r} (kind {data['kind']}) needs handling_h and fee_usd, "
                    f"or a [transfer.{data['kind']}] table in the parameters"
                )
                raise CorridorsError(msg)
            for m1 in modes:
                for m2 in modes:
                    if m1 != m2:
                        a = states.slot[(index * len(MODES) + _MODE_CODE[m1]) * 2]
                        b = states.slot[(index * len(MODES) + _MODE_CODE[m2]) * 2]
                        rows.append((a, b, EDGE_TRANSFER, status, closed, handling, fee, 0.0))
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
