"""Scenario files: each operation's effect, error messages, example scenarios, CLI.

Effects are checked on the hand-made network of tests/reference.py, whose times
and costs are worked out by hand, and against independent references: closing
crossings equals setting ``closed`` on exactly those places (and equals
``resilience.close_borders``); routes are re-checked with ``validate_route``.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from reference import hand_network, validate_route

import corridors
from corridors import scenario
from corridors.cli.scenario import COMMANDS
from corridors.resilience import close_borders
from corridors.routing import route

SCENARIOS = Path(__file__).resolve().parents[1] / "data" / "scenarios"


@pytest.fixture(scope="module")
def gtr() -> corridors.Network:
    return corridors.load_gtr()


def write(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_in(path: Path, needle: str) -> int:
    """1-based number of the first line of `path` containing `needle` (read independently)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise LookupError(needle)


def run_hand(tmp_path: Path, steps: str, **overrides: dict) -> corridors.Network:
    net = hand_network(**overrides)
    path = write(tmp_path, f'name = "t"\n{steps}')
    return scenario.apply(net, scenario.load(path, net=net))


def snapshot(net: corridors.Network) -> bytes:
    return pickle.dumps(
        (dict(net.graph.nodes(data=True)), list(net.graph.edges(keys=True, data=True)), net.params)
    )


# ---------------------------------------------------------------- effects (hand network)

NEW_CROSSING = """
[[step]]
action = "add_place"
id = "f"
name = "F"
kind = "border"
country = "CN"
countries = "CN-RU"
lon = 130.6
lat = 42.9
modes = ["road"]

[[step]]
action = "add_link"
from = "A"
to = "f"
mode = "road"
length_km = {km}

[[step]]
action = "add_link"
from = "f"
to = "c"
mode = "road"
length_km = {km}
"""


def test_added_link_is_used_when_better(tmp_path):
    net = run_hand(tmp_path, NEW_CROSSING.format(km=50))
    r = route(net, "A", "C", weight="time", modes=["road"])
    # 50 km at 100 km/h, road dwell 24 h, 50 km: 0.5 + 24 + 0.5 (old way: 1 + 24 + 1)
    assert r.time_h == pytest.approx(25.0)
    assert r.crossings == ["f"]
    assert net.links.loc["a-f-road", "speed_kph"] == 100.0  # from the parameters
    validate_route(net, r)


def test_added_link_is_ignored_when_worse(tmp_path):
    net = run_hand(tmp_path, NEW_CROSSING.format(km=200))
    r = route(net, "A", "C", weight="time", modes=["road"])
    assert r.time_h == pytest.approx(26.0)  # 1 + 24 + 1 via b, not 2 + 24 + 2 via f
    assert r.crossings == ["b"]


def test_add_link_length_from_waypoints_and_great_circle(tmp_path):
    steps = """
[[step]]
action = "add_link"
id = "c-d-sea-2"
from = "c"
to = "d"
mode = "sea"
waypoints = [[131.5, 40.0], [130.0, 37.0]]

[[step]]
action = "add_link"
id = "c-d-sea-3"
from = "c"
to = "d"
mode = "sea"
"""
    net = run_hand(tmp_path, steps)
    gc = corridors.network.great_circle_km
    path_km = (
        gc(131.0, 42.6, 131.5, 40.0) + gc(131.5, 40.0, 130.0, 37.0) + gc(130.0, 37.0, 129.0, 35.1)
    )
    assert net.links.loc["c-d-sea-2", "length_km"] == pytest.approx(path_km * 1.2)
    straight = gc(131.0, 42.6, 129.0, 35.1)
    assert net.links.loc["c-d-sea-3", "length_km"] == pytest.approx(straight * 1.2)
    assert net.links.loc["c-d-sea-3", "cost_usd_teu"] == pytest.approx(straight * 1.2 * 0.1)


def test_upgrade_link_speed(tmp_path):
    steps = '[[step]]\naction = "upgrade_link"\nlink = "a-b-rail"\nspeed_kph = 100\n'
    net = run_hand(tmp_path, steps)
    # rail 100 km at 100 km/h = 1 h (was 2), customs 6 + gauge 24, rail 2
    assert route(net, "A", "C", modes=["rail"]).time_h == pytest.approx(1 + 30 + 2)
    assert "speed_kph" not in net.links.loc["a-b-rail", "defaults"]


