"""Engine at scale (issue 15): run ``python -m benchmarks.bench_engine [--quick]``.

Every ratio is measured in the same run against a reference on the same data:

- **build + compile** of a jittered 300 × 300 grid road network (90,000 places,
  179,400 links) to the compiled graph, from tables in memory (hand-made records)
  and from a CSV folder written by ``write_network`` (``read_network``, in a fresh
  process, with its peak memory), against a scipy CSR matrix from the same arrays
  and AequilibraE's ``Graph.prepare_graph``;
- **OD 500 × 500** skims on the grid: the compiled kernel (1 and 2 threads)
  against ``scipy.sparse.csgraph.dijkstra`` on the same CSR and AequilibraE's
  ``NetworkSkimming``; values asserted equal;
- **redundancy of every link** (:func:`corridors.resilience.redundancy`) against
  a networkx remove / bidirectional search / re-add loop, on a ring of 4,000 links
  with spurs and chords, a ~2,000-link multimodal corridor network and a
  50,000-place Delaunay road network; values asserted equal on road networks;
  the first call (cold) and a warm call, and the one-off cost of loading the
  compiled kernel in a fresh process;
- **OD criticality 50 × 50** of every link on the Delaunay network, against
  the previous implementation (``--before PATH``: a checkout of corridors before
  issue 15, run in a subprocess on sampled links and extrapolated per link) and
  against brute force (each sampled link closed, the OD matrix recomputed); the
  previous time is set-up + per-link time (from random links) x links;
- a **Dask LocalCluster** run: chunk count from the workers, and how many times
  each worker received the shared data.

Each big case runs once; times are wall-clock seconds (process CPU in brackets).
"""

from __future__ import annotations

import argparse
import csv
import os
import pickle
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import numba
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse import csgraph

from corridors import synthetic
from corridors.engine import Restrictions, compile_network, kernel
from corridors.io import write_network
from corridors.parallel import map_chunks, worker_count
from corridors.resilience import criticality, od_pairs, redundancy, route_usage
from corridors.routing import od_matrix


def peak_memory_mb() -> float:
    """Peak resident set size of this process in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(function: Callable[[], Any]) -> tuple[Any, float, float]:
    """Run `function`; return its result, wall seconds and process CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def load() -> str:
    """The machine's 1-minute load average (other jobs share its 2 cores)."""
    return f"{os.getloadavg()[0]:.2f}"


def show(label: str, wall: float, cpu: float, extra: str = "") -> None:
    """Print one timing line."""
    print(f"  {label:<46} {wall:8.2f} s ({cpu:7.2f} cpu){extra}")


# ---------------------------------------------------------------- build + compile


def bench_build(rows: int) -> Any:
    """Build and compile the grid from tables in memory and from a CSV folder.

    Compared with a bare CSR matrix and AequilibraE's graph from the compiled arrays.
    The CSV folders (the same rows as CSV, and what ``write_network`` writes: every
    column, derived lengths, speeds and costs included) are read in a fresh process,
    which reports its own peak memory.
    """
    print(f"build + compile: jittered {rows} x {rows} grid (load: {os.getloadavg()[0]:.2f})")
    tables = synthetic.grid_roads(rows, rows, seed=0)
    net, wall_b, cpu_b = timed(lambda: synthetic.road_network(tables, "grid"))
    graph, wall_c, cpu_c = timed(lambda: compile_network(net))
    show("corridors: tables in memory -> Network", wall_b, cpu_b)
    show("corridors: Network -> compiled", wall_c, cpu_c)
    show("corridors: tables in memory -> compiled (total)", wall_b + wall_c, cpu_b + cpu_c,
         f"  peak {peak_memory_mb():.0f} MB")  # fmt: skip
    a, b = graph.edge_src, graph.edge_dst
    _, wall, cpu = timed(lambda: sp.csr_array((graph.time_h, (a, b)), shape=(graph.n_states,) * 2))
    show("scipy: CSR matrix from the compiled arrays", wall, cpu)
    frame = _aequilibrae_frame(graph)
    _, wall_a, cpu_a = timed(lambda: _aequilibrae_graph(frame, np.arange(1, 501)))
    show("AequilibraE: Graph.prepare_graph (500 centroids)", wall_a, cpu_a)
    print(f"  ({graph.n_places} places, {len(graph.link_ids)} links, {len(a)} edges)")
    with tempfile.TemporaryDirectory() as tmp:
        written = write_network(net, Path(tmp) / "grid")
        same = _write_rows(tables, written, Path(tmp) / "rows")
        for label, folder in (("the rows above as CSV", same), ("write_network's CSV", written)):
            size = sum(f.stat().st_size for f in folder.iterdir()) / 1e6
            script = [sys.executable, "-c", READ_SCRIPT, str(folder)]
            out = subprocess.run(script, capture_output=True, text=True, check=True).stdout
            wall_r, cpu_r, wall_k, cpu_k, peak, n_edges = map(float, out.split())
            assert int(n_edges) == len(a)
            print(f"  {label} ({size:.0f} MB), in a fresh process:")
            show("  corridors: CSV folder -> Network (read_network)", wall_r, cpu_r)
            show("  corridors: Network -> compiled", wall_k, cpu_k)
            total, ratio = wall_r + wall_k, f"  peak {peak:.0f} MB"
            ratio += f", {total / wall_a:.1f}x AequilibraE"
            show("  corridors: CSV folder -> compiled (total)", total, cpu_r + cpu_k, ratio)
    print(f"  tables -> compiled: {(wall_b + wall_c) / wall_a:.1f}x AequilibraE's prepare_graph")
    return net


