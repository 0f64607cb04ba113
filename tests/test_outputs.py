"""Publishable outputs: provenance, Monte Carlo statistics, valid JSON, table options, seas."""

from __future__ import annotations

import io
import json
import math
import statistics
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import corridors
from corridors.cli import main
from corridors.provenance import network_hash, provenance, scenario_hash, sidecar_path
from corridors.reach import sea_ports
from corridors.reach.seas import SEAS, port_seas, sea_of
from corridors.report.facts import crossing_bottlenecks, data_sources, isolated_parks
from corridors.resilience import (
    close_borders,
    impact,
    simulate_failures,
    summarize_failures,
)

TINY = Path(__file__).parent / "data" / "tiny"
SCENARIOS = Path(__file__).resolve().parents[1] / "data" / "scenarios"


@pytest.fixture(scope="module")
def gtr() -> corridors.Network:
    return corridors.load_gtr()


@pytest.fixture(scope="module")
def tiny() -> corridors.Network:
    return corridors.read_network(TINY)


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result


def _no_nan(text: str) -> object:
    def refuse(token: str) -> None:
        raise AssertionError(f"invalid JSON constant {token}")

    return json.loads(text, parse_constant=refuse)


# ---------------------------------------------------------------- provenance


def test_network_hash_ignores_row_and_column_order_but_not_values(tiny, tmp_path):
    folder = tmp_path / "shuffled"
    folder.mkdir()
    for name in ("places.csv", "links.csv", "corridors.csv"):
        frame = pd.read_csv(TINY / name, dtype=str, keep_default_na=False)
        frame = frame.iloc[::-1, ::-1]  # rows and columns reversed
        frame.to_csv(folder / name, index=False)
    (folder / "params.toml").write_text((TINY / "params.toml").read_text("utf-8"), "utf-8")
    shuffled = corridors.read_network(folder, name="tiny")
    assert network_hash(shuffled) == network_hash(tiny)
    changed = tiny.copy()
    changed.update_link("changchun-hunchun-road", {"speed_kph": 99})
    assert network_hash(changed) != network_hash(tiny)
    assert network_hash(close_borders(tiny, "CN-RU")) != network_hash(tiny)


def test_scenario_hash_follows_steps_and_record_is_json(gtr):
    from corridors import scenario

    path = SCENARIOS / "primorye2_hunchun_zarubino_rail.toml"
    loaded = scenario.load(path, net=gtr)
    assert scenario_hash(loaded) == scenario_hash(scenario.load(path, net=gtr))
    other = scenario.load(SCENARIOS / "choibalsan_arxan_rail.toml", net=gtr)
    assert scenario_hash(other) != scenario_hash(loaded)
    record = provenance(gtr, analysis="x", scenario=loaded, seed=3, runs=7,
                        parameters={"share": float("nan"), "modes": ("rail",)})  # fmt: skip
    text = json.dumps(record, allow_nan=False)
    assert json.loads(text)["parameters"] == {"share": None, "modes": ["rail"]}
    assert record["seed"] == 3
    assert record["runs"] == 7
    assert record["corridors_version"]


def test_cli_output_has_sidecar_with_provenance(gtr, tmp_path):
    target = tmp_path / "od.csv"
    run("od", "--by", "cost", "--modes", "rail,road", "-o", str(target))
    record = json.loads(sidecar_path(target).read_text(encoding="utf-8"))
    assert record["network_hash"] == network_hash(gtr)
    assert record["analysis"] == "od"
    assert record["parameters"]["modes"] == ["rail", "road"]
    assert record["rows"] == len(pd.read_csv(target))
    assert pd.read_csv(target).shape[0] > 0  # the CSV itself stays plain


# ---------------------------------------------------------------- table options


def test_route_csv_output_and_valid_json(gtr, tmp_path):
    expected = corridors.route(gtr, "Harbin", "Vladivostok", weight="cost", modes=["rail"])
    out = run("route", "Harbin", "Vladivostok", "--by", "cost", "--modes", "rail", "--csv")
    legs = pd.read_csv(io.StringIO(out.output))
    assert legs["cost_usd_teu"].sum() == pytest.approx(expected.cost_usd_teu)
    assert set(legs["route"]) == {1}
    target = tmp_path / "route.csv"
    run("route", "Harbin", "Vladivostok", "--alternatives", "2", "-o", str(target))
    written = pd.read_csv(target)
    assert set(written["route"]) <= {1, 2}
    assert json.loads(sidecar_path(target).read_text("utf-8"))["parameters"]["alternatives"] == 2
    payload = _no_nan(run("route", "Harbin", "Vladivostok", "--json").output)
    assert payload[0]["legs"]


