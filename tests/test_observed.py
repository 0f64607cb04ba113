"""Model against observed trips: the table, its checks, and the fit the data must hold."""

from __future__ import annotations

import csv
import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import corridors
from corridors import DataError
from corridors.observed import (
    OBSERVED_COLUMNS,
    compare_observed,
    fit_summary,
    observed_path,
    read_observed,
)


@pytest.fixture(scope="module")
def net() -> corridors.Network:
    return corridors.load_gtr()


@pytest.fixture(scope="module")
def comparison(net) -> pd.DataFrame:
    return compare_observed(net)


def write_trips(path, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, OBSERVED_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in OBSERVED_COLUMNS})


TRIP = {
    "id": "t1",
    "orig": "hunchun",
    "dest": "zarubino_port",
    "modes": "road",
    "weight": "distance",
    "include_suspended": "false",
    "year": "2020",
    "distance_km": "71",
    "used_in_data": "false",
    "source": "https://example.org/a",
    "confidence": "S",
}


def test_builtin_table_has_thirty_sourced_trips():
    table = read_observed()
    assert len(table) >= 30
    assert table["source"].str.contains("http").all()
    assert table.index.is_unique
    observed = table[["distance_km", "time_h", "cost_usd_teu"]].notna()
    assert observed.any(axis=1).all()
    assert observed["time_h"].sum() >= 10


def test_every_trip_routes_on_the_builtin_network(comparison):
    assert fit_summary(comparison)["unrouted"] == []
    assert set(comparison.index) == set(read_observed().index)


def test_sourced_distances_within_10_percent(comparison):
    sourced = read_observed()["confidence"].isin(["S", "S*"])
    err = comparison.loc[sourced[sourced].index, "err_distance"].dropna()
    assert len(err) >= 15
    bad = err[err.abs() > 0.10]
    assert bad.empty, bad.round(3).to_dict()


def test_median_transit_time_error_within_25_percent(comparison):
    err = comparison["err_time"].dropna().abs()
    assert len(err) >= 10
    assert err.median() <= 0.25, err.sort_values().round(2).to_dict()


def test_no_pair_worse_than_factor_2_without_a_written_reason(comparison):
    summary = fit_summary(comparison)
    assert summary["unexplained"] == [], comparison.loc[
        summary["unexplained"], "worst_factor"
    ].to_dict()
    for trip in summary["beyond_factor_2"]:
        assert len(comparison.at[trip, "outlier_reason"]) > 20, trip


def test_comparison_matches_a_networkx_reference(tmp_path, tiny_dir):
    """Distances and times equal networkx's shortest paths on a single-mode network."""
    tiny = corridors.read_network(tiny_dir)
    graph = nx.DiGraph()
    for u, v, data in tiny.graph.edges(data=True):
        if data["mode"] != "road" or data.get("status", "existing") != "existing":
            continue
        w = data["length"] / 1000.0
        if not graph.has_edge(u, v) or graph[u][v]["km"] > w:
            graph.add_edge(u, v, km=w)
    roads = [p for p in tiny.places.index if p in graph and "road" in tiny.places.at[p, "modes"]]
    borders = set(tiny.places.index[tiny.places["kind"] == "border"])
    pairs = [
        (a, b) for a in roads for b in roads if a != b and a not in borders and b not in borders
    ]
    pairs = [(a, b) for a, b in pairs if nx.has_path(graph, a, b)][:6]
    assert pairs
    rows = [
        dict(TRIP, id=f"p{i}", orig=a, dest=b, distance_km="1") for i, (a, b) in enumerate(pairs)
    ]
    write_trips(tmp_path / "trips.csv", rows)
    table = compare_observed(tiny, tmp_path / "trips.csv")
    for i, (a, b) in enumerate(pairs):
        expected = nx.shortest_path_length(graph, a, b, weight="km")
        assert table.at[f"p{i}", "model_distance_km"] == pytest.approx(expected)
        assert table.at[f"p{i}", "err_distance"] == pytest.approx(expected - 1.0)
        assert table.at[f"p{i}", "factor_distance"] == pytest.approx(max(expected, 1 / expected))
        assert math.isnan(table.at[f"p{i}", "err_time"])


