"""Independent references for the engine tests: the state graph built with networkx.

Also hand-made and random test networks shared by the test modules.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import strategies as st

from corridors import synthetic
from corridors.costs import BorderParams, ModeParams, Parameters, TransferParams
from corridors.io import Record
from corridors.network import Network
from corridors.routing import Route

WEIGHTS = ("time", "distance", "cost", "generalized")
TRANSFER_KINDS = {"park", "port", "city", "airport", "terminal"}


# ---------------------------------------------------------------- reference

SURFACE = {"rail", "road", "sea"}
SECONDARY = {"time": "cost", "distance": "time", "cost": "time", "generalized": "cost"}
INTERNAL = ("in", "out")  # the arrival / departure sides of a port's sea presence


def _edge_weight(weight: str, vot: float, time_h: float, dist_km: float, cost: float) -> float:
    return {
        "time": time_h,
        "distance": dist_km,
        "cost": cost,
        "generalized": cost + vot * time_h,
    }[weight]


def _allowed(status: str, include_planned: bool, include_suspended: bool = False) -> bool:
    return (
        status == "existing"
        or (include_planned and status == "planned")
        or (include_suspended and status == "suspended")
    )


def _blank(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def _value(data: dict, key: str, default: float) -> float:
    return default if _blank(data.get(key)) else float(data[key])


def _port_values(net: Network, data: dict) -> tuple[float, float, float, float]:
    """Handling h, fee, transshipment h, transshipment fee of a port, as documented."""
    p = net.params
    kind = data.get("port_type") if not _blank(data.get("port_type")) else "sea"
    typed = p.ports.get(kind)
    fallback = p.transfer["port"]
    h = _value(data, "handling_h", typed.handling_h if typed else fallback.handling_h)
    fee = _value(data, "fee_usd", typed.fee_usd if typed else fallback.fee_usd)
    th = _value(data, "transshipment_h", typed.transshipment_h if typed else h)
    tf = _value(data, "transshipment_fee_usd", typed.transshipment_fee_usd if typed else fee)
    return h, fee, th, tf


def reference_graph(
    net: Network,
    weight: str,
    *,
    include_planned: bool = False,
    include_suspended: bool = False,
    modes: set[str] | None = None,
    season: str | None = None,
    secondary: str | None = None,
) -> nx.DiGraph:
    """The state graph, built directly from net.graph with networkx.

    States are ``(place, mode, side)``; a port serving the sea also has
    ``(port, "sea", "in")`` and ``(port, "sea", "out")``. Edge attribute ``w`` is the
    weight; with `secondary`, ``w2`` is the tie-breaking weight and parallel edges keep
    the lexicographically least pair.
    """
    g = nx.DiGraph()
    nodes = net.graph.nodes
    vot = net.params.value_of_time_usd_teu_h
    modes = SURFACE if modes is None else set(modes)

    def side(border: str, other: str) -> str:
        countries = nodes[border]["countries"].split("-")
        if nodes[other]["kind"] == "border":
            return sorted(set(countries) & set(nodes[other]["countries"].split("-")))[0]
        return nodes[other]["country"]

    def usable(place: str) -> bool:
        return (
            _allowed(nodes[place]["status"], include_planned, include_suspended)
            and not nodes[place]["closed"]
        )

    def port_call(place: str) -> bool:
        data = nodes[place]
        return data["kind"] == "port" and "sea" in data["modes"].split(";")

    def put(a: tuple, b: tuple, time_h: float, dist_km: float, cost: float) -> None:
        if a[1] not in modes or b[1] not in modes:
            return
        w = _edge_weight(weight, vot, time_h, dist_km, cost)
        w2 = _edge_weight(secondary, vot, time_h, dist_km, cost) if secondary else 0.0
        if not g.has_edge(a, b) or (g.edges[a, b]["w"], g.edges[a, b]["w2"]) > (w, w2):
            g.add_edge(a, b, w=w, w2=w2)

    p = net.params
    for u, x, data in net.graph.edges(data=True):
        if not (_allowed(data["status"], include_planned, include_suspended)):
            continue
        if data["closed"] or not (usable(u) and usable(x)) or data["mode"] not in modes:
            continue
        link_season = data.get("season")
        if not _blank(link_season) and (season is None or season not in link_season.split(";")):
            continue
        mode = data["mode"]
        su = side(u, x) if nodes[u]["kind"] == "border" else ""
        sx = side(x, u) if nodes[x]["kind"] == "border" else ""
        time_h, dist_km = data["travel_time"] / 3600, data["length"] / 1000
        cost = data["cost_usd_teu"]
        if mode == "sea":
            sailings = data.get("sailings_per_week")
            if not _blank(sailings):
                time_h += 84.0 / float(sailings)
            if data.get("sea_service") == "roro":
                time_h += 2 * p.roro.handling_h
                cost += 2 * p.roro.fee_usd
                put((u, "sea", ""), (x, "sea", ""), time_h, dist_km, cost)
                if all("road" in nodes[e]["modes"].split(";") for e in (u, x)):
                    put((u, "road", ""), (x, "road", ""), time_h, dist_km, cost)
                continue
            a = (u, "sea", "out") if port_call(u) else (u, "sea", su)
            b = (x, "sea", "in") if port_call(x) else (x, "sea", sx)
            put(a, b, time_h, dist_km, cost)
            continue
        put((u, mode, su), (x, mode, sx), time_h, dist_km, cost)
    for place, data in nodes(data=True):
        if not usable(place):
            continue
        place_modes = data["modes"].split(";")
        if data["kind"] == "border":
            a, b = data["countries"].split("-")
            fee = _value(data, "fee_usd", p.border.fee_usd)
            for mode in place_modes:
                dwell = _value(data, f"dwell_{mode}_h", getattr(p.border, f"dwell_{mode}_h"))
                cost = fee
                if mode == "rail" and data.get("gauge_break"):
                    dwell += _value(data, "gauge_change_h", p.border.gauge_change_h)
                    cost += _value(data, "gauge_change_fee_usd", p.border.gauge_change_fee_usd)
                put((place, mode, a), (place, mode, b), dwell, 0.0, cost)
                put((place, mode, b), (place, mode, a), dwell, 0.0, cost)
            continue
        if data["kind"] not in TRANSFER_KINDS:
            continue
        if port_call(place):
            h, fee, th, tf = _port_values(net, data)
            for m in place_modes:
                put((place, m, ""), (place, "sea", "out"), h, 0.0, fee)
                put((place, "sea", "in"), (place, m, ""), h, 0.0, fee)
            put((place, "sea", "in"), (place, "sea", "out"), th, 0.0, tf)
            t = p.transfer["port"]
            land = [m for m in place_modes if m != "sea"]
        else:
            t = p.transfer[data["kind"]]
            land = place_modes
        h = _value(data, "handling_h", t.handling_h) if not port_call(place) else t.handling_h
        fee = _value(data, "fee_usd", t.fee_usd) if not port_call(place) else t.fee_usd
        for m1 in land:
            for m2 in land:
                if m1 != m2:
                    put((place, m1, ""), (place, m2, ""), h, 0.0, fee)
    return g


def _terminal_by_place(g: nx.DiGraph) -> dict[str, list]:
    by_place: dict[str, list] = {}
    for state in g:
        if state[2] not in INTERNAL:
            by_place.setdefault(state[0], []).append(state)
    return by_place


def reference_od(g: nx.DiGraph, origins: list[str], dests: list[str]) -> pd.DataFrame:
    """Best weight between places: from all of the origin's end states to any of the dest's."""
    by_place = _terminal_by_place(g)
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


def reference_lexicographic(net: Network, weight: str, **options):
    """Return ``f(orig, dest) -> (primary, secondary)`` of the lexicographic best route.

    Two networkx passes: Dijkstra on the primary weight, then Dijkstra on the
    secondary weight over the edges that lie on some least-primary path (tight
    edges); the destination's end state is chosen by (primary, secondary).
    """
    g = reference_graph(net, weight, secondary=SECONDARY[weight], **options)
    by_place = _terminal_by_place(g)
    cache: dict[str, tuple[dict, dict]] = {}

    def solve(orig: str) -> tuple[dict, dict]:
        if orig not in cache:
            starts = by_place.get(orig, [])
            d1 = nx.multi_source_dijkstra_path_length(g, starts, weight="w") if starts else {}
            tight = nx.DiGraph()
            tight.add_nodes_from(d1)
            for a, b, data in g.edges(data=True):
                if a in d1 and b in d1 and d1[a] + data["w"] <= d1[b] + 1e-9 * max(1, d1[b]):
                    tight.add_edge(a, b, w2=data["w2"])
            d2 = nx.multi_source_dijkstra_path_length(tight, starts, weight="w2") if starts else {}
            cache[orig] = (d1, d2)
        return cache[orig]

    def best(orig: str, dest: str) -> tuple[float, float] | None:
        d1, d2 = solve(orig)
        ends = [s for s in by_place.get(dest, []) if s in d1]
        if not ends:
            return None
        low = min(d1[s] for s in ends)
        tied = [s for s in ends if d1[s] <= low + 1e-9 * max(1, low)]
        return low, min(d2[s] for s in tied)

    return best


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
            expected = data["travel_time"] / 3600
            if not _blank(data.get("sailings_per_week")):
                expected += 84.0 / data["sailings_per_week"]  # half the headway
            if data.get("sea_service") == "roro":
                expected += 2 * net.params.roro.handling_h  # roll-on and roll-off
            assert leg["time_h"] == pytest.approx(expected)
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


# ---------------------------------------------------------------- row-by-row build


def row_by_row(places: list, links: list, params, corridor_names=None, problems=None):
    """Return the graph and messages as the row-by-row checks and ``_link_edges`` make them.

    Records must be parsed already (``checked``); the graph is None when a check fails.
    `problems` may hold the messages of the parsing already.
    """
    from corridors import _validate as v
    from corridors.network.checks import _check_link, _check_places, _link_edges

    problems = v.Problems("") if problems is None else problems
    nodes = _check_places(places, problems)
    for record in links:
        _check_link(record, nodes, corridor_names, problems)
    if problems.messages:
        return None, problems.messages
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(nodes.items())
    pairs = [_link_edges(graph, r.values, params) for r in links]
    graph.add_edges_from(p[0] for p in pairs)
    graph.add_edges_from(p[1] for p in pairs if len(p) > 1)
    return graph, []


def plain(value):
    """Return a frame value as a plain Python value (None when blank)."""
    if isinstance(value, list):
        return value
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value
