"""The compiled search kernel against scipy.csgraph and networkx on random graphs.

Covers what the engine's callers rely on: several sources with start values,
targets with an early stop, ``first``, ``limit``, banned entries, confinement to
allowed states, paths and sums along them, values-only batches, int64 input
arrays, states renumbered inside the CSR, and threads.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy.sparse import csgraph

from corridors import synthetic
from corridors.engine import Restrictions, compile_network, kernel
from corridors.engine.repair import repair


def _random_csr(n: int, m: int, seed: int) -> kernel.Csr:
    """A random directed graph with parallel edges and ties, as kernel CSR (int64 arrays)."""
    rng = np.random.default_rng(seed)
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = src != dst
    order = np.argsort(src[keep], kind="stable")
    src, dst = src[keep][order], dst[keep][order]
    weight = rng.random(len(src)).round(2)  # many ties on purpose
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    entries = np.arange(len(src))
    return kernel.Csr(indptr, dst, src, weight, entries, entries)


def _reference(graph: kernel.Csr, keep: np.ndarray, sources, values, limit=np.inf):
    """Best value per state from several seeded sources (networkx, kept entries only)."""
    digraph = nx.MultiDiGraph()
    digraph.add_nodes_from(range(graph.n_states))
    for e in np.flatnonzero(keep):
        digraph.add_edge(int(graph.tail[e]), int(graph.indices[e]), w=float(graph.weight[e]))
    digraph.add_node("root")
    for s, value in zip(sources, values, strict=True):
        digraph.add_edge("root", int(s), w=float(value))
    lengths = nx.single_source_dijkstra_path_length(digraph, "root", weight="w")
    out = np.full(graph.n_states, np.inf)
    for node, length in lengths.items():
        if node != "root" and length <= limit:
            out[node] = length
    return out


def _check_paths(graph: kernel.Csr, answers: kernel.Answers, queries: kernel.Queries) -> None:
    """Each reached target's path is a walk from one of its sources, summing to its value."""
    for q in range(len(queries.source_ptr) - 1):
        sources = queries.sources[queries.source_ptr[q] : queries.source_ptr[q + 1]]
        values = queries.source_values[queries.source_ptr[q] : queries.source_ptr[q + 1]]
        start = dict(zip(sources.tolist(), values, strict=True))
        for i in range(queries.target_ptr[q], queries.target_ptr[q + 1]):
            path = answers.path[answers.path_ptr[i] : answers.path_ptr[i + 1]]
            if not np.isfinite(answers.value[i]):
                assert answers.hops[i] == -1
                assert not len(path)
                continue
            assert len(path) == answers.hops[i] == answers.sums[i, 0]
            first = graph.tail[path[0]] if len(path) else queries.targets[i]
            assert first in start
            assert start[first] + graph.weight[path].sum() == pytest.approx(answers.value[i])
            if len(path):
                assert graph.indices[path[-1]] == queries.targets[i]
                np.testing.assert_array_equal(graph.indices[path[:-1]], graph.tail[path[1:]])


@pytest.mark.parametrize("threads", [1, 2])
def test_seeded_sources_bans_confinement_and_paths_equal_networkx(threads):
    graph = _random_csr(120, 700, seed=11)
    rng = np.random.default_rng(12)
    n_queries = 12
    sources = [rng.choice(120, rng.integers(1, 4), replace=False) for _ in range(n_queries)]
    values = [rng.random(len(s)).round(2) for s in sources]
    targets = [rng.choice(120, 8, replace=False) for _ in range(n_queries)]
    banned = [rng.choice(len(graph.indices), rng.integers(0, 6), replace=False)
              for _ in range(n_queries)]  # fmt: skip
    allowed = [np.empty(0, dtype=np.int64)] * 6 + [
        np.union1d(rng.choice(120, 70, replace=False), np.r_[s, t])
        for s, t in zip(sources[6:], targets[6:], strict=True)
    ]
    queries = kernel.Queries.build(
        sources, targets, source_values=values, banned=banned, allowed=allowed
    )
    ones = np.ones((1, len(graph.indices)))
    answers = kernel.run(graph, queries, extra=ones, paths=True, threads=threads)
    for q in range(n_queries):
        keep = np.ones(len(graph.indices), dtype=bool)
        keep[banned[q]] = False
        if len(allowed[q]):
            inside = np.isin(np.arange(120), allowed[q])
            keep &= inside[graph.tail] & inside[graph.indices]
        expected = _reference(graph, keep, sources[q], values[q])[targets[q]]
        rows = slice(queries.target_ptr[q], queries.target_ptr[q + 1])
        np.testing.assert_allclose(answers.value[rows], expected, rtol=1e-12)
        for i in range(rows.start, rows.stop):
            path = answers.path[answers.path_ptr[i] : answers.path_ptr[i + 1]]
            assert not set(path.tolist()) & set(banned[q].tolist())
    _check_paths(graph, answers, queries)