def test_via_joins_the_shortest_paths_through_each_stop(tmp_path, tiny_dir):
    """A trip with via places equals networkx's shortest paths stop to stop, summed."""
    tiny = corridors.read_network(tiny_dir)
    graph = nx.DiGraph()
    for u, v, data in tiny.graph.edges(data=True):
        if data["mode"] != "road" or data.get("status", "existing") != "existing":
            continue
        w = data["length"] / 1000.0
        if not graph.has_edge(u, v) or graph[u][v]["km"] > w:
            graph.add_edge(u, v, km=w)
    borders = set(tiny.places.index[tiny.places["kind"] == "border"])
    roads = [p for p in tiny.places.index if p in graph and p not in borders]
    triples = [
        (a, v, b)
        for a in roads
        for v in roads
        for b in roads
        if len({a, v, b}) == 3 and nx.has_path(graph, a, v) and nx.has_path(graph, v, b)
    ]
    # keep the detours: the stop is off the direct shortest path
    triples = [t for t in triples if t[1] not in nx.shortest_path(graph, t[0], t[2], weight="km")][
        :4
    ]
    assert triples
    rows = [
        dict(TRIP, id=f"v{i}", orig=a, via=v, dest=b, distance_km="1")
        for i, (a, v, b) in enumerate(triples)
    ]
    write_trips(tmp_path / "trips.csv", rows)
    table = compare_observed(tiny, tmp_path / "trips.csv")
    for i, (a, v, b) in enumerate(triples):
        expected = nx.shortest_path_length(graph, a, v, weight="km")
        expected += nx.shortest_path_length(graph, v, b, weight="km")
        assert table.at[f"v{i}", "model_distance_km"] == pytest.approx(expected)
        assert v in table.at[f"v{i}", "route"].split(">")


def test_port_to_port_is_the_sailing_and_door_to_door_adds_the_calls(tmp_path, net):
    """Quay to quay = length / speed of the lane; door to door adds two calls and the wait."""
    lane = "vladivostok_port-busan_port-sea"
    link = net.links.loc[lane]
    rows = [
        dict(TRIP, id=f"{scope}", orig="busan_port", dest="vladivostok_port", modes="sea")
        | {"weight": "time", "time_h": "48", "distance_km": "", "scope": scope}
        for scope in ("port-to-port", "door-to-door")
    ]
    write_trips(tmp_path / "trips.csv", rows)
    table = compare_observed(net, tmp_path / "trips.csv")
    sailing_h = link["length_km"] / link["speed_kph"]
    assert table.at["port-to-port", "model_time_h"] == pytest.approx(sailing_h)
    assert table.at["port-to-port", "scope"] == "port-to-port"
    call = net.params.ports["sea"].handling_h
    wait = 0.5 * 168.0 / link["sailings_per_week"]
    assert table.at["door-to-door", "model_time_h"] == pytest.approx(sailing_h + 2 * call + wait)
    assert table.at["door-to-door", "model_distance_km"] == pytest.approx(link["length_km"])


def test_port_to_port_of_a_ferry_leaves_out_rolling_on_and_off(tmp_path, net):
    lane = "vladivostok_port-donghae_port-sea"
    link = net.links.loc[lane]
    assert link["sea_service"] == "roro"
    row = dict(TRIP, orig="donghae_port", dest="vladivostok_port", modes="sea", weight="time")
    row |= {"time_h": "22", "distance_km": "", "scope": "port-to-port"}
    write_trips(tmp_path / "trips.csv", [row])
    table = compare_observed(net, tmp_path / "trips.csv")
    assert table.at["t1", "model_time_h"] == pytest.approx(link["length_km"] / link["speed_kph"])


def test_port_to_port_without_a_sea_leg_is_a_model_error(tmp_path, net):
    row = dict(TRIP, modes="road;sea", scope="port-to-port")
    write_trips(tmp_path / "trips.csv", [row])
    table = compare_observed(net, tmp_path / "trips.csv")
    assert "no sea leg" in table.at["t1", "model_error"]
    assert math.isnan(table.at["t1", "model_distance_km"])


def test_files_without_via_and_scope_are_door_to_door(tmp_path, net):
    path = tmp_path / "trips.csv"
    columns = [c for c in OBSERVED_COLUMNS if c not in ("via", "scope")]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerow({c: TRIP.get(c, "") for c in columns})
    table = read_observed(path)
    assert table.at["t1", "scope"] == "door-to-door"
    assert table.at["t1", "via"] == ""
    assert compare_observed(net, path).at["t1", "model_distance_km"] == pytest.approx(71.1, 0.01)


def test_builtin_timed_sailings_are_compared_port_to_port():
    table = read_observed()
    assert set(table["scope"]) == {"door-to-door", "port-to-port"}
    sailings = table[table["scope"] == "port-to-port"]
    assert len(sailings) >= 4
    assert (sailings["modes"] == "sea").all()


