"""Engine at scale: vectorised build and compile, the compiled kernel, scale-out.

References: the row-by-row build, scipy.csgraph, networkx, a Dask LocalCluster.
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import shapely
from reference import row_by_row
from scipy.sparse import csgraph

import corridors
from corridors import synthetic
from corridors._errors import DataError
from corridors.datasets import gtr_data_dir
from corridors.engine import (
    EDGE_DISCHARGE,
    EDGE_LOADING,
    EDGE_TRANSSHIPMENT,
    compile_network,
    kernel,
)
from corridors.engine.compiled import EdgeTable, compile_tables
from corridors.io import read_links, read_places
from corridors.network import Network
from corridors.parallel import map_chunks, worker_count
from corridors.resilience import criticality
from corridors.schema import Record


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
        client.wait_for_workers(2, timeout=60)  # both registered before counting threads
        executor = client.get_executor()
        assert worker_count(executor) == 4  # 2 workers × 2 threads, from the scheduler
        result = map_chunks(_task, Counted(payload), items, executor=executor)
        counts = client.run(_unpickled)
    assert result == payload.tolist()
    # 16 chunks: sent with each task, the data would be unpickled 16 times (8 per
    # worker). Broadcast once, each worker unpickles it once; under heavy load Dask's
    # replication can retry a transfer and deliver a second copy (seen once in a loaded
    # `make test`: {1, 2}), which is still far from once per task.
    assert len(counts) == 2
    assert min(counts.values()) >= 1
    assert max(counts.values()) <= 2
    assert sum(counts.values()) <= 3


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


@pytest.mark.parametrize(
    "tables",
    [synthetic.ring_roads(200, seed=1), synthetic.delaunay_roads(800, seed=2)],
    ids=["ring", "delaunay"],
)
def test_vectorised_build_and_compile_equalrow_by_row(tables):
    net = synthetic.road_network(tables, "x")
    compiled = compile_network(net)  # from the build arrays: no graph made yet
    assert net._graph_store is None
    graph, _ = row_by_row(*tables, net.params)
    assert list(net.graph.nodes(data=True)) == list(graph.nodes(data=True))
    ours, theirs = list(net.graph.edges(keys=True, data=True)), list(graph.edges(keys=True))
    assert [e[:3] for e in ours] == theirs
    for u, w, key, data in ours:
        reference = graph.edges[u, w, key]
        assert list(data) == list(reference)
        assert shapely.equals_exact(data.pop("geometry"), reference["geometry"], 0)
        assert data == {k: x for k, x in reference.items() if k != "geometry"}
    from_graph = compile_tables(
        dict(graph.nodes(data=True)), EdgeTable.from_graph(graph), net.params
    )
    for field in dataclasses.fields(compiled):
        ours_, theirs_ = getattr(compiled, field.name), getattr(from_graph, field.name)
        if isinstance(ours_, np.ndarray):
            assert ours_.dtype == theirs_.dtype
            np.testing.assert_array_equal(ours_, theirs_)


def test_gtr_compiles_alike_from_build_arrays_graph_androw_by_row():
    """Freight semantics (port in/out states, ro-ro, seasons, crossings) in every compile."""
    net = corridors.load_gtr()
    compiled = compile_network(net)  # from the build arrays
    assert net._graph_store is None
    path = gtr_data_dir()
    places, links = read_places(path / "places.csv"), read_links(path / "links.csv")
    graph, problems = row_by_row(places, links, net.params)
    assert not problems
    assert [e[:3] for e in net.graph.edges(keys=True)] == list(graph.edges(keys=True))
    for u, w, key, data in net.graph.edges(keys=True, data=True):
        reference = graph.edges[u, w, key]
        assert data["travel_time"] == pytest.approx(reference["travel_time"], rel=1e-12)
        assert data["length"] == pytest.approx(reference["length"], rel=1e-12)
        assert data["cost_usd_teu"] == pytest.approx(reference["cost_usd_teu"], rel=1e-12)
    from_graph = compile_tables(
        dict(graph.nodes(data=True)), EdgeTable.from_graph(graph), net.params
    )
    for field in dataclasses.fields(compiled):
        ours, theirs = getattr(compiled, field.name), getattr(from_graph, field.name)
        if isinstance(ours, np.ndarray) and ours.dtype.kind == "f":
            np.testing.assert_allclose(ours, theirs, rtol=1e-12)
        elif isinstance(ours, np.ndarray):
            np.testing.assert_array_equal(ours, theirs)
    # the freight layout: internal sea states after all end states, one in/out per port
    internal = np.arange(compiled.place_state_start[-1], compiled.n_states)
    ports = [p for p, d in graph.nodes(data=True) if d["kind"] == "port" and "sea" in d["modes"]]
    assert len(internal) == 2 * len(ports)
    assert set(compiled.place_ids[compiled.state_place[internal]]) == set(ports)
    assert (compiled.edge_season > 0).any()
    assert {EDGE_LOADING, EDGE_DISCHARGE, EDGE_TRANSSHIPMENT} <= set(compiled.edge_kind.tolist())


def test_vectorised_checks_give_the_row_by_row_messages():
    places, links = synthetic.grid_roads(4, 4, seed=0)
    places = [*places, Record("place b0", {**places[0].values, "id": "b0", "name": "Other",
                                           "country": "RU", "lon": 125.05})]  # fmt: skip
    edits = {
        0: {"to": "n99"},  # not a place
        1: {"to": "n1"},  # a loop (from n1)
        2: {"mode": "rail", "gauge_mm": "1435"},  # mode not served
        3: {"length_km": 0.01},  # shorter than the straight line
        4: {"gauge_mm": "1435"},  # gauge on a road
        5: {"to": "b0"},  # a border crossed without a crossing
        6: {"corridors": "nowhere"},  # unknown corridor
        7: {"sailings_per_week": "3"},  # a sea-only field on a road
        8: {"sea_service": "roro"},  # a sea-only field on a road
    }
    links = [Record(r.where, {**r.values, **edits.get(i, {})}, "t") for i, r in enumerate(links)]
    if links[1].values["from"] != "n1":
        links[1] = Record(links[1].where, {**links[1].values, "to": links[1].values["from"]}, "t")
    _, expected = row_by_row(places, links, synthetic.default_params(), {"main"})
    corridors_table = pd.DataFrame(index=pd.Index(["main"], name="name"))
    with pytest.raises(DataError) as caught:
        Network.from_records(places, links, synthetic.default_params(), corridors=corridors_table)
    assert len(expected) >= 9
    assert str(caught.value) == str(DataError(expected))
