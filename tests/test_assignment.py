"""Equilibrium assignment against references no one here wrote.

- analytic equilibria: two parallel BPR links (solved by brentq), Braess's network;
- brute force: all-or-nothing loads against networkx shortest paths;
- the best-known Sioux Falls flows of the TNTP collection (tests/data/tntp);
- AequilibraE's own bi-conjugate Frank–Wolfe on its bundled Sioux Falls model.
"""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import warnings
import zipfile
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy.optimize import brentq

import corridors
from corridors import DataError, Network, od_matrix, read_network, resilience, scenario
from corridors.assignment import tntp
from corridors.assignment.capacity import (
    AssignmentParams,
    place_capacities,
    read_assignment_params,
    teu_per_day,
)
from corridors.assignment.demand import DemandParams, check_demand, gravity_demand, read_demand
from corridors.assignment.equilibrium import solve
from corridors.assignment.loading import FlowGraph, Loader
from corridors.assignment.multimodal import equilibrium
from corridors.assignment.vdf import (
    VDF_BPR,
    VDF_QUEUE,
    Delays,
    bpr,
    queue_delay,
    queue_delay_derivative,
)

TNTP_DIR = Path(__file__).parent / "data" / "tntp"


def linear_delays(a: list[float], b: list[float]) -> Delays:
    """Edge costs ``a + b v`` written as BPR with β = 1 (t0 = a, α = b / a, c = 1)."""
    a_arr, b_arr = np.asarray(a, float), np.asarray(b, float)
    delays = Delays.free_flow(np.zeros(len(a)), 1.0, a_arr)
    return delays.with_edges(
        slice(None), kind=VDF_BPR, capacity=1.0, alpha=b_arr / a_arr, beta=1.0
    )


# ---------------------------------------------------------------- volume-delay functions


def test_bpr_matches_formula() -> None:
    v = np.array([0.0, 50.0, 100.0, 200.0])
    assert np.allclose(bpr(v, 100.0, 2.0, 0.15, 4.0), 2.0 * (1 + 0.15 * (v / 100) ** 4))


def test_queue_delay_limits() -> None:
    c = np.array([10.0])  # per hour
    # below capacity over a long period: the steady-state queue J x / (c (1 - x))
    for x in (0.3, 0.8, 0.95):
        steady = x / (c * (1 - x))
        assert queue_delay(x * c, c, np.array([1e6]), np.array([1.0])) == pytest.approx(
            steady, rel=1e-3
        )
    # above capacity: the deterministic queue T/2 (x - 1) dominates
    assert queue_delay(3 * c, c, np.array([24.0]), np.array([1.0])) == pytest.approx(
        24.0, rel=0.01
    )
    # at capacity: sqrt(J T / (2 c)), without bound as the period lengthens
    for t in (1.0, 100.0, 10000.0):
        assert queue_delay(c, c, np.array([t]), np.array([1.0])) == pytest.approx(np.sqrt(t / 20))


def test_derivatives_match_finite_differences() -> None:
    n = 6
    delays = Delays.free_flow(np.zeros(n), 2.0, np.full(n, 3.0))
    delays = delays.with_edges([0, 1, 2], kind=VDF_BPR, capacity=50.0, alpha=0.15, beta=4.0)
    delays = delays.with_edges([3, 4], kind=VDF_QUEUE, capacity=240.0, period_h=24.0, j=1.0)
    flow = np.array([10.0, 50.0, 80.0, 100.0, 300.0, 7.0])
    h = 1e-4
    numeric = (delays.cost(flow + h) - delays.cost(flow - h)) / (2 * h)
    assert np.allclose(delays.derivative(flow), numeric, rtol=1e-5, atol=1e-9)
    x = np.array([0.5, 1.0, 2.0])
    numeric = (queue_delay(x + h, 1.0, 24.0, 1.0) - queue_delay(x - h, 1.0, 24.0, 1.0)) / (2 * h)
    assert np.allclose(queue_delay_derivative(x, 1.0, 24.0, 1.0), numeric, rtol=1e-5)
    assert delays.cost(flow)[5] == pytest.approx(6.0)  # uncongested edge: fixed + scale * t0


# ---------------------------------------------------------------- loading and equilibrium


