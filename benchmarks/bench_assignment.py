"""Benchmark equilibrium assignment against AequilibraE.

Run: ``python -m benchmarks.bench_assignment``.

Time to a relative gap of 1e-4 (``--rgap``) with bi-conjugate Frank–Wolfe, ours
(:func:`corridors.assignment.equilibrium.solve`) and AequilibraE's ``bfw`` in the
same run, both on one core, on:

- Sioux Falls (24 zones, 76 links), from the model bundled in AequilibraE's wheel;
- synthetic grids with BPR links (``--grids``, default ~3,000 links / 400 zones;
  e.g. ``--grids 25x30:400 50x60:1000`` adds ~12,000 links / 1,000 zones).

Both use the same BPR parameters and the same definition of the relative gap
(``(Σ c·x − Σ c·y) / Σ c·x``). Reported: wall and CPU seconds, iterations, the gap curve
(iterations to reach 1e-2, 1e-3, 1e-4) and the largest link-flow difference
between the two equilibria as a share of the largest flow. ``--curves FILE.csv``
writes both gap curves.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sqlite3
import tempfile
import time
import warnings
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from corridors.assignment import tntp
from corridors.assignment.equilibrium import solve

os.environ.setdefault("AEQ_SHOW_PROGRESS", "FALSE")


def sioux_falls() -> tuple[pd.DataFrame, np.ndarray]:
    """Links (init_node, term_node, capacity, free_flow_time, b, power) and trips."""
    import aequilibrae
    import openmatrix as omx

    archive = Path(aequilibrae.__file__).parent / "reference_files" / "sioux_falls.zip"
    with tempfile.TemporaryDirectory() as folder:
        zipfile.ZipFile(archive).extractall(folder)
        with sqlite3.connect(Path(folder) / "project_database.sqlite") as con:
            links = pd.read_sql(
                "select a_node as init_node, b_node as term_node, capacity_ab as capacity, "
                "free_flow_time, b, power from links order by link_id",
                con,
            )
        matrix = omx.open_file(str(Path(folder) / "matrices" / "demand.omx"))
        try:
            trips = np.array(matrix["matrix"][:], dtype=float)
        finally:
            matrix.close()
    return links, trips


def grid(rows: int, cols: int, zones: int, seed: int = 7) -> tuple[pd.DataFrame, np.ndarray]:
    """A two-way grid with BPR links and gravity demand; zones are nodes 1..zones."""
    rng = np.random.default_rng(seed)
    n = rows * cols
    label = rng.permutation(n) + 1  # zones spread over the grid: labels 1..zones
    r, c = np.divmod(np.arange(n), cols)
    pairs = [(i, i + 1) for i in range(n) if c[i] < cols - 1]
    pairs += [(i, i + cols) for i in range(n) if r[i] < rows - 1]
    a = np.array([p[0] for p in pairs] + [p[1] for p in pairs])
    b = np.array([p[1] for p in pairs] + [p[0] for p in pairs])
    half = rng.uniform(1.0, 3.0, len(pairs))
    links = pd.DataFrame(
        {
            "init_node": label[a],
            "term_node": label[b],
            "capacity": np.tile(rng.uniform(800, 3000, len(pairs)), 2),
            "free_flow_time": np.tile(half, 2),
            "b": 0.15,
            "power": 4.0,
        }
    )
    where = np.argsort(label)[:zones]  # grid index of zone k (label k + 1)
    dist = np.abs(r[where][:, None] - r[where]) + np.abs(c[where][:, None] - c[where])
    mass = rng.uniform(0.5, 1.5, zones)
    trips = 12.0 * np.outer(mass, mass) * np.exp(-0.15 * dist)
    np.fill_diagonal(trips, 0.0)
    return links, trips


def ours(links: pd.DataFrame, trips: np.ndarray, rgap: float) -> tuple[np.ndarray, pd.DataFrame]:
    """Our bfw: flows and gap history (seconds since start per iteration)."""
    nodes = int(max(links["init_node"].max(), links["term_node"].max()))
    meta = {"zones": trips.shape[0], "nodes": nodes, "first_thru_node": 1, "links": len(links)}
    graph, delays = tntp.tntp_problem(links, meta)
    solution = solve(graph, delays, trips, algorithm="bfw", rgap=rgap, max_iter=10000)
    return solution.flow, solution.history[["iteration", "relative_gap", "seconds"]]


def aequilibrae_bfw(
    links: pd.DataFrame, trips: np.ndarray, rgap: float
) -> tuple[np.ndarray, pd.DataFrame]:
    """AequilibraE's bfw on one core: flows and its convergence report."""
    from aequilibrae.matrix import AequilibraeMatrix
    from aequilibrae.paths import Graph, TrafficAssignment, TrafficClass

    zones = trips.shape[0]
    network = links.rename(columns={"init_node": "a_node", "term_node": "b_node"})
    network = network.assign(link_id=np.arange(1, len(links) + 1), direction=1)
    with warnings.catch_warnings():  # AequilibraE's own pandas deprecation warnings
        warnings.simplefilter("ignore")
        graph = Graph()
        graph.network = network
        graph.prepare_graph(np.arange(1, zones + 1))
        graph.set_graph("free_flow_time")
        graph.set_blocked_centroid_flows(False)
        matrix = AequilibraeMatrix()
        matrix.create_empty(zones=zones, matrix_names=["m"], memory_only=True)
        matrix.index[:] = np.arange(1, zones + 1)
        matrix.matrices[:, :, 0] = trips
        matrix.computational_view(["m"])
        assignment = TrafficAssignment()
        assignment.set_classes([TrafficClass("c", graph, matrix)])
        assignment.set_vdf("BPR")
        assignment.set_vdf_parameters({"alpha": "b", "beta": "power"})
        assignment.set_capacity_field("capacity")
        assignment.set_time_field("free_flow_time")
        assignment.set_algorithm("bfw")
        assignment.max_iter = 10000
        assignment.rgap_target = rgap
        assignment.set_cores(1)
        assignment.execute()
        flows = assignment.results()["m_ab"].reindex(network["link_id"]).to_numpy()
    report = pd.DataFrame(assignment.assignment.convergence_report)
    history = report.rename(columns={"rgap": "relative_gap", "time": "seconds"})
    return flows, history[["iteration", "relative_gap", "seconds"]]


