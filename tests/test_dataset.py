"""Sanity of the built-in Greater Tumen network against geography and its own rules."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import shapely
from pyproj import Geod

import corridors
from corridors import basemap
from corridors.routing import od_matrix, route

GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def net() -> corridors.Network:
    return corridors.load_gtr()


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2] / 1000


def test_counts_meet_the_brief(net):
    kinds = net.places["kind"].value_counts()
    assert kinds["park"] >= 25
    assert kinds["port"] >= 20
    assert kinds["border"] >= 20
    assert kinds["airport"] >= 8
    assert set(net.links["mode"]) == {"rail", "road", "sea", "air"}


def test_every_row_has_a_source(net):
    assert net.places["source"].str.strip().str.len().gt(0).all()
    assert net.links["source"].str.strip().str.len().gt(0).all()


def test_existing_network_is_connected(net):
    g = nx.Graph()
    existing = net.places.index[net.places["status"] == "existing"]
    g.add_nodes_from(existing)
    links = net.links[net.links["status"] == "existing"]
    g.add_edges_from(zip(links["from"], links["to"], strict=True))
    assert nx.is_connected(g), [sorted(c) for c in nx.connected_components(g)][1:]


def test_border_crossings_join_two_countries(net):
    borders = net.places[net.places["kind"] == "border"]
    for place, row in borders.iterrows():
        a, b = row["countries"].split("-")
        assert a != b
        neighbours = set(net.links.loc[net.links["from"] == place, "to"]) | set(
            net.links.loc[net.links["to"] == place, "from"]
        )
        sides = {net.places.loc[n, "country"] for n in neighbours}
        assert {a, b} <= sides, (place, sides)


def test_link_lengths_are_plausible(net):
    places = net.places
    for link, row in net.links.iterrows():
        a = (places.loc[row["from"], "lon"], places.loc[row["from"], "lat"])
        b = (places.loc[row["to"], "lon"], places.loc[row["to"], "lat"])
        straight = great_circle_km(a, b)
        assert row["length_km"] >= straight - 5.0, (link, row["length_km"], straight)
        if row["mode"] in ("rail", "road") and row["length_basis"] == "computed":
            assert row["length_km"] <= 2.5 * straight + 10.0, (link, row["length_km"], straight)


def test_places_lie_on_land_or_at_the_coast(net):
    # within ~10 km of land: ports sit on the coastline
    points = [shapely.Point(p.x, p.y).buffer(0.1) for p in net.places.geometry]
    on_land = basemap.on_land(points)
    assert on_land.all(), list(net.places.index[~on_land])


def test_sea_lanes_stay_off_land(net):
    # GSHHS 'i' has every rock; lanes may pass between islets under ~10 km2 (0.001 deg2)
    land = basemap.land()
    land = land[shapely.area(land.geometry.values) >= 0.001]
    sea = net.links[net.links["mode"] == "sea"]
    places = net.places
    bad = []
    for link, row in sea.iterrows():
        ends = [places.loc[row["from"], "geometry"], places.loc[row["to"], "geometry"]]
        # 15 km around each port, in degrees of latitude / longitude at that latitude
        harbours = shapely.union_all([shapely.Point(p.x, p.y).buffer(0.15) for p in ends])
        open_water = row["geometry"].difference(harbours)
        if not open_water.is_empty and land.intersects(open_water).any():
            bad.append(link)
    assert not bad, bad


def test_land_links_run_over_land(net):
    land = net.links[net.links["mode"].isin(["rail", "road"])]
    for link, row in land.iterrows():
        line = row["geometry"]
        points = [line.interpolate(f, normalized=True) for f in np.linspace(0, 1, 21)]
        share = basemap.on_land([p.buffer(0.05) for p in points]).mean()
        assert share >= 0.9, (link, share)


def test_known_geography(net):
    # Hunchun to Zarubino by road is about 71 km (panpacificagency.com, 2020-01-13)
    r = route(net, "Hunchun", "Zarubino", modes=["road"], weight="distance")
    assert 55 <= r.distance_km <= 110
    # Harbin to Vladivostok by rail crosses a 1435/1520 mm break
    rail = route(net, "Harbin", "Vladivostok", modes=["rail"])
    assert rail.legs["gauge_change_h"].sum() > 0
    assert any(net.places.loc[c, "countries"] == "CN-RU" for c in rail.crossings)


def test_every_park_reaches_a_port(net):
    od = od_matrix(net, "park", "port", weight="generalized", include_planned=True)
    assert od.notna().any(axis=1).all(), list(od.index[od.isna().all(axis=1)])