def test_all_or_nothing_matches_networkx() -> None:
    rng = np.random.default_rng(3)
    g = nx.gnm_random_graph(40, 160, seed=3, directed=True)
    src = np.array([u for u, _ in g.edges])
    dst = np.array([w for _, w in g.edges])
    cost = rng.uniform(1, 10, len(src))
    zones = np.arange(10)
    graph = FlowGraph(40, src, dst, zones, zones)
    demand = rng.uniform(0, 5, (10, 10)) * (rng.random((10, 10)) < 0.6)
    np.fill_diagonal(demand, 0)
    result = Loader(graph).load(cost, demand)
    for (u, w), c in zip(g.edges, cost, strict=True):
        g.edges[u, w]["cost"] = c
    expected = np.zeros(len(src))
    index = {e: i for i, e in enumerate(g.edges)}
    for o in zones:
        lengths, paths = nx.single_source_dijkstra(g, o, weight="cost")
        for d in zones:
            if demand[o, d] > 0 and d in paths:
                for e in zip(paths[d][:-1], paths[d][1:], strict=True):
                    expected[index[e]] += demand[o, d]
                assert result.od_cost[o, d] == pytest.approx(lengths[d])
            elif demand[o, d] > 0:
                assert result.unassigned[o, d] == demand[o, d]
    assert np.allclose(result.flow, expected)


def test_parallel_edges_use_the_cheaper() -> None:
    zones = np.array([0, 1])
    graph = FlowGraph(2, np.array([0, 0, 0]), np.array([1, 1, 1]), zones, zones)
    demand = np.array([[0.0, 5.0], [0.0, 0.0]])
    loader = Loader(graph)
    assert np.allclose(loader.load(np.array([3.0, 1.0, 2.0]), demand).flow, [0, 5, 0])
    assert np.allclose(loader.load(np.array([3.0, 4.0, 2.0]), demand).flow, [0, 0, 5])


@pytest.mark.parametrize("algorithm", ["fw", "cfw", "bfw"])
def test_two_parallel_links(algorithm: str) -> None:
    # t1 = 10 (1 + 0.15 (v1/200)^4), t2 = 15 (1 + 0.15 (v2/400)^4), demand 1000
    t0, cap, demand = np.array([10.0, 15.0]), np.array([200.0, 400.0]), 1000.0
    delays = Delays.free_flow(np.zeros(2), 1.0, t0).with_edges(
        slice(None), kind=VDF_BPR, capacity=cap, alpha=0.15, beta=4.0
    )
    graph = FlowGraph(2, np.array([0, 0]), np.array([1, 1]), np.array([0, 1]), np.array([0, 1]))
    od = np.array([[0.0, demand], [0.0, 0.0]])
    solution = solve(graph, delays, od, algorithm=algorithm, rgap=1e-8, max_iter=5000)

    def diff(v1: float) -> float:
        return bpr(v1, 200.0, 10.0, 0.15, 4.0) - bpr(demand - v1, 400.0, 15.0, 0.15, 4.0)

    v1 = brentq(diff, 0, demand, xtol=1e-12)
    assert solution.converged
    assert solution.flow == pytest.approx([v1, demand - v1], rel=1e-4)
    time = bpr(v1, 200.0, 10.0, 0.15, 4.0)
    assert solution.od_cost[0, 1] == pytest.approx(time, rel=1e-6)
    gaps = solution.history["relative_gap"].to_numpy()
    assert gaps[-1] <= 1e-8 < gaps[0]


BRAESS_SRC = np.array([0, 1, 0, 2, 1])  # 1→2, 2→4, 1→3, 3→4, bridge 2→3 (0-based)
BRAESS_DST = np.array([1, 3, 2, 3, 2])
BRAESS_A = [1.0, 50.0, 50.0, 1.0, 10.0]
BRAESS_B = [10.0, 1.0, 1.0, 10.0, 1.0]


@pytest.mark.parametrize("algorithm", ["fw", "bfw"])
def test_braess_paradox(algorithm: str) -> None:
    # costs 1 + 10 v, 50 + v, 50 + v, 1 + 10 v, bridge 10 + v; 6 trips from node 1 to node 4.
    # By symmetry the two outer paths carry p each and the bridge path 6 - 2p:
    # 111 - 9 p = 138 - 22 p gives p = 27/13 and a path cost of 111 - 9 * 27/13.
    od = np.array([[0.0, 6.0], [0.0, 0.0]])
    zones_o, zones_d = np.array([0, 3]), np.array([0, 3])
    with_bridge = solve(
        FlowGraph(4, BRAESS_SRC, BRAESS_DST, zones_o, zones_d),
        linear_delays(BRAESS_A, BRAESS_B),
        od,
        algorithm=algorithm,
        rgap=1e-9,
        max_iter=20000,
    )
    p = 27 / 13
    assert with_bridge.flow == pytest.approx([6 - p, p, p, 6 - p, 6 - 2 * p], rel=1e-4)
    assert with_bridge.od_cost[0, 1] == pytest.approx(111 - 9 * p, rel=1e-6)
    without = solve(
        FlowGraph(4, BRAESS_SRC[:4], BRAESS_DST[:4], zones_o, zones_d),
        linear_delays(BRAESS_A[:4], BRAESS_B[:4]),
        od,
        algorithm=algorithm,
        rgap=1e-9,
        max_iter=20000,
    )
    assert without.flow == pytest.approx([3, 3, 3, 3], rel=1e-5)
    assert without.od_cost[0, 1] == pytest.approx(84.0)  # lower than with the bridge


