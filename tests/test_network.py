"""Building a Network from the tiny fixture: graph attributes, lookups, summary.

Expected values are worked out here from the fixture files themselves (csv,
tomllib, pyproj), never taken from the code under test.
"""

from __future__ import annotations

import csv
import itertools
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import pyproj
import pytest

from corridors import DataError, UnknownPlaceError
from corridors.io import read_network
from corridors.network import Network

GEOD = pyproj.Geod(ellps="WGS84")


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def net(tiny_dir: Path) -> Network:
    return read_network(tiny_dir)


@pytest.fixture
def places(tiny_dir: Path) -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in rows(tiny_dir / "places.csv")}


@pytest.fixture
def links(tiny_dir: Path) -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in rows(tiny_dir / "links.csv")}


@pytest.fixture
def params(tiny_dir: Path) -> dict[str, Any]:
    return tomllib.loads((tiny_dir / "params.toml").read_text(encoding="utf-8"))


def points(link: dict[str, str], places: dict[str, dict[str, str]]) -> list[tuple[float, float]]:
    """Coordinates from → via → to of a link row, read from the CSV text."""
    a, b = places[link["from"]], places[link["to"]]
    via = [tuple(map(float, p.split())) for p in link["via"].split(";") if p.strip()]
    return [(float(a["lon"]), float(a["lat"])), *via, (float(b["lon"]), float(b["lat"]))]


def geodesic_m(coords: list[tuple[float, float]]) -> float:
    """Sum of the WGS 84 geodesic lengths of the segments (metres)."""
    total = 0.0
    for (x1, y1), (x2, y2) in itertools.pairwise(coords):
        total += GEOD.inv(x1, y1, x2, y2)[2]
    return total


def expected_speed(link: dict[str, str], places: dict[str, dict[str, str]], params: dict) -> float:
    if link["speed_kph"]:
        return float(link["speed_kph"])
    table = params["modes"][link["mode"]]
    by_country = table.get("speed_kph_by_country", {})
    ends = (places[link["from"]]["country"], places[link["to"]]["country"])
    return min(by_country.get(c, table["speed_kph"]) for c in ends)


# ---------------------------------------------------------------- counts and nodes


def test_counts(net: Network, places: dict, links: dict) -> None:
    assert net.graph.number_of_nodes() == len(places) == len(net.places)
    assert net.graph.number_of_edges() == 2 * len(links)
    assert len(net.links) == len(links)
    assert sorted(net.link_ids()) == sorted(links)
    assert isinstance(net.graph, nx.MultiDiGraph)
    assert net.graph.graph["crs"] == "EPSG:4326"
    assert net.name == "tiny"


def test_node_attributes(net: Network, places: dict) -> None:
    for place_id, row in places.items():
        data = net.graph.nodes[place_id]
        assert type(data["x"]) is float
        assert type(data["y"]) is float
        assert data["x"] == float(row["lon"])
        assert data["y"] == float(row["lat"])
        assert data["kind"] == row["kind"]
        assert data["country"] == row["country"]
        assert data["modes"] == row["modes"]
    border = net.graph.nodes["kraskino_border"]
    assert border["countries"] == "CN-RU"
    assert border["gauge_break"] is True
    assert border["dwell_rail_h"] == 6.0


# ---------------------------------------------------------------- links


def test_sourced_length_is_length_km_in_metres(net: Network, links: dict) -> None:
    sourced = {k: r for k, r in links.items() if r["length_km"]}
    assert sourced  # the fixture has some
    for link_id, row in sourced.items():
        u, w = row["from"], row["to"]
        assert net.graph.edges[u, w, link_id]["length"] == pytest.approx(
            float(row["length_km"]) * 1000.0
        )


def test_computed_length_is_geodesic_times_detour(
    net: Network, links: dict, places: dict, params: dict
) -> None:
    computed = {k: r for k, r in links.items() if not r["length_km"]}
    assert any(r["via"] for r in computed.values())  # some go through waypoints
    for link_id, row in computed.items():
        expected = geodesic_m(points(row, places)) * params["modes"][row["mode"]]["detour_factor"]
        data = net.graph.edges[row["from"], row["to"], link_id]
        assert data["length"] == pytest.approx(expected, rel=1e-9)
        assert net.links.loc[link_id, "length_km"] == pytest.approx(expected / 1000.0)


def test_speed_from_params_by_country(
    net: Network, links: dict, places: dict, params: dict
) -> None:
    for link_id, row in links.items():
        data = net.graph.edges[row["from"], row["to"], link_id]
        assert data["speed_kph"] == expected_speed(row, places, params), link_id