def test_route_include_suspended_uses_suspended_links(tiny, tmp_path):
    net = tiny.copy()
    net.update_link("changchun-hunchun-rail", {"status": "suspended"})
    folder = tmp_path / "net"
    corridors.io.write_network(net, folder)
    without = run("route", "Changchun", "Hunchun", "--network", str(folder), "--modes", "rail",
                  "--include-suspended", "--csv").output  # fmt: skip
    assert "changchun-hunchun-rail" in without
    refused = CliRunner().invoke(
        main, ["route", "Changchun", "Hunchun", "--network", str(folder), "--modes", "rail"]
    )
    assert refused.exit_code == 1


def test_close_and_close_region_csv_match_impact(gtr, tmp_path):
    expected = impact(gtr, close_borders(gtr, "CN-RU")).pairs
    table = pd.read_csv(io.StringIO(run("close", "CN-RU", "--csv").output))
    assert len(table) == len(expected)
    assert table["newly_unreachable"].sum() == expected["newly_unreachable"].sum()
    target = tmp_path / "region.csv"
    run("close-region", "--point", "130.36,42.87", "--radius-km", "30", "-o", str(target))
    written = pd.read_csv(target)
    assert {"orig", "dest", "before", "after"} <= set(written.columns)
    record = json.loads(sidecar_path(target).read_text("utf-8"))
    assert record["parameters"]["radius_km"] == 30


def test_info_and_close_json_are_valid():
    _no_nan(run("info", "--json").output)
    summary = _no_nan(run("close", "CN-KP", "--json").output)
    assert "pairs_disconnected" in summary


# ---------------------------------------------------------------- Monte Carlo


def test_confidence_interval_is_students_t():
    values = [0.5, 0.6, 0.8, 0.9]
    curves = pd.DataFrame(
        {"run": range(4), "fraction": 0.1, "removed": 2, "connected_share": values,
         "efficiency": values, "mean_value": [10.0, 12.0, 14.0, 16.0]}
    )  # fmt: skip
    summary = summarize_failures(curves).loc[0.1]
    t_975_3 = 3.182446305284263  # Student's t, 97.5 % quantile, 3 degrees of freedom
    half = t_975_3 * statistics.stdev([10.0, 12.0, 14.0, 16.0]) / math.sqrt(4)
    assert summary["mean_value_mean"] == pytest.approx(13.0)
    assert summary["mean_value_ci_low"] == pytest.approx(13.0 - half)
    assert summary["mean_value_ci_high"] == pytest.approx(13.0 + half)
    assert summary["connected_share_ci_high"] <= 1.0  # clipped to a share
    assert summary["runs"] == 4


def test_cut_off_pairs_are_counted_not_averaged(gtr):
    """Failing every crossing equals closing every country pair (od_matrix reference)."""
    curves = simulate_failures(gtr, runs=1, fractions=(1.0,), elements="crossings", seed=0)
    closed = gtr
    for pair in sorted(set(gtr.places["countries"].dropna())):
        closed = close_borders(closed, pair)
    parks, ports = gtr.select("park"), sea_ports(gtr)  # the failures' default OD pairs
    before = corridors.od_matrix(gtr, parks, ports, weight="generalized").to_numpy(float)
    after = corridors.od_matrix(closed, parks, ports, weight="generalized").to_numpy(float)
    same = np.array([[p == q for q in ports] for p in parks])
    before, after = before[~same], after[~same]
    both = np.isfinite(before) & np.isfinite(after)
    row = curves.iloc[0]
    assert row["pairs_cut_off"] == int((np.isfinite(before) & ~np.isfinite(after)).sum())
    assert row["pairs_cut_off"] > 0
    assert row["mean_increase"] == pytest.approx(float((after[both] - before[both]).mean()))
    assert row["mean_increase"] >= 0


def test_fraction_that_removes_nothing_warns(gtr):
    with pytest.warns(UserWarning, match="remove no element"):
        curves = simulate_failures(gtr, runs=2, fractions=(0.01,), elements="crossings")
    assert (curves["removed"] == 0).all()


def test_failures_output_writes_runs_and_summary(tmp_path):
    target = tmp_path / "f.csv"
    args = ["-q", "failures", "--runs", "3", "--fractions", "0.01,0.1"]
    result = CliRunner().invoke(main, [*args, "--elements", "crossings", "-o", str(target)])
    assert result.exit_code == 0, result.output
    summary = pd.read_csv(target, index_col=0)
    runs = pd.read_csv(tmp_path / "f_runs.csv")
    assert len(runs) == 6
    assert summary.loc[0.1, "connected_share_mean"] == pytest.approx(
        runs.loc[runs["fraction"] == 0.1, "connected_share"].mean(), abs=1e-4
    )
    record = json.loads(sidecar_path(target).read_text("utf-8"))
    assert record["seed"] == 0
    assert record["runs"] == 3
    assert "remove no element" in record["parameters"]["warnings"][0]