def test_bad_inputs_raise_data_errors() -> None:
    graph = FlowGraph(2, np.array([0]), np.array([1]), np.array([0, 1]), np.array([0, 1]))
    delays = Delays.free_flow(np.zeros(1), 1.0, np.ones(1))
    with pytest.raises(DataError, match="algorithm = 'msa'"):
        solve(graph, delays, np.zeros((2, 2)), algorithm="msa")
    with pytest.raises(DataError, match="shape"):
        solve(graph, delays, np.zeros((3, 3)))
    with pytest.raises(DataError, match="negative"):
        solve(graph, delays, np.array([[0.0, -1.0], [0.0, 0.0]]))


# ---------------------------------------------------------------- TNTP


def test_tntp_braess_fixture_with_first_thru_node() -> None:
    links, meta = tntp.read_net(TNTP_DIR / "Braess_net.tntp")
    trips = tntp.read_trips(TNTP_DIR / "Braess_trips.tntp")
    assert meta == {"zones": 3, "nodes": 5, "first_thru_node": 4, "links": 7}
    graph, delays = tntp.tntp_problem(links, meta)
    solution = solve(graph, delays, trips, rgap=1e-9, max_iter=20000)
    flows = links.assign(volume=solution.flow).set_index(["init_node", "term_node"])["volume"]
    p = 27 / 13
    # the cheap detour 4 -> 3 -> 2 runs through zone 3, which is not a through node
    assert flows[(4, 3)] == pytest.approx(0.0, abs=1e-9)
    assert flows[(3, 2)] == pytest.approx(0.0, abs=1e-9)
    assert flows[(1, 5)] == pytest.approx(p, rel=1e-4)
    assert flows[(1, 4)] == pytest.approx(6 - p, rel=1e-4)
    assert flows[(4, 5)] == pytest.approx(6 - 2 * p, rel=1e-4)
    assert solution.od_cost[0, 1] == pytest.approx(111 - 9 * p, rel=1e-6)


def test_tntp_round_trip(tmp_path: Path) -> None:
    links, meta = tntp.read_net(TNTP_DIR / "Braess_net.tntp")
    trips = tntp.read_trips(TNTP_DIR / "Braess_trips.tntp")
    tntp.write_net(tmp_path / "x_net.tntp", links, zones=3, first_thru_node=4)
    tntp.write_trips(tmp_path / "x_trips.tntp", trips)
    again, meta2 = tntp.read_net(tmp_path / "x_net.tntp")
    pd.testing.assert_frame_equal(again, links)
    assert meta2 == meta
    assert np.array_equal(tntp.read_trips(tmp_path / "x_trips.tntp"), trips)


def test_tntp_errors_name_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad_net.tntp"
    bad.write_text(
        "<NUMBER OF ZONES> 1\n<NUMBER OF NODES> 2\n<NUMBER OF LINKS> 1\n<END OF METADATA>\n"
        "1 2 100 1 x 0.15 4 0 0 1 ;\n"
    )
    with pytest.raises(DataError, match=r"bad_net\.tntp, line 5"):
        tntp.read_net(bad)
    trips = tmp_path / "bad_trips.tntp"
    trips.write_text("<NUMBER OF ZONES> 2\n<END OF METADATA>\nOrigin 1\n 3 : 5.0;\n")
    with pytest.raises(DataError, match=r"line 4: zone 3; expected 1 to 2"):
        tntp.read_trips(trips)
    with pytest.raises(DataError, match="no <END OF METADATA>"):
        tntp.read_net(TNTP_DIR / "SiouxFalls_flow.tntp")


# ---------------------------------------------------------------- Sioux Falls


@pytest.fixture(scope="module")
def sioux_falls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """AequilibraE's bundled Sioux Falls, converted to TNTP files and read back."""
    os.environ.setdefault("AEQ_SHOW_PROGRESS", "FALSE")
    aeq = pytest.importorskip("aequilibrae")
    omx = pytest.importorskip("openmatrix")
    folder = tmp_path_factory.mktemp("sioux_falls")
    zipfile.ZipFile(Path(aeq.__file__).parent / "reference_files" / "sioux_falls.zip").extractall(
        folder
    )
    with sqlite3.connect(folder / "project_database.sqlite") as con:
        links = pd.read_sql(
            "select link_id, a_node as init_node, b_node as term_node, capacity_ab as capacity, "
            "free_flow_time, b, power from links order by link_id",
            con,
        )
    matrix = omx.open_file(str(folder / "matrices" / "demand.omx"))
    try:
        trips = np.array(matrix["matrix"][:], dtype=float)
    finally:
        matrix.close()
    tntp.write_net(folder / "sf_net.tntp", links.drop(columns="link_id"), zones=24)
    tntp.write_trips(folder / "sf_trips.tntp", trips)
    net, meta = tntp.read_net(folder / "sf_net.tntp")
    return {
        "links": links,
        "net": net,
        "meta": meta,
        "trips": tntp.read_trips(folder / "sf_trips.tntp"),
    }