def test_limit_first_and_values_only_equal_scipy():
    graph = _random_csr(200, 1000, seed=5)
    frame = pd.DataFrame({"a": graph.tail, "b": graph.indices, "w": graph.weight})
    cheapest = frame.groupby(["a", "b"], as_index=False)["w"].min()  # of parallel entries
    matrix = sp.csr_array(
        (cheapest["w"] + 1e-300, (cheapest["a"], cheapest["b"])), shape=(200, 200)
    )  # fmt: skip
    full = csgraph.dijkstra(matrix, indices=[3, 77])
    everyone = np.arange(200)
    queries = kernel.Queries.build([[3], [77]], [everyone, everyone])
    values_only = kernel.run(graph, queries, hops=False)
    assert len(values_only.hops) == 0
    np.testing.assert_allclose(values_only.value.reshape(2, 200), full, rtol=1e-12)
    limit = float(np.median(full[np.isfinite(full)]))
    limited = kernel.run(graph, queries, limit=limit).value.reshape(2, 200)
    np.testing.assert_allclose(limited, np.where(full <= limit, full, np.inf), rtol=1e-12)
    targets = everyone[np.isfinite(full[0])][-10:]
    first = kernel.run(graph, kernel.Queries.build([[3]], [targets]), first=True)
    assert np.isfinite(first.value).sum() == 1
    assert first.value.min() == pytest.approx(full[0, targets].min())


@pytest.fixture(scope="module")
def grid():
    net = synthetic.road_network(synthetic.grid_roads(14, 16, seed=4), "grid")
    graph = compile_network(net)
    return graph, graph.edge_mask(Restrictions())


@pytest.mark.parametrize("threads", [1, 2])
def test_renumbered_csr_answers_in_the_graphs_numbering(grid, threads):
    graph, mask = grid
    plain = kernel.csr(graph, "time", mask)
    inside = kernel.csr(graph, "time", mask, renumber=True)
    assert plain.rank is None
    assert sorted(inside.rank) == list(range(graph.n_states))
    assert not np.array_equal(inside.rank, np.arange(graph.n_states))
    rng = np.random.default_rng(8)
    origins = rng.choice(graph.n_places, 9, replace=False)
    states = graph.place_state_start[origins]
    targets = [rng.choice(graph.n_states, 20, replace=False) for _ in states]
    banned = [rng.choice(len(plain.indices), 2, replace=False) for _ in states]
    expected = []
    for s, t, b in zip(states, targets, banned, strict=True):
        keep = np.ones(len(plain.weight), dtype=bool)
        keep[b] = False
        expected.append(_reference(plain, keep, [s], [0.0])[t])
    for csr in (plain, inside):
        queries = kernel.Queries.build(
            [[s] for s in states],
            targets,
            banned=[csr.entry_of_edge[plain.edge[b]] for b in banned],  # same edges
        )
        extra = np.vstack([np.ones(len(csr.edge)), graph.distance_km[csr.edge]])
        answers = kernel.run(csr, queries, extra=extra, paths=True, threads=threads)
        np.testing.assert_allclose(answers.value, np.concatenate(expected), rtol=1e-12)
        for i in np.flatnonzero(np.isfinite(answers.value)):
            edges = csr.edge[answers.path[answers.path_ptr[i] : answers.path_ptr[i + 1]]]
            assert graph.time_h[edges].sum() == pytest.approx(answers.value[i])
            assert graph.distance_km[edges].sum() == pytest.approx(answers.sums[i, 1])
            assert len(edges) == answers.hops[i]
            np.testing.assert_array_equal(graph.edge_dst[edges[:-1]], graph.edge_src[edges[1:]])
            if len(edges):
                assert graph.edge_dst[edges[-1]] == queries.targets[i]


def test_repair_refuses_a_renumbered_csr(grid):
    graph, mask = grid
    inside = kernel.csr(graph, "time", mask, renumber=True)
    with pytest.raises(ValueError, match="renumbering"):
        repair(inside, inside, graph.edge_dst, None, *([np.empty(0, dtype=np.int64)] * 6))
