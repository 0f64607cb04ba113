"""corridors.osm on the hand-made extract tests/data/osm/border.osm (see its header).

Expected values come from the extract's coordinates and tags and from the speed
table written out below (not from corridors.osm's own tables), and shortest paths are
checked against osmnx's ``shortest_path`` on osmnx's own graph of the same file.
"""

from __future__ import annotations

import bz2
import itertools
import math
from pathlib import Path

import networkx as nx
import osmnx as ox
import pytest
import requests
from click.testing import CliRunner

import corridors
from corridors import osm
from corridors._errors import CorridorsError, DataError
from corridors.cli.osm import import_osm, merge
from corridors.io import read_places, write_geopackage

OSM_DIR = Path(__file__).parent / "data" / "osm"
EXTRACT = OSM_DIR / "border.osm"
COUNTRIES = OSM_DIR / "countries.geojson"
PLACES = Path(__file__).parents[1] / "data" / "gtr" / "places.csv"

#: Freight speeds (km/h) the module docs promise, worked out by hand per way:
#: 101 rail main 1435 -> 60; 102 rail main 1520 -> 60; 103 industrial -> 25;
#: 104 siding, dual gauge -> 15 x 0.75; 201 primary capped by maxspeed 40 -> 40;
#: 202 primary -> 60; 203 secondary -> 50; 204 tertiary -> 40; 205 residential -> 25.
EXPECTED_SPEED_KPH = {
    "101": 60.0,
    "102": 60.0,
    "103": 25.0,
    "104": 11.25,
    "201": 40.0,
    "202": 60.0,
    "203": 50.0,
    "204": 40.0,
    "205": 25.0,
}


