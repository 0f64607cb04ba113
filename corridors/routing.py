"""Fastest, cheapest and generalized-cost routes, alternatives, OD matrices, assignment.

All searches run on the compiled state graph (:mod:`corridors.engine`): a route
may change mode at parks, ports, cities, airports and terminals (paying their
handling time and fee) and crosses borders only at border crossings (paying
dwell time, fees and, on rail at a 1435 / 1520 mm break, the gauge change).
:func:`assign` and :class:`Assignment` live in :mod:`corridors.allornothing`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from corridors import _validate as v
from corridors._errors import DataError, NoRouteError
from corridors.allornothing import Assignment, assign
from corridors.allornothing import _link_volumes as _link_volumes  # used by assignment
from corridors.allornothing import _place_volumes as _place_volumes
from corridors.costs import FREIGHT_MODES, MODES, SEASONS
from corridors.engine import (
    EDGE_KIND_NAMES,
    EDGE_LINK,
    CompiledGraph,
    Restrictions,
    SearchResult,
    check_weight,
    compile_network,
    search,
)
from corridors.engine.lexico import SECONDARY
from corridors.engine.skims import Skimmer
from corridors.network import Network
from corridors.parallel import map_chunks, task_threads

__all__ = [
    "Assignment",
    "Route",
    "alternatives",
    "assign",
    "od_matrix",
    "restrictions",
    "route",
]

LEG_COLUMNS = [
    "kind",
    "from",
    "to",
    "mode",
    "link",
    "distance_km",
    "time_h",
    "cost_usd_teu",
    "dwell_h",
    "gauge_change_h",
    "corridors",
]


@dataclasses.dataclass(frozen=True)
class Route:
    """A route between two places, leg by leg.

    Parameters
    ----------
    orig, dest
        Place ids of the ends.
    weight
        The weight the route minimizes (``time``, ``distance``, ``cost``, ``generalized``).
    legs
        One row per step, in order, with columns ``kind`` (``link``, ``transfer``,
        ``border``, or at a port ``loading``, ``discharge``, ``transshipment``),
        ``from``, ``to`` (place ids; equal for events at a place), ``mode``
        (``rail``; ``rail>road`` for a transfer, ``road>sea`` for loading), ``link`` (link id),
        ``distance_km``, ``time_h`` (hours), ``cost_usd_teu`` (USD per TEU),
        ``dwell_h`` (hours spent at a transfer or border), ``gauge_change_h`` and
        ``corridors``.
    value_of_time
        USD per TEU-hour used for :attr:`generalized_usd_teu`.
    geometries
        LineString of each link leg (None for events), oriented along the route.
    """

    orig: str
    dest: str
    weight: str
    legs: pd.DataFrame
    value_of_time: float
    geometries: tuple = ()

    @property
    def places(self) -> list[str]:
        """Place ids visited, in order (each once per visit)."""
        visited = [self.orig]
        for place in self.legs["to"]:
            if place != visited[-1]:
                visited.append(place)
        return visited

    @property
    def time_h(self) -> float:
        """Total time in hours, dwell at transfers and borders included."""
        return float(self.legs["time_h"].sum())

    @property
    def distance_km(self) -> float:
        """Total distance in km."""
        return float(self.legs["distance_km"].sum())

    @property
    def cost_usd_teu(self) -> float:
        """Total money cost in USD per TEU."""
        return float(self.legs["cost_usd_teu"].sum())

    @property
    def generalized_usd_teu(self) -> float:
        """Generalized cost in USD per TEU: cost + value of time × hours."""
        return self.cost_usd_teu + self.value_of_time * self.time_h

    @property
    def total(self) -> float:
        """The minimized weight's total, in its unit (see :data:`corridors.engine.WEIGHTS`)."""
        return {
            "time": self.time_h,
            "distance": self.distance_km,
            "cost": self.cost_usd_teu,
            "generalized": self.generalized_usd_teu,
        }[self.weight]

    @property
    def crossings(self) -> list[str]:
        """Border crossings passed, in order."""
        return self.legs.loc[self.legs["kind"] == "border", "from"].tolist()

    @property
    def modes(self) -> list[str]:
        """Modes used, in order of first use."""
        used = self.legs.loc[self.legs["kind"] == "link", "mode"]
        return list(dict.fromkeys(used))

    @property
    def links(self) -> list[str]:
        """Link ids used, in order."""
        return self.legs.loc[self.legs["kind"] == "link", "link"].tolist()

    @property
    def cargo(self) -> str:
        """``"air cargo"`` when the route flies, else ``"surface freight"`` (TEU)."""
        return "air cargo" if "air" in self.modes else "surface freight"

    def summary(self) -> dict[str, object]:
        """Return the totals as a dict (for printing or JSON).

        Returns
        -------
        dict
            ``orig``, ``dest``, ``weight``, ``time_h``, ``distance_km``,
            ``cost_usd_teu``, ``generalized_usd_teu``, ``modes``, ``cargo``, ``crossings``,
            ``places``.
        """
        return {
            "orig": self.orig,
            "dest": self.dest,
            "weight": self.weight,
            "time_h": round(self.time_h, 3),
            "distance_km": round(self.distance_km, 3),
            "cost_usd_teu": round(self.cost_usd_teu, 2),
            "generalized_usd_teu": round(self.generalized_usd_teu, 2),
            "modes": self.modes,
            "cargo": self.cargo,
            "crossings": self.crossings,
            "places": self.places,
        }

    def to_geodataframe(self) -> gpd.GeoDataFrame:
        """Return the link legs as a GeoDataFrame (EPSG:4326), in route order.

        Returns
        -------
        geopandas.GeoDataFrame
            The link rows of :attr:`legs`, with LineString geometry oriented along the route.
        """
        rows = self.legs[self.legs["kind"] == "link"].reset_index(drop=True)
        geoms = [g for g in self.geometries if g is not None]
        return gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")

    def __repr__(self) -> str:
        return (
            f"<Route {self.orig} → {self.dest} by {self.weight}: {self.time_h:.1f} h, "
            f"{self.distance_km:.0f} km, {self.cost_usd_teu:.0f} USD/TEU, {self.cargo} by "
            f"{', '.join(self.modes)}, via {' > '.join(self.places)}>"
        )


