"""Single-link redundancy against networkx: remove each link, search, put it back."""

from __future__ import annotations

import io

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import corridors
from corridors import synthetic
from corridors.cli import main
from corridors.engine import EDGE_LINK, Restrictions, compile_network
from corridors.resilience import redundancy
from corridors.resilience.redundancy import bridges


def _road_reference(net: corridors.Network, weight: str) -> pd.Series:
    """Alternative value per link by networkx on the undirected place graph (road nets)."""
    graph = nx.MultiGraph()
    scale = {"time": ("travel_time", 3600.0), "distance": ("length", 1000.0)}[weight]
    for u, v, key, data in net.graph.edges(keys=True, data=True):
        if not data["reversed"]:
            graph.add_edge(u, v, key=key, w=data[scale[0]] / scale[1])
    out = {}
    for u, v, key, data in list(graph.edges(keys=True, data=True)):
        graph.remove_edge(u, v, key=key)
        try:
            out[key] = nx.bidirectional_dijkstra(graph, u, v, weight="w")[0]
        except nx.NetworkXNoPath:
            out[key] = np.nan
        graph.add_edge(u, v, key=key, **data)
    return pd.Series(out)


@pytest.fixture(scope="module")
def ring() -> corridors.Network:
    return synthetic.road_network(synthetic.ring_roads(240, seed=3), "ring")


@pytest.mark.parametrize("weight", ["time", "distance"])
def test_ring_equals_networkx_remove_search_readd(ring, weight):
    result = redundancy(ring, weight=weight)
    expected = _road_reference(ring, weight).reindex(result.index)
    assert list(result.index) == ring.link_ids()
    np.testing.assert_allclose(result["alt_value"], expected, rtol=1e-12)
    assert (result["has_alternative"] == expected.notna()).all()
    own = ring.links[{"time": "time_h", "distance": "length_km"}[weight]]
    np.testing.assert_allclose(result["value"], own.reindex(result.index), rtol=1e-12)
    np.testing.assert_allclose(
        result["difference"], result["alt_value"] - result["value"], equal_nan=True
    )
    spurs = result.index[result["to"].str[1:].astype(int) >= 240 * 0.7]
    assert (result.loc[spurs, "has_alternative"] == 0).all()  # dead ends


def test_grid_paths_are_real_alternatives():
    net = synthetic.road_network(synthetic.grid_roads(6, 7, seed=1), "grid")
    result = redundancy(net, weight="time", paths=True)
    expected = _road_reference(net, "time").reindex(result.index)
    np.testing.assert_allclose(result["alt_value"], expected, rtol=1e-12)
    links = net.links
    for link, row in result.iterrows():
        path = row["alt_path"].split(";")
        assert link not in path
        assert len(path) == row["alt_hops"]
        assert links.loc[path, "time_h"].sum() == pytest.approx(row["alt_value"])
        ends = set(links.loc[path[0], ["from", "to"]]) & {row["from"]}
        assert ends == {row["from"]}  # the path starts at the link's from place
        assert row["to"] in set(links.loc[path[-1], ["from", "to"]])


@pytest.mark.parametrize("threads", [1, 2])
def test_delaunay_equals_networkx_on_one_and_two_threads(threads):
    net = synthetic.road_network(synthetic.delaunay_roads(400, seed=6), "delaunay")
    result = redundancy(net, weight="time", paths=True, threads=threads)
    expected = _road_reference(net, "time").reindex(result.index)
    np.testing.assert_allclose(result["alt_value"], expected, rtol=1e-12)
    found = result[result["has_alternative"] == 1]
    hops = found["alt_path"].str.count(";") + 1
    np.testing.assert_array_equal(hops, found["alt_hops"])


def test_multimodal_equals_networkx_on_the_state_graph():
    net = synthetic.network(120, seed=4)
    result = redundancy(net, weight="generalized")
    graph = compile_network(net)
    mask = graph.edge_mask(Restrictions())
    weights = graph.weight("generalized")
    usable = np.zeros(graph.n_states, dtype=bool)
    usable[graph.edge_src[mask]] = usable[graph.edge_dst[mask]] = True
    index = graph.place_index
    starts = graph.place_state_start
    rng = np.random.default_rng(0)
    for link in rng.choice(result.index, 40, replace=False):
        digraph = nx.DiGraph()
        for e in np.flatnonzero(mask & (graph.link_ids[graph.edge_link] != link)):
            a, b = int(graph.edge_src[e]), int(graph.edge_dst[e])
            if not digraph.has_edge(a, b) or digraph[a][b]["w"] > weights[e]:
                digraph.add_edge(a, b, w=weights[e])
        u, v = index[result.loc[link, "from"]], index[result.loc[link, "to"]]
        sources = [s for s in range(starts[u], starts[u + 1]) if usable[s] and s in digraph]
        lengths = nx.multi_source_dijkstra_path_length(digraph, sources, weight="w")
        best = min(lengths.get(s, np.inf) for s in range(starts[v], starts[v + 1]))
        got = result.loc[link, "alt_value"]
        assert (np.isnan(got) and best == np.inf) or got == pytest.approx(best, rel=1e-12)
    assert result["has_alternative"].isin([0, 1]).all()


def test_bridges_equal_networkx_on_random_multigraphs():
    rng = np.random.default_rng(7)
    for _ in range(20):
        n = int(rng.integers(2, 30))
        m = int(rng.integers(1, 40))
        u, v = rng.integers(0, n, m), rng.integers(0, n, m)
        keep = u != v
        u, v = u[keep], v[keep]
        graph = nx.MultiGraph()
        graph.add_nodes_from(range(n))
        graph.add_edges_from(zip(u.tolist(), v.tolist(), strict=True))
        links = np.arange(len(u))
        flags = bridges(n, np.r_[u, v], np.r_[v, u], np.r_[links, links])  # both directions
        expected = set()
        simple = nx.Graph(graph)
        for a, b in nx.bridges(simple):
            if graph.number_of_edges(a, b) == 1:
                expected.add(frozenset((a, b)))
        got = {frozenset((int(u[i]), int(v[i]))) for i in np.flatnonzero(flags)}
        assert got == expected


def test_tiny_network_and_cli(tiny_dir):
    net = corridors.read_network(tiny_dir)
    result = redundancy(net, weight="time")
    graph = compile_network(net)
    assert (graph.edge_kind == EDGE_LINK).any()
    out = CliRunner().invoke(main, ["redundancy", "--network", str(tiny_dir), "--csv"])
    assert out.exit_code == 0, out.output
    table = pd.read_csv(io.StringIO(out.output), index_col="id")
    assert list(table.index) == list(result.index)
    np.testing.assert_allclose(table["alt_value"], result["alt_value"].round(4), equal_nan=True)
    bad = CliRunner().invoke(main, ["redundancy", "--network", str(tiny_dir), "--by", "speed"])
    assert bad.exit_code != 0
    assert "Traceback" not in bad.output