def reached(history: pd.DataFrame, level: float) -> str:
    """Iteration at which the gap first reached `level` ('-' if never)."""
    hit = history.index[history["relative_gap"] <= level]
    return str(int(history.loc[hit[0], "iteration"])) if len(hit) else "-"


def timed(function: Callable, *args: object) -> tuple[float, float, np.ndarray, pd.DataFrame]:
    """Run `function`; return its wall and CPU seconds with its result (in a fresh process).

    The CPU time (all threads of the process) is the fairer measure on a shared machine.
    """
    start, cpu = time.perf_counter(), time.process_time()
    flow, history = function(*args)
    return time.perf_counter() - start, time.process_time() - cpu, flow, history


def run(name: str, links: pd.DataFrame, trips: np.ndarray, rgap: float, curves: list) -> None:
    """Time both solvers on one network and print a line each.

    Each solver runs in its own fresh process: AequilibraE's worker threads keep
    spinning after it returns and would slow whatever runs next in the process.
    """
    print(f"{name}: {trips.shape[0]} zones, {len(links)} links, {trips.sum():,.0f} trips")
    results = {}
    spawn = multiprocessing.get_context("spawn")
    for solver, function in (("corridors bfw", ours), ("AequilibraE bfw", aequilibrae_bfw)):
        with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
            seconds, cpu, flow, history = pool.submit(timed, function, links, trips, rgap).result()
        results[solver] = flow
        curves.append(history.assign(network=name, solver=solver))
        print(
            f"  {solver:16s} {seconds:7.2f} s ({cpu:7.2f} s CPU)  {len(history):4d} iterations"
            f"  gap {history['relative_gap'].iloc[-1]:.2e}  iterations to 1e-2/1e-3/1e-4: "
            f"{reached(history, 1e-2)}/{reached(history, 1e-3)}/{reached(history, 1e-4)}"
        )
    a, b = results.values()
    share = np.abs(a - b).max() / np.abs(b).max()
    print(f"  largest link-flow difference: {share:.2e} of the largest flow")


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rgap", type=float, default=1e-4)
    parser.add_argument("--grids", nargs="*", default=["25x30:400"], help="ROWSxCOLS:ZONES")
    parser.add_argument("--curves", type=Path, help="write the gap curves to this CSV")
    args = parser.parse_args()
    curves: list[pd.DataFrame] = []
    run("Sioux Falls", *sioux_falls(), args.rgap, curves)
    for spec in args.grids:
        size, zones = spec.split(":")
        rows, cols = (int(x) for x in size.split("x"))
        run(f"grid {rows}x{cols}", *grid(rows, cols, int(zones)), args.rgap, curves)
    if args.curves:
        pd.concat(curves, ignore_index=True).to_csv(args.curves, index=False)
        print(f"gap curves: {args.curves}")


if __name__ == "__main__":
    main()
