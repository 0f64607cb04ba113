"""Benchmark od_matrix against networkx on the same state graph (run: ``make bench``).

Two measurements, each against networkx's ``multi_source_dijkstra_path_length``
run in the same process on the same mode-expanded state graph:

1. a 100 × 100 OD matrix on the 50,000-place synthetic network (networkx is
   timed on a sample of origins and extrapolated per origin; its rows are
   compared with ours);
2. every built-in OD matrix (all parks × all ports, four weights) on the
   Greater Tumen network (target: under 1 s each).

Prints times, the speed-up ratio and the peak resident memory.
"""

from __future__ import annotations

import argparse
import resource
import time

import networkx as nx
import numpy as np

import corridors
from corridors import synthetic
from corridors.engine import Restrictions, compile_network
from corridors.routing import od_matrix


def networkx_state_graph(net: corridors.Network, weight: str) -> tuple[nx.DiGraph, dict]:
    """The compiled state graph as a networkx DiGraph, and the states of each place."""
    graph = compile_network(net)
    mask = graph.edge_mask(Restrictions())
    matrix, _ = graph.matrix(weight, mask)
    rows = np.repeat(np.arange(graph.n_states), np.diff(matrix.indptr))
    g = nx.DiGraph()
    g.add_nodes_from(range(graph.n_states))
    g.add_weighted_edges_from(zip(rows.tolist(), matrix.indices.tolist(), matrix.data.tolist(),
                                  strict=True))  # fmt: skip
    states = {
        place: list(range(graph.place_state_start[i], graph.place_state_start[i + 1]))
        for i, place in enumerate(graph.place_ids)
    }
    return g, states


def networkx_od(g: nx.DiGraph, states: dict, origins: list, dests: list) -> np.ndarray:
    """OD matrix by networkx multi-source Dijkstra from each origin's states."""
    out = np.full((len(origins), len(dests)), np.nan)
    for i, origin in enumerate(origins):
        dist = nx.multi_source_dijkstra_path_length(g, states[origin], weight="weight")
        for j, dest in enumerate(dests):
            reached = [dist[s] for s in states[dest] if s in dist]
            if origin == dest:
                out[i, j] = 0.0
            elif reached:
                out[i, j] = min(reached)
    return out


def peak_memory_mb() -> float:
    """Peak resident set size of this process in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_synthetic(n_places: int, n_od: int, nx_sample: int) -> None:
    """Time a n_od × n_od OD matrix on a synthetic network; compare with networkx."""
    start = time.perf_counter()
    net = synthetic.network(n_places, seed=1)
    built = time.perf_counter() - start
    start = time.perf_counter()
    graph = compile_network(net)
    compiled = time.perf_counter() - start
    rng = np.random.default_rng(7)
    places = sorted(net.graph.nodes)
    origins = list(rng.choice(places, n_od, replace=False))
    dests = list(rng.choice(places, n_od, replace=False))
    start = time.perf_counter()
    ours = od_matrix(net, origins, dests, weight="time")
    ours_s = time.perf_counter() - start
    g, states = networkx_state_graph(net, "time")
    sample = origins[:nx_sample]
    start = time.perf_counter()
    reference = networkx_od(g, states, sample, dests)
    nx_per_origin = (time.perf_counter() - start) / len(sample)
    np.testing.assert_allclose(ours.loc[sample].to_numpy(), reference, rtol=1e-9, atol=1e-9)
    nx_total = nx_per_origin * n_od
    print(f"synthetic network: {net} ({graph.n_states} states, {len(graph.edge_src)} edges)")
    print(f"  build {built:.1f} s, compile {compiled:.2f} s (once per network revision)")
    print(f"  od_matrix {n_od}x{n_od}: corridors {ours_s:.2f} s")
    print(
        f"  networkx: {nx_per_origin * 1000:.0f} ms per origin over {len(sample)} sampled "
        f"origins -> {nx_total:.1f} s extrapolated for {n_od}"
    )
    print(f"  speed-up: {nx_total / ours_s:.1f}x (identical values on the sampled rows)")


def bench_builtin() -> None:
    """Time every built-in parks x ports OD matrix; compare one with networkx."""
    net = corridors.load_gtr()
    start = time.perf_counter()
    compile_network(net)
    print(f"built-in network: {net}; compile {time.perf_counter() - start:.3f} s")
    for weight in ("time", "distance", "cost", "generalized"):
        start = time.perf_counter()
        ours = od_matrix(net, "park", "port", weight=weight)
        elapsed = time.perf_counter() - start
        g, states = networkx_state_graph(net, weight)
        start = time.perf_counter()
        reference = networkx_od(g, states, list(ours.index), list(ours.columns))
        nx_s = time.perf_counter() - start
        np.testing.assert_allclose(ours.to_numpy(), reference, rtol=1e-9, atol=1e-9)
        print(
            f"  parks x ports by {weight:<11} {ours.shape[0]}x{ours.shape[1]}: "
            f"{elapsed * 1000:.0f} ms (networkx {nx_s * 1000:.0f} ms, identical)"
        )


def main() -> None:
    """Run the benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--places", type=int, default=50_000)
    parser.add_argument("--od", type=int, default=100)
    parser.add_argument("--nx-sample", type=int, default=10)
    args = parser.parse_args()
    bench_builtin()
    bench_synthetic(args.places, args.od, args.nx_sample)
    print(f"peak memory: {peak_memory_mb():.0f} MB")


if __name__ == "__main__":
    main()