def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance on a 6371.0088 km sphere (osmnx's formula)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def net() -> corridors.Network:
    """The extract with the test country polygons and the built-in places."""
    return osm.from_osm(EXTRACT, countries=COUNTRIES, places=PLACES)


@pytest.fixture(scope="module")
def bare() -> corridors.Network:
    """The extract alone (no places)."""
    return osm.from_osm(EXTRACT, countries=COUNTRIES)


@pytest.fixture(scope="module")
def raw() -> nx.MultiDiGraph:
    """osmnx's own unsimplified graph of the extract."""
    return osm.load_graph(EXTRACT)


def forward_links(network: corridors.Network) -> dict[str, dict]:
    return {k: d for _, _, k, d in network.graph.edges(keys=True, data=True) if not d["reversed"]}


# ---------------------------------------------------------------- reading and tags


def test_tags_kept_and_settings_restored(bare: corridors.Network) -> None:
    before = list(ox.settings.useful_tags_way)
    osm.load_graph(EXTRACT)
    assert ox.settings.useful_tags_way == before
    links = forward_links(bare)
    main = links["rail_1-rail_3-rail"]
    assert (main["railway"], main["usage"], main["gauge"], main["name"]) == (
        "rail",
        "main",
        "1435",
        "Tumen-Hunchun Railway",
    )
    assert links["rail_11-rail_7-rail"]["service"] == "siding"
    assert links["rail_7-rail_8-rail"]["ref"] == "HM"
    g302 = links["road_21-road_22-road"]
    assert (g302["highway"], g302["maxspeed"], g302["ref"]) == ("primary", "40", "G302")
    nodes = bare.graph.nodes
    assert nodes["rail_1"]["railway"] == "station"
    assert nodes["road_23"]["name"] == "Jingxin"
    assert all(
        d["source"].startswith("OpenStreetMap contributors (ODbL), border.osm")
        for d in links.values()
    )


def test_modes_are_separate_layers(bare: corridors.Network) -> None:
    modes = {n: d["modes"] for n, d in bare.graph.nodes(data=True)}
    assert set(modes.values()) == {"rail", "road"}
    assert all(n.startswith(f"{m}_") for n, m in modes.items())
    assert bare.graph.graph["osm_skipped"] == {"railway=narrow_gauge": 1, "highway=footway": 1}


def test_speeds_follow_the_documented_table(bare: corridors.Network) -> None:
    for key, data in forward_links(bare).items():
        way = data["osmid"]
        assert data["speed_kph"] == pytest.approx(EXPECTED_SPEED_KPH[way]), key
        assert data["travel_time"] == pytest.approx(
            data["length"] / 1000 / data["speed_kph"] * 3600
        )


def test_speed_functions() -> None:
    assert osm.rail_speed_kph(usage="branch") == 45.0
    assert osm.rail_speed_kph(usage="main", maxspeed="30 mph") == pytest.approx(30 * 1.609344)
    assert osm.road_speed_kph("motorway", maxspeed="none") == 80.0


def test_simplification_keeps_stations_named_junctions_and_gauge_changes(
    bare: corridors.Network,
) -> None:
    nodes = bare.graph.nodes
    kept = {
        "rail_1": "station",
        "rail_7": "station",
        "rail_3": "junction",
        "rail_5": "change",  # gauge change 1435 -> 1520
        "road_23": "named",
        "road_26": "named",
        "road_21": "named",
    }
    for node, role in kept.items():
        assert nodes[node]["osm_role"] == role, node
    assert nodes["rail_1"]["kind"] == "terminal"
    assert nodes["road_23"]["kind"] == "city"
    for gone in ("rail_2", "rail_4", "rail_6", "rail_10", "road_2", "road_24", "road_27"):
        assert gone not in nodes
    full = osm.from_osm(EXTRACT, countries=COUNTRIES, simplify=False)
    assert {"rail_2", "rail_4", "road_2", "road_24"} <= set(full.graph.nodes)


def test_gauges(bare: corridors.Network) -> None:
    links = forward_links(bare)
    assert links["rail_1-rail_3-rail"]["gauge_mm"] == "1435"
    assert links["rail_3-rail_9-rail"]["gauge_mm"] == "1435"  # untagged: CN gauge
    assert links["rail_7-rail_8-rail"]["gauge_mm"] == "1520"
    assert links["rail_11-rail_7-rail"]["gauge_mm"] == "1435+1520"  # gauge=1435;1520
    cn_side = links["rail_5-rail_x_5_6-rail"]
    assert (cn_side["gauge"], cn_side["gauge_mm"]) == ("1520", "1435+1520")
    assert "foreign" in cn_side["notes"]


def test_untagged_gauge_takes_the_country_gauge(tmp_path: Path) -> None:
    text = EXTRACT.read_text(encoding="utf-8").replace('<tag k="gauge" v="1520"/>', "")
    path = tmp_path / "untagged.osm"
    path.write_text(text, encoding="utf-8")
    links = forward_links(osm.from_osm(path, countries=COUNTRIES, modes=["rail"]))
    assert links["rail_3-rail_x_5_6-rail"]["gauge_mm"] == "1435"  # node 5 no longer a change
    assert links["rail_7-rail_x_5_6-rail"]["gauge_mm"] == "1520"


# ---------------------------------------------------------------- borders


def test_border_inserted_where_ways_cross(bare: corridors.Network, raw: nx.MultiDiGraph) -> None:
    nodes = bare.graph.nodes
    for node, mode, (a, b) in (("rail_x_5_6", "rail", (5, 6)), ("road_x_24_25", "road", (24, 25))):
        data = nodes[node]
        assert (data["kind"], data["countries"], data["modes"]) == ("border", "CN-RU", mode)
        assert data["x"] == pytest.approx(130.6, abs=1e-6)  # the polygons meet at 130.6 E
        assert len(bare.graph.out_edges(node)) == 2, (mode, a, b)
    assert nodes["rail_x_5_6"]["gauge_break"] is True
    assert nodes["road_x_24_25"]["gauge_break"] is False
    # split lengths: 5 -> x plus x -> 6 equals osmnx's 5 -> 6
    five_x = bare.graph.edges["rail_5", "rail_x_5_6", "rail_5-rail_x_5_6-rail"]["length"]
    x_six = nx.shortest_path_length(bare.graph, "rail_x_5_6", "rail_7", weight="length")
    six_seven = raw.edges[6, 7, 0]["length"]
    assert five_x + x_six - six_seven == pytest.approx(raw.edges[5, 6, 0]["length"])
    # every land link joins one country, or a crossing and one of its countries
    for u, w, _ in bare.graph.edges(keys=True):
        a, b = nodes[u], nodes[w]
        sides_a = set(a.get("countries", a["country"]).split("-"))
        sides_b = set(b.get("countries", b["country"]).split("-"))
        assert sides_a & sides_b


def test_crossing_takes_the_nearby_border_place(net: corridors.Network) -> None:
    crossing = net.graph.nodes["road_x_24_25"]
    assert crossing["place_ref"] == "hunchun_kraskino"
    assert crossing["name"] == "Hunchun-Kraskino (road, OSM)"
    assert net.graph.nodes["rail_x_5_6"]["place_ref"] == "hunchun_makhalino"


def test_countries_from_nearest_places() -> None:
    net = osm.from_osm(EXTRACT, places=PLACES)  # no polygons: nearest place's country
    nodes = net.graph.nodes
    assert nodes["rail_1"]["country"] == "CN"
    assert nodes["road_28"]["country"] == "RU"
    crossings = [n for n, d in nodes(data=True) if d.get("osm_role") == "crossing"]
    assert {nodes[n]["countries"] for n in crossings} == {"CN-RU"}
    corridors.route(net, "hunchun", "zarubino_port", modes=["road"])  # routes across


def test_countries_needed() -> None:
    with pytest.raises(DataError, match="countries="):
        osm.from_osm(EXTRACT)
    with pytest.raises(DataError, match=r"countries.geojson.*'country' column"):
        osm.from_osm(EXTRACT, countries=OSM_DIR / "missing" / "countries.geojson")


# ---------------------------------------------------------------- routing


def test_oneway_road(bare: corridors.Network) -> None:
    graph = bare.graph
    assert graph.has_edge("road_22", "road_29")
    assert not graph.has_edge("road_29", "road_22")
    assert graph.has_edge("road_29", "road_21")
    assert graph.has_edge("road_21", "road_29")


@pytest.mark.parametrize("mode", ["rail", "road"])
def test_shortest_paths_equal_osmnx(
    bare: corridors.Network, raw: nx.MultiDiGraph, mode: str
) -> None:
    tag = "railway" if mode == "rail" else "highway"
    usable = {"rail"} if mode == "rail" else {"primary", "secondary", "tertiary", "residential"}
    sub = raw.edge_subgraph(
        [(u, w, k) for u, w, k, d in raw.edges(keys=True, data=True) if d.get(tag) in usable]
    )
    osm_ids = [
        int(n.split("_")[1])
        for n, d in bare.graph.nodes(data=True)
        if d["modes"] == mode and d["osm_role"] != "crossing"
    ]
    checked = 0
    for a, b in itertools.permutations(osm_ids, 2):
        path = ox.routing.shortest_path(sub, a, b, weight="length")
        ours = f"{mode}_{a}", f"{mode}_{b}"
        if path is None:
            assert not nx.has_path(bare.graph, *ours)
            continue
        expected = sum(
            min(d["length"] for d in sub[u][w].values()) for u, w in itertools.pairwise(path)
        )
        assert nx.shortest_path_length(bare.graph, *ours, weight="length") == pytest.approx(
            expected
        )
        checked += 1
    assert checked >= 20


# ---------------------------------------------------------------- snapping


def test_snap_report(net: corridors.Network) -> None:
    report = net.graph.graph["snap_report"].set_index(["place", "mode"])
    hunchun = report.loc[("hunchun", "rail")]
    assert (hunchun["status"], hunchun["node"]) == ("snapped", "rail_1")
    assert hunchun["distance_km"] == pytest.approx(0.0, abs=1e-6)
    road = report.loc[("hunchun", "road")]
    assert road["node"] == "road_21"
    assert road["distance_km"] == pytest.approx(
        haversine_km(130.366, 42.863, 130.36, 42.87), rel=0.01
    )
    far = report.loc[("yanji", "road")]
    assert far["status"] == "too_far"
    assert far["distance_km"] == pytest.approx(
        haversine_km(129.51, 42.89, 130.36, 42.87), rel=0.01
    )
    assert "snap_km = 5 km" in far["reason"]
    assert report.loc[("rajin_port", "road"), "status"] == "no_node"  # nothing in KP
    # a snapped place is in the network with its access link; an unsnapped one is not
    assert net.graph.has_edge("hunchun", "rail_1")
    assert "yanji" not in net.graph
    # OSM names that clash with places' names get the node id appended
    assert net.graph.nodes["road_26"]["name"] == "Kraskino (OSM node road_26)"


def test_snap_limit(bare: corridors.Network) -> None:
    places = [r for r in read_places(PLACES) if r.values["id"] in {"hunchun_icdz", "hunchun"}]
    _, near = osm.snap_places(bare, places, snap_km=5.0)
    _, tight = osm.snap_places(bare, places, snap_km=0.5)
    icdz = near.set_index(["place", "mode"]).loc[("hunchun_icdz", "road")]
    assert icdz["status"] == "snapped"
    assert 0.5 < icdz["distance_km"] < 5.0
    assert tight.set_index(["place", "mode"]).loc[("hunchun_icdz", "road"), "status"] == "too_far"
    with pytest.raises(DataError, match="snap_km"):
        osm.snap_places(bare, places, snap_km=0)


# ---------------------------------------------------------------- merge


def test_merge_routes_from_detailed_park_to_busan(bare: corridors.Network) -> None:
    base = corridors.load_gtr()
    merged = osm.merge(base, bare)
    assert set(base.graph.nodes) < set(merged.graph.nodes)
    assert "hunchun-hunchun_kraskino-road" not in merged.link_ids()  # inside: replaced
    assert "kraskino-zarubino_port-road" in merged.link_ids()  # leaves the region: kept
    sea = {k for k in base.link_ids() if base.links.loc[k, "mode"] == "sea"}
    assert sea <= set(merged.link_ids())
    found = corridors.route(merged, "hunchun_icdz", "busan_port")
    assert found.places[1].startswith("road_")  # leaves the park on the OSM roads
    assert found.places[-1] == "busan_port"
    by_road = corridors.route(merged, "hunchun_icdz", "zarubino_port", modes=["road"])
    assert by_road.crossings == ["road_x_24_25"]


def test_merge_region_box(bare: corridors.Network) -> None:
    merged = osm.merge(corridors.load_gtr(), bare, region=(130.2, 42.5, 131.2, 43.0))
    report = merged.graph.graph["snap_report"]
    assert "hunchun_becz" in set(report["place"])  # inside the box, outside the hull


# ---------------------------------------------------------------- files and errors


def test_bz2_file(tmp_path: Path) -> None:
    path = tmp_path / "border.osm.bz2"
    path.write_bytes(bz2.compress(EXTRACT.read_bytes()))
    assert osm.from_osm(path, countries=COUNTRIES).graph.number_of_nodes() == 15


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"nope\.osm: file not found.*online=True"):
        osm.from_osm(tmp_path / "nope.osm", countries="CN")
    pbf = tmp_path / "area.osm.pbf"
    pbf.write_bytes(b"\x00")
    with pytest.raises(DataError, match=r"area\.osm\.pbf: not an OSM file"):
        osm.from_osm(pbf, countries="CN")
    bad = tmp_path / "bad.osm"
    bad.write_text('<osm version="0.6">\n<node id="1" lat="1" lon="2">\n</osm>\n')
    with pytest.raises(DataError, match=r"bad\.osm, line 3: not valid OSM XML"):
        osm.from_osm(bad, countries="CN")
    empty = tmp_path / "paths.osm"
    text = EXTRACT.read_text(encoding="utf-8")
    empty.write_text(text.replace('v="rail"', 'v="abandoned"').replace('k="highway"', 'k="x"'))
    with pytest.raises(
        DataError, match=r"paths\.osm: no rail or road ways found.*railway=abandoned"
    ):
        osm.from_osm(empty, countries="CN")
    with pytest.raises(DataError, match="modes = 'sea'"):
        osm.from_osm(EXTRACT, countries="CN", modes=["sea"])


