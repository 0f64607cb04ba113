"""Benchmark link criticality against brute force (run: ``python -m benchmarks.bench_resilience``).

On a synthetic network (default 50,000 places) with 100 × 100 OD pairs, the
criticality of 1,000 links is computed by :func:`corridors.resilience.criticality`
and compared, in the same run, with two brute-force references that remove a
link and recompute the whole OD matrix:

- brute force on corridors' own compiled engine (``od_matrix`` with the link
  closed), timed on a sample of links and extrapolated per link;
- brute force with networkx (multi-source Dijkstra per origin on the same state
  graph without the link's edges), timed on a sample of links and origins and
  extrapolated per link and origin.

The links are drawn from those that carry at least one best route (a link no
route uses costs nothing to evaluate, which would flatter the ratio). Values of
the sampled links are asserted identical. A scaling table runs the same
criticality for 1k / 10k / 50k places.
"""

from __future__ import annotations

import argparse
import resource
import time

import networkx as nx
import numpy as np
import pandas as pd

from corridors import synthetic
from corridors.engine import Restrictions, compile_network
from corridors.resilience import criticality, od_pairs, route_usage
from corridors.routing import od_matrix


def peak_memory_mb() -> float:
    """Peak resident set size of this process in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup(n_places: int, n_od: int, seed: int = 1) -> tuple:
    """A synthetic network, its OD pairs and the links used by their best routes."""
    net = synthetic.network(n_places, seed=seed)
    rng = np.random.default_rng(seed)
    places = sorted(net.graph.nodes)
    origins = list(rng.choice(places, n_od, replace=False))
    dests = list(rng.choice(places, n_od, replace=False))
    pairs = od_pairs(net, (origins, dests))
    return net, origins, dests, pairs


def used_links(net, pairs: pd.DataFrame, n_links: int, seed: int) -> list[str]:
    """Up to n_links links drawn from those that carry a best route."""
    usage = route_usage(net, pairs, weight="time")
    used = usage.index[usage > 0].tolist()
    rng = np.random.default_rng(seed)
    return sorted(rng.choice(used, min(n_links, len(used)), replace=False).tolist())


def brute_own(net, origins: list, dests: list, link: str) -> pd.DataFrame:
    """OD matrix with one link closed, on corridors' own engine."""
    return od_matrix(net, origins, dests, weight="time", closed_links=[link])


def brute_networkx(net, origins: list, dests: list, link: str) -> np.ndarray:
    """OD matrix with one link removed, by networkx on the same state graph."""
    graph = compile_network(net)
    mask = graph.edge_mask(Restrictions(closed_links=frozenset([link])))
    matrix, _ = graph.matrix("time", mask)
    rows = np.repeat(np.arange(graph.n_states), np.diff(matrix.indptr))
    g = nx.DiGraph()
    g.add_weighted_edges_from(zip(rows.tolist(), matrix.indices.tolist(),
                                  matrix.data.tolist(), strict=True))  # fmt: skip
    starts = graph.place_state_start
    index = graph.place_index
    out = np.full((len(origins), len(dests)), np.inf)
    for i, origin in enumerate(origins):
        sources = list(range(starts[index[origin]], starts[index[origin] + 1]))
        dist = nx.multi_source_dijkstra_path_length(g, sources, weight="weight")
        for j, dest in enumerate(dests):
            states = range(starts[index[dest]], starts[index[dest] + 1])
            out[i, j] = min((dist[s] for s in states if s in dist), default=np.inf)
    return out


def bench(
    n_places: int, n_od: int, n_links: int, own_sample: int, nx_links: int, nx_origins: int
) -> None:
    """Time criticality against both brute forces; assert identical sampled values."""
    net, origins, dests, pairs = setup(n_places, n_od)
    start = time.perf_counter()
    compile_network(net)
    print(f"network {net}: compiled in {time.perf_counter() - start:.1f} s")
    links = used_links(net, pairs, n_links, seed=2)
    start = time.perf_counter()
    ours = criticality(net, pairs, weight="time", detour=False, candidates=links)
    ours_s = time.perf_counter() - start
    print(f"  corridors criticality: {len(links)} links x {len(pairs)} pairs in {ours_s:.1f} s")
    base = od_matrix(net, origins, dests, weight="time")
    sample = links[:own_sample]
    start = time.perf_counter()
    for link in sample:
        after = brute_own(net, origins, dests, link)
        delta = (after - base).to_numpy()
        lost = np.isnan(after.to_numpy()) & ~np.isnan(base.to_numpy())
        assert int(lost.sum()) == ours.loc[link, "pairs_disconnected"]
        assert np.isclose(np.nansum(np.where(lost, 0, delta)), ours.loc[link, "delta_total"])
    own_per_link = (time.perf_counter() - start) / len(sample)
    own_total = own_per_link * len(links)
    print(
        f"  brute force, own engine: {own_per_link:.2f} s per link ({len(sample)} sampled) "
        f"-> {own_total:.0f} s for {len(links)}: {own_total / ours_s:.1f}x slower"
    )
    sub_origins = origins[:nx_origins]
    start = time.perf_counter()
    for link in links[:nx_links]:
        reference = brute_networkx(net, sub_origins, dests, link)
        own = brute_own(net, sub_origins, dests, link).to_numpy()
        assert np.allclose(np.nan_to_num(own, nan=np.inf), reference, equal_nan=False)
    nx_per_link = (time.perf_counter() - start) / nx_links * len(origins) / nx_origins
    nx_total = nx_per_link * len(links)
    print(
        f"  brute force, networkx: {nx_per_link:.1f} s per link ({nx_links} links x "
        f"{nx_origins} origins sampled, extrapolated to {len(origins)} origins) -> "
        f"{nx_total:.0f} s for {len(links)}: {nx_total / ours_s:.0f}x slower"
    )


def scaling(sizes: list[int], n_od: int, n_links: int) -> None:
    """Criticality time for each network size."""
    print("scaling (criticality of up to n_links used links, 100 x 100 OD):")
    for size in sizes:
        net, _, _, pairs = setup(size, n_od)
        links = used_links(net, pairs, n_links, seed=2)
        start = time.perf_counter()
        criticality(net, pairs, weight="time", detour=False, candidates=links)
        print(f"  {size:>6} places: {len(links)} links in {time.perf_counter() - start:.1f} s")


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--places", type=int, default=50_000)
    parser.add_argument("--od", type=int, default=100)
    parser.add_argument("--links", type=int, default=1000)
    parser.add_argument("--own-sample", type=int, default=3)
    parser.add_argument("--nx-links", type=int, default=1)
    parser.add_argument("--nx-origins", type=int, default=5)
    parser.add_argument("--scaling", default="1000,10000,50000")
    args = parser.parse_args()
    bench(args.places, args.od, args.links, args.own_sample, args.nx_links, args.nx_origins)
    if args.scaling:
        scaling([int(s) for s in args.scaling.split(",")], args.od, args.links)
    print(f"peak memory: {peak_memory_mb():.0f} MB")


if __name__ == "__main__":
    main()
