"""corridors.osm on extracts written here with osmium's own writer (.osm.pbf and .osm).

The fixture (see :func:`write_extract`) is a small region cut along the meridian
130.2 E between CN (west) and RU (east), both given as admin_level=2 boundary
relations: a rail line 1435 mm in CN and 1520 mm in RU with stations, a 1524 mm and a
1000 mm branch, a road grid with one-way streets, a loop road hanging off one junction,
a roundabout, a ring road touching nothing, a way clipped at the extract's edge, and
ways no mode uses. Expected values come from the coordinates (haversine written out
here) and from osmnx's own graph of the same file.
"""

from __future__ import annotations

import bz2
import gzip
import itertools
import logging
import math
import random
from pathlib import Path

import networkx as nx
import osmium
import osmnx as ox
import pytest
from osmium.osm.mutable import Node, Relation, Way

import corridors
from corridors import osm
from corridors._errors import DataError
from corridors.io import read_places

BORDER_LON = 130.2
GRID = 6  # junctions per side of the road grid
STEP = 0.05  # degrees between grid junctions
INNER = 3  # nodes between two junctions of a grid way
LON0, LAT0 = 130.01, 42.5
MISSING = 99_000_001  # referenced by the clipped way, not in the file


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """osmnx's great-circle distance (6,371,009 m sphere)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_009 * math.asin(math.sqrt(min(1.0, h)))


class Builder:
    """Collects nodes, ways and relations, then writes them with osmium."""

    def __init__(self) -> None:
        self.nodes: dict[int, tuple[float, float, dict[str, str]]] = {}
        self.ways: list[tuple[int, list[int], dict[str, str]]] = []
        self.relations: list[Relation] = []

    def node(self, lon: float, lat: float, **tags: str) -> int:
        ident = len(self.nodes) + 1
        self.nodes[ident] = (round(lon, 7), round(lat, 7), tags)
        return ident

    def way(self, refs: list[int], **tags: str) -> int:
        ident = 1000 + len(self.ways)
        self.ways.append((ident, refs, tags))
        return ident

    def line(self, points: list[tuple[float, float]]) -> list[int]:
        return [self.node(x, y) for x, y in points]

    def write(self, path: Path, *, skip_ways: set[int] = frozenset()) -> Path:
        writer = osmium.SimpleWriter(str(path), overwrite=True)
        for ident, (lon, lat, tags) in sorted(self.nodes.items()):
            writer.add_node(Node(id=ident, location=(lon, lat), tags=tags))
        for ident, refs, tags in self.ways:
            if ident not in skip_ways:
                writer.add_way(Way(id=ident, nodes=refs, tags=tags))
        for relation in self.relations:
            writer.add_relation(relation)
        writer.close()
        return path


def build(*, boundaries: bool = True) -> tuple[Builder, dict[str, object]]:
    """Return the fixture's builder and the ids the tests look at."""
    b = Builder()
    ids: dict[str, object] = {}
    # ---- country boundaries: a shared border way and each side's outer part
    if boundaries:
        border = b.way(b.line([(BORDER_LON, 42.4), (BORDER_LON, 42.8)]), boundary="administrative")
        west = b.way(
            b.line([(BORDER_LON, 42.8), (129.9, 42.8), (129.9, 42.4), (BORDER_LON, 42.4)]),
            boundary="administrative",
        )
        east = b.way(
            b.line([(BORDER_LON, 42.8), (130.5, 42.8), (130.5, 42.4), (BORDER_LON, 42.4)]),
            boundary="administrative",
        )
        ids["east_boundary"] = east
        # the rings share corner nodes by coordinates only; polygonize joins them
        for rid, code, part in ((1, "CN", west), (2, "RU", east)):
            b.relations.append(
                Relation(
                    id=rid,
                    members=[("w", border, "outer"), ("w", part, "outer")],
                    tags={
                        "type": "boundary",
                        "boundary": "administrative",
                        "admin_level": "2",
                        "ISO3166-1:alpha2": code,
                    },
                )
            )
    # ---- rail: CN station - ... - gauge change - across the border - RU station
    lat = 42.62
    cn = [b.node(130.021, lat, railway="station", name="Westfield")]
    cn += [b.node(130.021 + 0.02 * k, lat) for k in range(1, 9)]  # up to 130.181
    change = cn[-1]
    ru = [change] + [b.node(130.181 + 0.02 * k, lat) for k in range(1, 8)]
    ru.append(b.node(130.341, lat, railway="station", name="Eastport"))
    ru_station = ru[-1]
    ids["rail_cn"] = b.way(cn, railway="rail", usage="main", gauge="1435", name="West Line")
    ids["rail_ru"] = b.way(ru, railway="rail", usage="main", gauge="1520")
    ids["stations"] = (cn[0], ru_station)
    ids["change"] = change
    broad = [ru_station, b.node(130.38, 42.64), b.node(130.40, 42.66)]
    ids["rail_1524"] = b.way(broad, railway="rail", gauge="1524", usage="branch")
    metre = [cn[3], b.node(130.08, 42.64), b.node(130.08, 42.66)]
    ids["rail_1000"] = b.way(metre, railway="rail", gauge="1000", usage="industrial")
    # ---- road grid: full rows and columns, junctions inside the ways
    junction = {
        (i, j): b.node(LON0 + i * STEP, LAT0 + j * STEP) for i in range(GRID) for j in range(GRID)
    }

    def street(cells: list[tuple[int, int]], **tags: str) -> int:
        refs = [junction[cells[0]]]
        for c0, c1 in itertools.pairwise(cells):
            (x0, y0), (x1, y1) = (
                (LON0 + c0[0] * STEP, LAT0 + c0[1] * STEP),
                (LON0 + c1[0] * STEP, LAT0 + c1[1] * STEP),
            )
            for k in range(1, INNER + 1):
                t = k / (INNER + 1)
                refs.append(b.node(x0 + t * (x1 - x0), y0 + t * (y1 - y0) + 0.001 * (k % 2)))
            refs.append(junction[c1])
        return b.way(refs, **tags)

    classes = ["primary", "secondary", "tertiary", "residential"]
    for i in range(GRID):
        tags = {"highway": classes[i % 4]}
        if i == 2:
            tags["oneway"] = "yes"
        if i == 4:
            tags["oneway"] = "-1"
        street([(i, j) for j in range(GRID)], **tags)
        street([(j, i) for j in range(GRID)], highway=classes[(i + 1) % 4], name=f"Row {i}")
    ids["junction"] = junction
    ids["column0"] = b.ways[next(i for i, w in enumerate(b.ways) if w[2].get("highway"))][1]
    # ---- a loop road hanging off one junction, a roundabout, an isolated ring
    hub = junction[(1, 1)]
    x, y = LON0 + STEP, LAT0 + STEP
    loop = [hub, *b.line([(x + 0.01, y + 0.01), (x + 0.02, y), (x + 0.01, y - 0.01)]), hub]
    ids["loop"] = b.way(loop, highway="residential")
    ids["loop_nodes"] = loop
    hub2 = junction[(4, 4)]
    x, y = LON0 + 4 * STEP, LAT0 + 4 * STEP
    ring = [hub2, *b.line([(x + 0.005, y + 0.005), (x + 0.01, y), (x + 0.005, y - 0.005)])]
    ids["roundabout"] = b.way([*ring, hub2], highway="primary", junction="roundabout")
    ids["roundabout_nodes"] = [*ring, hub2]
    iso = b.line([(130.45, 42.45), (130.46, 42.45), (130.46, 42.46), (130.45, 42.46)])
    ids["ring"] = b.way([*iso, iso[0]], highway="service")
    ids["ring_nodes"] = [*iso, iso[0]]
    # ---- clipped at the edge, and ways no mode uses
    edge = junction[(GRID - 1, 0)]
    inside = b.node(LON0 + (GRID - 1) * STEP + 0.01, LAT0)
    ids["clipped"] = b.way([edge, inside, MISSING, MISSING + 1], highway="secondary")
    ids["clipped_inside"] = inside
    b.way([junction[(0, 0)], b.node(129.99, 42.49)], highway="footway")
    b.way([junction[(0, 1)], b.node(129.99, 42.55)], railway="abandoned")
    area = b.line([(130.11, 42.51), (130.12, 42.51), (130.12, 42.52)])
    b.way([*area, area[0]], highway="service", area="yes")
    return b, ids


