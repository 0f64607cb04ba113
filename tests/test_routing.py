"""Routing on the compiled state graph against independent references.

The reference is a networkx DiGraph of (place, mode, side) states built here
from the network's graph, searched with networkx's multi-source Dijkstra.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import corridors
from corridors import synthetic
from corridors.costs import BorderParams, ModeParams, Parameters, TransferParams
from corridors.io import Record
from corridors.network import Network
from corridors.routing import Route, alternatives, assign, od_matrix, route

WEIGHTS = ("time", "distance", "cost", "generalized")
TRANSFER_KINDS = {"park", "port", "city", "airport", "terminal"}


# ---------------------------------------------------------------- reference


def _edge_weight(weight: str, vot: float, time_h: float, dist_km: float, cost: float) -> float:
    return {
        "time": time_h,
        "distance": dist_km,
        "cost": cost,
        "generalized": cost + vot * time_h,
    }[weight]


def _allowed(status: str, include_planned: bool) -> bool:
    return status == "existing" or (include_planned and status == "planned")


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def reference_graph(
    net: Network, weight: str, *, include_planned: bool = False, modes: set[str] | None = None
) -> nx.DiGraph:
    """The state graph, built directly from net.graph with networkx."""
    g = nx.DiGraph()
    nodes = net.graph.nodes
    vot = net.params.value_of_time_usd_teu_h

    def side(border: str, other: str) -> str:
        countries = nodes[border]["countries"].split("-")
        if nodes[other]["kind"] == "border":
            return sorted(set(countries) & set(nodes[other]["countries"].split("-")))[0]
        return nodes[other]["country"]

    def usable(place: str) -> bool:
        return _allowed(nodes[place]["status"], include_planned) and not nodes[place]["closed"]

    def put(a: tuple, b: tuple, w: float) -> None:
        if modes is not None and (a[1] not in modes or b[1] not in modes):
            return
        if not g.has_edge(a, b) or g.edges[a, b]["w"] > w:
            g.add_edge(a, b, w=w)

    for u, x, data in net.graph.edges(data=True):
        if not (_allowed(data["status"], include_planned) and not data["closed"]):
            continue
        if not (usable(u) and usable(x)):
            continue
        mode = data["mode"]
        su = side(u, x) if nodes[u]["kind"] == "border" else ""
        sx = side(x, u) if nodes[x]["kind"] == "border" else ""
        w = _edge_weight(
            weight, vot, data["travel_time"] / 3600, data["length"] / 1000, data["cost_usd_teu"]
        )
        put((u, mode, su), (x, mode, sx), w)
    p = net.params
    for place, data in nodes(data=True):
        if not usable(place):
            continue
        place_modes = data["modes"].split(";")
        if data["kind"] == "border":
            a, b = data["countries"].split("-")
            fee = p.border.fee_usd if _blank(data.get("fee_usd")) else data["fee_usd"]
            for mode in place_modes:
                key = f"dwell_{mode}_h"
                dwell = getattr(p.border, key) if _blank(data.get(key)) else data[key]
                if mode == "rail" and data.get("gauge_break"):
                    gc = data.get("gauge_change_h")
                    dwell += p.border.gauge_change_h if _blank(gc) else gc
                w = _edge_weight(weight, vot, dwell, 0.0, fee)
                put((place, mode, a), (place, mode, b), w)
                put((place, mode, b), (place, mode, a), w)
        elif data["kind"] in TRANSFER_KINDS:
            t = p.transfer[data["kind"]]
            h = t.handling_h if _blank(data.get("handling_h")) else data["handling_h"]
            fee = t.fee_usd if _blank(data.get("fee_usd")) else data["fee_usd"]
            w = _edge_weight(weight, vot, h, 0.0, fee)
            for m1 in place_modes:
                for m2 in place_modes:
                    if m1 != m2:
                        put((place, m1, ""), (place, m2, ""), w)
    return g


def reference_od(g: nx.DiGraph, origins: list[str], dests: list[str]) -> pd.DataFrame:
    by_place: dict[str, list] = {}
    for state in g:
        by_place.setdefault(state[0], []).append(state)
    out = pd.DataFrame(np.nan, index=origins, columns=dests)
    for o in origins:
        if o in dests:
            out.loc[o, o] = 0.0
        if o not in by_place:
            continue
        dist = nx.multi_source_dijkstra_path_length(g, by_place[o], weight="w")
        for d in dests:
            values = [dist[s] for s in by_place.get(d, []) if s in dist]
            if values:
                out.loc[o, d] = min(values)
    return out


def validate_route(net: Network, r: Route) -> None:
    """Recompute a route's totals from the links it uses."""
    legs = r.legs
    assert legs.iloc[0]["from"] == r.orig
    assert legs.iloc[-1]["to"] == r.dest
    for prev, nxt in zip(legs["to"].iloc[:-1], legs["from"].iloc[1:], strict=True):
        assert prev == nxt
    time_h = 0.0
    for _, leg in legs.iterrows():
        if leg["kind"] == "link":
            data = net.graph.edges[leg["from"], leg["to"], leg["link"]]
            assert leg["time_h"] == pytest.approx(data["travel_time"] / 3600)
            assert leg["distance_km"] == pytest.approx(data["length"] / 1000)
            assert leg["mode"] == data["mode"]
        time_h += leg["time_h"]
    assert r.time_h == pytest.approx(time_h)


