"""Reach, isochrones, hinterlands and accessibility against independent references."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from reference import (
    INTERNAL,
    hand_network,
    random_networks,
    reference_graph,
    reference_od,
)

import corridors
from corridors.reach import accessibility, hinterlands, isochrones, reach, sea_ports
from corridors.routing import route


def reference_reach(g: nx.DiGraph, origins: list[str], cutoff: float) -> dict[str, float]:
    """Best weight to each place within `cutoff`, by networkx on the explicit state graph."""
    sources = [s for s in g if s[0] in origins and s[2] not in INTERNAL]
    dist = (
        nx.multi_source_dijkstra_path_length(g, sources, cutoff=cutoff, weight="w")
        if (sources)
        else {}
    )
    best: dict[str, float] = dict.fromkeys(origins, 0.0)
    for state, value in dist.items():
        if state[2] not in INTERNAL:  # a port's sea in / out states are no end states
            best[state[0]] = min(best.get(state[0], math.inf), value)
    return best


@settings(max_examples=40, deadline=None)
@given(net=random_networks(), data=st.data(), hours=st.floats(1.0, 120.0))
def test_reach_equals_networkx_cutoff(net, data, hours):
    places = sorted(net.graph.nodes)
    origins = data.draw(st.lists(st.sampled_from(places), min_size=1, max_size=3, unique=True))
    got = reach(net, origins, max_hours=hours)
    expected = reference_reach(reference_graph(net, "time"), origins, hours)
    assert set(got.index) == set(expected)
    for place, value in expected.items():
        assert got.loc[place, "time_h"] == pytest.approx(value, abs=1e-9)


@settings(max_examples=30, deadline=None)
@given(net=random_networks(), data=st.data(), budget=st.floats(50.0, 3000.0))
def test_reverse_reach_equals_networkx_on_reversed_graph(net, data, budget):
    places = sorted(net.graph.nodes)
    origin = data.draw(st.sampled_from(places))
    got = reach(net, origin, max_cost=budget, weight="cost", direction="to")
    g = reference_graph(net, "cost").reverse(copy=True)
    expected = reference_reach(g, [origin], budget)
    assert set(got.index) == set(expected)
    for place, value in expected.items():
        assert got.loc[place, "cost_usd_teu"] == pytest.approx(value, abs=1e-6)


@settings(max_examples=25, deadline=None)
@given(net=random_networks(), data=st.data())
def test_reach_totals_match_the_routes(net, data):
    places = sorted(net.graph.nodes)
    origin = data.draw(st.sampled_from(places))
    reached = reach(net, origin, weight="generalized")
    for place in reached.index[:8]:
        if place == origin:
            continue
        r = route(net, origin, place, weight="generalized")
        row = reached.loc[place]
        assert row["generalized_usd_teu"] == pytest.approx(r.generalized_usd_teu)
        assert row["time_h"] == pytest.approx(r.time_h)
        assert row["distance_km"] == pytest.approx(r.distance_km)
        assert row["crossings"] == ";".join(r.crossings)


@settings(max_examples=25, deadline=None)
@given(net=random_networks(), data=st.data())
def test_reach_names_the_origin_each_place_is_reached_from(net, data):
    places = sorted(net.graph.nodes)
    origins = data.draw(st.lists(st.sampled_from(places), min_size=2, max_size=4, unique=True))
    got = reach(net, origins, weight="cost")
    g = reference_graph(net, "cost")
    for place, row in got.iterrows():
        alone = reference_reach(g, [row["origin"]], math.inf)
        assert alone[place] == pytest.approx(row["cost_usd_teu"], abs=1e-6)


def test_reach_on_hand_network_names_crossing_and_mode():
    net = hand_network()
    got = reach(net, "A", max_hours=30)
    # road 1 h to B, 24 h dwell, road 1 h to C = 26 h; D needs 10 h more + 36 h at sea
    assert got.loc["c", "time_h"] == pytest.approx(26)
    assert got.loc["c", "crossings"] == "b"
    assert got.loc["c", "mode"] == "road"
    assert "d" not in got.index
    back = reach(net, "D", direction="to", max_hours=90)
    # loading at C 10 h + sea 36 h + discharge at D 10 h
    assert back.loc["c", "time_h"] == pytest.approx(56)
    assert back.loc["a", "time_h"] == pytest.approx(82)
    assert back.loc["a", "crossings"] == "b"


@settings(max_examples=10, deadline=None)
@given(net=random_networks(), data=st.data())
def test_isochrones_contain_reached_places_only(net, data):
    places = sorted(net.graph.nodes)
    origin = data.draw(st.sampled_from(places))
    bands = (6.0, 24.0, 60.0)
    iso = isochrones(net, origin, bands=bands, clip_to_land=False)
    assert list(iso["band"]) == sorted(bands, reverse=True)
    expected = reference_reach(reference_graph(net, "time"), [origin], max(bands))
    points = net.places.geometry
    for _, band in iso.iterrows():
        inside = {p for p in places if band.geometry.covers(points[p])}
        reached = {p for p, value in expected.items() if value <= band["band"] + 1e-9}
        assert inside == reached
        assert band["places"] == len(reached)


def test_isochrone_cuts_a_link_part_way():
    net = hand_network()
    iso = isochrones(net, "C", bands=(28.0,), clip_to_land=False, buffer_km=5.0)
    polygon = iso.geometry.iloc[0]
    line = net.graph.edges["c", "d", "c-d-sea"]["geometry"]
    # loading at C 10 h, then 18 h at 25 km/h is 450 km of the 900 km lane
    assert polygon.covers(line.interpolate(0.45, normalized=True))
    assert not polygon.intersects(line.interpolate(0.55, normalized=True))


@settings(max_examples=25, deadline=None)
@given(net=random_networks(), weight=st.sampled_from(["time", "cost", "generalized"]))
def test_hinterlands_equal_argmin_of_brute_force(net, weight):
    ports = sea_ports(net)  # the ports with a usable sea link
    assume(ports)
    places = sorted(net.graph.nodes)
    result = hinterlands(net, ports, places, weight=weight)
    brute = reference_od(reference_graph(net, weight, modes={"rail", "road"}), places, ports)
    for place in places:
        row = brute.loc[place].dropna()
        got = result.places.loc[place]
        if row.empty:
            assert pd.isna(got["best_port"])
            continue
        assert got["best_value"] == pytest.approx(row.min())
        assert row[got["best_port"]] == pytest.approx(row.min())
        if len(row) > 1:
            assert got["runner_up_value"] == pytest.approx(row.sort_values().iloc[1])
    counts = result.ports["places"]
    assert counts.sum() == result.places["best_port"].notna().sum()


def test_hinterlands_with_a_market_add_the_sea_leg():
    net = hand_network()
    result = hinterlands(net, ["c", "d"], ["a"], weight="time", market="d")
    # via C: road 26 h + loading 10 h + sea 36 h + discharge 10 h = 82 h; D itself: no
    # land route from A
    assert result.places.loc["a", "best_port"] == "c"
    assert result.places.loc["a", "best_value"] == pytest.approx(82)


def test_accessibility_by_hand():
    net = hand_network()
    # from A: C in 26 h, D in 82 h (road, border, road, loading, sea, discharge)
    gravity = accessibility(net, ["a"], ["c", "d"], kind="gravity", beta=0.1)
    assert gravity["a"] == pytest.approx(math.exp(-2.6) + math.exp(-8.2))
    cumulative = accessibility(net, ["a"], ["c", "d"], kind="cumulative", threshold=30)
    assert cumulative["a"] == 1.0
    weighted = accessibility(
        net,
        ["a"],
        ["c", "d"],
        kind="cumulative",
        threshold=100,
        mass=pd.Series({"c": 3.0, "d": 5.0}),
    )
    assert weighted["a"] == 8.0


def test_bad_arguments():
    net = hand_network()
    with pytest.raises(corridors.DataError, match="direction"):
        reach(net, "a", direction="up")
    with pytest.raises(corridors.DataError, match="kind"):
        accessibility(net, "city", "port", kind="magic")
    with pytest.raises(corridors.DataError, match="place column"):
        hinterlands(net, ["c"], ["a"], place_weight="tonnage")
    with pytest.raises(corridors.DataError, match="bands"):
        isochrones(net, "a", bands=(-1,))


def test_builtin_zarubino_reaches_hunchun_within_a_day_and_a_half():
    net = corridors.load_gtr()
    got = reach(net, "Zarubino", max_hours=36, modes=["road"])  # 24 h at the border
    assert "hunchun" in got.index
    assert got.loc["hunchun", "crossings"] != ""
    assert np.isfinite(got["time_h"]).all()
    assert shapely.Point(130.36, 42.87).distance(got.loc["hunchun", "geometry"]) < 0.1


@settings(max_examples=20, deadline=None)
@given(net=random_networks(), data=st.data())
def test_hinterlands_with_market_equal_land_plus_sea(net, data):
    ports = sea_ports(net)
    assume(ports)
    market = data.draw(st.sampled_from(ports))
    places = sorted(net.graph.nodes)
    got = hinterlands(net, ports, places, weight="time", market=market).places
    land = reference_od(reference_graph(net, "time", modes={"rail", "road"}), places, ports)
    # the sea leg from a port's quay to the market's, loading and discharge included
    sea = reference_od(reference_graph(net, "time", modes={"sea"}), ports, [market])[market]
    total = land + sea
    for place in places:
        row = total.loc[place].dropna()
        if row.empty:
            assert pd.isna(got.loc[place, "best_port"])
        else:
            assert got.loc[place, "best_value"] == pytest.approx(row.min())
