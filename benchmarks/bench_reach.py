"""Benchmark port hinterlands against networkx (run: ``python -m benchmarks.bench_reach``).

Hinterlands of 50 ports over every place of the 50,000-place synthetic network:
``corridors.hinterlands`` (two Dijkstra runs: a Voronoi partition by best port,
then the runner-up from the partition's borders; see ``corridors.reach.voronoi``)
against networkx in the same run (multi-source Dijkstra from each port's states on
the reversed state graph, then an argmin per place). The assignments (best port
and its value for every place) are asserted identical.
"""

from __future__ import annotations

import argparse
import resource
import time

import networkx as nx
import numpy as np

from corridors import synthetic
from corridors.engine import Restrictions, compile_network
from corridors.reach import hinterlands


def networkx_hinterlands(net, ports: list[str], places: list[str]) -> tuple[list, np.ndarray]:
    """Best port and value per place by networkx on the rail/road state graph, reversed."""
    graph = compile_network(net)
    mask = graph.edge_mask(Restrictions(modes=frozenset({"rail", "road"})))
    matrix, _ = graph.matrix("generalized", mask, reverse=True)
    rows = np.repeat(np.arange(graph.n_states), np.diff(matrix.indptr))
    g = nx.DiGraph()
    g.add_weighted_edges_from(zip(rows.tolist(), matrix.indices.tolist(),
                                  matrix.data.tolist(), strict=True))  # fmt: skip
    starts, index = graph.place_state_start, graph.place_index
    state_ok = np.zeros(graph.n_states, dtype=bool)
    state_ok[graph.edge_src[mask]] = True
    state_ok[graph.edge_dst[mask]] = True
    values = np.full((len(places), len(ports)), np.inf)
    for j, port in enumerate(ports):
        states = [s for s in range(starts[index[port]], starts[index[port] + 1]) if state_ok[s]]
        dist = nx.multi_source_dijkstra_path_length(g, states, weight="weight")
        for i, place in enumerate(places):
            reached = [
                dist[s] for s in range(starts[index[place]], starts[index[place] + 1]) if s in dist
            ]
            values[i, j] = min(reached, default=np.inf)
    best = np.argmin(values, axis=1)
    return [ports[b] if np.isfinite(values[i, b]) else None for i, b in enumerate(best)], \
        values[np.arange(len(places)), best]  # fmt: skip


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--places", type=int, default=50_000)
    parser.add_argument("--ports", type=int, default=50)
    args = parser.parse_args()
    net = synthetic.network(args.places, seed=1, n_ports=args.ports)
    ports = net.select("port")
    places = sorted(net.graph.nodes)
    start = time.perf_counter()
    compile_network(net)
    net.places  # noqa: B018 - built once per network revision, like the compiled arrays
    print(
        f"network {net}, {len(ports)} ports: compiled (arrays and places table) in "
        f"{time.perf_counter() - start:.1f} s"
    )
    start = time.perf_counter()
    ours = hinterlands(net, ports, places)
    ours_s = time.perf_counter() - start
    start = time.perf_counter()
    best, value = networkx_hinterlands(net, ports, places)
    nx_s = time.perf_counter() - start
    got = ours.places.loc[places]
    same_port = [(a if isinstance(a, str) else None) == b
                 for a, b in zip(got["best_port"], best, strict=True)]  # fmt: skip
    assert all(same_port), f"{len(same_port) - sum(same_port)} assignments differ"
    finite = np.isfinite(value)
    assert np.allclose(got["best_value"].to_numpy()[finite], value[finite], rtol=1e-9)
    print(
        f"  corridors.hinterlands: {ours_s:.2f} s; networkx: {nx_s:.1f} s "
        f"-> {nx_s / ours_s:.0f}x faster; assignments identical for {len(places)} places"
    )
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
