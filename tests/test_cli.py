"""The ``corridors`` command, driven with click's CliRunner on the tiny fixture."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from corridors import DataError
from corridors.cli import main
from corridors.io import read_network

COMMANDS = ("info", "places", "links")


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def section(output: str, title: str) -> dict[str, str]:
    """The ``key  value`` lines under ``title:`` in the text of ``info``."""
    lines = output.splitlines()
    out = {}
    for line in lines[lines.index(f"{title}:") + 1 :]:
        if not line.strip():
            break
        key, value = re.fullmatch(r"\s+(\S.*?)\s+([\d,]+)(?: km)?", line).groups()
        out[key] = value
    return out


def test_help() -> None:
    result = run("--help")
    assert result.exit_code == 0, result.output
    for command in COMMANDS:
        assert command in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_command_help(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0, result.output
    assert "--network" in result.stdout
    assert f"Usage: main {command}" in result.stdout or f"{command} [OPTIONS]" in result.stdout


def test_info_counts(tiny_dir: Path) -> None:
    net = read_network(tiny_dir)
    result = run("info", "--network", tiny_dir)
    assert result.exit_code == 0, result.stderr
    places, links = net.places, net.links
    assert result.stdout.splitlines()[0] == f"tiny: {len(places)} places, {len(links)} links"
    kinds = {k: str(n) for k, n in places["kind"].value_counts().items()}
    assert section(result.stdout, "Places by kind") == kinds
    countries = {k: str(n) for k, n in places["country"].value_counts().items()}
    assert section(result.stdout, "Places by country") == countries
    modes = {m: str((links["mode"] == m).sum()) for m in ("rail", "road", "sea", "air")}
    assert section(result.stdout, "Links by mode") == modes
    km = section(result.stdout, "Length by mode")
    for mode, group in links.groupby("mode"):
        assert int(km[mode].replace(",", "")) == round(group["length_km"].sum())


def test_info_json(tiny_dir: Path) -> None:
    net = read_network(tiny_dir)
    result = run("info", "--network", tiny_dir, "--json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    links = net.links
    assert summary["places"] == len(net.places)
    assert summary["links"] == len(links)
    assert summary["links_by_mode"]["rail"] == int((links["mode"] == "rail").sum())
    for mode, group in links.groupby("mode"):
        assert summary["km_by_mode"][mode] == pytest.approx(group["length_km"].sum(), abs=0.5)
    assert summary["places_by_kind"]["port"] == int((net.places["kind"] == "port").sum())


def test_places_filtered(tiny_dir: Path) -> None:
    result = run("places", "--network", tiny_dir, "--kind", "port", "--country", "RU", "--csv")
    assert result.exit_code == 0, result.stderr
    rows = parse_csv(result.stdout)
    with (tiny_dir / "places.csv").open(newline="", encoding="utf-8") as handle:
        expected = [
            r["id"] for r in csv.DictReader(handle) if r["kind"] == "port" and r["country"] == "RU"
        ]
    assert [r["id"] for r in rows] == expected
    assert {r["kind"] for r in rows} == {"port"}


def test_places_text_table(tiny_dir: Path) -> None:
    result = run("places", "--network", tiny_dir, "--kind", "PORT")
    assert result.exit_code == 0, result.stderr
    assert "busan_port" in result.stdout
    assert "hunchun_park" not in result.stdout


def test_places_unknown_kind_is_refused(tiny_dir: Path) -> None:
    result = run("places", "--network", tiny_dir, "--kind", "prt")
    assert result.exit_code == 2
    assert "'prt' is not one of" in result.stderr
    assert "port" in result.stderr


def test_links_by_mode_csv(tiny_dir: Path) -> None:
    net = read_network(tiny_dir)
    result = run("links", "--network", tiny_dir, "--mode", "sea", "--csv")
    assert result.exit_code == 0, result.stderr
    rows = parse_csv(result.stdout)
    sea = net.links[net.links["mode"] == "sea"]
    assert [r["id"] for r in rows] == list(sea.index)
    for row in rows:
        assert row["mode"] == "sea"
        assert float(row["length_km"]) == pytest.approx(sea.loc[row["id"], "length_km"], abs=0.05)


def test_links_json(tiny_dir: Path) -> None:
    result = run("links", "--network", tiny_dir, "--mode", "rail", "--json")
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout)
    assert {r["mode"] for r in records} == {"rail"}
    assert len(records) == 4


def test_links_by_corridor(tiny_dir: Path) -> None:
    result = run("links", "--network", tiny_dir, "--corridor", "test CORRIDOR", "--csv")
    assert result.exit_code == 0, result.stderr
    with (tiny_dir / "links.csv").open(newline="", encoding="utf-8") as handle:
        expected = [
            r["id"] for r in csv.DictReader(handle) if "Test corridor" in r["corridors"].split(";")
        ]
    assert [r["id"] for r in parse_csv(result.stdout)] == expected


def test_links_unknown_corridor_suggests(tiny_dir: Path) -> None:
    result = run("links", "--network", tiny_dir, "--corridor", "Test corridr")
    assert result.exit_code == 2
    assert "did you mean 'Test corridor'" in result.stderr


def test_output_file(tiny_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "sea.csv"
    result = run("links", "--network", tiny_dir, "--mode", "sea", "-o", target)
    assert result.exit_code == 0, result.stderr
    rows = parse_csv(target.read_text(encoding="utf-8"))
    assert [r["mode"] for r in rows] == ["sea", "sea"]
    names = sorted(p.name for p in target.parent.iterdir())
    assert names == ["sea.csv", "sea.csv.meta.json"]  # no temp file left; provenance sidecar


def test_bad_network_is_one_line_error(
    write_tables: Callable[..., Path], tmp_path: Path, tiny_dir: Path
) -> None:
    folder = write_tables(tmp_path, places_rows={"hunchun_park": {"lon": "abc"}})
    result = run("info", "--network", folder)
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("Error: ")
    assert str(folder / "places.csv") in result.stderr
    assert "lon = 'abc'" in result.stderr
    assert result.stdout == ""


def test_missing_network_folder(tmp_path: Path) -> None:
    result = run("info", "--network", tmp_path / "nope")
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0
    assert "not found" in result.stderr


def test_traceback_only_with_vv(write_tables: Callable[..., Path], tmp_path: Path) -> None:
    folder = write_tables(tmp_path, places_rows={"hunchun_park": {"lon": "abc"}})
    quiet = run("-v", "info", "--network", folder)
    assert quiet.exit_code == 1
    assert not isinstance(quiet.exception, DataError)  # handled: SystemExit
    loud = run("-vv", "info", "--network", folder)
    assert loud.exit_code == 1
    assert isinstance(loud.exception, DataError)  # re-raised: the traceback is shown