# ---------------------------------------------------------------- arguments


def restrictions(
    net: Network,
    *,
    modes: Iterable[str] | None = None,
    avoid: Iterable[str] | None = None,
    closed_links: Iterable[str] | None = None,
    include_planned: bool = False,
    include_suspended: bool = False,
    season: str | None = None,
) -> Restrictions:
    """Check and resolve search restrictions (mode names, place names, link ids, season).

    Parameters
    ----------
    net
        The network.
    modes
        Modes allowed; default :data:`~corridors.costs.FREIGHT_MODES` (rail, road,
        sea: containerised freight). Air is used only when named, e.g.
        ``["road", "air"]``, and such answers are air cargo.
    avoid
        Places (ids or names) not to use.
    closed_links
        Link ids to treat as closed.
    include_planned, include_suspended
        Use planned / suspended links and places.
    season
        Also use links that run only in this season (``winter``, ``spring``,
        ``summer``, ``autumn``); by default seasonal links are left out.

    Returns
    -------
    corridors.engine.Restrictions

    Raises
    ------
    DataError
        For an unknown mode, season or link id (with close matches).
    UnknownPlaceError
        For an unknown place.
    """
    if isinstance(modes, str):
        modes = [m for m in modes.split(",") if m.strip()]
    chosen = frozenset(FREIGHT_MODES)
    if modes is not None:
        chosen = frozenset(m.strip().lower() for m in modes)
        for mode in chosen:
            if mode not in MODES:
                hint = v.close_matches(mode, MODES, n=2)
                extra = f"; did you mean {' or '.join(hint)}?" if hint else ""
                msg = f"mode {mode!r} is not one of {', '.join(MODES)}{extra}"
                raise DataError(msg)
    avoided = frozenset(net.select(list(avoid))) if avoid else frozenset()
    closed = frozenset(closed_links or ())
    if closed:
        known = set(net.link_ids())
        for link in closed:
            if link not in known:
                hint = v.close_matches(link, known, n=3)
                raise DataError(f"unknown link id {link!r}; close: {', '.join(hint) or '-'}")
    if season is not None and season not in SEASONS:
        hint = v.close_matches(str(season), SEASONS, n=1)
        extra = f"; did you mean {hint[0]}?" if hint else ""
        raise DataError(f"season = {season!r} is not one of {', '.join(SEASONS)}{extra}")
    return Restrictions(chosen, avoided, closed, include_planned, include_suspended, season)