# ---------------------------------------------------------------- report facts


def test_seas_follow_known_geography(gtr):
    assert sea_of(117.78, 38.99) == "Bohai"  # Tianjin
    assert sea_of(124.14, 39.85) == "Yellow Sea"  # Dandong
    assert sea_of(126.6, 37.45) == "Yellow Sea"  # Incheon
    assert sea_of(121.85, 29.93) == "East China Sea"  # Ningbo
    assert sea_of(129.04, 35.10) == "East Sea / Sea of Japan"  # Busan
    assert sea_of(139.07, 37.95) == "East Sea / Sea of Japan"  # Niigata
    seas = port_seas(gtr)
    assert seas["harbin_river_port"] is None
    assert set(seas.dropna()) == set(SEAS)  # ports on all four seas


def test_isolated_parks_and_bottlenecks(tiny):
    assert isolated_parks(tiny, close_borders(tiny, "CN-RU")) == ["hunchun_park"]
    assert isolated_parks(tiny, tiny) == []
    table = crossing_bottlenecks(tiny)
    row = table.loc["kraskino_border"]
    assert row["road_dwell_h"] == 24
    assert row["gauge_change"] == "yes"
    assert row["worst_h"] == pytest.approx(max(24, 6 + 24))


def test_sources_count_every_cited_url(tiny):
    table = data_sources(tiny).set_index("source")
    places = tiny.places["source"].astype(str)
    for url in table.index[:-1]:
        assert table.loc[url, "places"] == places.str.contains(url, regex=False).sum()
    assert table.index[-1] == "assumption (no source)"


def test_report_gpkg_reads_back_with_metadata(tiny, tmp_path):
    from corridors import report

    report.run_report(tiny, tmp_path, sections=["network", "closures"], progress=False)
    back = corridors.read_network(tmp_path / "corridors.gpkg")
    assert network_hash(back) == network_hash(tiny)
    meta = gpd.read_file(tmp_path / "corridors.gpkg", layer="metadata")
    values = dict(zip(meta["key"], meta["value"], strict=True))
    assert json.loads(values["network_hash"]) == network_hash(tiny)
    sidecar = json.loads((tmp_path / "tables" / "closure_matrix.csv.meta.json").read_text("utf-8"))
    assert sidecar["network_hash"] == network_hash(tiny)
    assert sidecar["runs"] == 50  # the failure runs of this report run
    islands = gpd.read_file(tmp_path / "corridors.gpkg", layer="closure_isolated_parks")
    assert "Hunchun Park" in set(islands["isolated_park_names"])
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "Isolated islands when CN-RU closes: Hunchun Park" in markdown
    assert "network_hash: " + network_hash(tiny) in markdown


def test_scenario_run_modes_match_od_matrix(gtr, tmp_path):
    out = tmp_path / "sc"
    run("scenario", "run", str(SCENARIOS / "choibalsan_arxan_rail.toml"), "--modes",
        "rail,road,sea", "--no-criticality", "--out", str(out))  # fmt: skip
    table = pd.read_csv(out / "od_changes.csv")
    reference = corridors.od_matrix(
        gtr, list(table["orig"].unique()), list(table["dest"].unique()),
        weight="generalized", modes=["rail", "road", "sea"],
    )  # fmt: skip
    got = table.set_index(["orig", "dest"])["generalized_usd_teu_before"]
    expected = reference.stack(future_stack=True).reindex(got.index)
    pd.testing.assert_series_equal(got, expected, check_names=False, rtol=1e-9)
    assert json.loads((out / "od_changes.csv.meta.json").read_text("utf-8"))["parameters"][
        "modes"
    ] == ["rail", "road", "sea"]


def test_newly_critical_means_crossing_the_stated_line(gtr):
    from corridors import scenario
    from corridors.resilience import criticality

    closed = close_borders(gtr, "CN-RU")
    od = (["hunchun_becz", "suifenhe_cbz", "changchun_faw"], ["vladivostok_port", "dalian_port"])
    c = scenario.compare(gtr, closed, od=od, critical_share=0.02)
    total = c.od["generalized_usd_teu_before"].sum()
    assert c.critical_line == pytest.approx(0.02 * total)
    ranks = {}
    for name, net in (("before", gtr), ("after", closed)):
        crit = criticality(net, od, elements="crossings", detour=False)
        ranks[name] = set(
            crit.index[(crit["pairs_disconnected"] > 0) | (crit["delta_total"] >= c.critical_line)]
        )
    rows = c.critical[c.critical["kind"] == "crossing"]
    assert set(rows.loc[rows["change"] == "new", "element"]) == ranks["after"] - ranks["before"]
    assert set(rows.loc[rows["change"] == "ended", "element"]) == ranks["before"] - ranks["after"]
    assert f"{c.critical_line:,.0f}" in c.summary()
