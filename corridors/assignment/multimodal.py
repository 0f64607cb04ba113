"""Equilibrium assignment of freight demand on a corridors network's state graph.

The compiled state graph (:mod:`corridors.engine`) becomes an assignment graph:

- every usable edge keeps its free-flow cost: ``cost_usd_teu + value_of_time ×
  time_h`` for ``weight="generalized"`` (USD/TEU), ``time_h`` for ``"time"``;
- a **link** with a capacity gets the BPR function of its mode on its time, per
  direction;
- a **crossing** with a capacity for a mode gets a **gate**: the crossing edges of
  that mode (both directions) lead into one gate node, a gate edge carries the
  queue delay (Akçelik; :mod:`corridors.assignment.vdf`) and zero-cost edges lead
  out to the crossing's sides. Both directions queue together;
- a **port or other transfer place** with a capacity gets one gate for all its
  transfers and port calls (loading, discharge, transshipment: handling is shared).
  The gate keeps each entering edge's own time and fee but lets it leave to any
  exit, so at a capacitated port a movement is priced as the cheapest call or
  transfer that enters from the same state (e.g. a transshipment at the lesser of
  discharge and transshipment) — exact only when those prices agree. A sea trip
  that starts or ends at a port is loaded or discharged there (issue 12), so it
  passes the gate; a land trip that starts or ends there does not;
- each zone (a place with demand) gets a virtual origin and a virtual destination
  joined to the place's states at zero cost.

Flows are TEU per day; demand tables in TEU per year are divided by
``days_per_year`` of the assignment parameters.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd

from corridors._errors import DataError
from corridors.assignment.capacity import (
    AssignmentParams,
    link_capacities,
    place_capacities,
    read_assignment_params,
)
from corridors.assignment.demand import check_demand
from corridors.assignment.equilibrium import Solution, solve
from corridors.assignment.loading import FlowGraph
from corridors.assignment.vdf import VDF_BPR, VDF_QUEUE, Delays
from corridors.costs import MODES
from corridors.engine import (
    EDGE_CROSSING,
    EDGE_DISCHARGE,
    EDGE_LINK,
    EDGE_LOADING,
    EDGE_TRANSFER,
    EDGE_TRANSSHIPMENT,
    WEIGHT_COLUMNS,
    CompiledGraph,
    compile_network,
)
from corridors.network import Network
from corridors.routing import restrictions

__all__ = ["DEMAND_UNITS", "Equilibrium", "equilibrium", "equilibrium_costs"]

#: Edges that pass through a transfer place's gate: mode changes and port calls.
_PASSING = (EDGE_TRANSFER, EDGE_LOADING, EDGE_DISCHARGE, EDGE_TRANSSHIPMENT)

#: Units a demand table may be in.
DEMAND_UNITS = ("TEU/year", "TEU/day")


@dataclasses.dataclass(frozen=True)
class Equilibrium:
    """The result of :func:`equilibrium` (flows in TEU per day).

    Parameters
    ----------
    links
        GeoDataFrame indexed by link id: ``from``, ``to``, ``mode``,
        ``volume_forward``, ``volume_backward``, ``volume`` (TEU/day),
        ``capacity_teu_day`` (per direction; NaN: uncapacitated), ``vc`` (the larger
        direction's volume/capacity), ``delay_h`` (congestion delay of the busier
        direction, hours), geometry.
    places
        DataFrame indexed by place id: ``name``, ``kind``, ``volume_through``
        (arriving by link, plus demand starting there), ``volume_crossing``,
        ``volume_transfer`` (TEU/day), ``capacity_teu_day`` (NaN: none),
        ``vc``, ``queue_h`` (queue delay, hours), ``capacity_figure`` (as given).
    bottlenecks
        The capacitated elements (links, crossings by mode, ports), busiest v/c
        first: ``element``, ``kind`` (link, crossing, transfer), ``mode``,
        ``volume_teu_day``, ``capacity_teu_day``, ``vc``, ``delay_h``.
    od
        One row per demand row: ``orig``, ``dest``, ``demand_teu_day``,
        ``reachable``, the weight's column at equilibrium (e.g.
        ``generalized_usd_teu``) and at free flow (``free_flow_...``).
    history
        Relative gap per iteration (see :class:`~corridors.assignment.equilibrium.Solution`).
    converged
        Whether the relative gap reached its target.
    weight
        The weight assigned (``generalized`` or ``time``).
    """

    links: gpd.GeoDataFrame
    places: pd.DataFrame
    bottlenecks: pd.DataFrame
    od: pd.DataFrame
    history: pd.DataFrame
    converged: bool
    weight: str

    @property
    def relative_gap(self) -> float:
        """Relative gap of the final flows."""
        return float(self.history["relative_gap"].iloc[-1])

    @property
    def iterations(self) -> int:
        """Number of all-or-nothing loadings."""
        return len(self.history)


@dataclasses.dataclass(frozen=True)
class _Problem:
    """The assignment graph of a network and how its parts map back."""

    graph: FlowGraph
    delays: Delays
    edges: np.ndarray  # compiled edge index of each of the first len(edges) assignment edges
    gates: pd.DataFrame  # place, mode, kind, capacity_teu_day, figure, edge (assignment edge)
    zones: list[str]


def equilibrium(
    net: Network,
    demand: pd.DataFrame,
    *,
    unit: str = "TEU/year",
    weight: str = "generalized",
    algorithm: str = "bfw",
    rgap: float = 1e-4,
    max_iter: int = 500,
    params: AssignmentParams | None = None,
    modes: Iterable[str] | None = None,
    avoid: Iterable[str] | None = None,
    include_planned: bool = False,
    include_suspended: bool = False,
) -> Equilibrium:
    """Assign OD demand at user equilibrium, with capacities, BPR links and queues.

    Parameters
    ----------
    net
        The network (capacities from its ``capacity``/``capacity_unit`` columns).
    demand
        Table with ``orig``, ``dest`` (place ids or names) and ``demand``.
    unit
        Unit of the demand column: ``"TEU/year"`` (default) or ``"TEU/day"``.
    weight
        ``"generalized"`` (USD/TEU: cost + value of time × hours) or ``"time"`` (hours).
    algorithm
        ``"bfw"`` (default), ``"cfw"`` or ``"fw"``.
    rgap
        Target relative gap.
    max_iter
        Most iterations.
    params
        Conversion factors and congestion parameters (default: the built-in
        ``data/gtr/assignment.toml``).
    modes, avoid, include_planned, include_suspended
        As for :func:`corridors.route`.

    Returns
    -------
    Equilibrium
        Link, place and bottleneck volumes and delays, OD costs and the gap history.

    Raises
    ------
    DataError
        For a bad demand table, unit, weight or capacity.
    """
    params = params or read_assignment_params()
    table = check_demand(net, demand)
    _check(unit, weight)
    limits = restrictions(
        net,
        modes=modes,
        avoid=avoid,
        include_planned=include_planned,
        include_suspended=include_suspended,
    )
    compiled = compile_network(net)
    mask = compiled.edge_mask(limits)
    problem, od = _prepare(net, compiled, mask, table, unit, weight, params)
    solution = solve(
        problem.graph, problem.delays, od, algorithm=algorithm, rgap=rgap, max_iter=max_iter
    )
    per_day = 1.0 if unit == "TEU/day" else 1.0 / params.days_per_year
    return _results(net, compiled, problem, solution, od, table, per_day, weight)


def equilibrium_costs(
    net: Network,
    table: pd.DataFrame,
    mask: np.ndarray,
    *,
    unit: str = "TEU/year",
    weight: str = "generalized",
    params: AssignmentParams | None = None,
    rgap: float = 1e-4,
    max_iter: int = 500,
) -> np.ndarray:
    """Return each OD row's cost at equilibrium on the compiled edges `mask` allows.

    For analyses that fail elements as edge masks (Monte Carlo failures).

    Parameters
    ----------
    net
        The network (capacities, and the compiled graph `mask` refers to).
    table
        A checked OD table (:func:`~corridors.assignment.check_demand`: place ids).
    mask
        Usable edges of ``compile_network(net)``.
    unit, weight, params, rgap, max_iter
        As for :func:`equilibrium`.

    Returns
    -------
    numpy.ndarray
        Cost per row of `table` (the weight's unit; ``inf``: no route; 0 when
        origin and destination are the same place).
    """
    params = params or read_assignment_params()
    _check(unit, weight)
    compiled = compile_network(net)
    problem, od = _prepare(net, compiled, mask, table, unit, weight, params)
    solution = solve(
        problem.graph, problem.delays, od, algorithm="bfw", rgap=rgap, max_iter=max_iter
    )
    return _pair_costs(problem.zones, table, solution.od_cost)


def _pair_costs(zones: list[str], table: pd.DataFrame, od_cost: np.ndarray) -> np.ndarray:
    """Cost per row of `table` from a zone-by-zone matrix (0 when orig is dest)."""
    zone = {z: i for i, z in enumerate(zones)}
    o, d = table["orig"].map(zone).to_numpy(), table["dest"].map(zone).to_numpy()
    return np.where(o == d, 0.0, od_cost[o, d])


def _check(unit: str, weight: str) -> None:
    """Refuse a demand unit or weight the assignment cannot use."""
    if unit not in DEMAND_UNITS:
        raise DataError(f"unit = {unit!r}; expected one of {', '.join(DEMAND_UNITS)}")
    if weight not in ("generalized", "time"):
        raise DataError(
            f"weight = {weight!r}; equilibrium assignment needs a weight that grows with delay: "
            "generalized or time"
        )


def _prepare(
    net: Network,
    compiled: CompiledGraph,
    mask: np.ndarray,
    table: pd.DataFrame,
    unit: str,
    weight: str,
    params: AssignmentParams,
) -> tuple[_Problem, np.ndarray]:
    """Return the assignment graph and the zone-by-zone demand per day of an OD table."""
    zones = sorted(set(table["orig"]) | set(table["dest"]))
    problem = _build(net, compiled, mask, weight, params, zones)
    per_day = 1.0 if unit == "TEU/day" else 1.0 / params.days_per_year
    index = {z: i for i, z in enumerate(zones)}
    od = np.zeros((len(zones), len(zones)))
    np.add.at(
        od,
        (table["orig"].map(index).to_numpy(), table["dest"].map(index).to_numpy()),
        table["demand"].to_numpy() * per_day,
    )
    np.fill_diagonal(od, 0.0)
    return problem, od


def _build(
    net: Network,
    compiled: CompiledGraph,
    mask: np.ndarray,
    weight: str,
    params: AssignmentParams,
    zones: list[str],
) -> _Problem:
    """Assemble the assignment graph (see the module docstring)."""
    edges = np.flatnonzero(mask)
    src, dst = compiled.edge_src[edges].copy(), compiled.edge_dst[edges].copy()
    t0 = compiled.time_h[edges]
    fixed = compiled.cost_usd[edges] if weight == "generalized" else np.zeros(len(edges))
    scale = compiled.value_of_time if weight == "generalized" else 1.0
    delays = Delays.free_flow(fixed, scale, t0)
    # links: BPR per mode on the time of capacitated links
    link_cap = link_capacities(net.links, params).reindex(compiled.link_ids).to_numpy()
    is_link = compiled.edge_kind[edges] == EDGE_LINK
    cap = np.where(is_link, link_cap[np.maximum(compiled.edge_link[edges], 0)], np.nan)
    link_mode = compiled.edge_mode[edges]  # a ro-ro link is sea although it joins road states
    mode = np.asarray(MODES, dtype=object)[
        np.where(link_mode >= 0, link_mode, compiled.state_mode[src])
    ]
    for name, (alpha, beta) in params.bpr.items():
        chosen = np.flatnonzero(np.isfinite(cap) & (mode == name))
        delays = delays.with_edges(
            chosen, kind=VDF_BPR, capacity=cap[chosen], alpha=alpha, beta=beta
        )
    # gates for capacitated crossings (per mode) and transfer places
    n = compiled.n_states
    place_of = compiled.state_place[src]
    kinds = compiled.edge_kind[edges]
    index = compiled.place_index
    new_src, new_dst, gate_rows = [], [], []
    for row in place_capacities(net.places, params).itertuples(index=False):
        if row.place not in index:
            continue
        here = place_of == index[row.place]
        if row.mode == "transfer":
            members = np.flatnonzero(here & np.isin(kinds, _PASSING))
        else:
            members = np.flatnonzero(here & (kinds == EDGE_CROSSING) & (mode == row.mode))
        if not len(members):
            continue
        gate_in, gate_out = n, n + 1
        n += 2
        exits = np.unique(dst[members])
        dst[members] = gate_in
        gate_rows.append(
            {
                "place": row.place,
                "mode": row.mode,
                "kind": "transfer" if row.mode == "transfer" else "crossing",
                "capacity_teu_day": row.capacity_teu_day,
                "figure": row.figure,
                "edge": len(edges) + len(new_src),
            }
        )
        new_src += [gate_in, *[gate_out] * len(exits)]
        new_dst += [gate_out, *exits.tolist()]
    # zones: a virtual origin and destination per place with demand
    origin_node, dest_node = [], []
    starts = compiled.place_state_start
    for zone in zones:
        states = np.arange(starts[index[zone]], starts[index[zone] + 1]).tolist()
        origin_node.append(n)
        dest_node.append(n + 1)
        new_src += [n] * len(states) + states
        new_dst += states + [n + 1] * len(states)
        n += 2
    extra = len(new_src)
    delays = _extend(delays, extra, scale)
    gates = pd.DataFrame(
        gate_rows, columns=["place", "mode", "kind", "capacity_teu_day", "figure", "edge"]
    )
    if len(gates):
        delays = delays.with_edges(
            gates["edge"].to_numpy(),
            kind=VDF_QUEUE,
            capacity=gates["capacity_teu_day"].to_numpy(),
            period_h=params.queue_period_h,
            j=params.queue_j,
        )
    graph = FlowGraph(
        n,
        np.concatenate([src, np.asarray(new_src, dtype=np.int64)]),
        np.concatenate([dst, np.asarray(new_dst, dtype=np.int64)]),
        np.asarray(origin_node, dtype=np.int64),
        np.asarray(dest_node, dtype=np.int64),
    )
    return _Problem(graph, delays, edges, gates, zones)


def _extend(delays: Delays, extra: int, scale: float) -> Delays:
    """Append `extra` free, uncongested edges (gate exits, zone connectors, gates)."""
    free = Delays.free_flow(np.zeros(extra), scale, np.zeros(extra))
    fields = {
        f.name: np.concatenate([getattr(delays, f.name), getattr(free, f.name)])
        for f in dataclasses.fields(Delays)
        if f.name != "period_per_day"
    }
    return Delays(**fields, period_per_day=delays.period_per_day)


def _results(
    net: Network,
    compiled: CompiledGraph,
    problem: _Problem,
    solution: Solution,
    trips: np.ndarray,
    table: pd.DataFrame,
    per_day: float,
    weight: str,
) -> Equilibrium:
    """Map assignment flows back to links, places and OD pairs."""
    from corridors.routing import _link_volumes, _place_volumes

    n_edges = len(problem.edges)
    edge_volume = np.zeros(len(compiled.edge_src))
    edge_volume[problem.edges] = solution.flow[:n_edges]
    delay = problem.delays.delay(solution.flow)
    links = _link_volumes(net, compiled, edge_volume)
    link_delay = np.zeros(len(compiled.link_ids))
    is_link = np.flatnonzero(compiled.edge_kind[problem.edges] == EDGE_LINK)
    np.maximum.at(link_delay, compiled.edge_link[problem.edges[is_link]], delay[is_link])
    link_cap = np.full(len(compiled.link_ids), np.nan)
    link_cap[compiled.edge_link[problem.edges[is_link]]] = problem.delays.capacity[is_link]
    links["capacity_teu_day"] = np.where(np.isfinite(link_cap), link_cap, np.nan)
    links["vc"] = (
        links[["volume_forward", "volume_backward"]].max(axis=1) / links["capacity_teu_day"]
    )
    links["delay_h"] = link_delay
    arriving = compiled.edge_kind == EDGE_LINK
    through = np.bincount(
        compiled.state_place[compiled.edge_dst[arriving]],
        weights=edge_volume[arriving],
        minlength=compiled.n_places,
    )
    index = compiled.place_index
    np.add.at(through, [index[z] for z in problem.zones], trips.sum(axis=1))
    places = _place_volumes(net, compiled, edge_volume, through)
    gates = problem.gates.assign(
        volume_teu_day=solution.flow[problem.gates["edge"].to_numpy()]
        if len(problem.gates)
        else [],
        delay_h=delay[problem.gates["edge"].to_numpy()] if len(problem.gates) else [],
    )
    gates["vc"] = gates["volume_teu_day"] / gates["capacity_teu_day"]
    by_place = gates.groupby("place").agg(
        capacity_teu_day=("capacity_teu_day", "sum"),
        vc=("vc", "max"),
        queue_h=("delay_h", "max"),
        capacity_figure=("figure", "; ".join),
    )
    places = places.join(by_place)
    places["queue_h"] = places["queue_h"].fillna(0.0)
    link_rows = links[links["capacity_teu_day"].notna()]
    bottlenecks = pd.concat(
        [
            pd.DataFrame(
                {
                    "element": link_rows.index,
                    "kind": "link",
                    "mode": link_rows["mode"].to_numpy(),
                    "volume_teu_day": link_rows[["volume_forward", "volume_backward"]]
                    .max(axis=1)
                    .to_numpy(),
                    "capacity_teu_day": link_rows["capacity_teu_day"].to_numpy(),
                    "vc": link_rows["vc"].to_numpy(),
                    "delay_h": link_rows["delay_h"].to_numpy(),
                }
            ),
            gates.rename(columns={"place": "element"})[
                ["element", "kind", "mode", "volume_teu_day", "capacity_teu_day", "vc", "delay_h"]
            ],
        ],
        ignore_index=True,
    )
    bottlenecks = bottlenecks.sort_values("vc", ascending=False, kind="stable").reset_index(
        drop=True
    )
    column = WEIGHT_COLUMNS[weight]
    eq = _pair_costs(problem.zones, table, solution.od_cost)
    ff = _pair_costs(problem.zones, table, solution.free_od_cost)
    od = pd.DataFrame(
        {
            "orig": table["orig"].to_numpy(),
            "dest": table["dest"].to_numpy(),
            "demand_teu_day": table["demand"].to_numpy() * per_day,
            "reachable": np.isfinite(eq),
            column: np.where(np.isfinite(eq), eq, np.nan),
            f"free_flow_{column}": np.where(np.isfinite(ff), ff, np.nan),
        }
    )
    return Equilibrium(
        links=links,
        places=places,
        bottlenecks=bottlenecks,
        od=od,
        history=solution.history,
        converged=solution.converged,
        weight=weight,
    )