def _write_rows(tables: Any, written: Path, folder: Path) -> Path:
    """Write the place and link rows as CSV (their own columns) beside `written`'s params."""
    folder.mkdir()
    shutil.copy(written / "params.toml", folder / "params.toml")
    for name, records in zip(("places", "links"), tables, strict=True):
        header = list(dict.fromkeys(k for r in records for k in r.values))
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, header)
            writer.writeheader()
            writer.writerows(r.values for r in records)
    return folder


#: Run in a fresh process: read a CSV folder and compile it; print times and peak memory.
READ_SCRIPT = """
import sys, time
from pathlib import Path
from corridors.engine import compile_network
from corridors.io import read_network

wall, cpu = time.perf_counter(), time.process_time()
net = read_network(sys.argv[1])
wall_r, cpu_r = time.perf_counter() - wall, time.process_time() - cpu
wall, cpu = time.perf_counter(), time.process_time()
graph = compile_network(net)
wall_k, cpu_k = time.perf_counter() - wall, time.process_time() - cpu
# VmHWM: this process's peak (ru_maxrss would keep the parent's peak across exec)
status = Path("/proc/self/status").read_text().split("VmHWM:")[1]
peak = float(status.split()[0]) / 1024
print(wall_r, cpu_r, wall_k, cpu_k, peak, len(graph.edge_src))
"""


def _aequilibrae_frame(graph: Any, order: np.ndarray | None = None) -> pd.DataFrame:
    """Link table of a road-only compiled graph for AequilibraE (node ids from 1)."""
    forward = ~graph.edge_reversed
    rank = np.arange(graph.n_states) if order is None else np.argsort(order)
    return pd.DataFrame(
        {
            "link_id": np.arange(1, forward.sum() + 1),
            "a_node": rank[graph.edge_src[forward]] + 1,
            "b_node": rank[graph.edge_dst[forward]] + 1,
            "direction": 0,
            "time": graph.time_h[forward],
        }
    )


def _aequilibrae_graph(frame: pd.DataFrame, centroids: np.ndarray) -> Any:
    from aequilibrae.paths import Graph

    graph = Graph()
    graph.network = frame
    graph.prepare_graph(centroids)
    graph.set_graph("time")
    graph.set_skimming(["time"])
    graph.set_blocked_centroid_flows(False)
    return graph


# ---------------------------------------------------------------- OD skims


