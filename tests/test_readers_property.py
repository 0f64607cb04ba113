"""Every reader builds the same network: random networks through CSV, GeoPackage, GraphML
and records, with routes and OD matrices checked against the networkx reference.

The reference (:func:`reference.reference_graph`) is built from the original network,
so a reader that dropped, changed or mistyped any value the engine uses would show.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference import plain, random_networks, reference_graph, reference_od, validate_route

import corridors
from corridors.io import read_network, write_geopackage, write_graphml, write_network
from corridors.network import Network
from corridors.routing import od_matrix, route
from corridors.schema import LINK_COLUMNS, PLACE_COLUMNS, Record


def _records(frame: pd.DataFrame, columns: dict, what: str) -> list[Record]:
    rows = []
    for ident, row in frame.iterrows():
        values = {c: plain(row[c]) for c in columns if c != "id"}
        values = {k: x for k, x in values.items() if x is not None and x != []}
        rows.append(Record(f"{what} {ident}", {"id": ident, **values}))
    return rows


def via_records(net: Network, folder: Path) -> Network:
    places = _records(net.places, PLACE_COLUMNS, "place")
    links = _records(net.links, LINK_COLUMNS, "link")
    return Network.from_records(places, links, net.params, corridors=net.corridors)


def via_csv(net: Network, folder: Path) -> Network:
    return read_network(write_network(net, folder / "tables"))


def via_geopackage(net: Network, folder: Path) -> Network:
    return read_network(write_geopackage(net, folder / "net.gpkg"))


def via_graphml(net: Network, folder: Path) -> Network:
    return read_network(write_graphml(net, folder / "net.graphml"))


READERS: dict[str, Callable[[Network, Path], Network]] = {
    "records": via_records,
    "csv": via_csv,
    "geopackage": via_geopackage,
    "graphml": via_graphml,
}


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    net=random_networks(),
    weight=st.sampled_from(["time", "distance", "cost", "generalized"]),
    data=st.data(),
)
def test_every_reader_gives_the_reference_routes_and_od(net, weight, data):
    places = sorted(net.graph.nodes)
    expected = reference_od(reference_graph(net, weight), places, places)
    a, b = data.draw(st.sampled_from(places)), data.draw(st.sampled_from(places))
    with tempfile.TemporaryDirectory() as tmp:
        for name, read in READERS.items():
            back = read(net, Path(tmp) / name)
            got = od_matrix(back, places, places, weight=weight)
            pd.testing.assert_frame_equal(
                got, expected, check_names=False, rtol=1e-9, atol=1e-9, obj=name
            )
            if a == b:
                continue
            if np.isnan(expected.loc[a, b]):
                with pytest.raises(corridors.NoRouteError):
                    route(back, a, b, weight=weight)
                continue
            found = route(back, a, b, weight=weight)
            validate_route(back, found)
            total = {
                "time": found.time_h,
                "distance": found.distance_km,
                "cost": found.cost_usd_teu,
                "generalized": found.generalized_usd_teu,
            }[weight]
            assert total == pytest.approx(expected.loc[a, b], rel=1e-9), name