def _link_legs(net: Network, graph: CompiledGraph) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mode, corridors (None when blank) and from → to line of each compiled link.

    Read from ``net.links``, not the MultiDiGraph, so a network built from tables
    routes without making its graph; cached per network revision.
    """

    def build() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        links = net.links.reindex(graph.link_ids)
        corridors = [c if isinstance(c, str) else None for c in links["corridors"]]
        modes = links["mode"].to_numpy(dtype=object)
        return modes, np.array(corridors, dtype=object), links.geometry.to_numpy()

    return net.cached("route_link_legs", build)


def _legs(net: Network, graph: CompiledGraph, edges: Sequence[int]) -> tuple[pd.DataFrame, tuple]:
    """Return a route's legs and their geometries."""
    rows, geoms = [], []
    places = graph.place_ids
    link_modes, link_corridors, lines = _link_legs(net, graph)
    for edge in edges:
        kind = int(graph.edge_kind[edge])
        src, dst = graph.edge_src[edge], graph.edge_dst[edge]
        u, w = places[graph.state_place[src]], places[graph.state_place[dst]]
        mode_u, mode_w = MODES[graph.state_mode[src]], MODES[graph.state_mode[dst]]
        row = {
            "kind": EDGE_KIND_NAMES[kind],
            "from": u,
            "to": w,
            "mode": mode_u if mode_u == mode_w else f"{mode_u}>{mode_w}",
            "link": None,
            "distance_km": float(graph.distance_km[edge]),
            "time_h": float(graph.time_h[edge]),
            "cost_usd_teu": float(graph.cost_usd[edge]),
            "dwell_h": 0.0 if kind == EDGE_LINK else float(graph.time_h[edge]),
            "gauge_change_h": float(graph.gauge_change_h[edge]),
            "corridors": None,
        }
        geometry = None
        if kind == EDGE_LINK:
            index = graph.edge_link[edge]
            row["link"] = graph.link_ids[index]
            row["mode"] = link_modes[index]  # a ro-ro link carries road states by sea
            row["corridors"] = link_corridors[index]
            line = lines[index]  # from -> to: reversed when travelled to -> from
            geometry = shapely.reverse(line) if graph.edge_reversed[edge] else line
        rows.append(row)
        geoms.append(geometry)
    return pd.DataFrame(rows, columns=LEG_COLUMNS), tuple(geoms)


def _route_from(
    net: Network, result: SearchResult, row: int, dest: int, weight: str
) -> Route | None:
    graph = result.graph
    state = result.best_state(row, dest)
    if state < 0:
        return None
    legs, geoms = _legs(net, graph, result.edge_path(row, state))
    orig = graph.place_ids[result.origins[row]]
    return Route(orig, graph.place_ids[dest], weight, legs, graph.value_of_time, geoms)


def _no_route(net: Network, orig: str, dest: str, weight: str, limits: Restrictions) -> None:
    names = net.places["name"]
    msg = (
        f"no route from {names.get(orig, orig)} ({orig}) to "
        f"{names.get(dest, dest)} ({dest}) by {weight}: {limits.describe()}"
    )
    raise NoRouteError(msg)


# ---------------------------------------------------------------- public API


def route(
    net: Network,
    orig: str,
    dest: str,
    *,
    weight: str = "time",
    modes: Iterable[str] | None = None,
    avoid: Iterable[str] | None = None,
    include_planned: bool = False,
    include_suspended: bool = False,
    season: str | None = None,
) -> Route:
    """Return the best route (hours, km, USD/TEU or generalized USD/TEU) between two places.

    Parameters
    ----------
    net
        The network.
    orig, dest
        Places, by id or name (case- and accent-insensitive).
    weight
        What to minimize: ``time`` (h), ``distance`` (km), ``cost`` (USD/TEU) or
        ``generalized`` (USD/TEU: cost + value of time × hours).
    modes
        Modes allowed; default rail, road and sea (containerised freight). Air only
        when named (e.g. ``["road", "air"]``); the route is then air cargo
        (:attr:`Route.cargo`).
    avoid
        Places not to pass through.
    include_planned, include_suspended
        Use planned / suspended links and places.
    season
        Also use the links of this season (see :func:`restrictions`).

    Returns
    -------
    Route
        Legs, places, totals and geometry. Ties of `weight` are broken by a second
        weight (time for distance and cost, cost for time and generalized).

    Raises
    ------
    NoRouteError
        If no route exists under the restrictions; names both places and what was excluded.
    UnknownPlaceError
        If a place name is unknown (with close matches).

    Examples
    --------
    >>> import corridors
    >>> net = corridors.load_gtr()
    >>> r = corridors.route(net, "Harbin", "Vladivostok", modes=["rail"])
    >>> bool(r.legs["gauge_change_h"].sum() > 0)
    True
    """
    check_weight(weight)
    limits = restrictions(
        net,
        modes=modes,
        avoid=avoid,
        include_planned=include_planned,
        include_suspended=include_suspended,
        season=season,
    )
    a, b = net.resolve(orig), net.resolve(dest)
    graph = compile_network(net)
    index = graph.place_index
    result = search(graph, [index[a]], weight=weight, mask=graph.edge_mask(limits))
    found = _route_from(net, result, 0, index[b], weight)
    if found is None:
        _no_route(net, a, b, weight, limits)
    return found  # type: ignore[return-value]


