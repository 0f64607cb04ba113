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
