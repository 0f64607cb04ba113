"""Freight semantics (issue 12): surface modes by default, lexicographic ties, port calls
at both ends, transshipment, sailings, ro-ro, gauge-change fees, seasons, the sea-port
rule and isolated islands.

Small networks are checked by hand and against the networkx reference of
tests/reference.py (lexicographic); the built-in network against the regression cases
that a freight planner raised.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from reference import (
    hand_network,
    random_networks,
    reference_graph,
    reference_lexicographic,
)

import corridors
from corridors.costs import (
    BorderParams,
    ModeParams,
    Parameters,
    PortParams,
    RoroParams,
    TransferParams,
)
from corridors.io import Record
from corridors.network import Network
from corridors.reach import sea_ports
from corridors.resilience import close_borders, impact
from corridors.routing import alternatives, od_matrix, route

SURFACE = {"rail", "road", "sea"}


# ---------------------------------------------------------------- a small port network


def port_network(links: dict[str, dict] | None = None, **params_changes) -> Network:
    """Ports P, H (a hub), Q and R on one coast; city A behind P (all in one country).

    A -road 100 km- P ~sea 500 km~ H ~sea 500 km~ Q, P ~sea 1500 km~ Q (thin lane),
    H ~sea 250 km~ R. Road 100 km/h, sea 25 km/h; port calls 10 h / 100 USD, hub
    transshipment 5 h / 40 USD, ro-ro 2 h / 30 USD per end.
    """
    params = Parameters(
        value_of_time_usd_teu_h=1.0,
        modes={
            m: ModeParams(s, c, 1.0, {}, "test")
            for m, s, c in (
                ("rail", 50.0, 0.5),
                ("road", 100.0, 1.0),
                ("sea", 25.0, 0.1),
                ("air", 500.0, 10.0),
            )
        },
        transfer={"port": TransferParams(3.0, 30.0), "city": TransferParams(2.0, 20.0)},
        border=BorderParams(24.0, 6.0, 24.0, 200.0),
        ports={"sea": PortParams(10.0, 100.0, 5.0, 40.0, "test")},
        roro=RoroParams(2.0, 30.0, "test"),
    )
    params = params.replace(**params_changes)
    places = [
        ("a", "A", "city", "CN", 120.0, 40.0, "road;air"),
        ("p", "P", "port", "CN", 121.0, 40.0, "road;sea;air"),
        ("h", "H", "port", "CN", 125.0, 40.0, "road;sea"),
        ("q", "Q", "port", "CN", 129.0, 40.0, "road;sea;air"),
        ("r", "R", "port", "CN", 127.0, 41.0, "road;sea"),
    ]
    place_rows = [
        Record(i, {"id": i, "name": n, "kind": k, "country": c, "lon": x, "lat": y,
                   "modes": m, "source": "test"})
        for i, n, k, c, x, y, m in places
    ]  # fmt: skip
    base = {
        "a-p-road": {"from": "a", "to": "p", "mode": "road", "length_km": 100.0},
        "p-h-sea": {"from": "p", "to": "h", "mode": "sea", "length_km": 500.0},
        "h-q-sea": {"from": "h", "to": "q", "mode": "sea", "length_km": 500.0},
        "p-q-sea": {"from": "p", "to": "q", "mode": "sea", "length_km": 1500.0},
        "h-r-sea": {"from": "h", "to": "r", "mode": "sea", "length_km": 250.0},
        "a-q-air": {"from": "a", "to": "q", "mode": "air", "length_km": 1500.0},
    }
    for key, change in (links or {}).items():
        if change is None:
            base.pop(key)
        else:
            base[key] = {**base.get(key, {}), **change}
    link_rows = [Record(k, {"id": k, "source": "test", **v}) for k, v in base.items()]
    return Network.from_records(place_rows, link_rows, params)


def test_port_handling_is_charged_at_loading_and_at_discharge():
    r = route(port_network(), "A", "H", weight="time")
    # road 1 h + loading at P 10 h + sea 20 h + discharge at H 10 h
    assert r.time_h == pytest.approx(1 + 10 + 20 + 10)
    assert list(r.legs["kind"]) == ["link", "loading", "link", "discharge"]
    assert r.cost_usd_teu == pytest.approx(100 + 100 + 50 + 100)
    # a trip that starts at the port by sea pays loading there too
    assert route(port_network(), "P", "H").time_h == pytest.approx(10 + 20 + 10)


def test_sea_to_sea_through_a_hub_pays_transshipment():
    r = route(port_network(links={"p-q-sea": None}), "P", "Q", weight="time")
    assert r.places == ["p", "h", "q"]
    assert list(r.legs["kind"]) == ["loading", "link", "transshipment", "link", "discharge"]
    assert r.time_h == pytest.approx(10 + 20 + 5 + 20 + 10)
    assert r.cost_usd_teu == pytest.approx(100 + 50 + 40 + 50 + 100)


def test_thin_lane_pays_half_its_headway():
    # direct lane 60 h at sea; via the hub 20 + 5 + 20 = 45 h; weekly direct sailings
    # add 84 h of expected wait, daily hub sailings 12 h per leg
    direct = port_network()
    assert route(direct, "P", "Q").places == ["p", "h", "q"]
    thin = port_network(
        links={
            "p-q-sea": {"length_km": 1000.0, "sailings_per_week": 1.0},
            "p-h-sea": {"sailings_per_week": 7.0},
            "h-q-sea": {"sailings_per_week": 7.0},
        }
    )
    r = route(thin, "P", "Q")
    assert r.places == ["p", "h", "q"]
    assert r.time_h == pytest.approx(10 + (20 + 12) + 5 + (20 + 12) + 10)
    frequent = port_network(
        links={
            "p-q-sea": {"length_km": 1000.0, "sailings_per_week": 14.0},
            "p-h-sea": {"sailings_per_week": 7.0},
            "h-q-sea": {"sailings_per_week": 7.0},
        }
    )
    r = route(frequent, "P", "Q")
    assert r.places == ["p", "q"]
    assert r.time_h == pytest.approx(10 + 40 + 6 + 10)


def test_roro_link_costs_hours_of_handling_not_port_dwell():
    net = port_network(links={"p-q-sea": {"sea_service": "roro"}})
    r = route(net, "A", "Q", weight="time")
    assert r.places == ["a", "p", "q"]
    # road 1 h; ro-ro 60 h sea + 2 h roll-on + 2 h roll-off; no port call
    assert r.time_h == pytest.approx(1 + 60 + 4)
    assert r.cost_usd_teu == pytest.approx(100 + 150 + 60)
    assert set(r.legs["kind"]) == {"link"}


def test_default_modes_are_surface_and_air_only_when_named():
    net = port_network()
    r = route(net, "A", "Q", weight="time")
    assert set(r.modes) <= SURFACE
    assert r.cargo == "surface freight"
    air = route(net, "A", "Q", weight="time", modes=["road", "air"])
    assert "air" in air.modes
    assert air.cargo == "air cargo"
    assert air.summary()["cargo"] == "air cargo"
    od = od_matrix(net, ["a"], ["q"])
    assert od.attrs["modes"] == "rail, road, sea"
    assert od_matrix(net, ["a"], ["q"], modes=["road", "air"]).attrs["modes"] == "road, air"


def test_air_with_a_teu_only_analysis_is_one_clear_error():
    with pytest.raises(corridors.DataError, match=r"land_modes.*air"):
        corridors.hinterlands(port_network(), land_modes=["road", "air"])


def test_seasonal_link_only_when_its_season_is_asked():
    net = port_network(links={"a-h-road": {"from": "a", "to": "h", "mode": "road",
                                           "length_km": 450.0, "season": "summer"}})  # fmt: skip
    assert route(net, "A", "H").places == ["a", "p", "h"]
    assert route(net, "A", "H", season="summer").places == ["a", "h"]
    assert route(net, "A", "H", season="winter").places == ["a", "p", "h"]
    with pytest.raises(corridors.DataError, match=r"season.*sumer.*summer"):
        route(net, "A", "H", season="sumer")


def test_sea_port_rule_follows_the_usable_lanes():
    net = port_network()
    assert sea_ports(net) == ["h", "p", "q", "r"]
    # R's only lane closed: R is no sea port under these restrictions
    assert "r" not in sea_ports(net, closed_links=["h-r-sea"])
    suspended = port_network(links={"h-r-sea": {"status": "suspended"}})
    assert "r" not in sea_ports(suspended)
    assert "r" in sea_ports(suspended, include_suspended=True)
    assert "r" not in corridors.hinterlands(suspended, places=["a"]).ports.index
    # without sea in the modes there is no sea port at all
    assert sea_ports(net, modes=["road"]) == []


def _gauge_net(**border) -> Network:
    return hand_network(b=border)


def test_gauge_change_costs_money_too():
    params = hand_network().params
    priced = params.replace(border=BorderParams(24.0, 6.0, 24.0, 200.0, "test", 300.0))
    net = hand_network()
    net.set_params(priced)
    r = route(net, "A", "C", weight="time", modes=["rail"])
    border = r.legs[r.legs["kind"] == "border"].iloc[0]
    assert border["cost_usd_teu"] == pytest.approx(200 + 300)
    # the crossing's own value overrides the parameter
    net = hand_network(b={"gauge_change_fee_usd": 50.0})
    net.set_params(priced)
    r = route(net, "A", "C", weight="time", modes=["rail"])
    assert r.legs.loc[r.legs["kind"] == "border", "cost_usd_teu"].iloc[0] == pytest.approx(250)


def test_distance_ties_are_broken_by_time():
    # two parallel sea lanes of equal length, one with weekly sailings: by distance
    # the tie goes to the faster one
    net = port_network(
        links={
            "p-h-sea-2": {
                "from": "p",
                "to": "h",
                "mode": "sea",
                "length_km": 500.0,
                "sailings_per_week": 1.0,
            }
        }
    )
    r = route(net, "P", "H", weight="distance")
    assert r.links == ["p-h-sea"]
    assert r.time_h == pytest.approx(40)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(net=random_networks())
def test_routes_are_lexicographic_optima(net):
    for weight in ("distance", "time", "cost", "generalized"):
        ref = reference_lexicographic(net, weight)
        parks = net.select("park") or net.select("city")[:3]
        for orig in parks[:3]:
            for dest in sea_ports(net):
                if orig == dest:
                    continue
                expected = ref(orig, dest)
                if expected is None:
                    with pytest.raises(corridors.NoRouteError):
                        route(net, orig, dest, weight=weight)
                    continue
                r = route(net, orig, dest, weight=weight)
                second = {"distance": "time", "cost": "time", "time": "cost"}
                second_value = {
                    "time": r.time_h,
                    "cost": r.cost_usd_teu,
                }[second.get(weight, "cost")]
                assert r.total == pytest.approx(expected[0], rel=1e-7, abs=1e-7)
                assert second_value == pytest.approx(expected[1], rel=1e-6, abs=1e-6)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(net=random_networks())
def test_od_matrix_matches_the_reference_with_port_calls(net):
    ports = sea_ports(net)
    ref = reference_graph(net, "time")
    from reference import reference_od

    expected = reference_od(ref, net.select("city")[:4], ports)
    got = od_matrix(net, net.select("city")[:4], ports)
    pd.testing.assert_frame_equal(
        got.sort_index(axis=1), expected.sort_index(axis=1), check_names=False, atol=1e-6
    )


# ---------------------------------------------------------------- the built-in network


@pytest.fixture(scope="module")
def gtr() -> Network:
    return corridors.load_gtr()


def test_hunchun_ningbo_by_time_is_a_surface_route(gtr):
    r = route(gtr, "Hunchun", "Ningbo", weight="time")
    assert set(r.modes) <= SURFACE
    assert r.cargo == "surface freight"
    # Ningbo has had land links since issue 13: a ~3,600 km truck haul (~61 h) is faster
    # than any sea route (two port calls and the wait for a sailing); the cheapest
    # route goes by sea, and it is the slower one
    cheapest = route(gtr, "Hunchun", "Ningbo", weight="cost")
    assert "sea" in cheapest.modes
    assert set(cheapest.modes) <= SURFACE
    assert r.time_h <= cheapest.time_h
    assert cheapest.cost_usd_teu <= r.cost_usd_teu


def test_harbin_busan_alternatives_carry_no_air(gtr):
    for r in alternatives(gtr, "Harbin", "Busan", k=3):
        assert "air" not in r.modes


def test_no_distance_route_ends_with_a_needless_zero_km_event(gtr):
    # every parks x sea ports pair: the route is the lexicographic optimum (distance, then
    # time) of the networkx reference, and never ends with a zero-km transfer or border
    ports = sea_ports(gtr)
    ref = reference_lexicographic(gtr, "distance")
    for park in gtr.select("park"):
        for port in ports:
            expected = ref(park, port)
            if expected is None:
                continue
            r = route(gtr, park, port, weight="distance")
            assert r.distance_km == pytest.approx(expected[0], rel=1e-9)
            assert r.time_h == pytest.approx(expected[1], rel=1e-9)
            last = r.legs.iloc[-1]
            assert not (
                last["kind"] in ("transfer", "border")
                and last["distance_km"] == 0
                and last["time_h"] > 0
            ), (park, port)


def test_changchun_parks_best_port_is_a_sea_port_with_ships(gtr):
    ports = sea_ports(gtr)
    h = corridors.hinterlands(gtr)
    changchun = [p for p in gtr.select("park") if "changchun" in p]
    assert changchun
    for park in changchun:
        best = h.places.loc[park, "best_port"]
        assert best in ports
        assert gtr.places.loc[best, "port_type"] == "sea"
    assert "harbin_river_port" not in h.ports.index


def test_vladivostok_moscow_by_cost_stays_on_the_trans_siberian(gtr):
    r = route(gtr, "Vladivostok", "Moscow", weight="cost")
    assert r.crossings == []
    assert set(gtr.places.loc[r.places, "country"]) == {"RU"}


def test_port_with_only_suspended_or_planned_lanes_is_no_sea_port(gtr):
    ports = sea_ports(gtr)
    for port in ("rajin_port", "chongjin_port", "slavyanka_port"):
        assert port not in ports
    assert "rajin_port" in sea_ports(gtr, include_suspended=True)
    assert "slavyanka_port" in sea_ports(gtr, include_planned=True)
    h = corridors.hinterlands(gtr)
    assert not {"rajin_port", "chongjin_port", "slavyanka_port"} & set(h.ports.index)
    assert not {"harbin_river_port", "heihe_river_port"} & set(h.ports.index)


def test_arxan_sumber_road_is_seasonal(gtr):
    r = route(gtr, "Choibalsan", "Arxan", weight="cost")
    assert "arxan-arxan_sumber-road" not in r.links
    r = route(gtr, "Choibalsan", "Arxan", weight="cost", season="summer")
    assert "arxan-arxan_sumber-road" in r.links


def test_closure_names_its_isolated_islands(gtr):
    closed = close_borders(gtr, "CN-RU")
    result = impact(gtr, closed, weight="time")
    islands = result.islands
    assert list(islands.columns[:3]) == ["name", "country", "cut_off_by"]
    assert result.summary["islands"] == len(islands)
    # an island reaches no sea port over the surface on the closed network
    ports = sea_ports(closed)
    if len(islands):
        od = od_matrix(closed, list(islands.index), ports)
        assert od.isna().all(axis=None)
    # and every park that reaches none, but did before, is listed
    before = od_matrix(gtr, "park", sea_ports(gtr)).notna().any(axis=1)
    after = od_matrix(closed, "park", ports).notna().any(axis=1)
    assert set(islands.index) == set(before.index[before & ~after])


# ---------------------------------------------------------------- bad input


def _tiny_copy(tmp_path, table: str, column: str, row_id: str, value: str):
    """The tiny network with one cell of a new (or existing) column set."""
    import csv
    import shutil

    from conftest import TINY_DIR

    folder = tmp_path / "net"
    shutil.copytree(TINY_DIR, folder)
    path = folder / table
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header, rows = list(reader.fieldnames or []), list(reader)
    if column not in header:
        header.append(column)
    for row in rows:
        row[column] = value if row["id"] == row_id else row.get(column, "")
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return folder


@pytest.mark.parametrize(
    ("table", "column", "row_id", "value"),
    [
        ("links.csv", "sailings_per_week", "zarubino_port-busan_port-sea", "-2"),
        ("links.csv", "season", "changchun-hunchun-road", "monsoon"),
        ("places.csv", "handling_h", "zarubino_port", "-5"),
        ("places.csv", "transshipment_h", "busan_port", "-1"),
    ],
)
def test_bad_freight_cells_are_one_clear_error(tmp_path, table, column, row_id, value):
    folder = _tiny_copy(tmp_path, table, column, row_id, value)
    with pytest.raises(corridors.DataError) as error:
        corridors.read_network(folder)
    text = str(error.value)
    assert table in text
    assert column in text
    assert row_id in text


def test_sailings_on_a_land_link_is_an_error(tmp_path):
    folder = _tiny_copy(tmp_path, "links.csv", "sailings_per_week", "changchun-hunchun-road", "3")
    with pytest.raises(corridors.DataError, match=r"sailings_per_week is set on a road link"):
        corridors.read_network(folder)


def test_unknown_season_in_a_scenario_file(tmp_path):
    from corridors import scenario

    path = tmp_path / "s.toml"
    path.write_text('name = "x"\nseason = "sumer"\n', encoding="utf-8")
    with pytest.raises(corridors.DataError, match=r"season = 'sumer'.*did you mean summer"):
        scenario.load(path)


def test_scenario_sets_port_calls_sailings_and_season(tmp_path, gtr):
    from corridors import scenario

    path = tmp_path / "s.toml"
    path.write_text(
        'name = "faster ports, daily ferry"\nseason = "summer"\n'
        '[[step]]\naction = "set_param"\nparam = "port.sea.handling_h"\nvalue = 6\n'
        '[[step]]\naction = "upgrade_link"\nlink = "zarubino_port-ningbo_port-sea"\n'
        "sailings_per_week = 7\n",
        encoding="utf-8",
    )
    loaded = scenario.load(path)
    assert loaded.season == "summer"
    net = scenario.apply(gtr, loaded)
    before = route(gtr, "Zarubino", "Ningbo", weight="time", modes=["sea"])
    after = route(net, "Zarubino", "Ningbo", weight="time", modes=["sea"])
    # two calls of 6 h instead of the data's, and a daily instead of a weekly departure
    # (84 -> 12 h wait)
    saved_per_call = gtr.params.ports["sea"].handling_h - 6
    assert saved_per_call > 0
    assert before.time_h - after.time_h == pytest.approx(2 * saved_per_call + (84 - 12))


def test_failure_curves_count_the_islands(gtr):
    from corridors.resilience import simulate_failures

    curves = simulate_failures(
        gtr, runs=1, fractions=(0.0, 1.0), elements="crossings", weight="time", seed=0
    )
    closed = gtr
    for pair in sorted(set(gtr.places.loc[gtr.places["kind"] == "border", "countries"])):
        closed = close_borders(closed, pair)
    ports = sea_ports(gtr)
    before = od_matrix(gtr, "park", ports).notna().any(axis=1)
    after = od_matrix(closed, "park", ports).notna().any(axis=1)
    assert list(curves["islands"]) == [0, int((before & ~after).sum())]
    assert curves.attrs["unit"] == "h"