def test_cross_border_link_gets_lower_speed(net: Network, places: dict, params: dict) -> None:
    # kraskino_border lies in CN (rail 40 km/h), zarubino_port in RU (rail 30 km/h)
    assert places["kraskino_border"]["country"] == "CN"
    assert places["zarubino_port"]["country"] == "RU"
    rail = params["modes"]["rail"]["speed_kph_by_country"]
    edge = net.graph.edges[
        "kraskino_border", "zarubino_port", "kraskino_border-zarubino_port-rail"
    ]
    assert edge["speed_kph"] == min(rail["CN"], rail["RU"]) == 30.0
    # RU has no road speed of its own: the default (50) is lower than CN's 60
    road = net.graph.edges[
        "kraskino_border", "zarubino_port", "kraskino_border-zarubino_port-road"
    ]
    assert road["speed_kph"] == params["modes"]["road"]["speed_kph"] == 50.0


def test_travel_time_is_length_over_speed(net: Network) -> None:
    for _, _, data in net.graph.edges(data=True):
        assert data["travel_time"] == pytest.approx(data["length"] / (data["speed_kph"] / 3.6))
    frame = net.links
    expected = (frame["length_km"] / frame["speed_kph"]).tolist()
    assert frame["time_h"].tolist() == pytest.approx(expected)


def test_cost_defaults_to_length_times_rate(net: Network, params: dict) -> None:
    for _, _, data in net.graph.edges(data=True):
        rate = params["modes"][data["mode"]]["cost_usd_teu_km"]
        assert data["cost_usd_teu"] == pytest.approx(data["length"] / 1000.0 * rate)


def test_both_directions_share_key_and_attributes(net: Network, links: dict) -> None:
    for link_id, row in links.items():
        u, w = row["from"], row["to"]
        forward = net.graph.edges[u, w, link_id]
        backward = net.graph.edges[w, u, link_id]
        assert forward["reversed"] is False
        assert backward["reversed"] is True
        for attr in ("length", "speed_kph", "travel_time", "cost_usd_teu", "mode"):
            assert forward[attr] == backward[attr]
        assert list(backward["geometry"].coords) == list(forward["geometry"].coords)[::-1]


def test_geometry_runs_from_via_to(net: Network, links: dict, places: dict) -> None:
    for link_id, row in links.items():
        data = net.graph.edges[row["from"], row["to"], link_id]
        assert list(data["geometry"].coords) == points(row, places)


def test_edge_attribute_types(net: Network) -> None:
    for _, _, data in net.graph.edges(data=True):
        for attr in ("length", "speed_kph", "travel_time", "cost_usd_teu"):
            assert type(data[attr]) is float
            assert data[attr] > 0
        assert data["mode"] in {"rail", "road", "sea", "air"}


def test_rail_links_keep_gauge(net: Network, links: dict) -> None:
    for link_id, row in links.items():
        if row["mode"] == "rail":
            assert net.links.loc[link_id, "gauge_mm"] == row["gauge_mm"]


# ---------------------------------------------------------------- lookups


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("hunchun", "hunchun"),
        ("Hunchun", "hunchun"),
        ("Zarubino", "zarubino_port"),
        ("ZARUBINO", "zarubino_port"),
        ("  zarubino ", "zarubino_port"),
        ("Pusan", "busan_port"),
        ("pusan", "busan_port"),
        ("Kraskino crossing", "kraskino_border"),
        ("Ch'ang-ch'un", "changchun"),
        ("Hunchun Park", "hunchun_park"),
    ],
)
def test_resolve(net: Network, typed: str, expected: str) -> None:
    assert net.resolve(typed) == expected


def test_resolve_ignores_accents(write_tables: Any, tmp_path: Path) -> None:
    folder = write_tables(tmp_path, places_rows={"vladivostok_port": {"name": "Vladivóstok"}})
    net = read_network(folder)
    assert net.resolve("vladivostok") == "vladivostok_port"
    assert net.resolve("VLADIVÓSTOK") == "vladivostok_port"


def test_unknown_place_lists_close_matches(net: Network) -> None:
    with pytest.raises(UnknownPlaceError, match=r"unknown place 'Zarubno'.*Zarubino") as info:
        net.resolve("Zarubno")
    assert isinstance(info.value, KeyError)
    assert "Zarubino" in info.value.suggestions


def test_unknown_place_is_a_key_error(net: Network) -> None:
    with pytest.raises(KeyError):
        net.resolve("Atlantis")


def test_select_kind(net: Network, places: dict) -> None:
    ports = sorted(k for k, r in places.items() if r["kind"] == "port")
    assert net.select("port") == ports
    assert len(ports) == 3


