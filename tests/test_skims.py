"""OD skims on the kernel (:class:`corridors.engine.skims.Skimmer`, ``od_matrix``).

The reference is the scipy search of the engine (:func:`corridors.engine.search`
with ``secondary=None``, i.e. :func:`scipy.sparse.csgraph.dijkstra` from a virtual
source per origin), and networkx on a plain road network.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

import corridors
from corridors import synthetic
from corridors.engine import Restrictions, compile_network, search
from corridors.engine.skims import Skimmer


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("weight", ["time", "generalized"])
def test_skims_equal_the_scipy_search_on_a_multimodal_network(reverse, weight):
    net = synthetic.network(300, seed=4, n_countries=3)
    graph = compile_network(net)
    mask = graph.edge_mask(Restrictions(modes=("rail", "road", "sea")))
    rng = np.random.default_rng(0)
    origins = rng.choice(graph.n_places, 40, replace=False)
    destinations = np.r_[rng.choice(graph.n_places, 30, replace=False), origins[:3]]
    expected = search(
        graph, origins, weight=weight, mask=mask, reverse=reverse, secondary=None
    ).place_dist(destinations)
    skimmer = Skimmer.prepare(graph, weight, mask, reverse=reverse)
    for threads in (1, 2):
        got = skimmer(origins, destinations, threads=threads)
        np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert (np.diag(got[:3, -3:]) == 0).all()  # a place to itself


def test_skims_with_closed_edges_leave_pairs_unreachable():
    net = synthetic.network(200, seed=2)
    graph = compile_network(net)
    mask = graph.edge_mask(Restrictions())
    mask[np.random.default_rng(1).random(len(mask)) < 0.5] = False  # half the edges fail
    places = np.arange(graph.n_places)
    expected = search(graph, places, weight="time", mask=mask, secondary=None).place_dist()
    got = Skimmer.prepare(graph, "time", mask)(places, places)
    assert np.isinf(expected).any()
    np.testing.assert_array_equal(np.isinf(got), np.isinf(expected))
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_od_matrix_equals_networkx_on_a_road_network():
    net = synthetic.road_network(synthetic.delaunay_roads(400, seed=3), "delaunay")
    simple = nx.DiGraph()
    for u, v, data in net.graph.edges(data=True):
        simple.add_edge(u, v, w=data["travel_time"] / 3600.0)
    rng = np.random.default_rng(2)
    origins = list(rng.choice(sorted(net.graph), 25, replace=False))
    dests = list(rng.choice(sorted(net.graph), 7, replace=False))  # fewer: searched backwards
    od = corridors.od_matrix(net, origins, dests, weight="time")
    for o in origins:
        lengths = nx.single_source_dijkstra_path_length(simple, o, weight="w")
        for d in dests:
            assert od.loc[o, d] == pytest.approx(lengths[d], rel=1e-12)


def test_od_matrix_is_the_same_in_worker_processes():
    from concurrent.futures import ProcessPoolExecutor

    net = corridors.load_gtr()
    here = corridors.od_matrix(net, "park", "port", weight="cost")
    with ProcessPoolExecutor(2) as pool:
        there = corridors.od_matrix(
            net, "park", "port", weight="cost", executor=pool, chunk_size=7
        )
    assert here.notna().to_numpy().mean() > 0.5
    np.testing.assert_array_equal(here.to_numpy(), there.to_numpy())