@pytest.fixture(scope="module")
def fixture(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("osm")
    builder, ids = build()
    ids["builder"] = builder
    ids["pbf"] = builder.write(folder / "region.osm.pbf")
    ids["xml"] = builder.write(folder / "region.osm")
    # osmnx refuses clipped ways ("Some edges missing nodes"): its copy has none
    ids["xml_whole"] = builder.write(folder / "whole.osm", skip_ways={ids["clipped"]})
    return ids


@pytest.fixture(scope="module")
def net(fixture: dict[str, object]) -> corridors.Network:
    return osm.from_osm(fixture["pbf"])


def forward(network: corridors.Network) -> dict[str, dict]:
    """Data-direction edges by link id, with their ends as ``from`` / ``to``."""
    return {
        k: {**d, "from": u, "to": w}
        for u, w, k, d in network.graph.edges(keys=True, data=True)
        if not d["reversed"]
    }


# ---------------------------------------------------------------- reading


def test_pbf_and_xml_give_the_same_network(
    fixture: dict[str, object], net: corridors.Network
) -> None:
    other = osm.from_osm(fixture["xml"])
    assert set(other.graph.nodes) == set(net.graph.nodes)
    assert forward(other).keys() == forward(net).keys()
    for key, data in forward(net).items():
        assert other.graph.edges[data["from"], data["to"], key]["length"] == data["length"]


def test_compressed_and_misnamed_files_are_read(
    fixture: dict[str, object], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    text = Path(fixture["xml"]).read_bytes()
    variants = {
        "a.osm.bz2": bz2.compress(text),
        "b.osm.gz": gzip.compress(text),
        "c.osm": bz2.compress(text),  # bzip2 data named .osm
        "d.osm.bz2": text,  # plain XML named .bz2
        "e.osm": Path(fixture["pbf"]).read_bytes(),  # PBF named .osm
    }
    expected = None
    for name, data in variants.items():
        path = tmp_path / name
        path.write_bytes(data)
        with caplog.at_level(logging.WARNING, logger="corridors.osm.reader"):
            links = sorted(osm.from_osm(path, modes=["road"]).link_ids())
        expected = expected or links
        assert links == expected, name
    assert "c.osm holds osm.bz2 data" in caplog.text
    assert "d.osm.bz2 holds osm data" in caplog.text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.osm.pbf", b"", r"empty\.osm\.pbf: the file is empty"),
        ("cut.osm.pbf", "pbf:200", r"cut\.osm\.pbf: the file ends early \(truncated"),
        ("cut.osm.bz2", "bz2:300", r"cut\.osm\.bz2: .*truncated"),
        ("cut.osm", "xml:400", r"cut\.osm, line \d+: the file ends early \(truncated"),
        ("tiny.osm.bz2", "bz2:20", r"tiny\.osm\.bz2: the bz2 data is truncated or corrupt"),
        ("map.osm", b'{"type": "FeatureCollection"}', r"map\.osm: not an OSM file"),
        ("gpx.osm", b"<gpx><trk/></gpx>", r"gpx\.osm: .*expected an OpenStreetMap extract"),
        ("zip.osm.gz", "gz-pbf", r"zip\.osm\.gz: gz-compressed, but not OSM XML inside"),
        ("folder.osm", None, r"folder\.osm: is a directory"),
        (
            "coord.osm",
            b'<osm version="0.6"><node id="1" lat="x" lon="2"/></osm>',
            r"coord\.osm: cannot be read as OSM \(wrong format for coordinate",
        ),
        (
            "ref.osm",
            b'<osm version="0.6"><way id="1"><nd ref="abc"/></way></osm>',
            r"ref\.osm: cannot be read as OSM \(illegal id",
        ),
        ("nothing.osm.pbf", "absent", r"nothing\.osm\.pbf: file not found"),
    ],
)
def test_bad_files_are_one_line(
    fixture: dict[str, object], tmp_path: Path, name: str, content: object, message: str
) -> None:
    path = tmp_path / name
    pbf, xml = Path(fixture["pbf"]).read_bytes(), Path(fixture["xml"]).read_bytes()
    if content is None:
        path.mkdir()
    elif content == "gz-pbf":
        path.write_bytes(gzip.compress(pbf))
    elif isinstance(content, str) and content != "absent":
        kind, size = content.split(":")
        data = {"pbf": pbf, "bz2": bz2.compress(xml), "xml": xml}[kind]
        path.write_bytes(data[: int(size)])
    elif isinstance(content, bytes):
        path.write_bytes(content)
    with pytest.raises(DataError, match=message) as error:
        osm.from_osm(path, countries="CN")
    assert "\n" not in str(error.value)