def test_set_param_at_a_crossing_by_hand(tmp_path):
    steps = """
[[step]]
action = "set_param"
place = "b"
param = "gauge_change_h"
value = 10
"""
    net = run_hand(tmp_path, steps)
    assert route(net, "A", "C", modes=["rail"]).time_h == pytest.approx(2 + 6 + 10 + 2)


def test_set_param_network_wide_by_hand(tmp_path):
    steps = """
[[step]]
action = "set_param"
param = "border.gauge_change_h"
factor = 0.5

[[step]]
action = "set_param"
param = "modes.road.speed_kph"
value = 50

[[step]]
action = "set_param"
param = "modes.rail.cost_usd_teu_km"
value = 1.0

[[step]]
action = "set_param"
param = "value_of_time.usd_per_teu_h"
value = 0
"""
    net = run_hand(tmp_path, steps)
    assert route(net, "A", "C", modes=["rail"]).time_h == pytest.approx(2 + 6 + 12 + 2)
    # road speeds came from the parameters, so they follow: 100 km at 50 km/h = 2 h
    assert route(net, "A", "C", modes=["road"]).time_h == pytest.approx(2 + 24 + 2)
    # rail cost came from the parameters: 2 x 100 km x 1.0 + border fee 200
    assert route(net, "A", "C", weight="cost", modes=["rail"]).cost_usd_teu == pytest.approx(400)
    # value of time 0: generalized = cost, so the cheaper rail wins
    g = route(net, "A", "C", weight="generalized")
    assert g.generalized_usd_teu == pytest.approx(g.cost_usd_teu)


def test_remove_close_and_open_link(tmp_path):
    removed = run_hand(tmp_path, '[[step]]\naction = "remove_link"\nlink = "b-c-road"\n')
    assert "b-c-road" not in removed.link_ids()
    with pytest.raises(corridors.NoRouteError):
        route(removed, "A", "C", modes=["road"])
    closed = run_hand(tmp_path, '[[step]]\naction = "close"\nlink = "b-c-road"\n')
    assert closed.links.loc["b-c-road", "closed"]
    assert closed.links.loc["b-c-road", "status"] == "existing"  # status untouched
    reopened = run_hand(
        tmp_path,
        '[[step]]\naction = "close"\nlink = "b-c-road"\n'
        '[[step]]\naction = "open"\nlink = "b-c-road"\n',
    )
    assert route(reopened, "A", "C", modes=["road"]).time_h == pytest.approx(26.0)


def test_close_crossing_per_mode(tmp_path):
    net = run_hand(tmp_path, '[[step]]\naction = "close"\ncrossing = "B"\nmode = "rail"\n')
    assert not net.graph.nodes["b"]["closed"]
    assert set(net.links.index[net.links["closed"]]) == {"a-b-rail", "b-c-rail"}
    assert route(net, "A", "C").modes == ["road"]
    with pytest.raises(corridors.NoRouteError):
        route(net, "A", "C", modes=["rail"])


def test_closing_cn_ru_crossings_sets_closed_on_exactly_those(gtr, tmp_path):
    path = write(tmp_path, 'name = "x"\n[[step]]\naction = "close"\nbetween = "RU-CN"\n')
    net = scenario.apply(gtr, scenario.load(path, net=gtr))
    places = gtr.places
    expected = {
        p
        for p, c in places["countries"].items()
        if isinstance(c, str) and set(c.split("-")) == {"CN", "RU"}
    }
    assert len(expected) == 8
    assert {n for n, d in net.graph.nodes(data=True) if d["closed"]} == expected
    assert not net.links["closed"].any()
    reference = close_borders(gtr, "CN-RU")
    assert dict(net.graph.nodes(data="closed")) == dict(reference.graph.nodes(data="closed"))


def test_include_planned(gtr):
    s = scenario.load(SCENARIOS / "choibalsan_arxan_rail.toml", net=gtr)
    net = scenario.apply(gtr, s)
    built = ["arxan-arxan_sumber-rail", "choibalsan-arxan_sumber-rail"]
    assert (net.links.loc[built, "status"] == "existing").all()
    assert (gtr.links.loc[built, "status"] == "planned").all()
    # the other planned links stay planned
    assert net.links.loc["sainshand-khangi_mandula-rail", "status"] == "planned"


def test_apply_leaves_the_base_untouched(gtr):
    before = snapshot(gtr)
    revision = gtr.revision
    for path in sorted(SCENARIOS.glob("*.toml")):
        scenario.apply(gtr, scenario.load(path, net=gtr))
    assert snapshot(gtr) == before
    assert gtr.revision == revision