def _signature(found: Route) -> tuple:
    transfers = found.legs.loc[found.legs["kind"] == "transfer", "from"].tolist()
    return (tuple(found.crossings), tuple(transfers), tuple(found.modes))


def _overlap(a: Route, b: Route) -> float:
    shared = set(a.links) & set(b.links)
    if not shared:
        return 0.0
    legs = a.legs[a.legs["kind"] == "link"]
    return float(legs.loc[legs["link"].isin(shared), "distance_km"].sum()) / max(
        a.distance_km, 1e-9
    )


def alternatives(
    net: Network,
    orig: str,
    dest: str,
    *,
    k: int = 3,
    weight: str = "time",
    penalty: float = 2.0,
    max_overlap: float = 0.8,
    modes: Iterable[str] | None = None,
    avoid: Iterable[str] | None = None,
    include_planned: bool = False,
    include_suspended: bool = False,
    season: str | None = None,
) -> list[Route]:
    """Return up to `k` distinct routes, best first.

    Method (penalty method with a distinctness filter): find the best route;
    multiply the weight of every link, transfer and crossing it used by
    `penalty`; search again; keep a new route only if it uses a different
    sequence of border crossings, transfer places or modes than every route
    kept, and shares at most `max_overlap` of its length with each of them.
    Repeat until `k` routes are kept or ``4 × k`` searches were made. Totals are
    reported with the true (unpenalized) weights and routes are sorted by them.

    Parameters
    ----------
    net
        The network.
    orig, dest
        Places, by id or name.
    k
        Number of routes wanted (≥ 1).
    weight
        ``time``, ``distance``, ``cost`` or ``generalized``.
    penalty
        Factor (> 1) applied to the elements of routes already found.
    max_overlap
        Largest share of a new route's length (0–1) that it may share with a kept route.
    modes, avoid, include_planned, include_suspended, season
        As for :func:`route`.

    Returns
    -------
    list of Route
        Between 1 and `k` routes, sorted by the true weight.

    Raises
    ------
    NoRouteError
        If there is no route at all.

    References
    ----------
    .. [1] de la Barra, T., Pérez, B. and Añez, J. (1993). Multidimensional path
       search and assignment. PTRC 21st Summer Annual Meeting, 307-319 (the
       penalty method for route alternatives).
    """
    check_weight(weight)
    if k < 1 or penalty <= 1:
        raise DataError(f"k = {k}, penalty = {penalty}; expected k >= 1 and penalty > 1")
    limits = restrictions(
        net,
        modes=modes,
        avoid=avoid,
        include_planned=include_planned,
        include_suspended=include_suspended,
        season=season,
    )
    a, b = net.resolve(orig), net.resolve(dest)
    graph = compile_network(net)
    index = graph.place_index
    mask = graph.edge_mask(limits)
    values = graph.weight(weight).copy()
    kept: list[Route] = []
    for _ in range(4 * k):
        prepared = graph.matrix(values, mask)
        result = search(
            graph,
            [index[a]],
            weight=values,
            mask=mask,
            prepared=prepared,
            secondary=SECONDARY[weight],
        )
        state = result.best_state(0, index[b])
        if state < 0:
            break
        edges = result.edge_path(0, state)
        legs, geoms = _legs(net, graph, edges)
        found = Route(a, b, weight, legs, graph.value_of_time, geoms)
        distinct = all(
            _signature(found) != _signature(r) and _overlap(found, r) <= max_overlap for r in kept
        )
        if distinct:
            kept.append(found)
            if len(kept) == k:
                break
        values[edges] *= penalty
        for edge in edges:  # penalize the reverse direction of links too
            if graph.edge_kind[edge] == EDGE_LINK:
                values[graph.edge_link == graph.edge_link[edge]] = values[edge]
    if not kept:
        _no_route(net, a, b, weight, limits)
    return sorted(kept, key=lambda r: r.total)


