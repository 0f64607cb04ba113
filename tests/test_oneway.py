"""One-way links: a single edge, kept through every file format."""

from __future__ import annotations

import pytest
from reference import hand_network

import corridors
from corridors.io import Record, read_network, write_geopackage, write_graphml, write_network
from corridors.network import Network


def oneway_network() -> Network:
    base = hand_network()
    places = [Record(p, {"id": p, **{k: x for k, x in d.items() if k not in ("x", "y")},
                         "lon": d["x"], "lat": d["y"]})
              for p, d in base.graph.nodes(data=True)]  # fmt: skip
    links = [Record("a-b-road", {"id": "a-b-road", "from": "a", "to": "b", "mode": "road",
                                 "length_km": 100.0, "oneway": True, "source": "test"}),
             Record("b-c-road", {"id": "b-c-road", "from": "b", "to": "c", "mode": "road",
                                 "length_km": 100.0, "source": "test"})]  # fmt: skip
    return Network.from_records(places, links, base.params)


def test_oneway_link_has_one_edge_and_routes_one_way():
    net = oneway_network()
    assert net.graph.has_edge("a", "b", "a-b-road")
    assert not net.graph.has_edge("b", "a", "a-b-road")
    assert corridors.route(net, "a", "c").places == ["a", "b", "c"]
    with pytest.raises(corridors.NoRouteError):
        corridors.route(net, "c", "a")


@pytest.mark.parametrize("suffix", [".gpkg", ".graphml", ""])
def test_oneway_survives_round_trips(tmp_path, suffix):
    net = oneway_network()
    path = tmp_path / f"net{suffix}"
    {".gpkg": write_geopackage, ".graphml": write_graphml, "": write_network}[suffix](net, path)
    again = read_network(path)
    assert not again.graph.has_edge("b", "a", "a-b-road")
    assert again.graph.has_edge("c", "b", "b-c-road")
    assert bool(again.links.loc["a-b-road", "oneway"]) is True


def test_editing_a_oneway_link():
    net = oneway_network()
    closed = net.close_place("a", modes=["road"])
    assert closed == ["a-b-road"]
    assert net.graph.edges["a", "b", "a-b-road"]["closed"]
    net.open_link("a-b-road")
    assert not net.graph.edges["a", "b", "a-b-road"]["closed"]
    net.remove_link("a-b-road")
    assert "a-b-road" not in net.link_ids()