# ---------------------------------------------------------------- robust by default


def test_clipped_way_is_cut_and_counted(
    fixture: dict[str, object], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="corridors.osm.build"):
        net = osm.from_osm(fixture["pbf"], modes=["road"])
    assert net.graph.graph["osm_clipped"] == 1
    assert "1 ways cut at the extract's edge" in caplog.text
    inside = f"road_{fixture['clipped_inside']}"
    edge = f"road_{fixture['junction'][(GRID - 1, 0)]}"
    assert net.graph.nodes[inside]["osm_role"] == "end"
    lon0, lat0 = LON0 + (GRID - 1) * STEP, LAT0
    assert nx.shortest_path_length(net.graph, edge, inside, weight="length") == pytest.approx(
        haversine_m(lon0, lat0, lon0 + 0.01, lat0)
    )


def test_loops_and_rings_are_kept_without_self_links(
    fixture: dict[str, object], net: corridors.Network
) -> None:
    graph = net.graph
    assert not any(u == w for u, w in graph.edges())
    for name in ("loop", "roundabout", "ring"):
        refs = fixture[f"{name}_nodes"]
        coords = [fixture["builder"].nodes[r][:2] for r in refs]
        ring_m = sum(haversine_m(*a, *b) for a, b in itertools.pairwise(coords))
        ways = {str(fixture[name])}
        links = [d for d in forward(net).values() if set(d["osmid"].split(";")) == ways]
        assert len(links) == 2, name  # split at the middle node
        assert sum(d["length"] for d in links) == pytest.approx(ring_m), name
        middle = {links[0]["from"], links[0]["to"]} & {links[1]["from"], links[1]["to"]}
        roles = {graph.nodes[n]["osm_role"] for n in middle}
        assert "loop" in roles, name
    roundabout = [d for d in forward(net).values() if d["osmid"] == str(fixture["roundabout"])]
    assert all(d["oneway"] for d in roundabout)