def od_matrix(
    net: Network,
    origins: str | Iterable[str],
    destinations: str | Iterable[str],
    *,
    weight: str = "time",
    modes: Iterable[str] | None = None,
    avoid: Iterable[str] | None = None,
    include_planned: bool = False,
    include_suspended: bool = False,
    closed_links: Iterable[str] | None = None,
    season: str | None = None,
    chunk_size: int = 256,
    executor: Executor | None = None,
) -> pd.DataFrame:
    """Return the best weight between every origin and destination.

    Parameters
    ----------
    net
        The network.
    origins, destinations
        A kind of place (``"park"``, ``"port"``, ...), one place, or a list of
        place ids / names.
    weight
        ``time`` (h), ``distance`` (km), ``cost`` (USD/TEU) or ``generalized`` (USD/TEU).
    modes, avoid, include_planned, include_suspended, season
        As for :func:`route`.
    closed_links
        Link ids to treat as closed (both directions), without editing the network.
    chunk_size
        Places searched per batch (bounds memory: chunk × destination states × 8 bytes).
    executor
        Run the chunks there (see :mod:`corridors.parallel`; e.g. a process pool);
        ``None`` runs them here. The values do not depend on it.

    Returns
    -------
    pandas.DataFrame
        Index ``orig`` (place ids), columns ``dest`` (place ids), values in the
        weight's unit; NaN where unreachable, 0 from a place to itself.
        ``attrs["modes"]`` names the modes allowed (e.g. ``"rail, road, sea"``) and
        ``attrs["weight"]`` the weight.

    Notes
    -----
    With fewer destinations than origins the searches run backwards from the
    destinations (one per destination), which gives the same values. The searches
    are those of the compiled kernel (:class:`corridors.engine.skims.Skimmer`: values
    only, stopping once the destinations are settled, on all threads).

    Examples
    --------
    >>> import corridors
    >>> net = corridors.load_gtr()
    >>> od = corridors.od_matrix(net, "park", "port", weight="cost")
    >>> od.shape[0] == len(net.select("park"))
    True
    """
    check_weight(weight)
    limits = restrictions(
        net,
        modes=modes,
        avoid=avoid,
        include_planned=include_planned,
        include_suspended=include_suspended,
        closed_links=closed_links,
        season=season,
    )
    orig_ids, dest_ids = net.select(origins), net.select(destinations)
    graph = compile_network(net)
    index = graph.place_index
    mask = graph.edge_mask(limits)
    reverse = len(dest_ids) < len(orig_ids)  # search from the smaller side
    sources, targets = (dest_ids, orig_ids) if reverse else (orig_ids, dest_ids)
    task = _ODTask(
        Skimmer.prepare(graph, weight, mask, reverse=reverse),
        np.array([index[t] for t in targets], dtype=np.int64),
        task_threads(executor),
    )
    source_index = [index[o] for o in sources]
    rows = map_chunks(_od_rows, task, source_index, executor=executor, max_chunk=chunk_size)
    values = np.vstack(rows) if rows else np.empty((0, len(targets)))
    if reverse:
        values = values.T
    values[~np.isfinite(values)] = np.nan
    frame = pd.DataFrame(values, index=pd.Index(orig_ids, name="orig"), columns=dest_ids)
    frame.columns.name = "dest"
    frame.attrs["modes"] = limits.mode_text
    frame.attrs["weight"] = weight
    return frame


@dataclasses.dataclass(frozen=True)
class _ODTask:
    """What a chunk of OD searches needs (shipped once per chunk or worker)."""

    skimmer: Skimmer
    targets: np.ndarray
    threads: int | None


def _od_rows(task: _ODTask, sources: Sequence[int]) -> list[np.ndarray]:
    """Best weights from each source place to the target places (module-level for pickling)."""
    return list(task.skimmer(np.asarray(sources), task.targets, threads=task.threads))