def aequilibrae_bfw(links: pd.DataFrame, trips: np.ndarray, rgap: float) -> np.ndarray:
    """Link flows of AequilibraE's bfw on a link table (a_node/b_node) and trip matrix."""
    with warnings.catch_warnings():  # AequilibraE's own pandas deprecation warnings
        warnings.simplefilter("ignore")
        return _aequilibrae_bfw(links, trips, rgap)


def _aequilibrae_bfw(links: pd.DataFrame, trips: np.ndarray, rgap: float) -> np.ndarray:
    from aequilibrae.matrix import AequilibraeMatrix
    from aequilibrae.paths import Graph, TrafficAssignment, TrafficClass

    zones = trips.shape[0]
    graph = Graph()
    graph.network = links.rename(columns={"init_node": "a_node", "term_node": "b_node"}).assign(
        direction=1
    )
    graph.prepare_graph(np.arange(1, zones + 1))
    graph.set_graph("free_flow_time")
    graph.set_blocked_centroid_flows(False)
    matrix = AequilibraeMatrix()
    matrix.create_empty(zones=zones, matrix_names=["matrix"], memory_only=True)
    matrix.index[:] = np.arange(1, zones + 1)
    matrix.matrices[:, :, 0] = trips
    matrix.computational_view(["matrix"])
    assignment = TrafficAssignment()
    assignment.set_classes([TrafficClass("freight", graph, matrix)])
    assignment.set_vdf("BPR")
    assignment.set_vdf_parameters({"alpha": "b", "beta": "power"})
    assignment.set_capacity_field("capacity")
    assignment.set_time_field("free_flow_time")
    assignment.set_algorithm("bfw")
    assignment.max_iter = 10000
    assignment.rgap_target = rgap
    assignment.set_cores(1)
    assignment.execute()
    return assignment.results()["matrix_ab"].reindex(links["link_id"]).to_numpy()


def test_sioux_falls_matches_aequilibrae_bfw(sioux_falls: dict) -> None:
    links, net, meta, trips = (sioux_falls[k] for k in ("links", "net", "meta", "trips"))
    graph, delays = tntp.tntp_problem(net, meta)
    rgap = 1e-5
    ours = solve(graph, delays, trips, algorithm="bfw", rgap=rgap)
    theirs = aequilibrae_bfw(links, trips, rgap)
    assert ours.converged
    assert ours.relative_gap <= rgap
    # two solutions within a relative gap of 1e-5 of the same unique link-flow equilibrium
    total = float(ours.cost @ ours.flow)
    assert float(ours.cost @ np.abs(ours.flow - theirs)) / total < 2e-3
    assert np.abs(ours.flow - theirs).max() / trips.sum() < 1e-3


def test_sioux_falls_matches_best_known_flows(sioux_falls: dict) -> None:
    net, meta, trips = (sioux_falls[k] for k in ("net", "meta", "trips"))
    graph, delays = tntp.tntp_problem(net, meta)
    solution = solve(graph, delays, trips, algorithm="bfw", rgap=1e-6, max_iter=5000)
    best = tntp.read_flow(TNTP_DIR / "SiouxFalls_flow.tntp")
    merged = net.assign(ours=solution.flow).merge(best, on=["init_node", "term_node"])
    assert len(merged) == 76
    assert np.allclose(merged["ours"], merged["volume"], rtol=1e-3, atol=5.0)
    assert np.allclose(solution.cost, delays.cost(merged["volume"].to_numpy()), rtol=1e-3)


# ---------------------------------------------------------------- capacity and demand


def test_capacity_units_convert_to_teu_per_day() -> None:
    p = AssignmentParams(
        teu_per_truck=1.5, teu_per_train=100, teu_per_container=1.6, truck_share=0.6,
        tonnes_per_teu=12, days_per_year=365,
    )  # fmt: skip
    assert teu_per_day(30, "trucks/day", p) == pytest.approx(45.0)
    assert teu_per_day(7, "Trains/Day", p) == pytest.approx(700.0)
    assert teu_per_day(840, "containers/day", p) == pytest.approx(1344.0)
    assert teu_per_day(750, "veh/day", p) == pytest.approx(750 * 0.6 * 1.5)
    assert teu_per_day(29000, "vehicles/year", p) == pytest.approx(29000 * 0.9 / 365)
    assert teu_per_day(3, "Mt/yr", p) == pytest.approx(3e6 / 12 / 365)
    assert teu_per_day(365000, "TEU/year", p) == pytest.approx(1000.0)
    with pytest.raises(DataError, match="expected one of TEU/day"):
        teu_per_day(1, "boxes/week", p)