# ---------------------------------------------------------------- errors


def bad(tmp_path: Path, text: str, net: corridors.Network) -> tuple[Path, str]:
    path = write(tmp_path, text, "bad.toml")
    with pytest.raises(corridors.DataError) as info:
        scenario.load(path, net=net)
    return path, str(info.value)


def test_error_unknown_key_suggests(gtr, tmp_path):
    path, message = bad(
        tmp_path,
        'name = "x"\n\n[[step]]\naction = "upgrade_link"\n'
        'link = "changchun-jilin-rail"\nspeed = 80\n',
        gtr,
    )
    assert (
        f'{path}, line {line_in(path, "speed = 80")} (step 1, upgrade_link, key "speed")'
        in message
    )
    assert "unknown key 'speed'" in message
    assert "speed_kph" in message


def test_error_unknown_top_key_and_per_type_tables(gtr, tmp_path):
    text = 'name = "x"\nbsae = "gtr"\n\n[[add_link]]\nfrom = "a"\n'
    path, message = bad(tmp_path, text, gtr)
    assert f"{path}, line 2 (key \"bsae\"): unknown key 'bsae'; did you mean base?" in message
    assert f"line {line_in(path, '[[add_link]]')}" in message
    assert 'action = "add_link"' in message


def test_error_wrong_type(gtr, tmp_path):
    text = (
        'name = "x"\n[[step]]\naction = "upgrade_link"\nlink = "changchun-jilin-rail"\n'
        'speed_kph = "fast"\n'
    )
    path, message = bad(tmp_path, text, gtr)
    line = line_in(path, "speed_kph")
    assert f'{path}, line {line} (step 1, upgrade_link, key "speed_kph")' in message
    assert "speed_kph = 'fast'; expected a number (km/h)" in message


def test_error_unknown_place_with_suggestions(gtr, tmp_path):
    text = (
        'name = "x"\n[[step]]\naction = "add_link"\nfrom = "hunchn"\nto = "zarubino_port"\n'
        'mode = "road"\n'
    )
    path, message = bad(tmp_path, text, gtr)
    assert f'{path}, line {line_in(path, "hunchn")} (step 1, add_link, key "from")' in message
    assert "from = 'hunchn' is not a place id or name; did you mean hunchun" in message


def test_error_link_end_lacks_mode(gtr, tmp_path):
    text = (
        'name = "x"\n[[step]]\naction = "add_link"\nfrom = "hunchun_makhalino"\n'
        'to = "zarubino_port"\nmode = "rail"\ngauge_mm = 1520\n'
    )
    path, message = bad(tmp_path, text, gtr)
    assert f"{path}, line {line_in(path, '[[step]]')} (step 1, add_link)" in message
    assert "mode = 'rail' but to place 'zarubino_port' serves only 'road;sea'" in message


@pytest.mark.parametrize(
    ("step", "key", "expected"),
    [
        ('action = "upgrade_link"\nlink = "changchun-jilin-rail"\nspeed_kph = -5', "speed_kph",
         "speed_kph = -5; expected a positive number (km/h)"),
        ('action = "set_param"\nparam = "modes.rail.speed_kph"\nvalue = -5', "value",
         "value = -5.0; expected a positive number (km/h)"),
        ('action = "set_param"\nplace = "manzhouli_zabaikalsk"\nparam = "dwell_rail_h"\n'
         'factor = -1', "factor",
         "factor = -1.0 (gives -12); expected a number >= 0 (hours)"),
    ],
)  # fmt: skip
def test_error_negative_values(gtr, tmp_path, step, key, expected):
    path, message = bad(tmp_path, f'name = "x"\n[[step]]\n{step}\n', gtr)
    assert f"line {line_in(path, key + ' =')}" in message
    assert f'key "{key}"' in message
    assert expected in message


def test_error_set_param_unknown_and_pointless(gtr, tmp_path):
    text = """name = "x"
[[step]]
action = "set_param"
param = "border.gauge_chnge_h"
value = 1

[[step]]
action = "set_param"
place = "hunchun_kraskino"
param = "gauge_change_h"
value = 1
"""
    path, message = bad(tmp_path, text, gtr)
    assert "did you mean border.gauge_change_h" in message
    assert f"line {line_in(path, 'place =')}" in message
    assert "crossing 'hunchun_kraskino' serves only 'road'" in message


