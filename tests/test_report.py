"""Tests for corridors.report and the ``corridors report`` command."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import json
import logging
from pathlib import Path

import geopandas as gpd
import matplotlib.image as mpimg
import pyogrio
import pytest
from click.testing import CliRunner

import corridors
from corridors import report
from corridors.cli.report import COMMANDS

TINY = Path(__file__).parent / "data" / "tiny"
SCENARIO = """
name = "Faster Changchun-Hunchun rail"
description = "The tiny network's rail link at 120 km/h."
base = "gtr"

[[step]]
action = "upgrade_link"
link = "changchun-hunchun-rail"
speed_kph = 120
"""
PROMISED_MAPS = {
    "network",
    "network_tumen",
    "corridor_routes",
    "corridor_routes_tumen",
    "hinterlands",
    "hinterlands_busan",
    "isochrones",
    "criticality_links",
    "criticality_crossings",
    "closure_cn_ru",
    "closure_cn_ru_tumen",
    "failure_curves",
    "scenario_faster_rail",
}
PROMISED_TABLES = {
    "places",
    "links",
    "corridor_routes",
    "od_park_port_generalized_usd_teu",
    "od_park_port_time_h",
    "hinterland_places",
    "hinterland_ports",
    "hinterland_places_busan",
    "accessibility_parks",
    "isochrones",
    "criticality_links",
    "criticality_crossings",
    "closure_matrix",
    "failure_curves",
}
PROMISED_LAYERS = {
    "places",
    "links",
    "routes",
    "od_best_port",
    "hinterland_places",
    "hinterland_catchments",
    "isochrones",
    "criticality_links",
    "criticality_crossings",
}


@pytest.fixture(scope="module")
def net():
    return corridors.io.read_network(TINY)


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("scenarios") / "faster_rail.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def out(net, scenario_file, tmp_path_factory):
    folder = tmp_path_factory.mktemp("report") / "out"
    report.run_report(net, folder, scenarios=[scenario_file], failure_runs=5, progress=False)
    return folder


def test_report_writes_every_promised_file(out):
    maps = {p.stem for p in (out / "maps").glob("*.png")}
    tables = {p.stem for p in (out / "tables").glob("*.csv")}
    assert maps >= PROMISED_MAPS
    assert tables >= PROMISED_TABLES
    assert any(t.startswith("scenario_faster_rail_") for t in tables)
    image = mpimg.imread(out / "maps" / "network.png")
    assert image.shape[:2] == (int(8.27 * 150), int(11.69 * 150))
    layers = set(pyogrio.list_layers(out / "corridors.gpkg")[:, 0])
    assert layers >= PROMISED_LAYERS
    routes = gpd.read_file(out / "corridors.gpkg", layer="routes")
    assert routes.crs == "EPSG:4326"
    assert "Primorye-2" in set(routes["corridor"])
    assert not [p for p in out.iterdir() if p.is_dir() and p.name.startswith(".report-")]


def test_report_text_and_html(out):
    markdown = (out / "report.md").read_text(encoding="utf-8")
    page = (out / "report.html").read_text(encoding="utf-8")
    for title in ("Corridor routes", "Port hinterlands", "Border closures", "Scenarios"):
        assert f"## {title}" in markdown
        assert title in page
    assert "section failed" not in markdown.lower()
    assert "| corridor | route |" in markdown
    assert "![" in markdown
    assert page.count("data:image/png;base64,") == len(list((out / "maps").glob("*.png")))
    assert "src='maps/" not in page  # self-contained


def test_failing_section_is_reported_and_earlier_outputs_stay(
    net, out, scenario_file, monkeypatch, caplog
):
    closure_map = (out / "maps" / "closure_cn_ru.png").read_bytes()
    routes_csv = out / "tables" / "corridor_routes.csv"
    routes_csv.write_text("stale\n", encoding="utf-8")

    def broken(ctx):
        raise RuntimeError("solver exploded")

    sections = tuple((k, broken if k == "closures" else f) for k, f in report.SECTIONS)
    monkeypatch.setattr(report.runner, "SECTIONS", sections)
    with caplog.at_level(logging.ERROR, logger="corridors.report"):
        report.run_report(net, out, sections=["routes", "closures"], progress=False)
    assert "solver exploded" in caplog.text
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "RuntimeError: solver exploded" in markdown
    assert (out / "maps" / "closure_cn_ru.png").read_bytes() == closure_map  # kept
    assert (out / "tables" / "closure_matrix.csv").exists()
    assert routes_csv.read_text(encoding="utf-8") != "stale\n"  # others rewritten
    layers = set(pyogrio.list_layers(out / "corridors.gpkg")[:, 0])
    assert {"routes", "criticality_links", "hinterland_places"} <= layers  # kept or rewritten
    assert "## Port hinterlands" not in markdown  # sections not run are not reported
    assert (out / "maps" / "hinterlands.png").exists()  # ... and their files stay
    manifest = json.loads((out / ".report-manifest.json").read_text(encoding="utf-8"))
    assert "maps/closure_cn_ru.png" in manifest["closures"]["files"]


def test_unknown_section_is_refused(net, tmp_path):
    with pytest.raises(ValueError, match="sections"):
        report.run_report(net, tmp_path, sections=["nothing"], progress=False)


def test_cli_report_runs_selected_network(tmp_path, monkeypatch):
    calls = {}

    def fake_run_report(net, out_dir, *, scenarios=None, progress=True):
        calls.update(net=net, out=out_dir, progress=progress, scenarios=scenarios)
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        (Path(out_dir) / "report.md").write_text("# ok\n", encoding="utf-8")
        return Path(out_dir) / "report.html"

    monkeypatch.setattr(report, "run_report", fake_run_report)
    (command,) = COMMANDS
    result = CliRunner().invoke(
        command, ["--out", str(tmp_path / "o"), "--network", str(TINY), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    assert calls["net"].name == "tiny"
    assert calls["progress"] is False
    assert calls["scenarios"] is None
