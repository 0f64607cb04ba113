"""The analysis commands, through click's CliRunner, against the library's own answers."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from click.testing import CliRunner

import corridors
from corridors.cli import main
from corridors.reach import sea_ports
from corridors.resilience import close_borders, closure_matrix, criticality, impact


@pytest.fixture(scope="module")
def net() -> corridors.Network:
    return corridors.load_gtr()


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result


def test_route_prints_legs_and_totals(net):
    expected = corridors.route(net, "Harbin", "Vladivostok", weight="cost", modes=["rail"])
    out = run("route", "Harbin", "Vladivostok", "--by", "cost", "--modes", "rail").output
    assert "Suifenhe-Grodekovo" in out
    assert f"{expected.cost_usd_teu:,.0f} USD/TEU" in out


def test_route_json_alternatives_are_distinct(net):
    payload = json.loads(run("route", "Harbin", "Vladivostok", "--alternatives", "3",
                             "--json").output)  # fmt: skip
    assert 1 <= len(payload) <= 3
    assert len({tuple(r["crossings"]) for r in payload}) == len(payload) or len(payload) == 1
    assert payload[0]["time_h"] <= payload[-1]["time_h"]


def test_route_unknown_place_is_one_line_error():
    result = CliRunner().invoke(main, ["route", "Changchun", "Bussan"])
    assert result.exit_code == 1
    assert "Did you mean: Busan" in result.output
    assert "Traceback" not in result.output


def test_od_csv_equals_od_matrix(net, tmp_path):
    path = tmp_path / "od.csv"
    run("od", "--from", "park", "--to", "port", "--by", "cost", "-o", str(path))
    written = pd.read_csv(path, index_col=0)
    expected = corridors.od_matrix(net, "park", sea_ports(net), weight="cost")  # ports with ships
    pd.testing.assert_frame_equal(
        written,
        expected.round(2),
        check_names=False,
        check_index_type=False,
        check_column_type=False,
    )


def test_reach_and_map(net, tmp_path):
    path = tmp_path / "reach.png"
    out = run("reach", "Zarubino", "--hours", "36", "--csv", "--map", str(path)).output
    table = pd.read_csv(io.StringIO(out), index_col=0)
    expected = corridors.reach(net, "Zarubino", max_hours=36)
    assert set(table.index) == set(expected.index)
    assert path.stat().st_size > 10_000


def test_hinterland_and_access(net, tmp_path):
    out = run("hinterland", "--market", "Busan", "--csv", "--map", str(tmp_path / "h.png"))
    table = pd.read_csv(io.StringIO(out.output), index_col=0)
    expected = corridors.hinterlands(net, market="Busan").places
    got = table["best_port"].fillna("none")
    assert (got == expected.loc[table.index, "best_port"].fillna("none")).all()
    access = pd.read_csv(io.StringIO(run("access", "--kind", "cumulative", "--threshold",
                                         "48", "--csv").output), index_col=0)  # fmt: skip
    series = corridors.accessibility(net, "park", sea_ports(net), kind="cumulative", threshold=48)
    assert access["accessibility"].to_dict() == series.round(4).to_dict()


def test_criticality_top_rows(net):
    out = run("criticality", "--elements", "crossings", "--top", "3", "--csv").output
    table = pd.read_csv(io.StringIO(out), index_col=0)
    expected = criticality(net, elements="crossings")
    assert list(table.index) == list(expected.index[:3])


def test_close_and_closure_matrix(net):
    out = run("close", "CN-RU", "--json").output
    summary = json.loads(out)
    expected = impact(net, close_borders(net, "CN-RU")).summary
    assert summary["pairs_disconnected"] == expected["pairs_disconnected"]
    assert summary["max_delay_usd_teu"] == pytest.approx(expected["max_delay_usd_teu"])
    table = pd.read_csv(io.StringIO(run("closure-matrix", "--csv").output), index_col=0)
    assert (
        table.loc["CN-RU", "pairs_disconnected"]
        == closure_matrix(net).loc["CN-RU", "pairs_disconnected"]
    )


def test_close_region_and_regional_failures():
    out = json.loads(run("close-region", "--point", "130.36,42.87", "--radius-km", "30",
                         "--json").output)  # fmt: skip
    assert "hunchun" in out["places_closed"]
    bad = CliRunner().invoke(main, ["close-region", "--point", "north", "--radius-km", "3"])
    assert bad.exit_code == 2
    assert "LON,LAT" in bad.output
    table = pd.read_csv(io.StringIO(run("failures", "--runs", "3", "--region-km", "80",
                                        "--csv").output))  # fmt: skip
    assert list(table["run"]) == [0, 1, 2]


def test_failures_quiet_summary():
    out = run("-q", "failures", "--runs", "3", "--fractions", "0.05,0.1", "--csv").output
    table = pd.read_csv(io.StringIO(out), index_col=0)
    assert list(table.index) == [0.05, 0.1]
    assert (table["connected_share_p5"] <= table["connected_share_p95"]).all()
