"""Routing on the compiled state graph against independent references.

The reference is a networkx DiGraph of (place, mode, side) states built from the
network's graph (tests/reference.py), searched with networkx's multi-source Dijkstra.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference import (
    WEIGHTS,
    hand_network,
    random_networks,
    reference_graph,
    reference_od,
    validate_route,
)

import corridors
from corridors.routing import alternatives, assign, od_matrix, route


def test_hand_computed_fastest_route_by_road():
    net = hand_network()
    r = route(net, "A", "D", weight="time")
    # road 1 h + border 24 h + road 1 h + loading at C 10 h + sea 900 km / 25 km/h
    # + discharge at D 10 h
    assert r.time_h == pytest.approx(1 + 24 + 1 + 10 + 36 + 10)
    assert r.places == ["a", "b", "c", "d"]
    assert r.crossings == ["b"]
    assert r.modes == ["road", "sea"]
    assert r.distance_km == pytest.approx(1100)
    # road 100 + border fee 200 + road 100 + port fee 100 + sea 90 + port fee 100
    assert r.cost_usd_teu == pytest.approx(690)
    validate_route(net, r)


def test_hand_computed_rail_pays_gauge_change():
    net = hand_network()
    r = route(net, "A", "D", weight="time", modes=["rail", "sea"])
    # rail 2 h + customs 6 h + gauge change 24 h + rail 2 h + loading 10 h + sea 36 h
    # + discharge 10 h
    assert r.time_h == pytest.approx(2 + 6 + 24 + 2 + 10 + 36 + 10)
    border = r.legs[r.legs["kind"] == "border"].iloc[0]
    assert border["gauge_change_h"] == 24
    assert border["dwell_h"] == 30


def test_no_gauge_change_without_break():
    net = hand_network(b={"gauge_break": False})
    assert route(net, "A", "C", modes=["rail"]).time_h == pytest.approx(2 + 6 + 2)


def test_each_weight_chooses_by_itself():
    net = hand_network()
    # to C: road 200 USD + fee 200, 1 + 24 + 1 = 26 h; rail 100 + 200 USD, 2 + 30 + 2 = 34 h
    assert route(net, "A", "C", weight="cost").modes == ["rail"]
    assert route(net, "A", "C", weight="time").modes == ["road"]
    g = route(net, "A", "C", weight="generalized")
    # generalized: road 400 + 10 * 26 = 660; rail 300 + 10 * 34 = 640
    assert g.modes == ["rail"]
    assert g.generalized_usd_teu == pytest.approx(640)


def test_port_handling_is_charged_at_loading_and_at_discharge():
    r = route(hand_network(), "A", "D", weight="cost")
    calls = r.legs[r.legs["kind"].isin(["loading", "discharge"])]
    assert list(calls["kind"]) == ["loading", "discharge"]
    assert list(calls["from"]) == ["c", "d"]
    assert calls["cost_usd_teu"].sum() == 200
    assert not (r.legs["kind"] == "transfer").any()


def test_closing_crossing_disconnects():
    net = hand_network(b={"closed": True})
    with pytest.raises(corridors.NoRouteError, match=r"A \(a\) to D \(d\)"):
        route(net, "A", "D")


def test_avoid_and_bad_arguments():
    net = hand_network()
    with pytest.raises(corridors.NoRouteError, match="avoiding b"):
        route(net, "a", "d", avoid=["B"])
    with pytest.raises(corridors.UnknownPlaceError, match="Did you mean"):
        route(net, "a", "Dd")
    with pytest.raises(corridors.DataError, match="did you mean rail"):
        route(net, "a", "d", modes=["rial"])
    with pytest.raises(corridors.DataError, match="weight"):
        route(net, "a", "d", weight="money")


def test_planned_links_only_when_asked():
    net = hand_network()
    for u, x in (("a", "b"), ("b", "a")):
        net.graph.edges[u, x, "a-b-road"]["status"] = "planned"
    net.touch()
    assert route(net, "A", "C").modes == ["rail"]
    assert route(net, "A", "C", include_planned=True).modes == ["road"]


def test_route_geodataframe():
    r = route(hand_network(), "A", "D")
    gdf = r.to_geodataframe()
    assert list(gdf["link"]) == r.links
    assert gdf.crs == "EPSG:4326"
    assert tuple(gdf.geometry.iloc[0].coords[0]) == (130.0, 43.0)


def test_assign_volumes_add_up():
    net = hand_network()
    flows = pd.DataFrame(
        {"orig": ["a", "a", "d"], "dest": ["d", "c", "a"], "demand": [10.0, 5.0, 2.0]}
    )
    result = assign(net, flows, weight="time")
    links = result.links
    assert links.loc["a-b-road", "volume_forward"] == 15
    assert links.loc["a-b-road", "volume_backward"] == 2
    assert links.loc["c-d-sea", "volume_forward"] == 10
    assert links.loc["c-d-sea", "volume_backward"] == 2
    assert result.places.loc["b", "volume_crossing"] == 17
    assert result.places.loc["c", "volume_transfer"] == 12
    assert result.routes["reachable"].all()


def test_assign_rejects_bad_flows():
    net = hand_network()
    with pytest.raises(corridors.DataError, match="lacks column"):
        assign(net, pd.DataFrame({"from": ["a"], "dest": ["d"], "demand": [1]}))
    with pytest.raises(corridors.DataError, match="row 0: demand = -1; expected a number >= 0"):
        assign(net, pd.DataFrame({"orig": ["a"], "dest": ["d"], "demand": [-1]}))
    with pytest.raises(corridors.DataError, match="column 'volume' is called 'demand'"):
        assign(net, pd.DataFrame({"orig": ["a"], "dest": ["d"], "volume": [1]}))


# ---------------------------------------------------------------- random networks


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(net=random_networks(), weight=st.sampled_from(WEIGHTS), planned=st.booleans())
def test_od_matrix_equals_networkx_reference(net, weight, planned):
    places = sorted(net.graph.nodes)
    got = od_matrix(net, places, places, weight=weight, include_planned=planned)
    graph = reference_graph(net, weight, include_planned=planned)
    expected = reference_od(graph, places, places)
    pd.testing.assert_frame_equal(got, expected, check_names=False, rtol=1e-9, atol=1e-9)


@settings(max_examples=30, deadline=None)
@given(
    net=random_networks(),
    modes=st.sets(st.sampled_from(["rail", "road", "sea"]), min_size=1),
)
def test_mode_filter_equals_reference(net, modes):
    places = sorted(net.graph.nodes)
    got = od_matrix(net, places, places, weight="time", modes=modes)
    expected = reference_od(reference_graph(net, "time", modes=modes), places, places)
    pd.testing.assert_frame_equal(got, expected, check_names=False, rtol=1e-9, atol=1e-9)


@settings(max_examples=30, deadline=None)
@given(net=random_networks(), data=st.data())
def test_routes_are_valid_and_match_od(net, data):
    places = sorted(net.graph.nodes)
    a = data.draw(st.sampled_from(places))
    b = data.draw(st.sampled_from(places))
    if a == b:
        return
    od = od_matrix(net, [a], [b], weight="generalized")
    if np.isnan(od.iloc[0, 0]):
        with pytest.raises(corridors.NoRouteError):
            route(net, a, b, weight="generalized")
        return
    r = route(net, a, b, weight="generalized")
    validate_route(net, r)
    assert r.generalized_usd_teu == pytest.approx(od.iloc[0, 0])


@settings(max_examples=30, deadline=None)
@given(net=random_networks(), data=st.data())
def test_closing_a_link_never_shortens_a_trip(net, data):
    link = data.draw(st.sampled_from(net.link_ids()))
    places = sorted(net.graph.nodes)
    before = od_matrix(net, places, places, weight="time")
    closed = net.copy()
    for _, _, key, attrs in closed.graph.edges(keys=True, data=True):
        if key == link:
            attrs["closed"] = True
    closed.touch()
    after = od_matrix(closed, places, places, weight="time")
    assert (after.fillna(np.inf) >= before.fillna(np.inf) - 1e-9).all().all()


@settings(max_examples=20, deadline=None)
@given(net=random_networks(), data=st.data())
def test_alternatives_are_distinct_and_first_is_best(net, data):
    places = sorted(net.graph.nodes)
    a = data.draw(st.sampled_from(places))
    b = data.draw(st.sampled_from(places))
    if a == b:
        return
    try:
        best = route(net, a, b)
    except corridors.NoRouteError:
        return
    routes = alternatives(net, a, b, k=3)
    assert routes[0].time_h == pytest.approx(best.time_h)
    for r in routes:
        validate_route(net, r)
    keys = {
        (tuple(r.crossings), tuple(r.legs.loc[r.legs["kind"] == "transfer", "from"]),
         tuple(r.modes))
        for r in routes
    }  # fmt: skip
    assert len(keys) == len(routes)


@settings(max_examples=30, deadline=None)
@given(net=random_networks(), weight=st.sampled_from(WEIGHTS), data=st.data())
def test_backward_od_matrix_equals_reference(net, weight, data):
    # fewer destinations than origins: od_matrix searches backwards from them
    places = sorted(net.graph.nodes)
    dests = data.draw(st.lists(st.sampled_from(places), min_size=1, max_size=2, unique=True))
    got = od_matrix(net, places, dests, weight=weight)
    expected = reference_od(reference_graph(net, weight), places, dests)
    pd.testing.assert_frame_equal(got, expected, check_names=False, rtol=1e-9, atol=1e-9)


def test_route_draws_with_osmnx_on_net_graph(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import osmnx as ox

    net = corridors.load_gtr()
    r = route(net, "Harbin", "Vladivostok", modes=["rail"])
    fig, _ = ox.plot_graph_route(net.graph, r.places, show=False, close=False,
                                  save=True, filepath=tmp_path / "route.png")  # fmt: skip
    plt.close(fig)
    assert (tmp_path / "route.png").stat().st_size > 1000
    # osmnx takes the quickest parallel edge of any mode between consecutive places
    gdf = ox.routing.route_to_gdf(net.graph, r.places, weight="travel_time")
    assert len(gdf) == len(r.links)
    assert (
        gdf["travel_time"].sum() / 3600
        <= r.legs.loc[r.legs["kind"] == "link", "time_h"].sum() + 1e-9
    )