def test_place_capacities_split_by_mode() -> None:
    places = pd.DataFrame(
        {
            "kind": ["border", "border", "port", "border"],
            "modes": ["rail;road", "road", "rail;road;sea", "rail"],
            "capacity": ["840; 70", "30", "5", None],
            "capacity_unit": ["containers/day; trucks/day", "trucks/day", "Mt/year", None],
        },
        index=["manzhouli", "kraskino", "rajin", "makhalino"],
    )
    p = AssignmentParams()
    caps = place_capacities(places, p).set_index(["place", "mode"])["capacity_teu_day"]
    assert caps[("manzhouli", "rail")] == pytest.approx(840 * p.teu_per_container)
    assert caps[("manzhouli", "road")] == pytest.approx(70 * p.teu_per_truck)
    assert caps[("kraskino", "road")] == pytest.approx(30 * p.teu_per_truck)
    assert caps[("rajin", "transfer")] == pytest.approx(5e6 / p.tonnes_per_teu / p.days_per_year)
    assert "makhalino" not in caps.index.get_level_values(0)
    bad = places.assign(capacity_unit=["trucks/day", "trucks/day", "Mt/year", None])
    with pytest.raises(DataError, match="'manzhouli': capacity has 2 figure"):
        place_capacities(bad, p)
    bad = places.assign(
        capacity_unit=["containers/day; trains/day", "trains/day", "Mt/year", None]
    )
    with pytest.raises(DataError, match="'kraskino': capacity 30 trains/day is for rail"):
        place_capacities(bad.iloc[1:], p)


def test_assignment_params_file(tmp_path: Path) -> None:
    params = read_assignment_params()
    assert params.bpr["road"] == (0.15, 4.0)
    assert params.queue_period_h > 0
    bad = tmp_path / "a.toml"
    bad.write_text("[conversions]\nteu_per_truck = -1\n")
    with pytest.raises(DataError, match=r"a\.toml: conversions\.teu_per_truck = -1"):
        read_assignment_params(bad)


@pytest.fixture
def tiny_net(tiny_dir: Path) -> Network:
    return read_network(tiny_dir)


def test_demand_tables_are_checked(tiny_net: Network, tmp_path: Path) -> None:
    good = pd.DataFrame({"orig": ["Hunchun Park"], "dest": ["busan"], "demand": ["12.5"]})
    table = check_demand(tiny_net, good)
    assert table.to_dict("records") == [
        {"orig": "hunchun_park", "dest": "busan_port", "demand": 12.5}
    ]
    with pytest.raises(DataError, match="column 'volume' is called 'demand'"):
        check_demand(tiny_net, good.rename(columns={"demand": "volume"}))
    path = tmp_path / "od.csv"
    path.write_text("orig,dest,demand\nhunchun,busan,5\nhunchun,busn,3\n")
    with pytest.raises(DataError, match=r"od\.csv, row line 3: dest: unknown place 'busn'"):
        read_demand(path, tiny_net)
    path.write_text("orig,dest,demand\nhunchun,busan,-5\n")
    with pytest.raises(
        DataError, match=r"od\.csv, row line 2: demand = '-5'; expected a number >= 0"
    ):
        read_demand(path, tiny_net)
    path.write_text("orig,dest,demand,commodity\nhunchun,busan,5,auto\n")
    assert read_demand(path, tiny_net)["commodity"].tolist() == ["auto"]


def test_gravity_demand_is_production_constrained(tiny_net: Network) -> None:
    params = DemandParams(
        park_teu_year=1000.0, default_port_teu_year=40000.0, attraction_exponent=0.5,
        beta_per_usd=0.002, import_ratio=0.5,
    )  # fmt: skip
    demand = gravity_demand(tiny_net, params)
    exports = demand[demand["commodity"] == "export"].set_index("dest")["demand"]
    assert set(demand["orig"][demand["commodity"] == "export"]) == {"hunchun_park"}
    assert exports.sum() == pytest.approx(1000.0)
    imports = demand[demand["commodity"] == "import"].set_index("orig")["demand"]
    assert imports.sum() == pytest.approx(500.0)
    cost = od_matrix(tiny_net, ["hunchun_park"], list(exports.index), weight="generalized")
    # the pull of two ports: attraction^0.5 x exp(-beta x cost difference)
    a = {"zarubino_port": 40000.0, "vladivostok_port": 1e6, "busan_port": 22.75e6}
    for p, q in [("zarubino_port", "busan_port"), ("vladivostok_port", "busan_port")]:
        expected = np.sqrt(a[p] / a[q]) * np.exp(
            -0.002 * (cost.at["hunchun_park", p] - cost.at["hunchun_park", q])
        )
        assert exports[p] / exports[q] == pytest.approx(expected)


