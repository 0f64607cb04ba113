"""Failure simulations: degradation curves as elements fail at random or by importance.

:func:`simulate_failures` removes growing fractions of elements (at random, or
by degree, betweenness or criticality) and measures efficiency and connected
pairs; :func:`simulate_region_failures` closes random circular regions (storms);
:func:`summarize_failures` turns the runs into mean curves with spread. Random
draws are seeded per run, so results never depend on the executor.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Sequence
from concurrent.futures import Executor
from typing import Any, Literal

import numpy as np
import pandas as pd

from corridors._errors import DataError
from corridors.assignment.capacity import AssignmentParams, read_assignment_params
from corridors.assignment.multimodal import equilibrium_costs
from corridors.engine import WEIGHTS, CompiledGraph, check_weight, compile_network
from corridors.engine.skims import Skimmer
from corridors.network import Network
from corridors.parallel import map_chunks, task_threads
from corridors.reach import sea_ports
from corridors.resilience.closures import (
    ASSIGNMENTS,
    _impact,
    _od_for,
    _route_labels,
    _Routes,
    close_region,
    delay_column,
)
from corridors.resilience.critical import criticality
from corridors.resilience.elements import _element_edges
from corridors.routing import restrictions

__all__ = ["STRATEGIES", "simulate_failures", "simulate_region_failures", "summarize_failures"]


STRATEGIES = ("random", "degree", "betweenness", "criticality")

_SHARES = ("connected_share", "efficiency")


@dataclasses.dataclass(frozen=True)
class _Simulation:
    graph: CompiledGraph
    weight: str
    mask: np.ndarray
    origins: np.ndarray
    dests: np.ndarray
    element_edges: list[np.ndarray]
    order: np.ndarray | None
    fractions: tuple[float, ...]
    seed: int
    base_inverse: float
    base_pairs: int
    base_values: np.ndarray
    base_islands: int = 0
    net: Network | None = None  # with demand: measured at equilibrium
    demand: pd.DataFrame | None = None
    assignment_params: AssignmentParams | None = None  # read once, not per run
    threads: int | None = None  # of the kernel's skims (1 on an executor's workers)


def simulate_failures(
    net: Network,
    *,
    runs: int = 100,
    strategy: Literal["random", "degree", "betweenness", "criticality"] = "random",
    elements: Literal["links", "places", "crossings"] = "links",
    fractions: Sequence[float] = (0.01, 0.02, 0.05, 0.1, 0.2),
    od: tuple | None = None,
    weight: str = "generalized",
    seed: int = 0,
    executor: Executor | None = None,
    progress: bool | None = False,
    assignment: str = "all-or-nothing",
) -> pd.DataFrame:
    """Remove growing shares of elements and measure how the network degrades.

    Each run draws one order of failure (``random``: a random permutation; the
    targeted strategies fail elements from the most to the least important, by
    degree, betweenness on the network, or criticality, ties broken at random)
    and removes its first ``fraction × n`` elements for each fraction.

    Parameters
    ----------
    net
        The network.
    runs
        Number of runs (each with its own random draw).
    strategy
        ``random``, ``degree``, ``betweenness`` or ``criticality``.
    elements
        ``links``, ``places`` or ``crossings``.
    fractions
        Shares of elements removed (0–1).
    od
        ``(origins, destinations)`` kinds or lists (default parks × ports).
    weight
        Weight of the mean cost (default ``generalized``, USD/TEU).
    seed
        Random seed: results are identical for a seed whatever the executor.
    executor
        Where to run (see :mod:`corridors.parallel`).
    progress
        Progress bar: ``True``, ``False`` or ``None`` (only on a terminal).
    assignment
        ``"all-or-nothing"`` (best routes at free-flow costs) or ``"equilibrium"``:
        OD costs at user equilibrium with capacities and queues, of the built-in
        demand estimate unless `od` is given (one equilibrium per run and fraction).

    Returns
    -------
    pandas.DataFrame
        One row per (run, fraction): ``run``, ``fraction``, ``removed`` (elements),
        ``connected_share`` (OD pairs still connected / connected at the start),
        ``pairs_cut_off`` (pairs connected at the start and not any more),
        ``efficiency`` (mean of 1 / weight over pairs, relative to the start: 1 is
        intact, 0 is nothing connected), ``mean_value`` (mean weight of the pairs
        still connected, in the weight's unit: pairs cut off leave this mean, so it
        can fall below the start's; they are counted in ``pairs_cut_off``) and
        ``mean_increase`` (mean of weight after − weight at the start over the pairs
        connected in both, never negative) and ``islands`` (origins newly left with no
        route to any destination: with the default OD, parks with no surface route to
        any sea port).

    Warns
    -----
    UserWarning
        When a fraction above 0 removes no element (``round(fraction × n) == 0``): its
        rows then equal the intact network's.
    """
    if strategy not in STRATEGIES:
        raise DataError(f"strategy = {strategy!r}; expected one of {', '.join(STRATEGIES)}")
    if any(not 0 <= f <= 1 for f in fractions):
        raise DataError(f"fractions = {list(fractions)}; expected shares between 0 and 1")
    if assignment not in ASSIGNMENTS:
        raise DataError(f"assignment = {assignment!r}; expected one of {', '.join(ASSIGNMENTS)}")
    simulation = _prepare_simulation(net, strategy, elements, tuple(fractions), od, weight, seed)
    n = len(simulation.element_edges)
    idle = [f for f in fractions if f > 0 and round(f * n) == 0]
    if idle:
        warnings.warn(
            f"fractions {idle} of {n} {elements} remove no element (round(fraction x {n}) = 0); "
            f"use fractions of at least 1/{n} = {1 / max(n, 1):.3g}",
            UserWarning,
            stacklevel=2,
        )
    if assignment == "equilibrium":
        demand = _od_for(net, od, assignment)
        simulation = dataclasses.replace(
            simulation, net=net, demand=demand, assignment_params=read_assignment_params()
        )
        inverse, connected, values, cut_off = _measure(simulation, simulation.mask)
        simulation = dataclasses.replace(
            simulation,
            base_inverse=inverse,
            base_pairs=connected,
            base_values=values,
            base_islands=cut_off,
        )
    simulation = dataclasses.replace(simulation, threads=task_threads(executor))
    rows = map_chunks(
        _simulate_runs,
        simulation,
        list(range(runs)),
        executor=executor,
        progress=progress,
        description="failure runs",
    )
    frame = pd.DataFrame([r for run in rows for r in run])
    frame.attrs["unit"] = WEIGHTS[weight]
    return frame


def _prepare_simulation(
    net: Network,
    strategy: str,
    elements: str,
    fractions: tuple,
    od: tuple | None,
    weight: str,
    seed: int,
) -> _Simulation:
    graph = compile_network(net)
    mask = graph.edge_mask(restrictions(net))
    edges_of = _element_edges(graph, elements, net)
    names = [e for e in sorted(edges_of) if mask[edges_of[e]].any()]
    origins_spec, dests_spec = od or (net.select("park"), sea_ports(net))
    index = graph.place_index
    origins = np.array([index[p] for p in net.select(origins_spec)])
    dests = np.array([index[p] for p in net.select(dests_spec)])
    order = None
    if strategy != "random":
        score = _importance(net, strategy, elements, names, weight, od)
        order = np.argsort(-np.asarray(score), kind="stable")
    simulation = _Simulation(
        graph,
        weight,
        mask,
        origins,
        dests,
        [edges_of[e] for e in names],
        order,
        fractions,
        seed,
        1.0,
        1,
        np.empty(0),
    )
    inverse, connected, values, cut_off = _measure(simulation, mask)
    return dataclasses.replace(
        simulation,
        base_inverse=inverse,
        base_pairs=connected,
        base_values=values,
        base_islands=cut_off,
    )


def _importance(
    net: Network,
    strategy: str,
    elements: str,
    names: list[str],
    weight: str,
    od: tuple | None,
) -> list[float]:
    import networkx as nx

    if strategy == "criticality":
        crit = criticality(net, od, weight=weight, elements=elements, detour=False)
        return [
            float(crit.loc[n, "pairs_disconnected"] * 1e9 + crit.loc[n, "delta_total"])
            for n in names
        ]
    simple = nx.Graph(net.graph)
    if strategy == "degree":
        degree = dict(simple.degree())
        if elements == "links":
            links = net.links
            return [degree[links.loc[n, "from"]] + degree[links.loc[n, "to"]] for n in names]
        return [degree[n] for n in names]
    if elements == "links":
        between = nx.edge_betweenness_centrality(simple, weight="length")
        links = net.links
        return [
            between.get(
                (links.loc[n, "from"], links.loc[n, "to"]),
                between.get((links.loc[n, "to"], links.loc[n, "from"]), 0.0),
            )
            for n in names
        ]
    between = nx.betweenness_centrality(simple, weight="length")
    return [between[n] for n in names]


def _measure(simulation: _Simulation, mask: np.ndarray) -> tuple[float, int, np.ndarray, int]:
    """Sum of 1 / weight, pairs connected, pair weights (inf: cut off), origins reaching none."""
    skimmer = Skimmer.prepare(simulation.graph, simulation.weight, mask)  # values only
    table = skimmer(simulation.origins, simulation.dests, threads=simulation.threads)
    same = simulation.origins[:, None] == simulation.dests[None, :]
    reach_none = int((~np.isfinite(np.where(same, np.inf, table))).all(axis=1).sum())
    values = table[~same]
    if simulation.demand is not None:  # costs of the demand's pairs at equilibrium
        values = equilibrium_costs(
            simulation.net,
            simulation.demand,
            mask,
            weight=simulation.weight,
            params=simulation.assignment_params,
        )
    finite = np.isfinite(values) & (values > 0)
    inverse = float((1.0 / values[finite]).sum())
    connected = int(np.isfinite(values).sum())
    return inverse, connected, values, reach_none


def _simulate_runs(simulation: _Simulation, runs: Sequence[int]) -> list[list[dict]]:
    """Run failure simulations (a task; module-level for pickling)."""
    out = []
    n = len(simulation.element_edges)
    for run in runs:
        rng = np.random.default_rng([simulation.seed, run])
        if simulation.order is None:
            order = rng.permutation(n)
        else:
            jitter = rng.random(n) * 1e-9  # break ties at random, keep the ranking
            ranks = np.empty(n)
            ranks[simulation.order] = np.arange(n)
            order = np.argsort(ranks + jitter, kind="stable")
        rows = []
        for fraction in simulation.fractions:
            removed = round(fraction * n)
            mask = simulation.mask.copy()
            for element in order[:removed]:
                mask[simulation.element_edges[element]] = False
            inverse, connected, values, cut_off = _measure(simulation, mask)
            now = np.isfinite(values)
            both = now & np.isfinite(simulation.base_values)
            rows.append({
                "run": run,
                "fraction": fraction,
                "removed": removed,
                "connected_share": connected / max(simulation.base_pairs, 1),
                "pairs_cut_off": int((np.isfinite(simulation.base_values) & ~now).sum()),
                "efficiency": inverse / simulation.base_inverse if simulation.base_inverse
                else 0.0,
                "mean_value": float(values[now].mean()) if connected else np.nan,
                "mean_increase": float((values[both] - simulation.base_values[both]).mean())
                if both.any() else np.nan,
                "islands": cut_off - simulation.base_islands,
            })  # fmt: skip
        out.append(rows)
    return out


@dataclasses.dataclass(frozen=True)
class _Storms:
    net: Network
    radius_km: float
    centres: np.ndarray
    pairs: pd.DataFrame
    base_labels: _Routes
    weight: str


def simulate_region_failures(
    net: Network,
    *,
    runs: int = 100,
    radius_km: float = 100.0,
    od: tuple | None = None,
    weight: str = "generalized",
    seed: int = 0,
    executor: Executor | None = None,
    progress: bool | None = False,
    assignment: str = "all-or-nothing",
) -> pd.DataFrame:
    """Monte Carlo of correlated failures: everything within `radius_km` of a random place fails.

    Each run draws a centre among the network's places (uniformly) and closes every
    place and link within `radius_km` of it (a flood, a storm, a closed district), as
    :func:`close_region` does, then measures the OD pairs.

    Parameters
    ----------
    net
        The network.
    runs
        Number of runs.
    radius_km
        Radius of each failure, in km.
    od
        ``(origins, destinations)`` kinds or lists (default parks × ports).
    weight
        Weight of the mean value (default ``generalized``, USD/TEU).
    seed
        Random seed: results are identical for a seed whatever the executor.
    executor
        Where to run (see :mod:`corridors.parallel`).
    progress
        Progress bar: ``True``, ``False`` or ``None`` (only on a terminal).
    assignment
        ``"all-or-nothing"`` or ``"equilibrium"`` (costs at user equilibrium with
        capacities and queues; see :func:`corridors.resilience.impact`).

    Returns
    -------
    pandas.DataFrame
        One row per run: ``run``, ``centre`` (place id), ``places_closed``,
        ``links_closed``, ``connected_share`` (pairs still connected / connected
        before), ``pairs_disconnected``, ``mean_delay_<unit>`` (over pairs connected
        in both; the unit follows the weight, e.g. ``usd_teu``, and is also in
        ``attrs["unit"]``) and ``islands`` (``;``-joined ids of
        the parks left with no surface route to any sea port).
    """
    if radius_km <= 0:
        raise DataError(f"radius_km = {radius_km}; expected a positive radius in km")
    places = np.array(sorted(net.graph.nodes), dtype=object)
    centres = np.array([places[np.random.default_rng([seed, run]).integers(len(places))]
                        for run in range(runs)], dtype=object)  # fmt: skip
    check_weight(weight)
    pairs = _od_for(net, od, assignment)
    base_labels = _route_labels(net, weight, pairs, assignment)
    storms = _Storms(net, radius_km, centres, pairs, base_labels, weight)
    rows = map_chunks(
        _storm_runs,
        storms,
        list(range(runs)),
        executor=executor,
        progress=progress,
        description="regional failures",
    )
    frame = pd.DataFrame(rows)
    frame.attrs["unit"] = WEIGHTS[weight]
    return frame


def _storm_runs(storms: _Storms, runs: Sequence[int]) -> list[dict[str, Any]]:
    """Close a region around each run's centre and measure the impact (a task)."""
    net = storms.net
    out = []
    for run in runs:
        centre = storms.centres[run]
        point = net.places.loc[centre, "geometry"]
        failed = close_region(net, point=(point.x, point.y), radius_km=storms.radius_km)
        summary = _impact(storms.pairs, storms.base_labels, failed, storms.weight, net)
        mean_delay = delay_column("mean", storms.weight)
        table = summary.pairs
        connected_before = int(table["before"].notna().sum())
        out.append({
            "run": run,
            "centre": centre,
            "places_closed": sum(bool(d["closed"]) for _, d in failed.graph.nodes(data=True)),
            "links_closed": len({k for _, _, k, d in failed.graph.edges(keys=True, data=True)
                                 if d["closed"]}),
            "connected_share": float(table["after"].notna().sum()) / max(connected_before, 1),
            "pairs_disconnected": summary.summary["pairs_disconnected"],
            mean_delay: summary.summary[mean_delay],
            "islands": ";".join(summary.islands.index),
        })  # fmt: skip
    return out


def summarize_failures(
    curves: pd.DataFrame,
    percentiles: Sequence[float] = (5, 50, 95),
    *,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Summarize failure runs per fraction removed: means with confidence intervals, bands.

    Parameters
    ----------
    curves
        The output of :func:`simulate_failures`.
    percentiles
        Percentiles of the runs to report (0–100): the spread of outcomes.
    confidence
        Level of the confidence interval on each mean (0–1).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``fraction``; ``runs``, ``removed``; for each of
        ``connected_share``, ``pairs_cut_off``, ``efficiency``, ``mean_value`` and
        ``mean_increase`` (those present): ``<measure>_mean``, ``<measure>_ci_low``,
        ``<measure>_ci_high`` and ``<measure>_p<q>``.

    Notes
    -----
    The interval on a mean is Student's t: mean ± t(1 − α/2, n − 1) × s / √n over
    the n runs with a value (a run whose pairs are all cut off has no
    ``mean_value`` and is left out of that mean only; ``pairs_cut_off`` counts what
    it lost). With one run, or runs that all agree, the interval is the mean itself.
    Bounds are clipped to what a measure can take: never below 0, shares
    (``connected_share``, ``efficiency``) never above 1.
    Percentiles describe how spread the runs are; the interval says how well the
    runs pin down the mean.
    """
    from scipy import stats

    if not 0 < confidence < 1:
        raise DataError(f"confidence = {confidence}; expected a level between 0 and 1")
    measures = [
        m
        for m in ("connected_share", "pairs_cut_off", "efficiency", "mean_value", "mean_increase")
        if m in curves.columns
    ]
    grouped = curves.groupby("fraction")
    values = grouped[measures]
    mean, spread, count = values.mean(), values.std(ddof=1), values.count()
    t = pd.DataFrame(
        stats.t.ppf(0.5 + confidence / 2, (count - 1).clip(lower=1)),
        index=count.index,
        columns=count.columns,
    )
    half = (t * spread / np.sqrt(count)).where(count > 1, 0.0).fillna(0.0)
    upper = pd.Series({m: 1.0 if m in _SHARES else np.inf for m in measures})
    parts = [
        grouped.size().rename("runs").to_frame(),
        grouped["removed"].max().to_frame() if "removed" in curves.columns else None,
        mean.add_suffix("_mean"),
        (mean - half).clip(lower=0.0).add_suffix("_ci_low"),
        (mean + half).clip(upper=upper, axis=1).add_suffix("_ci_high"),
    ]
    for q in percentiles:
        parts.append(values.quantile(q / 100.0).add_suffix(f"_p{q:g}"))
    table = pd.concat([p for p in parts if p is not None], axis=1)
    order = ["runs", *(["removed"] if "removed" in table.columns else [])]
    suffixes = ["_mean", "_ci_low", "_ci_high", *(f"_p{q:g}" for q in percentiles)]
    order += [f"{m}{s}" for m in measures for s in suffixes]
    return table[order]
