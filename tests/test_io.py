"""Reading and writing networks: round trips, osmnx interop, bad input, atomic writes.

Each bad-input test changes one thing in a copy of the tiny fixture and checks that
the error names the file, the line, the record, the field and what was expected.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import osmnx as ox
import pandas as pd
import pyproj
import pytest
from geopandas.testing import assert_geodataframe_equal

from corridors import DataError, io
from corridors.io import (
    atomic_path,
    read_network,
    read_params,
    write_geopackage,
    write_graphml,
    write_network,
)
from corridors.network import Network

WriteTables = Callable[..., Path]
LineOf = Callable[[Path, str], int]


def problem(path: Path, line: int | str, record: str, *parts: str) -> str:
    """Regex for one problem: ``{path}, line N (... "record"): ... part ... part``."""
    where = f"line {line}" if isinstance(line, int) else line
    pattern = rf'{re.escape(str(path))}, {re.escape(where)} \(\w+ "{re.escape(record)}"\): '
    return pattern + "".join(".*" + re.escape(p) for p in parts)


@pytest.fixture
def net(tiny_dir: Path) -> Network:
    return read_network(tiny_dir)


# ---------------------------------------------------------------- round trips


def assert_networks_equal(a: Network, b: Network) -> None:
    for table in ("places", "links"):
        left, right = getattr(a, table), getattr(b, table)
        assert list(left.columns) == list(right.columns)
        assert list(left.index) == list(right.index)
        assert dict(left.dtypes) == dict(right.dtypes), table
        assert_geodataframe_equal(left, right, check_less_precise=False)
    assert a.params == b.params
    assert a.params.to_dict() == b.params.to_dict()
    assert (a.corridors is None) == (b.corridors is None)
    if a.corridors is not None:
        pd.testing.assert_frame_equal(a.corridors, b.corridors)
    assert sorted(a.graph.edges(keys=True)) == sorted(b.graph.edges(keys=True))
    for u, w, key, data in a.graph.edges(keys=True, data=True):
        other = b.graph.edges[u, w, key]
        assert other["geometry"].equals_exact(data["geometry"], 0.0)
        for attr in ("length", "travel_time", "speed_kph", "cost_usd_teu", "reversed"):
            assert other[attr] == data[attr], (u, w, key, attr)


def test_geopackage_round_trip(net: Network, tmp_path: Path) -> None:
    path = write_geopackage(net, tmp_path / "tiny.gpkg")
    assert path.exists()
    back = read_network(path)
    assert_networks_equal(net, back)
    assert back.name == net.name


def test_geopackage_opens_as_layers(net: Network, tmp_path: Path) -> None:
    path = write_geopackage(net, tmp_path / "tiny.gpkg")
    places = gpd.read_file(path, layer="places")
    links = gpd.read_file(path, layer="links")
    assert len(places) == len(net.places)
    assert len(links) == len(net.links)
    assert set(places.geom_type) == {"Point"}
    assert set(links.geom_type) == {"LineString"}
    assert places.crs == "EPSG:4326"


def test_graphml_round_trip(net: Network, tmp_path: Path) -> None:
    path = write_graphml(net, tmp_path / "tiny.graphml")
    back = read_network(path)
    assert_networks_equal(net, back)
    assert back.name == net.name


def test_csv_folder_round_trip(net: Network, tmp_path: Path) -> None:
    folder = write_network(net, tmp_path / "copy")
    assert {p.name for p in folder.iterdir()} == {
        "places.csv",
        "links.csv",
        "corridors.csv",
        "params.toml",
    }
    back = read_network(folder)
    assert_networks_equal(net, back)
    # and the written params.toml is plain TOML
    assert tomllib.loads((folder / "params.toml").read_text(encoding="utf-8"))["modes"]


def test_csv_round_trip_keeps_text_with_commas_and_accents(
    write_tables: WriteTables, tmp_path: Path
) -> None:
    folder = write_tables(
        tmp_path,
        places_rows={"busan_port": {"notes": 'quay "A", north; Pusan — 부산', "name": "Busán"}},
    )
    net = read_network(folder)
    back = read_network(write_network(net, tmp_path / "copy"))
    assert back.places.loc["busan_port", "notes"] == 'quay "A", north; Pusan — 부산'
    assert back.places.loc["busan_port", "name"] == "Busán"
    assert_networks_equal(net, back)


def test_geojson_tables(net: Network, tiny_dir: Path, tmp_path: Path) -> None:
    """Places and links as GeoJSON (geometry instead of lon/lat/via) read the same."""
    folder = tmp_path / "geo"
    folder.mkdir()
    places = net.places.reset_index().drop(columns=["lon", "lat"])
    links = net.links.reset_index().drop(columns=["via", "time_h"])
    places.to_file(folder / "places.geojson", driver="GeoJSON")
    links.to_file(folder / "links.geojson", driver="GeoJSON")
    for name in ("params.toml", "corridors.csv"):
        (folder / name).write_bytes((tiny_dir / name).read_bytes())
    back = read_network(folder)
    assert sorted(back.link_ids()) == sorted(net.link_ids())
    for link_id in net.link_ids():
        assert back.links.loc[link_id, "length_km"] == pytest.approx(
            net.links.loc[link_id, "length_km"]
        )
        assert back.links.loc[link_id, "geometry"].equals(net.links.loc[link_id, "geometry"])


def test_read_params_round_trip(net: Network) -> None:
    assert io.params_from_dict(net.params.to_dict()) == net.params


# ---------------------------------------------------------------- osmnx interop


def test_osmnx_graph_to_gdfs(net: Network) -> None:
    nodes, edges = ox.graph_to_gdfs(net.graph)
    assert len(nodes) == net.graph.number_of_nodes()
    assert len(edges) == net.graph.number_of_edges()
    assert edges.index.names == ["u", "v", "key"]
    assert {"length", "travel_time", "speed_kph", "mode", "geometry"} <= set(edges.columns)
    assert nodes.crs == "EPSG:4326"
    rebuilt = ox.graph_from_gdfs(nodes, edges)
    assert sorted(rebuilt.edges(keys=True)) == sorted(net.graph.edges(keys=True))


def test_osmnx_shortest_path(net: Network) -> None:
    # osmnx treats a str as an iterable of ids, so string node ids go in lists
    (path,) = ox.routing.shortest_path(
        net.graph, ["changchun"], ["busan_port"], weight="travel_time"
    )
    assert path[0] == "changchun"
    assert path[-1] == "busan_port"
    expected = nx.shortest_path_length(
        net.graph, "changchun", "busan_port", weight=_min_travel_time
    )
    cost = sum(
        min(d["travel_time"] for d in net.graph.get_edge_data(a, b).values())
        for a, b in itertools.pairwise(path)
    )
    assert cost == pytest.approx(expected)
    gdf = ox.routing.route_to_gdf(net.graph, path, weight="travel_time")
    assert gdf["travel_time"].sum() == pytest.approx(expected)


def _min_travel_time(u: str, v: str, data: dict[str, dict[str, Any]]) -> float:
    return min(d["travel_time"] for d in data.values())


# ---------------------------------------------------------------- bad input: places


def test_missing_id(write_tables: WriteTables, tmp_path: Path, line_of: LineOf) -> None:
    folder = write_tables(tmp_path, places_rows={"hunchun_park": {"id": ""}})
    path = folder / "places.csv"
    line = line_of(path, "")
    with pytest.raises(DataError, match=problem(path, line, "Hunchun Park", "id", "expected")):
        read_network(folder)


def test_duplicate_id(write_tables: WriteTables, tmp_path: Path, line_of: LineOf) -> None:
    folder = write_tables(tmp_path, places_rows={"hunchun2": {"_like": "hunchun"}})
    path = folder / "places.csv"
    text = path.read_text(encoding="utf-8").replace("hunchun2,", "hunchun,")
    path.write_text(text, encoding="utf-8")
    last = len(text.splitlines())
    first = line_of(path, "hunchun")
    with pytest.raises(
        DataError, match=problem(path, last, "hunchun", "id = 'hunchun'", f"first at line {first}")
    ):
        read_network(folder)


def test_unknown_kind_suggests(write_tables: WriteTables, tmp_path: Path, line_of: LineOf) -> None:
    folder = write_tables(tmp_path, places_rows={"hunchun_park": {"kind": "prk"}})
    path = folder / "places.csv"
    with pytest.raises(
        DataError,
        match=problem(
            path,
            line_of(path, "hunchun_park"),
            "hunchun_park",
            "kind = 'prk'",
            "did you mean park",
        ),
    ):
        read_network(folder)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("lon", "nan", "expected a finite number"),
        ("lat", "NaN", "expected a finite number"),
        ("lon", "inf", "expected a finite number"),
        ("lon", "200", "longitude in decimal degrees between -180 and 180"),
        ("lat", "-95.5", "latitude in decimal degrees between -90 and 90"),
        ("lon", "130,5", "expected a number"),
        ("lat", "north", "expected a number"),
        ("lat", "", "expected a number"),
    ],
)
def test_bad_coordinates(
    write_tables: WriteTables,
    tmp_path: Path,
    line_of: LineOf,
    field: str,
    value: str,
    expected: str,
) -> None:
    folder = write_tables(tmp_path, places_rows={"zarubino_port": {field: value}})
    path = folder / "places.csv"
    line = line_of(path, "zarubino_port")
    shown = f"{field} = {value!r}" if value else f"{field} is blank"
    with pytest.raises(DataError, match=problem(path, line, "zarubino_port", shown, expected)):
        read_network(folder)


def test_unknown_country(write_tables: WriteTables, tmp_path: Path, line_of: LineOf) -> None:
    folder = write_tables(tmp_path, places_rows={"hunchun_park": {"country": "XX"}})
    path = folder / "places.csv"
    with pytest.raises(
        DataError,
        match=problem(
            path, line_of(path, "hunchun_park"), "hunchun_park", "country = 'XX'", "ISO 3166-1"
        ),
    ):
        read_network(folder)


def test_border_without_countries(
    write_tables: WriteTables, tmp_path: Path, line_of: LineOf
) -> None:
    folder = write_tables(tmp_path, places_rows={"kraskino_border": {"countries": ""}})
    path = folder / "places.csv"
    line = line_of(path, "kraskino_border")
    with pytest.raises(
        DataError, match=problem(path, line, "kraskino_border", "countries is blank", "CN-RU")
    ):
        read_network(folder)


def test_border_country_not_among_countries(
    write_tables: WriteTables, tmp_path: Path, line_of: LineOf
) -> None:
    folder = write_tables(tmp_path, places_rows={"kraskino_border": {"country": "KR"}})
    path = folder / "places.csv"
    line = line_of(path, "kraskino_border")
    with pytest.raises(
        DataError,
        match=problem(path, line, "kraskino_border", "country = 'KR'", "countries = 'CN-RU'"),
    ):
        read_network(folder)


def test_duplicate_place_names(write_tables: WriteTables, tmp_path: Path, line_of: LineOf) -> None:
    # names are compared case- and accent-insensitively
    folder = write_tables(tmp_path, places_rows={"hunchun_park": {"name": "HÚNCHUN"}})
    path = folder / "places.csv"
    line = line_of(path, "hunchun_park")
    with pytest.raises(
        DataError, match=problem(path, line, "hunchun_park", "name = 'HÚNCHUN'", "'hunchun'")
    ):
        read_network(folder)


def test_alt_name_taken_by_another_place(
    write_tables: WriteTables, tmp_path: Path, line_of: LineOf
) -> None:
    folder = write_tables(tmp_path, places_rows={"vladivostok_port": {"alt_names": "Pusan"}})
    path = folder / "places.csv"
    line = line_of(path, "busan_port")  # the later of the two rows
    with pytest.raises(DataError, match=problem(path, line, "busan_port", "alt_names = 'Pusan'")):
        read_network(folder)


def test_sea_port_must_serve_sea(
    write_tables: WriteTables, tmp_path: Path, line_of: LineOf
) -> None:
    folder = write_tables(
        tmp_path,
        places_rows={"busan_port": {"modes": "road"}},
        links_rows={"zarubino_port-busan_port-sea": None, "vladivostok_port-busan_port-sea": None},
    )
    path = folder / "places.csv"
    line = line_of(path, "busan_port")
    with pytest.raises(
        DataError, match=problem(path, line, "busan_port", "modes = 'road'", "port_type = river")
    ):
        read_network(folder)


def test_river_port_needs_no_sea(write_tables: WriteTables, tmp_path: Path) -> None:
    folder = write_tables(
        tmp_path,
        places_rows={"busan_port": {"modes": "road", "port_type": "river"}},
        links_rows={"zarubino_port-busan_port-sea": None, "vladivostok_port-busan_port-sea": None},
    )
    assert read_network(folder).places.loc["busan_port", "port_type"] == "river"


def test_unknown_column_suggests(write_tables: WriteTables, tmp_path: Path) -> None:
    folder = write_tables(tmp_path, rename={"places.csv": {"regime": "regme"}})
    path = folder / "places.csv"
    pattern = re.escape(f"{path}, line 1 (header): unknown column 'regme'; did you mean regime?")
    with pytest.raises(DataError, match=pattern):
        read_network(folder)


def test_missing_required_column(write_tables: WriteTables, tmp_path: Path) -> None:
    folder = write_tables(tmp_path, drop={"places.csv": ["kind"]})
    path = folder / "places.csv"
    with pytest.raises(
        DataError, match=re.escape(f"{path}, line 1 (header): required column 'kind' is missing")
    ) as info:
        read_network(folder)
    assert len(info.value.problems) == 1  # not once more for every row


def test_misspelt_required_column(write_tables: WriteTables, tmp_path: Path) -> None:
    folder = write_tables(tmp_path, rename={"links.csv": {"mode": "mdoe"}})
    with pytest.raises(DataError, match="required column 'mode' is missing; rename column 'mdoe'"):
        read_network(folder)


def test_byte_order_mark_is_accepted(tiny_dir: Path, tmp_path: Path) -> None:
    """Spreadsheets save CSV with a BOM; the first column is still `id`."""
    folder = tmp_path / "bom"
    folder.mkdir()
    for file in tiny_dir.iterdir():
        data = file.read_bytes()
        (folder / file.name).write_bytes(b"\xef\xbb\xbf" + data if file.suffix == ".csv" else data)
    assert len(read_network(folder).places) == len(read_network(tiny_dir).places)


def test_line_numbers_count_blank_lines_and_multiline_cells(
    write_tables: WriteTables, tmp_path: Path
) -> None:
    folder = write_tables(
        tmp_path,
        places_rows={"changchun": {"notes": "two\nlines"}, "hunchun_park": {"kind": "prk"}},
    )
    path = folder / "places.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    park = next(i for i, x in enumerate(lines) if x.startswith("hunchun_park,"))
    lines[park:park] = ["", ""]  # blank lines just before the bad row
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=problem(path, park + 3, "hunchun_park", "kind = 'prk'")):
        read_network(folder)


# ---------------------------------------------------------------- bad input: links


def test_link_to_unknown_place_suggests(
    write_tables: WriteTables, tmp_path: Path, line_of: LineOf
) -> None:
    link = "hunchun-hunchun_park-road"
    folder = write_tables(tmp_path, links_rows={link: {"to": "hunchun_prk"}})
    path = folder / "links.csv"
    with pytest.raises(
        DataError,
        match=problem(
            path, line_of(path, link), link, "to = 'hunchun_prk'", "did you mean hunchun_park"
        ),
    ):
        read_network(folder)


def test_unknown_mode(write_tables: WriteTables, tmp_path: Path, line_of: LineOf) -> None:
    link = "hunchun-hunchun_park-road"
    folder = write_tables(tmp_path, links_rows={link: {"mode": "truck"}})
    path = folder / "links.csv"
    with pytest.raises(
        DataError,
        match=problem(
            path,
            line_of(path, link),
            link,
            "mode = 'truck'",
            "expected one of rail, road, sea, air",
        ),
    ):
        read_network(folder)


@pytest.mark.parametrize("value", ["0", "-3", "0.0"])
def test_non_positive_length(
    write_tables: WriteTables, tmp_path: Path, line_of: LineOf, value: str
) -> None:
    link = "hunchun-hunchun_park-road"
    folder = write_tables(tmp_path, links_rows={link: {"length_km": value}})
    path = folder / "links.csv"
    with pytest.raises(
        DataError,
        match=problem(
            path, line_of(path, link), link, f"length_km = '{value}'", "positive number (km)"
        ),
    ):
        read_network(folder)


@pytest.mark.parametrize("value", ["0", "-60", "fast"])
def test_bad_speed(write_tables: WriteTables, tmp_path: Path, line_of: LineOf, value: str) -> None:
    link = "hunchun-hunchun_park-road"
    folder = write_tables(tmp_path, links_rows={link: {"speed_kph": value}})
    path = folder / "links.csv"
    with pytest.raises(
        DataError,
        match=problem(path, line_of(path, link), link, f"speed_kph = '{value}'", "(km/h)"),
    ):
        read_network(folder)


def test_land_link_across_border_without_crossing(
    write_tables: WriteTables, tmp_path: Path, line_of: LineOf
) -> None:
    link = "hunchun-zarubino_port-road"
    folder = write_tables(
        tmp_path,
        links_rows={link: {"_like": "hunchun-kraskino_border-road", "to": "zarubino_port"}},
    )
    path = folder / "links.csv"
    with pytest.raises(
        DataError,
        match=problem(
            path, line_of(path, link), link, "joins CN (hunchun) and RU (zarubino_port)", "border"
        ),
    ):
        read_network(folder)


def test_rail_gauge_foreign_to_country(
    write_tables: WriteTables, tmp_path: Path, line_of: LineOf
) -> None:
    link = "hunchun-kraskino_border-rail"
    folder = write_tables(tmp_path, links_rows={link: {"gauge_mm": "1520"}})
    path = folder / "links.csv"
    with pytest.raises(
        DataError,
        match=problem(
            path, line_of(path, link), link, "gauge_mm = 1520", "'hunchun' is in CN", "1435 mm"
        ),
    ):
        read_network(folder)


def test_dual_gauge_is_accepted(write_tables: WriteTables, tmp_path: Path) -> None:
    link = "hunchun-kraskino_border-rail"
    folder = write_tables(tmp_path, links_rows={link: {"gauge_mm": "1520+1435"}})
    assert read_network(folder).links.loc[link, "gauge_mm"] == "1435+1520"


def test_mode_not_served_by_end(
    write_tables: WriteTables, tmp_path: Path, line_of: LineOf
) -> None:
    link = "hunchun-hunchun_park-road"
    folder = write_tables(tmp_path, links_rows={link: {"mode": "rail", "gauge_mm": "1435"}})
    path = folder / "links.csv"
    with pytest.raises(
        DataError,
        match=problem(
            path,
            line_of(path, link),
            link,
            "mode = 'rail'",
            "'hunchun_park' serves only 'road'",
            "add rail to its modes",
        ),
    ):
        read_network(folder)


def test_sourced_length_shorter_than_straight_line(
    write_tables: WriteTables, tmp_path: Path, line_of: LineOf
) -> None:
    link = "changchun-hunchun-rail"
    folder = write_tables(tmp_path, links_rows={link: {"length_km": "100"}})
    straight_km = pyproj.Geod(ellps="WGS84").inv(125.32, 43.88, 130.36, 42.87)[2] / 1000.0
    path = folder / "links.csv"
    with pytest.raises(
        DataError,
        match=problem(
            path, line_of(path, link), link, "length_km = 100", f"{straight_km:.1f} km straight"
        ),
    ):
        read_network(folder)


def test_unknown_corridor_suggests(
    write_tables: WriteTables, tmp_path: Path, line_of: LineOf
) -> None:
    link = "hunchun-hunchun_park-road"
    folder = write_tables(tmp_path, links_rows={link: {"corridors": "Test corridr"}})
    path = folder / "links.csv"
    with pytest.raises(
        DataError,
        match=problem(path, line_of(path, link), link, "'Test corridr'", "Test corridor"),
    ):
        read_network(folder)


def test_several_problems_in_one_error(
    write_tables: WriteTables, tmp_path: Path, line_of: LineOf
) -> None:
    folder = write_tables(
        tmp_path,
        places_rows={"hunchun_park": {"lon": "abc", "lat": "100"}, "changchun": {"kind": "x"}},
    )
    path = folder / "places.csv"
    with pytest.raises(DataError, match="3 problems found") as info:
        read_network(folder)
    message = str(info.value)
    assert len(info.value.problems) == 3
    park, city = line_of(path, "hunchun_park"), line_of(path, "changchun")
    for line, record, field in (
        (park, "hunchun_park", "lon"),
        (park, "hunchun_park", "lat"),
        (city, "changchun", "kind"),
    ):
        assert re.search(problem(path, line, record, f"{field} = "), message)


def test_problems_in_links_are_all_listed(write_tables: WriteTables, tmp_path: Path) -> None:
    folder = write_tables(
        tmp_path,
        links_rows={
            "hunchun-hunchun_park-road": {"to": "nowhere"},
            "hunchun-kraskino_border-rail": {"gauge_mm": "1520"},
        },
    )
    with pytest.raises(DataError, match="2 problems found") as info:
        read_network(folder)
    assert all(str(folder / "links.csv") in p for p in info.value.problems)


# ---------------------------------------------------------------- bad input: params.toml


def _toml_line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines.index(text) + 1


def test_params_unknown_key_suggests(write_tables: WriteTables, tmp_path: Path) -> None:
    folder = write_tables(
        tmp_path, params=lambda t: t.replace("detour_factor = 1.3", "detour_facor = 1.3")
    )
    path = folder / "params.toml"
    line = _toml_line_of(path, "detour_facor = 1.3")
    with pytest.raises(
        DataError,
        match=re.escape(f"{path}, line {line} ([modes.road] detour_facor): unknown key")
        + ".*did you mean detour_factor",
    ):
        read_network(folder)


def test_params_negative_speed(write_tables: WriteTables, tmp_path: Path) -> None:
    folder = write_tables(tmp_path, params=lambda t: t.replace("CN = 60.0", "CN = -60.0"))
    path = folder / "params.toml"
    line = _toml_line_of(path, "CN = -60.0")
    with pytest.raises(
        DataError,
        match=re.escape(f"{path}, line {line} ([modes.road.speed_kph_by_country] CN)")
        + ".*positive number",
    ):
        read_params(path)


def test_params_negative_default_speed(write_tables: WriteTables, tmp_path: Path) -> None:
    folder = write_tables(
        tmp_path, params=lambda t: t.replace("speed_kph = 25.0", "speed_kph = -25.0")
    )
    path = folder / "params.toml"
    line = _toml_line_of(path, "speed_kph = -25.0")
    with pytest.raises(
        DataError,
        match=re.escape(f"{path}, line {line} ([modes.sea] speed_kph): speed_kph = -25.0")
        + ".*positive",
    ):
        read_params(path)


def test_params_missing_mode_table(write_tables: WriteTables, tmp_path: Path) -> None:
    def drop_air(text: str) -> str:
        start = text.index("[modes.air]")
        return text[:start] + text[text.index("[transfer.port]") :]

    folder = write_tables(tmp_path, params=drop_air)
    path = folder / "params.toml"
    with pytest.raises(
        DataError, match=re.escape(f"{path}, [modes.air]: table [modes.air] is missing")
    ) as info:
        read_params(path)
    assert len(info.value.problems) == 1


def test_params_unknown_section(write_tables: WriteTables, tmp_path: Path) -> None:
    folder = write_tables(tmp_path, params=lambda t: t + "\n[boarder]\nfee_usd = 1.0\n")
    path = folder / "params.toml"
    line = _toml_line_of(path, "[boarder]")
    with pytest.raises(
        DataError,
        match=re.escape(f"{path}, line {line} ([boarder]): unknown section") + ".*border",
    ):
        read_params(path)


def test_params_invalid_toml(write_tables: WriteTables, tmp_path: Path) -> None:
    folder = write_tables(tmp_path, params=lambda t: t + "\n[broken\n")
    path = folder / "params.toml"
    line = len(path.read_text(encoding="utf-8").splitlines())
    with pytest.raises(DataError, match=re.escape(f"{path}: not valid TOML") + f".*line {line}"):
        read_network(folder)


# ---------------------------------------------------------------- missing files


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=re.escape(str(tmp_path / "nope")) + ".*not found"):
        read_network(tmp_path / "nope")


def test_missing_links_table(write_tables: WriteTables, tmp_path: Path) -> None:
    folder = write_tables(tmp_path)
    (folder / "links.csv").unlink()
    with pytest.raises(
        DataError, match=re.escape("no links table found; expected one of links.csv")
    ):
        read_network(folder)


def test_graphml_not_written_by_corridors(net: Network, tmp_path: Path) -> None:
    path = tmp_path / "plain.graphml"
    ox.save_graphml(net.graph, path)
    with pytest.raises(DataError, match=re.escape(str(path)) + ".*write_graphml"):
        read_network(path)


# ---------------------------------------------------------------- atomic writes


def test_atomic_path_keeps_old_file_on_error(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")

    def write_then_fail() -> None:
        with atomic_path(target) as temp:
            temp.write_text("half", encoding="utf-8")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        write_then_fail()
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_geopackage_write_failure_leaves_old_file(
    net: Network, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = write_geopackage(net, tmp_path / "tiny.gpkg")
    before = target.read_bytes()
    real = gpd.GeoDataFrame.to_file

    def failing(self: gpd.GeoDataFrame, filename: Any, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("layer") == "links":
            raise OSError("disk full")
        real(self, filename, *args, **kwargs)

    monkeypatch.setattr(gpd.GeoDataFrame, "to_file", failing)
    with pytest.raises(OSError, match="disk full"):
        write_geopackage(net, target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["tiny.gpkg"]


def test_graphml_write_failure_leaves_no_file(
    net: Network, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(graph: Any, filepath: Path, **kwargs: Any) -> None:
        Path(filepath).write_text("<graphml", encoding="utf-8")  # half written
        raise OSError("disk full")

    monkeypatch.setattr(ox, "save_graphml", failing)
    with pytest.raises(OSError, match="disk full"):
        write_graphml(net, tmp_path / "tiny.graphml")
    assert list(tmp_path.iterdir()) == []


def test_write_network_failure_keeps_old_table(
    net: Network, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_network(net, tmp_path / "copy")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    real = pd.DataFrame.to_csv

    def failing(self: pd.DataFrame, path: Any = None, *args: Any, **kwargs: Any) -> Any:
        if path is not None and "links" in Path(path).name:
            Path(path).write_text("partial", encoding="utf-8")
            raise OSError("disk full")
        return real(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", failing)
    with pytest.raises(OSError, match="disk full"):
        write_network(net, folder)
    after = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert after["links.csv"] == before["links.csv"]
    assert set(after) == set(before)  # no temporary file left


def test_write_network_replaces_no_table_when_one_fails(tiny_dir, tmp_path, monkeypatch):
    import corridors.io.networks as cio

    net = read_network(tiny_dir)
    out = tmp_path / "net"
    write_network(net, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    net.graph.nodes["hunchun"]["name"] = "Hunchun City"
    net.touch()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(cio, "_to_toml", broken)  # params.toml is written last
    with pytest.raises(OSError, match="disk full"):
        write_network(net, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