# ---------------------------------------------------------------- the multimodal network


QUEUE_PARAMS = AssignmentParams(teu_per_truck=1.5, queue_period_h=24.0, queue_j=1.0)


def test_single_crossing_queue_matches_formula(tiny_net: Network) -> None:
    tiny_net.update_place("kraskino_border", {"capacity": "20", "capacity_unit": "trucks/day"})
    demand = pd.DataFrame({"orig": ["hunchun_park"], "dest": ["busan_port"], "demand": [15.0]})
    eq = equilibrium(tiny_net, demand, unit="TEU/day", params=QUEUE_PARAMS, rgap=1e-9)
    queue = queue_delay(15.0 / 24, 30.0 / 24, 24.0, 1.0)  # 20 trucks/day x 1.5 TEU
    assert eq.places.at["kraskino_border", "volume_crossing"] == pytest.approx(15.0)
    assert eq.places.at["kraskino_border", "capacity_teu_day"] == pytest.approx(30.0)
    assert eq.places.at["kraskino_border", "vc"] == pytest.approx(0.5)
    assert eq.places.at["kraskino_border", "queue_h"] == pytest.approx(queue)
    row = eq.od.iloc[0]
    vot = tiny_net.params.value_of_time_usd_teu_h
    free = corridors.route(tiny_net, "hunchun_park", "busan_port", weight="generalized")
    assert row["free_flow_generalized_usd_teu"] == pytest.approx(free.generalized_usd_teu)
    assert row["generalized_usd_teu"] == pytest.approx(free.generalized_usd_teu + vot * queue)
    top = eq.bottlenecks.iloc[0]
    assert (top["element"], top["kind"], top["mode"]) == ("kraskino_border", "crossing", "road")


def test_port_capacity_queues_transhipment(tiny_net: Network) -> None:
    tiny_net.update_place("zarubino_port", {"capacity": "10", "capacity_unit": "TEU/day"})
    demand = pd.DataFrame({"orig": ["hunchun_park"], "dest": ["busan_port"], "demand": [5.0]})
    eq = equilibrium(tiny_net, demand, unit="TEU/day", params=QUEUE_PARAMS, rgap=1e-9)
    # every route to Busan changes mode at Zarubino (road to sea, or road to rail)
    assert eq.places.at["zarubino_port", "volume_transfer"] == pytest.approx(5.0)
    assert eq.places.at["zarubino_port", "queue_h"] == pytest.approx(
        queue_delay(5.0 / 24, 10.0 / 24, 24.0, 1.0)
    )
    top = eq.bottlenecks.iloc[0]
    assert (top["element"], top["kind"], top["vc"]) == ("zarubino_port", "transfer", 0.5)


def second_crossing(net: Network) -> None:
    """Add a road crossing next to Kraskino (a second way from Hunchun to Zarubino)."""
    net.add_place(
        {"id": "kraskino2_border", "name": "Second crossing", "kind": "border", "country": "CN",
         "lon": 130.63, "lat": 42.74, "modes": "road", "countries": "CN-RU",
         "dwell_road_h": 24, "fee_usd": 150, "source": "test"}
    )  # fmt: skip
    for a, b in (("hunchun", "kraskino2_border"), ("kraskino2_border", "zarubino_port")):
        net.add_link({"id": f"{a}-{b}-road", "from": a, "to": b, "mode": "road", "source": "test"})


def test_two_crossings_share_demand_at_equal_cost(tiny_net: Network) -> None:
    second_crossing(tiny_net)
    tiny_net.update_place("kraskino_border", {"capacity": "30", "capacity_unit": "trucks/day"})
    tiny_net.update_place("kraskino2_border", {"capacity": "20", "capacity_unit": "trucks/day"})
    total = 60.0
    demand = pd.DataFrame({"orig": ["hunchun_park"], "dest": ["zarubino_port"], "demand": [total]})
    eq = equilibrium(
        tiny_net, demand, unit="TEU/day", params=QUEUE_PARAMS, rgap=1e-10, max_iter=5000
    )
    vot = tiny_net.params.value_of_time_usd_teu_h
    c1 = corridors.route(tiny_net, "hunchun_park", "zarubino_port", avoid=["kraskino2_border"])
    c2 = corridors.route(tiny_net, "hunchun_park", "zarubino_port", avoid=["kraskino_border"])

    def imbalance(v1: float) -> float:  # cost via crossing 1 minus cost via crossing 2
        q1 = queue_delay(v1 / 24, 45.0 / 24, 24.0, 1.0)
        q2 = queue_delay((total - v1) / 24, 30.0 / 24, 24.0, 1.0)
        return c1.generalized_usd_teu + vot * q1 - c2.generalized_usd_teu - vot * q2

    v1 = brentq(imbalance, 0.0, total, xtol=1e-10)
    assert 5 < v1 < total - 5  # both crossings used
    crossing = eq.places["volume_crossing"]
    assert crossing["kraskino_border"] == pytest.approx(v1, rel=1e-4)
    assert crossing["kraskino2_border"] == pytest.approx(total - v1, rel=1e-4)
    expected = c1.generalized_usd_teu + vot * queue_delay(v1 / 24, 45.0 / 24, 24.0, 1.0)
    assert eq.od["generalized_usd_teu"].iloc[0] == pytest.approx(expected, rel=1e-6)