def test_default_simplification_merges_chains(
    fixture: dict[str, object], net: corridors.Network
) -> None:
    nodes = net.graph.nodes
    junction = fixture["junction"]
    row = f"road_{junction[(0, 3)]}", f"road_{junction[(1, 3)]}"
    assert all(n in nodes for n in row)
    assert nodes[row[1]]["osm_role"] == "junction"
    column = fixture["column0"]  # junctions every INNER + 1 nodes
    assert all(f"road_{r}" in nodes for r in column[:: INNER + 1])
    assert not any(f"road_{r}" in nodes for i, r in enumerate(column) if i % (INNER + 1))
    full = osm.from_osm(fixture["pbf"], simplify=False, modes=["road"])
    road_nodes = {n for n in full.graph.nodes if n.startswith("road_")}
    assert len(road_nodes) > 2 * sum(1 for n in nodes if n.startswith("road_"))


# ---------------------------------------------------------------- countries, crossings, gauges


def test_countries_from_the_extract_boundaries(net: corridors.Network) -> None:
    assert net.graph.graph["osm_countries"].startswith("admin_level=2 boundary relations")
    assert "CN, RU" in net.graph.graph["osm_countries"]
    for _, data in net.graph.nodes(data=True):
        if data["kind"] != "border":
            assert data["country"] == ("CN" if data["x"] < BORDER_LON else "RU")
    crossings = [d for _, d in net.graph.nodes(data=True) if d["kind"] == "border"]
    assert crossings
    assert all(d["x"] == pytest.approx(BORDER_LON, abs=1e-7) for d in crossings)
    rows = [d for d in crossings if d["modes"] == "road"]
    assert len(rows) == GRID  # every east-west street crosses once