def test_select_names(net: Network) -> None:
    assert net.select(["Pusan", "hunchun"]) == ["busan_port", "hunchun"]
    assert net.select("Zarubino") == ["zarubino_port"]
    with pytest.raises(UnknownPlaceError):
        net.select(["hunchun", "nowhere"])


# ---------------------------------------------------------------- frames and summary


def test_places_frame(net: Network, places: dict) -> None:
    frame = net.places
    assert sorted(frame.index) == sorted(places)
    assert frame.crs == "EPSG:4326"
    assert frame["lon"].dtype == "float64"
    assert frame["lat"].dtype == "float64"
    for place_id, row in places.items():
        point = frame.loc[place_id, "geometry"]
        assert (point.x, point.y) == (float(row["lon"]), float(row["lat"]))


def test_summary_counts(net: Network, places: dict, links: dict) -> None:
    summary = net.summary()
    assert summary["places"] == len(places)
    assert summary["links"] == len(links)
    assert summary["places_by_kind"] == dict(Counter(r["kind"] for r in places.values()))
    assert summary["places_by_country"] == dict(Counter(r["country"] for r in places.values()))
    by_mode = Counter(r["mode"] for r in links.values())
    assert summary["links_by_mode"] == {
        m: by_mode.get(m, 0) for m in ("rail", "road", "sea", "air")
    }
    assert summary["links_by_status"] == dict(Counter(r["status"] for r in links.values()))
    corridors = Counter(c for r in links.values() for c in r["corridors"].split(";") if c)
    assert summary["links_by_corridor"] == dict(corridors)


def test_summary_km_by_mode(net: Network, links: dict, places: dict, params: dict) -> None:
    km: Counter[str] = Counter()
    for row in links.values():
        if row["length_km"]:
            km[row["mode"]] += float(row["length_km"])
        else:
            factor = params["modes"][row["mode"]]["detour_factor"]
            km[row["mode"]] += geodesic_m(points(row, places)) * factor / 1000.0
    summary = net.summary()["km_by_mode"]
    for mode in ("rail", "road", "sea", "air"):
        assert summary[mode] == pytest.approx(km[mode], abs=0.5)


def test_copy_is_independent(net: Network) -> None:
    other = net.copy()
    other.graph.nodes["hunchun"]["name"] = "Changed"
    assert net.graph.nodes["hunchun"]["name"] == "Hunchun"


def test_network_is_routable_with_networkx(net: Network) -> None:
    path = nx.shortest_path(net.graph, "changchun", "busan_port", weight="travel_time")
    assert path[0] == "changchun"
    assert path[-1] == "busan_port"
    # every consecutive pair is joined by a link
    assert all(net.graph.has_edge(a, b) for a, b in itertools.pairwise(path))


def test_from_records_builds_nothing_on_error(
    write_tables: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import corridors.network.core

    built: list[str] = []
    real = corridors.network.core.BuiltLinks.build

    def spy(nodes: Any, links: Any, *args: Any) -> Any:
        built.extend(links.column("id").tolist())
        return real(nodes, links, *args)

    monkeypatch.setattr(corridors.network.core.BuiltLinks, "build", spy)
    bad = write_tables(tmp_path, links_rows={"hunchun-hunchun_park-road": {"to": "nowhere"}})
    with pytest.raises(DataError):
        read_network(bad)
    assert built == []  # every link is checked before the first edge is made
    read_network(write_tables(tmp_path / "ok"))
    assert len(built) == 10  # the spy does see a good network being built


def test_links_order_is_stable(write_tables: Any, tmp_path: Path) -> None:
    """Writing a network and reading it back keeps the order of its links."""
    from corridors.io import write_network

    # changchun (an earlier place) joins hunchun in both directions, listed after
    # hunchun's other links: reading the written copy used to reorder hunchun's links
    folder = write_tables(
        tmp_path,
        links_rows={
            "changchun-hunchun-road": None,
            "changchun-hunchun-rail": None,
            "hunchun-changchun-road": {
                "_like": "changchun-hunchun-road",
                "from": "hunchun",
                "to": "changchun",
                "via": "128.0 43.2",
            },
            "changchun-hunchun-rail2": {"_like": "changchun-hunchun-rail"},
        },
    )
    links = folder / "links.csv"
    text = links.read_text(encoding="utf-8")
    links.write_text(text.replace("-rail2,", "-rail,"), encoding="utf-8")
    net = read_network(folder)
    once = read_network(write_network(net, tmp_path / "once"))
    twice = read_network(write_network(once, tmp_path / "twice"))
    assert list(once.links.index) == list(net.links.index) == list(twice.links.index)