def test_uncapacitated_equilibrium_is_all_or_nothing(tiny_net: Network) -> None:
    demand = pd.DataFrame(
        {
            "orig": ["hunchun_park", "changchun", "busan"],
            "dest": ["busan", "vladivostok", "hunchun"],
            "demand": [10.0, 5.0, 2.0],
        }
    )
    eq = equilibrium(tiny_net, demand, unit="TEU/day", params=QUEUE_PARAMS)
    aon = corridors.assign(tiny_net, demand, weight="generalized")
    assert eq.converged
    assert eq.iterations == 1
    assert np.allclose(eq.links["volume"], aon.links.loc[eq.links.index, "volume"])
    assert eq.bottlenecks.empty


def test_equilibrium_refuses_bad_arguments(tiny_net: Network) -> None:
    demand = pd.DataFrame({"orig": ["hunchun"], "dest": ["busan"], "demand": [1.0]})
    with pytest.raises(DataError, match="unit = 'TEU/week'"):
        equilibrium(tiny_net, demand, unit="TEU/week")
    with pytest.raises(DataError, match="weight = 'distance'"):
        equilibrium(tiny_net, demand, weight="distance")
    with pytest.raises(DataError, match="capacity_unit = 'trains/day; x'; expected one of"):
        tiny_net.update_place(
            "kraskino_border", {"capacity": "20", "capacity_unit": "trains/day; x"}
        )
    tiny_net.update_place(
        "kraskino_border", {"capacity": "20", "capacity_unit": "trains/day; trucks/day"}
    )
    with pytest.raises(DataError, match="'kraskino_border': capacity has 1 figure"):
        equilibrium(tiny_net, demand)


# ---------------------------------------------------------------- command line and map


def test_cli_assign(tiny_dir: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from corridors.cli import main

    places = tmp_path / "net"
    shutil.copytree(tiny_dir, places)
    rows = (places / "places.csv").read_text().splitlines()
    rows = [rows[0] + ",capacity,capacity_unit,capacity_source"] + [
        r + (",20,trucks/day,test" if r.startswith("kraskino_border,") else ",,,")
        for r in rows[1:]
    ]
    (places / "places.csv").write_text("\n".join(rows) + "\n")
    demand = tmp_path / "od.csv"
    demand.write_text("orig,dest,demand\nHunchun Park,Busan,15\n")
    runner = CliRunner()
    args = ["assign", str(demand), "--network", str(places), "--unit", "TEU/day", "--csv"]
    result = runner.invoke(main, [*args, "--map", str(tmp_path / "flows.png")])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout), index_col="element")
    assert table.at["kraskino_border", "volume_teu_day"] == pytest.approx(15.0)
    queue = queue_delay(15.0 / 24, 30.0 / 24, 168.0, 1.0)  # built-in queue period: a week
    assert table.at["kraskino_border", "delay_h"] == pytest.approx(queue, abs=1e-4)
    assert (tmp_path / "flows.png").stat().st_size > 10_000
    matrix = runner.invoke(
        main, ["closure-matrix", "--network", str(places), "--assignment", "equilibrium", "--csv"]
    )
    assert matrix.exit_code == 0, matrix.output
    assert "CN-RU" in matrix.stdout
    demand.write_text("orig,dest,volume\nhunchun,busan,15\n")
    result = runner.invoke(main, args)
    assert result.exit_code == 1
    assert "column 'volume' is called 'demand'" in result.output
    assert "Traceback" not in result.output


# ---------------------------------------------------------------- closures and scenarios