# ---------------------------------------------------------------- hand-computed network


def hand_network(**place_overrides: dict) -> Network:
    """A (CN city) - B (CN-RU border, gauge break) - C (RU port) ~ D (KR port).

    Lengths and speeds are given so that every time is a round number.
    """
    params = Parameters(
        value_of_time_usd_teu_h=10.0,
        modes={
            m: ModeParams(s, c, 1.2, {}, "test")
            for m, s, c in (
                ("rail", 50.0, 0.5),
                ("road", 100.0, 1.0),
                ("sea", 25.0, 0.1),
                ("air", 700.0, 20.0),
            )
        },
        transfer={"port": TransferParams(10.0, 100.0), "city": TransferParams(5.0, 50.0)},
        border=BorderParams(24.0, 6.0, 24.0, 200.0),
    )
    places = [
        {"id": "a", "name": "A", "kind": "city", "country": "CN", "lon": 130.0, "lat": 43.0,
         "modes": "rail;road", "source": "test"},
        {"id": "b", "name": "B", "kind": "border", "country": "CN", "countries": "CN-RU",
         "lon": 130.5, "lat": 42.8, "modes": "rail;road", "gauge_break": True,
         "source": "test"},
        {"id": "c", "name": "C", "kind": "port", "country": "RU", "lon": 131.0, "lat": 42.6,
         "modes": "rail;road;sea", "source": "test"},
        {"id": "d", "name": "D", "kind": "port", "country": "KR", "lon": 129.0, "lat": 35.1,
         "modes": "road;sea", "source": "test"},
    ]  # fmt: skip
    for place in places:
        place.update(place_overrides.get(place["id"], {}))
    links = [
        ("a-b-rail", "a", "b", "rail", 100, "1435"),
        ("a-b-road", "a", "b", "road", 100, None),
        ("b-c-rail", "b", "c", "rail", 100, "1520"),
        ("b-c-road", "b", "c", "road", 100, None),
        ("c-d-sea", "c", "d", "sea", 900, None),
    ]
    rows = []
    for ident, a, b, mode, km, gauge in links:
        row = {"id": ident, "from": a, "to": b, "mode": mode, "length_km": float(km),
               "source": "test"}  # fmt: skip
        if gauge:
            row["gauge_mm"] = gauge
        rows.append(Record(ident, row))
    return Network.from_records([Record(p["id"], p) for p in places], rows, params)


def test_hand_computed_fastest_route_by_road():
    net = hand_network()
    r = route(net, "A", "D", weight="time")
    # road 1 h + border 24 h + road 1 h + port transfer 10 h + sea 900 km / 25 km/h
    assert r.time_h == pytest.approx(1 + 24 + 1 + 10 + 36)
    assert r.places == ["a", "b", "c", "d"]
    assert r.crossings == ["b"]
    assert r.modes == ["road", "sea"]
    assert r.distance_km == pytest.approx(1100)
    # road 100 + border fee 200 + road 100 + port fee 100 + sea 90
    assert r.cost_usd_teu == pytest.approx(590)
    validate_route(net, r)


def test_hand_computed_rail_pays_gauge_change():
    net = hand_network()
    r = route(net, "A", "D", weight="time", modes=["rail", "sea"])
    # rail 2 h + customs 6 h + gauge change 24 h + rail 2 h + port 10 h + sea 36 h
    assert r.time_h == pytest.approx(2 + 6 + 24 + 2 + 10 + 36)
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


def test_port_transfer_is_charged_once():
    r = route(hand_network(), "A", "D", weight="cost")
    transfers = r.legs[r.legs["kind"] == "transfer"]
    assert list(transfers["from"]) == ["c"]
    assert transfers["cost_usd_teu"].sum() == 100


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
        {"orig": ["a", "a", "d"], "dest": ["d", "c", "a"], "volume": [10.0, 5.0, 2.0]}
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
    with pytest.raises(corridors.DataError, match="lacks columns"):
        assign(net, pd.DataFrame({"from": ["a"], "dest": ["d"], "volume": [1]}))
    with pytest.raises(corridors.DataError, match="volume"):
        assign(net, pd.DataFrame({"orig": ["a"], "dest": ["d"], "volume": [-1]}))


# ---------------------------------------------------------------- random networks


@st.composite
def random_networks(draw: st.DrawFn) -> Network:
    seed = draw(st.integers(0, 10_000))
    net = synthetic.network(
        draw(st.integers(5, 30)),
        seed=seed,
        n_countries=draw(st.integers(1, 3)),
        rail_share=draw(st.floats(0.2, 0.9)),
        crossing_share=draw(st.floats(0.0, 1.0)),
        n_ports=draw(st.integers(2, 4)),
    )
    rng = np.random.default_rng(seed)
    rolls = {link: rng.random() for link in net.link_ids()}
    for _, _, key, data in net.graph.edges(keys=True, data=True):
        if rolls[key] < 0.1:
            data["status"] = "planned"
        elif rolls[key] > 0.95:
            data["closed"] = True
    net.touch()
    return net


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