def test_outlier_reason_is_read_from_notes(tmp_path, net):
    rows = [dict(TRIP, time_h="1", notes="ferry. outlier: a priority lane at the border")]
    write_trips(tmp_path / "trips.csv", rows)
    table = compare_observed(net, tmp_path / "trips.csv")
    assert table.at["t1", "outlier_reason"] == "a priority lane at the border"
    summary = fit_summary(table)
    assert summary["beyond_factor_2"] == ["t1"]
    assert summary["unexplained"] == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"modes": "rail;boat"}, "modes"),
        ({"weight": "fastest"}, "weight"),
        ({"distance_km": "-3"}, "distance_km"),
        ({"distance_km": ""}, "distance_km, time_h and cost_usd_teu"),
        ({"include_suspended": "maybe"}, "include_suspended"),
        ({"source": ""}, "source"),
        ({"year": "20"}, "year"),
        ({"scope": "quay"}, "scope"),
        ({"scope": "port-to-port", "modes": "road"}, "scope = port-to-port"),
    ],
)
def test_bad_rows_name_file_line_and_field(tmp_path, change, field):
    path = tmp_path / "trips.csv"
    write_trips(path, [dict(TRIP, **change)])
    with pytest.raises(DataError) as info:
        read_observed(path)
    message = str(info.value)
    assert str(path) in message
    assert "line 2" in message
    assert field in message


def test_missing_column_and_duplicate_id(tmp_path):
    path = tmp_path / "trips.csv"
    path.write_text("id,orig\nx,y\n", encoding="utf-8")
    with pytest.raises(DataError, match="missing column"):
        read_observed(path)
    write_trips(path, [TRIP, TRIP])
    with pytest.raises(DataError, match="used twice"):
        read_observed(path)


def test_observed_path_is_next_to_the_builtin_tables():
    assert observed_path().name == "observed.csv"
    assert (observed_path().parent / "places.csv").exists()


def test_unknown_places_raise_or_are_skipped(tmp_path, net):
    write_trips(tmp_path / "trips.csv", [TRIP, dict(TRIP, id="t2", orig="atlantis")])
    with pytest.raises(corridors.UnknownPlaceError, match="atlantis"):
        compare_observed(net, tmp_path / "trips.csv")
    table = compare_observed(net, tmp_path / "trips.csv", skip_unknown=True)
    assert list(table.index) == ["t1"]


def test_validate_command_prints_the_table_and_the_fit(tmp_path, comparison):
    from click.testing import CliRunner

    from corridors.cli import main

    plot = tmp_path / "fit.png"
    out = tmp_path / "fit.csv"
    result = CliRunner().invoke(main, ["validate", "--plot", str(plot), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "time median |error|" in result.output
    assert "hunchun_zarubino_road" in result.output
    assert plot.stat().st_size > 10_000
    written = pd.read_csv(out, index_col="id")
    assert list(written.index) == list(comparison.index)
    assert np.allclose(
        written["model_time_h"], comparison["model_time_h"], atol=0.051, equal_nan=True
    )
    bad = tmp_path / "bad.csv"
    write_trips(bad, [dict(TRIP, weight="fastest")])
    result = CliRunner().invoke(main, ["validate", "--observed", str(bad)])
    assert result.exit_code == 1
    assert "weight = 'fastest'" in result.output
    assert "Traceback" not in result.output


def test_plot_observed_draws_every_trip(comparison):
    from corridors import maps

    ax = maps.plot_observed(comparison, quantity="distance")
    drawn = sum(len(c.get_offsets()) for c in ax.collections if hasattr(c, "get_offsets"))
    assert drawn >= comparison["obs_distance_km"].notna().sum()
    with pytest.raises(ValueError, match="quantity"):
        maps.plot_observed(comparison, quantity="speed")
    with pytest.raises(ValueError, match="lacks columns"):
        maps.plot_observed(comparison.drop(columns="modes"))


def test_report_section_on_the_builtin_and_on_another_network(tmp_path, net):
    from corridors import report

    html = report.run_report(net, tmp_path / "gtr", sections=["fit"], progress=False)
    markdown = html.with_suffix(".md").read_text(encoding="utf-8")
    assert "## How well the model fits" in markdown
    assert "section failed" not in markdown.lower()
    assert {"fit_time.png", "fit_distance.png"} <= {
        p.name for p in (tmp_path / "gtr" / "maps").iterdir()
    }
    other = corridors.synthetic.network(30, seed=1)
    html = report.run_report(other, tmp_path / "other", sections=["fit"], progress=False)
    markdown = html.with_suffix(".md").read_text(encoding="utf-8")
    assert "No observed trip" in markdown
