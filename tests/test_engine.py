"""The compiled search kernel against scipy.csgraph, and scale-out (chunks, broadcast)."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy.sparse import csgraph

from corridors import synthetic
from corridors.engine import kernel
from corridors.parallel import map_chunks, worker_count
from corridors.resilience import criticality


def _random_csr(n: int, m: int, seed: int) -> tuple[kernel.Csr, np.ndarray, np.ndarray]:
    """A random directed graph with parallel edges, as kernel CSR and edge arrays."""
    rng = np.random.default_rng(seed)
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = src != dst
    src, dst = src[keep], dst[keep]
    weight = rng.random(len(src)).round(3)  # ties on purpose
    order = np.argsort(src, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    graph = kernel.Csr(
        indptr, dst[order], src[order], weight[order], order, np.argsort(order)
    )  # fmt: skip
    return graph, src[order], dst[order]


def _scipy(graph: kernel.Csr, keep: np.ndarray, sources: list[int]) -> np.ndarray:
    """Scipy distances on the kept entries (cheapest of parallel entries)."""
    frame = (
        pd.DataFrame({"a": graph.tail[keep], "b": graph.indices[keep], "w": graph.weight[keep]})
        .groupby(["a", "b"], as_index=False)["w"]
        .min()
    )
    n = graph.n_states
    matrix = sp.csr_array((frame["w"] + 1e-300, (frame["a"], frame["b"])), shape=(n, n))
    return csgraph.dijkstra(matrix, indices=sources)


@pytest.mark.parametrize("threads", [1, 2])
def test_targets_bans_and_paths_equal_scipy(threads):
    graph, tail, head = _random_csr(300, 1500, seed=1)
    rng = np.random.default_rng(2)
    origins = rng.integers(0, 300, 25)
    targets = [rng.choice(300, 6, replace=False) for _ in origins]
    banned = [rng.choice(len(tail), 3, replace=False) for _ in origins]
    queries = kernel.Queries.build([[o] for o in origins], targets, banned=banned)
    answers = kernel.run(
        graph, queries, extra=np.ones((1, len(tail))), paths=True, threads=threads
    )
    for q, origin in enumerate(origins):
        keep = np.ones(len(tail), dtype=bool)
        keep[banned[q]] = False
        expected = _scipy(graph, keep, [int(origin)])[0, targets[q]]
        rows = slice(queries.target_ptr[q], queries.target_ptr[q + 1])
        np.testing.assert_allclose(answers.value[rows], expected, rtol=1e-12)
        for i in range(rows.start, rows.stop):
            path = answers.path[answers.path_ptr[i] : answers.path_ptr[i + 1]]
            if not np.isfinite(answers.value[i]):
                assert answers.hops[i] == -1
                continue
            assert not set(path) & set(banned[q])
            assert len(path) == answers.hops[i] == answers.sums[i, 0]
            assert graph.weight[path].sum() == pytest.approx(answers.value[i])
            if len(path):  # a walk from the origin to the target
                assert tail[path[0]] == origin
                assert head[path[-1]] == queries.targets[i]
                np.testing.assert_array_equal(head[path[:-1]], tail[path[1:]])


def test_full_search_first_target_and_confinement():
    graph, tail, head = _random_csr(200, 900, seed=3)
    everyone = np.arange(200)
    full = kernel.run(graph, kernel.Queries.build([[0], [5]], [everyone, everyone]))
    np.testing.assert_allclose(
        full.value.reshape(2, 200), _scipy(graph, np.ones(len(tail), bool), [0, 5])
    )
    targets = np.array([17, 40, 99])
    first = kernel.run(graph, kernel.Queries.build([[0]], [targets]), first=True)
    reached = first.value[np.isfinite(first.value)]
    assert len(reached) <= 1
    assert reached.min(initial=np.inf) == full.value[targets].min()
    allowed = np.arange(0, 200, 2)  # confined to even states, seeded at two of them
    confined = kernel.run(
        graph,
        kernel.Queries.build([[0, 2]], [allowed], source_values=[[0.0, 0.5]], allowed=[allowed]),
    )
    keep = (tail % 2 == 0) & (head % 2 == 0)
    seeded = _scipy(graph, keep, [0, 2])
    np.testing.assert_allclose(
        confined.value, np.minimum(seeded[0], seeded[1] + 0.5)[allowed], rtol=1e-12
    )


def test_generators_have_the_announced_shape():
    places, links = synthetic.grid_roads(4, 5, seed=0)
    assert (len(places), len(links)) == (20, 4 * 4 + 3 * 5)
    places, links = synthetic.ring_roads(100, seed=0)
    assert len(links) == 100
    places, links = synthetic.delaunay_roads(500, seed=0)
    speeds = {r.values["speed_kph"] for r in links}
    assert len(places) == 500
    assert speeds <= {30.0, 50.0, 80.0, 110.0}
    assert 1.6 < len(links) / len(places) < 2.4


class Counted:
    """Shared data that counts, in each process, how often it is unpickled."""

    unpickled = 0

    def __init__(self, payload: np.ndarray) -> None:
        self.payload = payload

    def __reduce__(self) -> tuple:
        return (_rebuild, (self.payload,))


def _rebuild(payload: np.ndarray) -> Counted:
    Counted.unpickled += 1
    return Counted(payload)


def _unpickled() -> int:
    return Counted.unpickled


def _task(shared: Counted, chunk: list[int]) -> list[float]:
    return [float(shared.payload[i]) for i in chunk]


def test_dask_chunks_follow_workers_and_shared_data_goes_once_per_worker():
    distributed = pytest.importorskip("distributed")
    payload = np.arange(200.0)
    items = list(range(200))
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=2, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        executor = client.get_executor()
        assert worker_count(executor) == 4  # 2 workers × 2 threads, from the scheduler
        result = map_chunks(_task, Counted(payload), items, executor=executor)
        counts = client.run(_unpickled)
    assert result == payload.tolist()
    assert sorted(counts.values()) == [1, 1]  # 16 chunks, but one copy per worker


def test_criticality_identical_serial_processes_and_dask():
    distributed = pytest.importorskip("distributed")
    net = synthetic.network(150, seed=2)
    places = sorted(net.graph.nodes)[:40]
    od = (places[:6], places[-6:])
    serial = criticality(net, od, weight="time")
    with ProcessPoolExecutor(max_workers=2) as pool:
        pooled = criticality(net, od, weight="time", executor=pool)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        dasked = criticality(net, od, weight="time", executor=client.get_executor())
    pd.testing.assert_frame_equal(serial, pooled)
    pd.testing.assert_frame_equal(serial, dasked)