def test_all_problems_reported_and_nothing_applied(gtr, tmp_path):
    before = snapshot(gtr)
    text = """name = "x"
[[step]]
action = "close"
between = "CN-RU"

[[step]]
action = "remove_link"
link = "changchun-jilin-rial"

[[step]]
action = "frobnicate"
"""
    _, message = bad(tmp_path, text, gtr)
    assert "2 problems found" in message
    assert "did you mean changchun-jilin-rail" in message
    assert "action = 'frobnicate'" in message
    assert snapshot(gtr) == before
    # a scenario valid for one network and invalid for another is refused as a whole
    closing = scenario.load(SCENARIOS / "cn_ru_border_closure.toml", net=gtr)
    broken = scenario.Scenario(
        "x",
        "",
        "gtr",
        (*closing.steps, scenario.Step(2, "remove_link", {"link": "nope"}, "x.toml", 9)),
    )
    with pytest.raises(corridors.DataError, match=r"x\.toml, line 9 \(step 2, remove_link"):
        scenario.apply(gtr, broken)
    assert snapshot(gtr) == before


def test_error_not_toml(gtr, tmp_path):
    path = write(tmp_path, 'name = "x\n')
    with pytest.raises(corridors.DataError, match=r"bad|s\.toml: not valid TOML"):
        scenario.load(path, net=gtr)


# ---------------------------------------------------------------- example scenarios


def load_example(gtr, name: str) -> corridors.Network:
    return scenario.apply(gtr, scenario.load(SCENARIOS / f"{name}.toml", net=gtr))


def test_there_are_six_or_more_documented_examples():
    files = sorted(SCENARIOS.glob("*.toml"))
    assert len(files) >= 6
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("#"), path  # a comment citing a source
        assert "http" in text, path


def test_example_cn_ru_closure_leaves_no_land_route(gtr):
    net = load_example(gtr, "cn_ru_border_closure")
    cn = net.places.index[net.places["country"] == "CN"]
    ru = net.places.index[net.places["country"] == "RU"]
    cn_cities = [p for p in cn if net.places.loc[p, "kind"] == "city"]
    ru_cities = [p for p in ru if net.places.loc[p, "kind"] == "city"]
    land = ["rail", "road"]
    assert corridors.od_matrix(gtr, cn_cities, ru_cities, modes=land).notna().all().all()
    # the finding: CN-RU land freight survives only through Mongolia
    mongolia = net.crossings_between("CN-MN") + net.crossings_between("MN-RU")
    detour = corridors.od_matrix(net, cn_cities, ru_cities, modes=land, avoid=mongolia)
    assert detour.isna().all().all()
    r = route(net, "harbin", "ussuriysk", modes=land, weight="generalized")
    assert set(r.crossings) <= set(mongolia)
    before = route(gtr, "harbin", "ussuriysk", modes=land, weight="generalized")
    assert r.time_h > before.time_h


def test_example_primorye2_rail_gives_jilin_cargo_a_rail_way_to_zarubino(gtr):
    net = load_example(gtr, "primorye2_hunchun_zarubino_rail")
    # without trucks through Kraskino, rail cargo reaches Zarubino round by Baranovsky and
    # Posyet today, and straight from Makhalino after
    options = {"weight": "generalized", "avoid": ["hunchun_kraskino"], "modes": ["rail", "road"]}
    before = route(gtr, "changchun_faw", "zarubino_port", **options)
    after = route(net, "changchun_faw", "zarubino_port", **options)
    assert after.crossings == ["hunchun_makhalino"]
    assert after.distance_km < before.distance_km
    assert after.generalized_usd_teu < before.generalized_usd_teu
    assert "hunchun_makhalino-zarubino_port-rail" in after.links
    validate_route(net, after)
    # with the gauge change priced (time and fee), the truck through Kraskino stays
    # cheaper for a box bound for the Sokcho ferry (a ro-ro lane: trailers, not wagons)
    best = route(net, "changchun_faw", "sokcho_port", weight="generalized")
    assert best.crossings == ["hunchun_kraskino"]
    border = after.legs[after.legs["kind"] == "border"].iloc[0]
    fees = net.params.border.fee_usd + net.params.border.gauge_change_fee_usd
    assert border["cost_usd_teu"] == pytest.approx(fees)