def test_an_open_boundary_is_not_used(
    fixture: dict[str, object], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = fixture["builder"].write(
        tmp_path / "cut.osm.pbf", skip_ways={fixture["east_boundary"]}
    )  # RU's ring no longer closes
    with caplog.at_level(logging.WARNING, logger="corridors.osm.countries"):
        net = osm.from_osm(path, countries="RU", modes=["road"])
    assert "boundary relation of RU in the extract has no closed ring" in caplog.text
    basis = net.graph.graph["osm_countries"]
    assert (
        basis
        == "admin_level=2 boundary relations in the extract (CN); nodes outside them: ISO code RU"
    )
    for _, data in net.graph.nodes(data=True):
        if data["kind"] != "border":
            assert data["country"] == ("CN" if data["x"] < BORDER_LON else "RU")


def test_countries_without_boundaries_come_from_the_user(tmp_path: Path) -> None:
    builder, _ = build(boundaries=False)
    path = builder.write(tmp_path / "plain.osm.pbf")
    net = osm.from_osm(path, countries="RU", modes=["road"])
    assert net.graph.graph["osm_countries"] == "ISO code RU"
    assert {d["country"] for _, d in net.graph.nodes(data=True)} == {"RU"}
    with pytest.raises(DataError, match="holds no admin_level=2 boundary"):
        osm.from_osm(path)


def test_user_crossing_names_one_crossing_only(fixture: dict[str, object], tmp_path: Path) -> None:
    header = (
        (Path(__file__).parents[1] / "data" / "gtr" / "places.csv")
        .read_text(encoding="utf-8")
        .splitlines()[0]
    )
    columns = header.split(",")
    row = dict.fromkeys(columns, "")
    lat = LAT0 + 2 * STEP + 0.002  # near the crossing of Row 2, 11 km from Rows 1 and 3
    row.update(
        id="test_gate",
        name="Test Gate",
        kind="border",
        country="CN",
        lon=str(BORDER_LON),
        lat=str(lat),
        modes="road",
        status="existing",
        countries="CN-RU",
        dwell_road_h="7",
        source="test",
    )
    path = tmp_path / "places.csv"
    path.write_text(header + "\n" + ",".join(row[c] for c in columns) + "\n", encoding="utf-8")
    net = osm.from_osm(fixture["pbf"], modes=["road"], places=read_places(path), snap_km=20)
    crossings = {n: d for n, d in net.graph.nodes(data=True) if d.get("osm_role") == "crossing"}
    named = [d for d in crossings.values() if d.get("place_ref") == "test_gate"]
    assert len(named) == 1
    assert named[0]["y"] == pytest.approx(LAT0 + 2 * STEP, abs=2e-3)
    assert named[0]["dwell_road_h"] == 7
    others = [d for d in crossings.values() if "place_ref" not in d]
    assert len(others) == GRID - 1
    assert all("on OSM way" in d["name"] for d in others)


def test_gauges_kept_and_reported(fixture: dict[str, object], net: corridors.Network) -> None:
    assert net.graph.graph["osm_gauges"] == {"1435": 1, "1520": 1, "1524": 1, "1000": 1}
    links = forward(net)
    by_way = {d["osmid"]: d for d in links.values() if d["mode"] == "rail"}
    assert by_way[str(fixture["rail_1524"])]["gauge_mm"] == "1520"
    metre = by_way[str(fixture["rail_1000"])]
    assert (metre["gauge"], metre["gauge_mm"]) == ("1000", "1435+1520")
    assert "not modelled" in metre["notes"]
    crossing = next(
        d
        for _, d in net.graph.nodes(data=True)
        if d.get("modes") == "rail" and d["kind"] == "border"
    )
    assert crossing["gauge_break"] is True
    change = net.graph.nodes[f"rail_{fixture['change']}"]
    assert change["osm_role"] == "change"  # 1435 -> 1520 tag change, still in CN


# ---------------------------------------------------------------- osmnx cross-check


@pytest.mark.parametrize("mode", ["rail", "road"])
def test_route_lengths_equal_osmnx_on_random_pairs(fixture: dict[str, object], mode: str) -> None:
    raw = osm.load_graph(fixture["xml_whole"])
    ours = osm.from_osm(fixture["xml_whole"], modes=[mode])
    tag = "railway" if mode == "rail" else "highway"
    usable = {"rail"} if mode == "rail" else set(osm.ROAD_SPEED_KPH)
    sub = raw.edge_subgraph(
        [
            (u, w, k)
            for u, w, k, d in raw.edges(keys=True, data=True)
            if d.get(tag) in usable and d.get("area") != "yes"
        ]
    )
    nodes = sorted(
        int(n.split("_")[1]) for n, d in ours.graph.nodes(data=True) if d["osm_role"] != "crossing"
    )
    rng = random.Random(16)
    pairs = [tuple(rng.sample(nodes, 2)) for _ in range(100)]
    reachable = 0
    for a, b in pairs:
        try:
            expected = nx.shortest_path_length(sub, a, b, weight="length")
        except nx.NetworkXNoPath:
            assert not nx.has_path(ours.graph, f"{mode}_{a}", f"{mode}_{b}")
            continue
        found = nx.shortest_path_length(ours.graph, f"{mode}_{a}", f"{mode}_{b}", weight="length")
        assert found == pytest.approx(expected, rel=1e-9)
        reachable += 1
    assert reachable >= 50
    path = ox.routing.shortest_path(sub, *pairs[0], weight="length")
    assert path is None or path[0] == pairs[0][0]
