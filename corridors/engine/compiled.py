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
from typing import TYPE_CHECKING

import numpy as np
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
    "Restrictions",
    "check_weight",
    "compile_network",
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


def _side(graph_nodes: dict, place: str, other: str) -> str:
    """Side of border `place` that a link from `other` arrives on."""
    data = graph_nodes[place]
    countries = data["countries"].split("-")
    other_data = graph_nodes[other]
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


def _compile(net: Network) -> CompiledGraph:  # noqa: C901 - one pass over the graph
    graph, params = net.graph, net.params
    nodes = graph.nodes
    place_ids = np.array(sorted(graph.nodes), dtype=object)
    state_key: dict[tuple[str, str, str], int] = {}
    state_place, state_mode, starts = [], [], []
    for index, place in enumerate(place_ids):
        starts.append(len(state_place))
        data = nodes[place]
        sides = data["countries"].split("-") if data["kind"] == "border" else [""]
        for mode in data["modes"].split(";"):
            for side in sides:
                state_key[(place, mode, side)] = len(state_place)
                state_place.append(index)
                state_mode.append(_MODE_CODE[mode])
    starts.append(len(state_place))

    rows: dict[str, list] = {
        k: []
        for k in (
            "src",
            "dst",
            "kind",
            "link",
            "reversed",
            "status",
            "closed",
            "time",
            "dist",
            "cost",
            "gauge",
        )
    }

    def add(
        src: int,
        dst: int,
        kind: int,
        link: int,
        rev: bool,
        status: str,
        closed: bool,
        time_h: float,
        dist_km: float,
        cost: float,
        gauge_h: float = 0.0,
    ) -> None:
        for key, value in zip(
            rows,
            (
                src,
                dst,
                kind,
                link,
                rev,
                STATUS_CODES[status],
                closed,
                time_h,
                dist_km,
                cost,
                gauge_h,
            ),
            strict=True,
        ):
            rows[key].append(value)

    link_ids = net.link_ids()
    link_index = {k: i for i, k in enumerate(link_ids)}
    for u, w, key, data in graph.edges(keys=True, data=True):
        mode = data["mode"]
        side_u = _side(nodes, u, w) if nodes[u]["kind"] == "border" else ""
        side_w = _side(nodes, w, u) if nodes[w]["kind"] == "border" else ""
        status = _worst_status(
            data.get("status", "existing"), nodes[u]["status"], nodes[w]["status"]
        )
        closed = bool(data.get("closed") or nodes[u]["closed"] or nodes[w]["closed"])
        add(
            state_key[(u, mode, side_u)],
            state_key[(w, mode, side_w)],
            EDGE_LINK,
            link_index[key],
            bool(data.get("reversed", False)),
            status,
            closed,
            data["travel_time"] / 3600.0,
            data["length"] / 1000.0,
            float(data["cost_usd_teu"]),
        )

    border = params.border
    for place in place_ids:
        data = nodes[place]
        modes = data["modes"].split(";")
        status, closed = data["status"], bool(data["closed"])
        if data["kind"] == "border":
            a, b = data["countries"].split("-")
            fee = _attr(data, "fee_usd", border.fee_usd)
            for mode in modes:
                if mode not in ("rail", "road"):
                    continue
                dwell = _attr(data, f"dwell_{mode}_h", getattr(border, f"dwell_{mode}_h"))
                gauge = 0.0
                if mode == "rail" and data.get("gauge_break", False):
                    gauge = _attr(data, "gauge_change_h", border.gauge_change_h)
                for x, y in ((a, b), (b, a)):
                    add(
                        state_key[(place, mode, x)],
                        state_key[(place, mode, y)],
                        EDGE_CROSSING,
                        -1,
                        False,
                        status,
                        closed,
                        dwell + gauge,
                        0.0,
                        fee,
                        gauge,
                    )
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
                        add(
                            state_key[(place, m1, "")],
                            state_key[(place, m2, "")],
                            EDGE_TRANSFER,
                            -1,
                            False,
                            status,
                            closed,
                            handling,
                            0.0,
                            fee,
                        )

    def arr(key: str, dtype: type) -> np.ndarray:
        return np.asarray(rows[key], dtype=dtype)

    return CompiledGraph(
        place_ids=place_ids,
        state_place=np.asarray(state_place, dtype=np.int64),
        state_mode=np.asarray(state_mode, dtype=np.int8),
        place_state_start=np.asarray(starts, dtype=np.int64),
        edge_src=arr("src", np.int64),
        edge_dst=arr("dst", np.int64),
        edge_kind=arr("kind", np.int8),
        edge_link=arr("link", np.int64),
        edge_reversed=arr("reversed", bool),
        edge_status=arr("status", np.int8),
        edge_closed=arr("closed", bool),
        time_h=arr("time", float),
        distance_km=arr("dist", float),
        cost_usd=arr("cost", float),
        value_of_time=float(params.value_of_time_usd_teu_h),
        gauge_change_h=arr("gauge", float),
        link_ids=np.asarray(link_ids, dtype=object),
    )


def _attr(data: dict, key: str, default: float | None) -> float | None:
    value = data.get(key)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return default
    return float(value)


def _worst_status(*statuses: str) -> str:
    return max(statuses, key=lambda s: STATUS_CODES[s])