def bench_od(net: Any, n_od: int) -> None:
    """OD n × n: kernel (1, 2 threads) vs scipy on the same CSR vs AequilibraE.

    scipy gets the CSR in the graph's numbering; the kernel gets the same entries
    renumbered inside (``csr(renumber=True)``, timed) and keeps values only, as scipy
    does without predecessors. The kernel's code is loaded before the timing.
    """
    print(f"OD {n_od} x {n_od} on the grid (origins = destinations); load {load()}")
    graph = compile_network(net)
    mask = graph.edge_mask(Restrictions())
    csr = kernel.csr(graph, "time", mask)
    inside, wall, cpu = timed(lambda: kernel.csr(graph, "time", mask, renumber=True))
    show("kernel CSR, Cuthill-McKee renumbered", wall, cpu)
    places = np.sort(np.random.default_rng(3).choice(graph.n_places, n_od, replace=False))
    states = graph.place_state_start[places]  # one state per place on a road network
    matrix = sp.csr_array((csr.weight, csr.indices, csr.indptr), shape=(graph.n_states,) * 2)
    reference, wall_s, cpu_s = timed(lambda: csgraph.dijkstra(matrix, indices=states)[:, states])
    show("scipy csgraph.dijkstra (full trees)", wall_s, cpu_s)
    queries = kernel.Queries.build([[s] for s in states], [states] * n_od)
    for threads in (1, 2):  # load the compiled code and start the threads first
        kernel.run(inside, kernel.Queries.build([[states[0]]], [states[:2]]), threads=threads,
                   hops=False)  # fmt: skip
    for threads in (1, 2):
        answers, wall, cpu = timed(
            lambda t=threads: kernel.run(inside, queries, threads=t, hops=False)
        )
        np.testing.assert_allclose(answers.value.reshape(n_od, n_od), reference, rtol=1e-12)
        show(f"corridors kernel, {threads} thread(s)", wall, cpu, f"  {wall / wall_s:.2f}x scipy")
    ids = list(graph.place_ids[places])
    for threads in (1, 2):  # the user's call: masks, CSR, place states, frame included
        numba.set_num_threads(threads)
        frame, wall, cpu = timed(lambda: od_matrix(net, ids, ids, weight="time"))
        np.testing.assert_allclose(frame.to_numpy(), reference, rtol=1e-12)
        ratio = f"  {wall / wall_s:.2f}x scipy"
        show(f"corridors.od_matrix, {threads} thread(s)", wall, cpu, ratio)
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    order = np.r_[states, np.setdiff1d(np.arange(graph.n_states), states)]
    frame = _aequilibrae_frame(graph, order)
    from aequilibrae.paths import NetworkSkimming

    aeq = _aequilibrae_graph(frame, np.arange(1, n_od + 1))
    skims = NetworkSkimming(aeq)
    _, wall, cpu = timed(skims.execute)
    values = np.asarray(skims.results.skims.time)
    np.testing.assert_allclose(values, reference, rtol=1e-9)
    show("AequilibraE NetworkSkimming (all cores)", wall, cpu, f"  {wall / wall_s:.2f}x scipy")


# ---------------------------------------------------------------- redundancy


def networkx_redundancy(net: Any) -> pd.Series:
    """RA2CE-style loop: remove each link, bidirectional Dijkstra by time, re-add."""
    graph = nx.MultiGraph()
    for u, v, key, data in net.graph.edges(keys=True, data=True):
        if not data["reversed"]:
            graph.add_edge(u, v, key=key, w=data["travel_time"] / 3600.0)
    out = {}
    for u, v, key, data in list(graph.edges(keys=True, data=True)):
        graph.remove_edge(u, v, key=key)
        try:
            out[key] = nx.bidirectional_dijkstra(graph, u, v, weight="w")[0]
        except nx.NetworkXNoPath:
            out[key] = np.nan
        graph.add_edge(u, v, key=key, **data)
    return pd.Series(out)