def test_capacity_cut_bites_only_at_equilibrium(tiny_net: Network) -> None:
    second_crossing(tiny_net)
    tiny_net.update_place("kraskino_border", {"capacity": "40", "capacity_unit": "trucks/day"})
    tiny_net.update_place("kraskino2_border", {"capacity": "40", "capacity_unit": "trucks/day"})
    cut = tiny_net.copy()
    cut.update_place("kraskino_border", {"capacity": "10", "capacity_unit": "trucks/day"})
    od = pd.DataFrame({"orig": ["hunchun_park"], "dest": ["zarubino_port"], "demand": [30000.0]})
    free = resilience.impact(tiny_net, cut, od)
    assert free.pairs["change"].abs().max() == 0  # a capacity cut costs nothing at free flow
    eq = resilience.impact(tiny_net, cut, od, assignment="equilibrium")
    shifted = eq.shifted["change"]
    assert shifted["kraskino_border"] < -1
    assert shifted["kraskino2_border"] == pytest.approx(-shifted["kraskino_border"])
    before = equilibrium(tiny_net, od).od["generalized_usd_teu"].iloc[0]
    after = equilibrium(cut, od).od["generalized_usd_teu"].iloc[0]
    assert eq.pairs["change"].iloc[0] == pytest.approx(after - before)
    assert after > before
    assert eq.summary["extra_cost_per_period"] == pytest.approx(30000.0 * (after - before))
    matrix = resilience.closure_matrix(tiny_net, od, assignment="equilibrium")
    assert matrix.loc["CN-RU", "pairs_disconnected"] == 1
    with pytest.raises(DataError, match="assignment = 'ue'"):
        resilience.impact(tiny_net, cut, od, assignment="ue")


def test_set_capacity_scenario_step(tiny_net: Network, tmp_path: Path) -> None:
    path = tmp_path / "cut.toml"
    path.write_text(
        'name = "cut"\n\n[[step]]\naction = "set_capacity"\nplace = "Kraskino crossing"\n'
        'capacity = 30\ncapacity_unit = "trucks/day"\n\n[[step]]\naction = "set_capacity"\n'
        'place = "kraskino_border"\nfactor = 0.5\n'
    )
    net = scenario.apply(tiny_net, scenario.load(path, net=tiny_net))
    assert net.places.at["kraskino_border", "capacity"] == "15"
    assert net.places.at["kraskino_border", "capacity_unit"] == "trucks/day"
    assert pd.isna(tiny_net.places.at["kraskino_border", "capacity"])
    path.write_text(
        'name = "x"\n\n[[step]]\naction = "set_capacity"\nplace = "hunchun"\nfactor = 2\n'
    )
    with pytest.raises(DataError, match="'hunchun' has no capacity to scale"):
        scenario.apply(tiny_net, scenario.load(path, net=tiny_net))


def test_gtr_covid_scenario_at_equilibrium() -> None:
    base = corridors.load_gtr()
    scen = scenario.load(
        Path(__file__).parents[1] / "data" / "scenarios" / "primorye_covid_capacity.toml"
    )
    cut = scenario.apply(base, scen)
    capacity = place_capacities(cut.places, read_assignment_params()).set_index("place")
    assert capacity.at["hunchun_kraskino", "figure"] == "30 trucks/day"
    od = (["hunchun_becz"], ["zarubino_port"])
    comparison = scenario.compare(base, cut, od, critical=False, assignment="equilibrium")
    flows = comparison.flows
    assert (
        flows.at["hunchun_kraskino", "queue_h_after"]
        > flows.at["hunchun_kraskino", "queue_h_before"]
    )
    assert flows.at["hunchun_kraskino", "volume_change"] < 0
    assert "At equilibrium" in comparison.summary()
    assert "equilibrium_flows" in comparison.to_tables()


def test_failure_simulations_at_equilibrium(tiny_net: Network) -> None:
    tiny_net.update_place("kraskino_border", {"capacity": "20", "capacity_unit": "trucks/day"})
    intact = resilience.simulate_failures(
        tiny_net, runs=1, fractions=(0.0,), elements="crossings", assignment="equilibrium"
    )
    expected = equilibrium(tiny_net, gravity_demand(tiny_net)).od["generalized_usd_teu"]
    assert intact["mean_value"].iloc[0] == pytest.approx(expected.mean())
    assert intact["connected_share"].iloc[0] == 1.0
    storms = resilience.simulate_region_failures(
        tiny_net, runs=2, radius_km=30, assignment="equilibrium", seed=1
    )
    assert len(storms) == 2
    with pytest.raises(DataError, match="assignment = 'x'"):
        resilience.simulate_failures(tiny_net, runs=1, assignment="x")


def test_report_flows_section(tiny_dir: Path, tmp_path: Path) -> None:
    from corridors import report

    net = read_network(tiny_dir)
    net.update_place("kraskino_border", {"capacity": "20", "capacity_unit": "trucks/day"})
    report.run_report(net, tmp_path / "out", sections=["flows"], progress=False)
    markdown = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "## Flows and bottlenecks" in markdown
    assert "section failed" not in markdown.lower()
    assert "| kraskino_border | crossing | road |" in markdown
    assert (tmp_path / "out" / "maps" / "flows.png").exists()
    assert (tmp_path / "out" / "tables" / "equilibrium_bottlenecks.csv").exists()