def test_example_choibalsan_arxan_rail_opens_a_way_to_liaoning(gtr):
    net = load_example(gtr, "choibalsan_arxan_rail")
    before = route(gtr, "choibalsan", "jinzhou_port", weight="generalized")
    after = route(net, "choibalsan", "jinzhou_port", weight="generalized")
    assert before.crossings == ["bichigt_zuun_khatavch"]
    assert after.crossings == ["arxan_sumber"]
    assert "rail" in after.modes
    assert after.generalized_usd_teu < before.generalized_usd_teu


def test_example_faster_gauge_change_saves_exactly_the_halved_hours(gtr):
    net = load_example(gtr, "faster_gauge_change")
    harbin = [route(n, "harbin", "moscow", modes=["rail"]) for n in (gtr, net)]
    assert harbin[0].time_h - harbin[1].time_h == pytest.approx(24.0 / 2)
    ub = [route(n, "ulaanbaatar", "tianjin_port", modes=["rail"]) for n in (gtr, net)]
    dwell = gtr.places.at["erenhot_zamyn_uud", "dwell_rail_h"]  # 20 h (CPMM 2015-2023)
    assert ub[0].time_h - ub[1].time_h == pytest.approx(dwell / 2)


def test_example_ferry_gives_hunchun_a_sea_way_to_niigata(gtr):
    net = load_example(gtr, "zarubino_sokcho_niigata_ferry")
    before = route(gtr, "hunchun_becz", "niigata_port", weight="generalized")
    after = route(net, "hunchun_becz", "niigata_port", weight="generalized")
    assert "vladivostok_port" in before.places
    # the through ferry: Niigata cargo waits once at Zarubino, then stays on board
    assert after.places[-2:] == ["zarubino_port", "niigata_port"]
    assert after.links[-1] == "zarubino_port-niigata_port-sea"
    assert after.generalized_usd_teu < before.generalized_usd_teu
    assert after.cost_usd_teu < before.cost_usd_teu
    # the resumed Sokcho-Niigata leg serves Sokcho's own cargo
    sokcho = route(net, "sokcho_port", "niigata_port", modes=["sea"], weight="distance")
    assert sokcho.links == ["sokcho_port-niigata_port-sea"]


def test_example_rajin_serves_yanbian_not_changchun(gtr):
    net = load_example(gtr, "rajin_quanhe_jilin")
    yanji = route(net, "yanji_hidz", "shanghai_port", weight="generalized")
    assert yanji.crossings == ["quanhe_wonjong"]
    assert "rajin_port" in yanji.places
    changchun = route(net, "changchun_faw", "shanghai_port", weight="generalized")
    assert "rajin_port" not in changchun.places


def test_example_tumen_navigation_compare(gtr):
    net = load_example(gtr, "tumen_river_navigation")
    c = scenario.compare(gtr, net, critical=False)
    row = c.od.set_index(["orig", "dest"]).loc[("hunchun_becz", "busan_port")]
    assert row["status"] == "better"
    assert row["generalized_usd_teu_after"] < row["generalized_usd_teu_before"]
    new = c.od[c.od["dest"] == "fangchuan_river_port"]
    assert (new["status"].isin(["newly connected", "unreachable"])).all()
    assert c.accessibility.loc["hunchun_becz", "change"] > 0


# ---------------------------------------------------------------- compare


def test_compare_matches_od_matrix_and_routes(gtr):
    net = load_example(gtr, "cn_ru_border_closure")
    od = (["hunchun_becz", "suifenhe_cbz", "changchun_faw"], ["vladivostok_port", "dalian_port"])
    c = scenario.compare(gtr, net, od=od)
    for network, side in ((gtr, "before"), (net, "after")):
        reference = corridors.od_matrix(network, *od, weight="generalized")
        for _, row in c.od.iterrows():
            assert row[f"generalized_usd_teu_{side}"] == pytest.approx(
                reference.loc[row["orig"], row["dest"]]
            )
    r = route(net, "suifenhe_cbz", "vladivostok_port", weight="generalized")
    got = c.od.set_index(["orig", "dest"]).loc[("suifenhe_cbz", "vladivostok_port")]
    assert got["time_h_after"] == pytest.approx(r.time_h)
    assert got["cost_usd_teu_after"] == pytest.approx(r.cost_usd_teu)
    assert got["distance_km_after"] == pytest.approx(r.distance_km)
    assert got["crossings_after"] == ";".join(r.crossings)
    assert set(c.switches["orig"]) >= {"suifenhe_cbz"}
    ended = set(c.critical.loc[c.critical["change"] == "ended", "element"])
    closed = set(net.crossings_between("CN-RU"))
    assert ended & closed  # closed crossings cannot stay critical
    assert not set(c.critical.loc[c.critical["change"] == "new", "element"]) & closed
    text = c.summary()
    assert "worse" in text
    assert len(text.splitlines()) < 40
    assert set(c.to_tables()) == {
        "od_changes",
        "route_switches",
        "hinterland_shifts",
        "accessibility",
        "criticality_changes",
        "isolated_islands",
    }