def kernel_load_time() -> float:
    """Seconds a fresh process spends on its first kernel search (numba loads its cache)."""
    script = (
        "import time, numpy as np\n"
        "from corridors.engine import kernel\n"
        "csr = kernel.Csr(np.array([0, 1, 1]), np.array([1], dtype=np.int32), np.array([0]),\n"
        "                 np.ones(1), np.array([0]), np.array([0]))\n"
        "start = time.perf_counter()\n"
        "kernel.run(csr, kernel.Queries.build([[0]], [[1]]), threads=1)\n"
        "print(time.perf_counter() - start)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return float(out.stdout.split()[-1])


def bench_redundancy(name: str, net: Any, *, road_only: bool) -> None:
    """Redundancy of every link vs the networkx loop (values compared on road networks).

    The first call on a network (cold: compiles the network, and in the first
    call of the process loads the compiled kernel) and a second one (warm, all
    threads, then 1 thread) are timed; the target ratio is judged on the warm call.
    """
    print(f"redundancy of every link: {name}; load {load()}")
    ours, wall_cold, cpu_cold = timed(lambda: redundancy(net, weight="time"))
    _, wall, cpu = timed(lambda: redundancy(net, weight="time"))
    _, wall_1, cpu_1 = timed(lambda: redundancy(net, weight="time", threads=1))
    theirs, wall_nx, cpu_nx = timed(lambda: networkx_redundancy(net))
    print(f"  ({len(ours)} links)")
    show("corridors redundancy, first call (cold)", wall_cold, cpu_cold,
         f"  {wall_nx / wall_cold:.1f}x faster")  # fmt: skip
    show("corridors redundancy, warm, 2 threads", wall, cpu, f"  {wall_nx / wall:.1f}x faster")
    show(
        "corridors redundancy, warm, 1 thread", wall_1, cpu_1, f"  {wall_nx / wall_1:.1f}x faster"
    )
    show("networkx remove / bidirectional / re-add", wall_nx, cpu_nx)
    if road_only:
        expected = theirs.reindex(ours.index).to_numpy()
        np.testing.assert_allclose(ours["alt_value"], expected, rtol=1e-9)
        print("  values identical to networkx")
    print(f"  without alternative: {int((ours['has_alternative'] == 0).sum())}")


# ---------------------------------------------------------------- criticality


def bench_criticality(
    net: Any, tables: Any, n_od: int, n_sample: int, before: Path | None
) -> None:
    """OD criticality of every link; previous implementation and brute force on samples."""
    print(f"OD criticality {n_od} x {n_od}, every link, Delaunay network")
    rng = np.random.default_rng(5)
    places = sorted(net.graph.nodes)
    origins = list(rng.choice(places, n_od, replace=False))
    dests = list(rng.choice(places, n_od, replace=False))
    pairs = od_pairs(net, (origins, dests))
    ours, wall, cpu = timed(lambda: criticality(net, pairs, weight="time"))
    show("corridors criticality (with detours)", wall, cpu)
    usage = route_usage(net, pairs, weight="time")
    used = usage.index[usage > 0]
    base = od_matrix(net, origins, dests, weight="time")
    for link in rng.choice(used, 3, replace=False):
        after = od_matrix(net, origins, dests, weight="time", closed_links=[link])
        lost = np.isnan(after.to_numpy()) & ~np.isnan(base.to_numpy())
        delta = np.nansum(np.where(lost, 0, (after - base).to_numpy()))
        assert int(lost.sum()) == ours.loc[link, "pairs_disconnected"]
        assert np.isclose(delta, ours.loc[link, "delta_total"])
    print("  3 sampled used links identical to brute force (OD matrix with the link closed)")
    if before is None:
        return
    unused = ours.index[ours["pairs_using"] == 0]
    used_sample = sorted(rng.choice(used, n_sample, replace=False).tolist())
    unused_sample = sorted(rng.choice(unused, n_sample, replace=False).tolist())
    with tempfile.TemporaryDirectory() as folder:
        job = Path(folder) / "job.pkl"
        job.write_bytes(pickle.dumps((tables, pairs, used_sample, unused_sample)))
        subprocess.run(
            [sys.executable, "-c", BEFORE_SCRIPT, str(job)],
            env={**os.environ, "PYTHONPATH": str(before)},
            cwd=folder,
            check=True,
        )
        frames, (one, with_used, with_unused) = pickle.loads(
            (Path(folder) / "out.pkl").read_bytes()
        )
    columns = ["pairs_using", "pairs_disconnected", "delta_total", "detour_value"]
    for frame, sample in zip(frames[1:], (used_sample, unused_sample), strict=True):
        pd.testing.assert_frame_equal(
            ours.loc[sample, columns], frame.loc[sample, columns], check_exact=False, rtol=1e-9
        )
    per_used = (with_used - one) / (n_sample - 1)
    setup = one - per_used
    per_unused = max(with_unused - setup, 0.0) / n_sample
    total = setup + per_used * len(used) + per_unused * len(unused)
    print(
        f"  previous implementation: set-up {setup:.1f} s, {per_used * 1000:.0f} ms per used "
        f"link, {per_unused * 1000:.1f} ms per unused link ({n_sample} + {n_sample} sampled) "
        f"-> {total:.0f} s for {len(used)} used + {len(unused)} unused links: "
        f"{total / wall:.1f}x slower"
    )
    print("  sampled values identical to the previous implementation")


#: Run by the previous corridors in a subprocess: criticality of the sampled links.
BEFORE_SCRIPT = """
import pickle, sys, time
from pathlib import Path
from corridors.network import Network
from corridors.resilience import criticality
from corridors.synthetic import default_params

job = Path(sys.argv[1])
tables, pairs, used, unused = pickle.loads(job.read_bytes())
net = Network.from_records(*tables, default_params(), name="delaunay")
criticality(net, pairs.iloc[:1], weight="time", candidates=used[:1])  # compile, warm up
times, frames = [], []
for links in (used[:1], used, unused):
    start = time.perf_counter()
    frames.append(criticality(net, pairs, weight="time", candidates=links))
    times.append(time.perf_counter() - start)
(job.parent / "out.pkl").write_bytes(pickle.dumps((frames, times)))
"""


# ---------------------------------------------------------------- Dask


class Counted:
    """Shared data that counts, in each worker process, how often it is unpickled."""

    unpickled = 0

    def __init__(self, payload: np.ndarray) -> None:
        self.payload = payload

    def __reduce__(self) -> tuple:
        return (_rebuild, (self.payload,))


def _rebuild(payload: np.ndarray) -> Counted:
    Counted.unpickled += 1
    return Counted(payload)


def unpickled() -> int:
    """Return how many times this process unpickled a :class:`Counted`."""
    return Counted.unpickled


def task(shared: Counted, chunk: list[int]) -> list[float]:
    """Read the shared data (a map_chunks task)."""
    return [float(shared.payload[i]) for i in chunk]


def bench_dask(graph_mb: float) -> None:
    """Chunks from the workers and one copy of the shared data per worker."""
    import distributed

    from benchmarks import bench_engine as me  # by reference on the workers, not __main__

    payload = np.zeros(int(graph_mb * 1e6 / 8))
    items = list(range(1000))
    for workers, threads in ((2, 1), (2, 2)):
        with (
            distributed.LocalCluster(
                n_workers=workers, threads_per_worker=threads, dashboard_address=":0"
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            executor = client.get_executor()
            count = worker_count(executor)
            _, wall, _ = timed(lambda e=executor: map_chunks(me.task, me.Counted(payload), items,
                                                               executor=e))  # fmt: skip
            received = client.run(me.unpickled)
        print(
            f"Dask {workers} workers x {threads} threads: worker_count = {count}, "
            f"{4 * count} chunks, shared data ({graph_mb:.0f} MB) received per worker: "
            f"{sorted(received.values())} ({wall:.1f} s)"
        )


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="Small sizes, to try it out.")
    parser.add_argument("--before", type=Path, help="Checkout of corridors before issue 15.")
    parser.add_argument("--skip", default="", help="Comma-separated sections to skip.")
    args = parser.parse_args()
    skip = set(args.skip.split(","))
    quick = args.quick
    if "build" not in skip or "od" not in skip:
        grid = bench_build(60 if quick else 300)
        if "od" not in skip:
            bench_od(grid, 50 if quick else 500)
        del grid
    if "redundancy" not in skip:
        print(f"first kernel search in a fresh process (loads numba's cache): "
              f"{kernel_load_time():.2f} s")  # fmt: skip
        ring = synthetic.road_network(synthetic.ring_roads(400 if quick else 4000), "ring")
        bench_redundancy("ring with spurs and chords", ring, road_only=True)
        corridor = synthetic.network(100 if quick else 800, seed=1)
        bench_redundancy("multimodal corridor network", corridor, road_only=False)
    tables = synthetic.delaunay_roads(2_000 if quick else 50_000, seed=0)
    delaunay = synthetic.road_network(tables, "delaunay")
    if "redundancy" not in skip:
        bench_redundancy("Delaunay road network", delaunay, road_only=True)
    if "criticality" not in skip:
        n_od, n_sample = (10, 10) if quick else (50, 20)
        bench_criticality(delaunay, tables, n_od, n_sample, args.before)
    if "dask" not in skip:
        bench_dask(1 if quick else 50)
    print(f"peak memory: {peak_memory_mb():.0f} MB")


if __name__ == "__main__":
    main()