def test_online_only_when_asked() -> None:
    with pytest.raises(CorridorsError, match=r"needs network access; pass online=True"):
        osm.from_osm((130.3, 42.6, 131.1, 42.9), countries="CN")


def test_online_fails_fast_with_a_helpful_error(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    seen = []

    def offline(self, request, **kwargs):
        calls.append(request.url)
        # what makes it fail fast: no rate-limit pause, no DNS-over-HTTPS, a short timeout
        seen.append((ox.settings.overpass_rate_limit, ox.settings.doh_url_template,
                     kwargs.get("timeout")))  # fmt: skip
        raise requests.ConnectionError("network is unreachable (test)")

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", offline)
    settings = (ox.settings.requests_timeout, ox.settings.overpass_rate_limit)
    with pytest.raises(osm.OSMFetchError, match=r"could not fetch .*use a local file"):
        osm.from_osm((130.3, 42.6, 131.1, 42.9), countries="CN", online=True)
    assert calls  # it did try (through the patched adapter only)
    assert all(limit is False and doh is None and timeout <= 10 for limit, doh, timeout in seen)
    assert all("8.8.8.8" not in url for url in calls)  # no DNS-over-HTTPS detour
    assert (ox.settings.requests_timeout, ox.settings.overpass_rate_limit) == settings
    with pytest.raises(osm.OSMFetchError, match="place 'Hunchun, China'"):
        osm.from_osm("Hunchun, China", countries="CN", online=True)


# ---------------------------------------------------------------- CLI


def test_cli_import_osm(tmp_path: Path) -> None:
    out, report = tmp_path / "net.gpkg", tmp_path / "snap.csv"
    args = [str(EXTRACT), "--places", str(PLACES), "--countries", str(COUNTRIES)]
    result = CliRunner().invoke(import_osm, [*args, "-o", str(out), "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert "snapped 9" in result.output
    back = corridors.read_network(out)
    assert back.graph.number_of_nodes() == 23
    assert "rail_1-rail_3-rail" in back.link_ids()
    assert report.read_text().startswith("place,name,mode,status")


def test_cli_error_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        import_osm, [str(tmp_path / "x.osm"), "-o", str(tmp_path / "n.gpkg")]
    )
    assert result.exit_code == 1
    assert "x.osm: file not found" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "n.gpkg").exists()


# ---------------------------------------------------------------- lossless GeoPackage, CLI merge


def _same_networks(a: corridors.Network, b: corridors.Network) -> None:
    """Assert two networks have the same places and links, every attribute equal."""
    assert dict(a.graph.nodes(data=True)) == dict(b.graph.nodes(data=True))
    edges_a = {(u, w, k): d for u, w, k, d in a.graph.edges(keys=True, data=True)}
    edges_b = {(u, w, k): d for u, w, k, d in b.graph.edges(keys=True, data=True)}
    assert edges_a.keys() == edges_b.keys()
    for key, data in edges_a.items():
        other = edges_b[key]
        assert data["geometry"].equals_exact(other["geometry"], 0), key
        assert {k: x for k, x in data.items() if k != "geometry"} == {
            k: x for k, x in other.items() if k != "geometry"
        }, key


def test_geopackage_keeps_every_tag(net: corridors.Network, tmp_path: Path) -> None:
    path = write_geopackage(net, tmp_path / "osm.gpkg")
    back = corridors.read_network(path)
    _same_networks(net, back)
    main = forward_links(back)["rail_1-rail_3-rail"]
    assert (main["railway"], main["usage"], main["gauge"], main["osmid"]) == (
        "rail",
        "main",
        "1435",
        "101",
    )
    assert back.graph.nodes["rail_1"]["osm_role"] == "station"


def test_merge_of_a_saved_import_equals_the_in_memory_merge(
    bare: corridors.Network, tmp_path: Path
) -> None:
    base = corridors.load_gtr()
    back = corridors.read_network(write_geopackage(bare, tmp_path / "osm.gpkg"))
    _same_networks(osm.merge(base, bare), osm.merge(base, back))


def test_cli_merge(tmp_path: Path) -> None:
    detailed, out = tmp_path / "osm.gpkg", tmp_path / "merged.gpkg"
    args = [str(EXTRACT), "--countries", str(COUNTRIES), "-o", str(detailed)]
    result = CliRunner().invoke(import_osm, args)
    assert result.exit_code == 0, result.output
    assert "countries from the polygons of" in result.output
    assert "ways left out: railway=narrow_gauge (1), highway=footway (1)" in result.output
    result = CliRunner().invoke(merge, ["gtr", str(detailed), "-o", str(out)])
    assert result.exit_code == 0, result.output
    merged = corridors.read_network(out)
    _same_networks(merged, osm.merge(corridors.load_gtr(), corridors.read_network(detailed)))
    by_road = corridors.route(merged, "hunchun_icdz", "zarubino_port", modes=["road"])
    assert by_road.crossings == ["road_x_24_25"]
    bad = CliRunner().invoke(merge, ["gtr", str(detailed), "-o", str(out), "--region", "1,2"])
    assert bad.exit_code == 1
    assert "--region '1,2'; expected W,S,E,N" in bad.output