def test_compare_identical_networks_changes_nothing(gtr):
    c = scenario.compare(gtr, gtr.copy(), od=(["hunchun_becz"], "port"), critical=False)
    assert set(c.od["status"]) <= {"unchanged", "unreachable"}
    assert c.switches.empty
    assert c.hinterland.empty


# ---------------------------------------------------------------- CLI


def test_cli_run_writes_tables(tmp_path):
    (group,) = COMMANDS
    out = tmp_path / "out"
    result = CliRunner().invoke(
        group, ["run", str(SCENARIOS / "zarubino_sokcho_niigata_ferry.toml"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Zarubino-Sokcho-Niigata ferry resumed" in result.output
    tables = {"od_changes.csv", "route_switches.csv", "hinterland_shifts.csv",
              "accessibility.csv", "criticality_changes.csv", "isolated_islands.csv"}  # fmt: skip
    assert {p.name for p in out.iterdir() if not p.name.startswith(".")} == tables | {
        t + ".meta.json" for t in tables
    }
    record = json.loads((out / "od_changes.csv.meta.json").read_text(encoding="utf-8"))
    assert record["scenario_hash"]
    assert record["network_hash"]


def test_cli_check_and_compare(tmp_path):
    (group,) = COMMANDS
    ok = CliRunner().invoke(group, ["check", str(SCENARIOS / "faster_gauge_change.toml")])
    assert ok.exit_code == 0
    assert "2 steps" in ok.output
    path = write(tmp_path, 'name = "x"\n[[step]]\naction = "close"\nplace = "Hunchn"\n')
    failed = CliRunner().invoke(group, ["check", str(path)])
    assert failed.exit_code == 1
    assert f"{path}, line 4" in failed.output
    assert "did you mean" in failed.output
    both = CliRunner().invoke(
        group,
        [
            "compare",
            str(SCENARIOS / "faster_gauge_change.toml"),
            str(SCENARIOS / "cn_ru_border_closure.toml"),
            "--no-criticality",
        ],
    )
    assert both.exit_code == 0, both.output
    assert "Halved gauge-change" in both.output
    assert "Closure of all" in both.output


def test_network_graphs_equal_after_noop_scenario(gtr, tmp_path):
    path = write(tmp_path, 'name = "nothing"\n')
    net = scenario.apply(gtr, scenario.load(path, net=gtr))
    assert nx.utils.graphs_equal(net.graph, gtr.graph) or snapshot(net) == snapshot(gtr)


def test_cli_run_map(tmp_path):
    (group,) = COMMANDS
    path = str(SCENARIOS / "primorye2_hunchun_zarubino_rail.toml")
    refused = CliRunner().invoke(group, ["run", path, "--map"])
    assert refused.exit_code == 2
    assert "--out" in refused.output
    out = tmp_path / "out"
    result = CliRunner().invoke(
        group, ["run", path, "--out", str(out), "--map", "--no-criticality"]
    )
    assert result.exit_code == 0, result.output
    assert (out / "scenario_map.png").stat().st_size > 10_000


def test_compare_accepts_an_od_table():
    import pandas as pd

    from corridors import load_gtr, scenario
    from corridors.resilience import close_borders

    base = load_gtr()
    closed = close_borders(base, "CN-RU")
    table = pd.DataFrame(
        {
            "orig": ["hunchun_becz", "Harbin New Area"],
            "dest": ["vladivostok_port", "zarubino_port"],
            "demand": [5, 1],
        }
    )
    c = scenario.compare(base, closed, od=table, critical=True)
    assert list(zip(c.od["orig"], c.od["dest"], strict=True)) == [
        ("hunchun_becz", "vladivostok_port"),
        ("harbin_new_area", "zarubino_port"),
    ]
    assert (c.od["status"] != "newly connected").all()
