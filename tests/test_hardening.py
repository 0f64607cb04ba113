"""The bad-input corpus: every input the hardening audit (issue 18) found ending badly.

Each case runs the ``corridors`` command on one bad input and asserts the exit code
(:data:`corridors._errors.EXIT_CODES`), a single ``Error:`` line on stderr naming
the culprit (file, line, field or option), no traceback, and that an output which
existed before is byte-for-byte unchanged. The classes: encodings, folders,
permissions, truncation, corruption, NaN/inf/huge/tiny numbers, hostile names,
output targets that are not files, unreachable services, oversized runs.
"""

from __future__ import annotations

import errno
import os
import shutil
import socket
import stat
import threading
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from click.testing import CliRunner, Result
from conftest import TINY_DIR

from corridors import DataError
from corridors._errors import EXIT_CODES, MAX_LISTED
from corridors.cli import main
from corridors.io import read_network, write_geopackage, write_graphml
from corridors.network import Network
from corridors.schema import Record

SENTINEL = "sentinel: an earlier output that must survive\n"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_one_line(result: Result, code: int, *culprits: str) -> None:
    """Exit `code`, one ``Error:`` line on stderr naming every culprit, no traceback."""
    assert result.exit_code == code, (result.exit_code, result.stderr, result.exception)
    assert result.exit_code in EXIT_CODES.values()
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.output + result.stderr
    for culprit in culprits:
        assert culprit in lines[0], (culprit, lines[0])


@pytest.fixture
def existing(tmp_path: Path) -> Path:
    """An output file written by an earlier run."""
    path = tmp_path / "earlier" / "out.csv"
    path.parent.mkdir()
    path.write_text(SENTINEL, encoding="utf-8")
    return path


def read_with_output(network: Path, output: Path) -> Result:
    """Read a network and write its places to `output` (which must then stay unchanged)."""
    return run("places", "--network", network, "-o", output)


def copy_tiny(tmp_path: Path) -> Path:
    folder = tmp_path / "net"
    shutil.copytree(TINY_DIR, folder)
    return folder


def set_cell(path: Path, row_id: str, column: str, value: str) -> None:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[frame.iloc[:, 0] == row_id, column] = value
    frame.to_csv(path, index=False)


# ---------------------------------------------------------------- CSV tables


def _latin1(folder: Path) -> str:
    text = (folder / "places.csv").read_text(encoding="utf-8").replace("Hunchun", "Hünchün")
    (folder / "places.csv").write_bytes(text.encode("latin-1"))
    return "UTF-8"


def _utf16(folder: Path) -> str:
    text = (folder / "places.csv").read_text(encoding="utf-8")
    (folder / "places.csv").write_bytes(text.encode("utf-16"))
    return "UTF-16"


def _folder_as_table(folder: Path) -> str:
    (folder / "links.csv").unlink()
    (folder / "links.csv").mkdir()
    return "is a folder"


def _truncated(folder: Path) -> str:
    data = (folder / "links.csv").read_bytes()
    (folder / "links.csv").write_bytes(data[: len(data) // 2])
    return "links.csv, line"


def _binary_junk(folder: Path) -> str:
    (folder / "links.csv").write_bytes(b"id,from,to\n" + bytes(range(256)) * 40)
    return "links.csv"


def _huge_cell(folder: Path) -> str:
    with (folder / "places.csv").open("a", encoding="utf-8") as handle:
        handle.write("x" * 300_000 + "\n")
    return "longer than"


def _many_bad_rows(folder: Path) -> str:
    rows = "".join(f"junk{i},?,?,?,?,?,?,?\n" for i in range(20_000))
    with (folder / "places.csv").open("a", encoding="utf-8") as handle:
        handle.write(rows)
    return "at least"


def _cell(file: str, row: str, column: str, value: str, culprit: str) -> Callable[[Path], str]:
    def edit(folder: Path) -> str:
        set_cell(folder / file, row, column, value)
        return culprit

    edit.__name__ = f"{column}={value[:12]}"
    return edit


def _params(old: str, new: str, culprit: str) -> Callable[[Path], str]:
    def edit(folder: Path) -> str:
        path = folder / "params.toml"
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return culprit

    return edit


def _deep_params(folder: Path) -> str:
    with (folder / "params.toml").open("a", encoding="utf-8") as handle:
        handle.write("deep = " + "[" * 5000 + "]" * 5000 + "\n")
    return "params.toml"


TABLE_CASES = {
    "latin-1": _latin1,
    "utf-16": _utf16,
    "folder as table": _folder_as_table,
    "truncated": _truncated,
    "binary junk": _binary_junk,
    "300k-character cell": _huge_cell,
    "20,000 bad rows": _many_bad_rows,
    "throughput_year inf": _cell(
        "places.csv", "hunchun", "throughput_year", "inf", "throughput_year = 'inf'"
    ),
    "speed 1e-300": _cell(
        "links.csv", "changchun-hunchun-rail", "speed_kph", "1e-300", "speed_kph = '1e-300'"
    ),
    "speed 1e300": _cell(
        "links.csv", "changchun-hunchun-rail", "speed_kph", "1e300", "speed_kph = '1e300'"
    ),
    "length 1_2_5": _cell(
        "links.csv", "changchun-hunchun-rail", "length_km", "1_2_5", "length_km = '1_2_5'"
    ),
    "length full-width digits": _cell(
        "links.csv", "changchun-hunchun-rail", "length_km", "１２５", "length_km"
    ),
    "length tiny": _cell(
        "links.csv", "changchun-hunchun-rail", "length_km", "1e-9", "length_km = '1e-9'"
    ),
    "length negative": _cell(
        "links.csv", "changchun-hunchun-rail", "length_km", "-500", "length_km = '-500'"
    ),
    "lon nan": _cell("places.csv", "hunchun", "lon", "nan", "lon = 'nan'"),
    "lon 999": _cell("places.csv", "hunchun", "lon", "999", "lon = '999'"),
    "lat 1e308": _cell("places.csv", "hunchun", "lat", "1e308", "lat = '1e308'"),
    "mode boat": _cell("links.csv", "changchun-hunchun-rail", "mode", "boat", "mode = 'boat'"),
    "kind blank": _cell("places.csv", "hunchun", "kind", "", "kind is blank"),
    "params speed inf": _params("speed_kph = 30.0", "speed_kph = inf", "speed_kph"),
    "params dwell huge": _params("dwell_road_h = ", "dwell_road_h = 1e9 #", "dwell_road_h"),
    "params nested 5000 deep": _deep_params,
}


@pytest.mark.parametrize("edit", TABLE_CASES.values(), ids=TABLE_CASES.keys())
def test_bad_table(edit: Callable[[Path], str], tmp_path: Path, existing: Path) -> None:
    folder = copy_tiny(tmp_path)
    culprit = edit(folder)
    result = read_with_output(folder, existing)
    assert_one_line(result, 1, culprit, str(folder))
    assert existing.read_text(encoding="utf-8") == SENTINEL


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_table(tmp_path: Path, existing: Path) -> None:
    folder = copy_tiny(tmp_path)
    (folder / "places.csv").chmod(0)
    result = read_with_output(folder, existing)
    assert_one_line(result, 1, "places.csv", "permission denied")
    assert existing.read_text(encoding="utf-8") == SENTINEL


def test_huge_bad_file_lists_a_capped_number_of_problems(tmp_path: Path) -> None:
    folder = copy_tiny(tmp_path)
    _many_bad_rows(folder)
    with pytest.raises(DataError) as info:
        read_network(folder)
    message = str(info.value)
    assert message.count("\n  - ") == MAX_LISTED
    assert "... and" in message
    assert "at least 1000 problems" in message  # reading stopped early


# ---------------------------------------------------------------- GeoPackage, GraphML


@pytest.fixture(scope="module")
def tiny_net() -> Network:
    return read_network(TINY_DIR)


def _gpkg_junk(path: Path, net: Network) -> str:
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(4000))
    return "not a readable GeoPackage"


def _gpkg_truncated(path: Path, net: Network) -> str:
    write_geopackage(net, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return str(path)


def _gpkg_bad_params(path: Path, net: Network) -> str:
    write_geopackage(net, path)
    import geopandas as gpd

    frame = gpd.read_file(path, layer="parameters")
    frame["params_json"] = "{not json"
    frame.to_file(path, layer="parameters", driver="GPKG")
    return "layer parameters"


def _gpkg_folder(path: Path, net: Network) -> str:
    path.mkdir()
    return "a folder"


GPKG_CASES = {
    "junk": _gpkg_junk,
    "truncated": _gpkg_truncated,
    "bad params_json": _gpkg_bad_params,
    "folder": _gpkg_folder,
}


@pytest.mark.parametrize("make", GPKG_CASES.values(), ids=GPKG_CASES.keys())
def test_bad_geopackage(make, tiny_net: Network, tmp_path: Path, existing: Path) -> None:
    path = tmp_path / "net.gpkg"
    culprit = make(path, tiny_net)
    result = read_with_output(path, existing)
    assert_one_line(result, 1, culprit, str(path))
    assert existing.read_text(encoding="utf-8") == SENTINEL


def _graphml_edit(
    change: Callable[[nx.MultiDiGraph], None], culprit: str
) -> Callable[[Path, Network], str]:
    def make(path: Path, net: Network) -> str:
        write_graphml(net, path)
        graph = nx.read_graphml(path, force_multigraph=True)
        change(graph)
        nx.write_graphml(graph, path)
        return culprit

    return make


def _first_edge(graph: nx.MultiDiGraph) -> dict:
    return next(iter(graph.edges(keys=True, data=True)))[3]


def _set_edge(attr: str, value: str) -> Callable[[nx.MultiDiGraph], None]:
    def change(graph: nx.MultiDiGraph) -> None:
        for _, _, data in graph.edges(data=True):
            data[attr] = value

    return change


def _node(attr: str, value: str | None) -> Callable[[nx.MultiDiGraph], None]:
    def change(graph: nx.MultiDiGraph) -> None:
        data = graph.nodes["hunchun"]
        if value is None:
            data.pop(attr)
        else:
            data[attr] = value

    return change


def _graphml_text(text: str, culprit: str) -> Callable[[Path, Network], str]:
    def make(path: Path, net: Network) -> str:
        write_graphml(net, path)
        data = path.read_text(encoding="utf-8")
        path.write_text(text if text else data[: len(data) // 2], encoding="utf-8")
        return culprit

    return make


def _graphml_params(graph: nx.MultiDiGraph) -> None:
    graph.graph["params_json"] = '{"modes": '


GRAPHML_CASES = {
    "travel_time negative": _graphml_edit(_set_edge("travel_time", "-3600"), "travel_time"),
    "length negative": _graphml_edit(_set_edge("length", "-500000"), "length = '-500000'"),
    "mode boat": _graphml_edit(_set_edge("mode", "boat"), "mode = 'boat'"),
    "node without kind": _graphml_edit(_node("kind", None), "kind is missing"),
    "x 999": _graphml_edit(_node("x", "999"), "lon = '999'"),
    "x NaN": _graphml_edit(_node("x", "NaN"), "lon = 'NaN'"),
    "bad params_json": _graphml_edit(_graphml_params, "params_json"),
    "truncated": _graphml_text("", "not a valid GraphML"),
    "not XML": _graphml_text("<graphml><node id='a'", "not a valid GraphML"),
    "wrong geometry": _graphml_edit(_set_edge("geometry", "POINT (1 2"), "geometry"),
}


@pytest.mark.parametrize("make", GRAPHML_CASES.values(), ids=GRAPHML_CASES.keys())
def test_bad_graphml(make, tiny_net: Network, tmp_path: Path, existing: Path) -> None:
    path = tmp_path / "net.graphml"
    culprit = make(path, tiny_net)
    result = read_with_output(path, existing)
    assert_one_line(result, 1, culprit, str(path))
    assert existing.read_text(encoding="utf-8") == SENTINEL


def test_graphml_negative_time_never_reaches_a_search(tiny_net: Network, tmp_path: Path) -> None:
    path = tmp_path / "net.graphml"
    _graphml_edit(_set_edge("travel_time", "-3600"), "")(path, tiny_net)
    result = run("route", "Changchun", "Hunchun", "--network", path)  # used to hang
    assert_one_line(result, 1, "travel_time = '-3600'")


# ---------------------------------------------------------------- records


@pytest.mark.parametrize(
    ("change", "culprit"),
    [
        ({"length_km": -5.0}, "length_km = -5.0"),
        ({"length_km": "abc"}, "length_km = 'abc'"),
        ({"length_km": float("nan")}, "length_km = nan"),
        ({"speed_kph": 1e-300}, "speed_kph = 1e-300"),
        ({"mode": "boat"}, "mode = 'boat'"),
        ({"via": "nonsense"}, "via"),
    ],
)
def test_bad_records(change: dict, culprit: str, tiny_net: Network) -> None:
    places = [Record(f"place {i}", {"id": i, **_place(tiny_net, i)}) for i in tiny_net.graph]
    links = []
    for key, row in tiny_net.links.iterrows():
        values = {"id": key, **{c: row[c] for c in ("from", "to", "mode", "source")}}
        values["length_km"] = row["length_km"]
        if key == "changchun-hunchun-rail":
            values.update(change)
        links.append(Record(f"link {key}", values))
    with pytest.raises(DataError, match="link changchun-hunchun-rail") as info:
        Network.from_records(places, links, tiny_net.params)
    assert culprit in str(info.value)


def test_record_of_unknown_kind(tiny_net: Network) -> None:
    places = [Record(f"place {i}", {"id": i, **_place(tiny_net, i)}) for i in tiny_net.graph]
    places[0].values["kind"] = "castle"
    with pytest.raises(DataError, match="kind = 'castle'"):
        Network.from_records(places, [], tiny_net.params)


def _place(net: Network, place: str) -> dict:
    row = net.places.loc[place]
    keep = ("name", "kind", "country", "lon", "lat", "modes", "source", "countries")
    return {k: row[k] for k in keep if isinstance(row[k], str | float) and row[k] == row[k]}


# ---------------------------------------------------------------- scenario files


@pytest.mark.parametrize(
    ("text", "culprit"),
    [
        ("name = 'x'\nsteps = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
        (b"name = 'Hunch\xfcn'\n", "not UTF-8"),
        ("name = 'x'\n[[step]]\naction = 'set_param'\nparam = 'modes.rail.speed_kph'\n"
         "value = 1e-300\n", "value = 1e-300"),
        ("name = 'x'\n[[step]]\naction = 'set_param'\nparam = 'modes.rail.speed_kph'\n"
         "factor = 1e300\n", "factor = 1e+300"),
    ],
)  # fmt: skip
def test_bad_scenario(text: str | bytes, culprit: str, tmp_path: Path, existing: Path) -> None:
    path = tmp_path / "bad.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    result = run("scenario", "run", path, "--out", existing.parent)
    assert_one_line(result, 1, culprit, str(path))
    assert existing.read_text(encoding="utf-8") == SENTINEL


# ---------------------------------------------------------------- output targets


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.csv"
    os.mkfifo(path)
    return path


def test_output_to_device_is_refused() -> None:
    before = os.stat("/dev/null")
    result = run("places", "-o", "/dev/null")
    assert_one_line(result, 3, "/dev/null", "character device")
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode)
    assert after.st_ino == before.st_ino


def test_output_to_fifo_is_refused(fifo: Path) -> None:
    result = run("places", "-o", fifo)
    assert_one_line(result, 3, str(fifo), "FIFO")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_output_to_symlink_is_refused(existing: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.csv"
    link.symlink_to(existing)
    result = run("places", "-o", link)
    assert_one_line(result, 3, str(link), "symbolic link")
    assert link.is_symlink()
    assert existing.read_text(encoding="utf-8") == SENTINEL


def test_output_below_a_file_is_refused(existing: Path) -> None:
    result = run("places", "-o", existing / "sub" / "x.csv")
    assert_one_line(result, 3, str(existing), "is a file")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_output_into_read_only_folder(existing: Path) -> None:
    existing.parent.chmod(0o555)
    try:
        result = run("places", "-o", existing.parent / "new.csv")
    finally:
        existing.parent.chmod(0o755)
    assert_one_line(result, 3, "not writable")


@pytest.mark.parametrize(
    "failure",
    [OSError(errno.ENOSPC, "No space left on device"), PermissionError(13, "Permission denied")],
    ids=["disk full", "permission"],
)
def test_write_errors_are_one_line(failure: OSError, existing: Path, monkeypatch) -> None:
    def broken(self, path, *args, **kwargs):
        Path(path).write_text("half a tab", encoding="utf-8")
        raise failure

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    result = run("places", "-o", existing)
    assert_one_line(result, 3, str(existing), failure.strerror)
    assert existing.read_text(encoding="utf-8") == SENTINEL
    assert sorted(p.name for p in existing.parent.iterdir()) == ["out.csv"]  # no debris


def test_stale_stage_folders_are_cleaned(existing: Path) -> None:
    stale = existing.parent / ".corridors-stage-999999999-abcd"  # no such process
    stale.mkdir()
    (stale / "out.csv").write_text("half", encoding="utf-8")
    result = run("places", "-o", existing)
    assert result.exit_code == 0, result.output
    assert not stale.exists()
    assert existing.read_text(encoding="utf-8").startswith("id,")


# ---------------------------------------------------------------- options


@pytest.mark.parametrize(
    ("args", "culprit"),
    [
        (["reach", "Hunchun", "--hours", "nan"], "--hours"),
        (["reach", "Hunchun", "--hours", "inf"], "--hours"),
        (["reach", "Hunchun", "--hours", "1_0"], "--hours"),
        (["reach", "Hunchun", "--hours", "-3"], "--hours"),
        (["failures", "--fractions", ""], "--fractions"),
        (["failures", "--fractions", "0.1,nan"], "--fractions"),
        (["failures", "--fractions", "0.1,7"], "--fractions"),
        (["close-region", "--point", "500,500", "--radius-km", "50"], "--point"),
        (["close-region", "--point", "130", "--radius-km", "50"], "--point"),
        (["close-region", "--point", "130,42", "--radius-km", "nan"], "--radius-km"),
        (["reach", "Hunchun", "--map", "x.bmp"], "--map"),
        (["failures", "--plot", "curves.bmp"], "--plot"),
        (["failures", "--scheduler", "notaurl"], "--scheduler"),
        (["failures", "--runs", "10000000"], "--yes"),
        (["failures", "--workers", "100000"], "--workers"),
    ],
)
def test_bad_option_is_refused_before_work(
    args: list[str], culprit: str, existing: Path, monkeypatch
) -> None:
    def no_work(*args, **kwargs):
        raise AssertionError("the network was loaded before the options were checked")

    monkeypatch.setattr("corridors.cli.common.load_network", no_work)
    for module in ("routing", "resilience"):
        monkeypatch.setattr(f"corridors.cli.{module}.load_network", no_work)
    result = run(*args, "-o", existing)
    assert_one_line(result, 2, culprit)
    assert existing.read_text(encoding="utf-8") == SENTINEL


def test_unreachable_scheduler_is_one_line() -> None:
    with socket.socket() as sock:  # a free port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run("failures", "--scheduler", f"tcp://127.0.0.1:{port}")
    assert_one_line(result, 4, "--scheduler", f"127.0.0.1:{port}")


def test_scheduler_that_is_not_dask_is_one_line() -> None:
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def answer() -> None:
        for _ in range(4):
            try:
                connection, _ = server.accept()
            except OSError:
                return
            with connection:
                connection.sendall(b"\xff" * 64 + b"HTTP/1.0 200 OK\r\n\r\nhello")

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    try:
        result = run("failures", "--runs", "2", "--scheduler", f"tcp://127.0.0.1:{port}")
    finally:
        server.close()
    assert_one_line(result, 4, "--scheduler", "Dask")


# ---------------------------------------------------------------- names and the boundary


@pytest.mark.parametrize(
    "name",
    ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "</table><b>x", "a\nb\rc"],
)
def test_hostile_place_names_are_one_line_errors(name: str) -> None:
    result = run("route", name, "Hunchun")
    assert_one_line(result, 1, "unknown place")


def test_internal_error_is_one_line_and_vv_shows_it(monkeypatch) -> None:
    def explode(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr("corridors.cli.network.load_network", explode)
    result = run("places")
    assert_one_line(result, 70, "internal error", "ZeroDivisionError", "-vv")
    loud = run("-vv", "places")
    assert isinstance(loud.exception, ZeroDivisionError)


def test_many_problems_fit_one_line_and_v_lists_them(tmp_path: Path) -> None:
    folder = copy_tiny(tmp_path)
    set_cell(folder / "places.csv", "hunchun", "lon", "abc")
    set_cell(folder / "places.csv", "hunchun", "lat", "xyz")
    quiet = run("info", "--network", folder)
    assert_one_line(quiet, 1, "lon = 'abc'", "1 more problem")
    loud = run("-v", "info", "--network", folder)
    assert "lat = 'xyz'" in loud.stderr


def test_exit_codes_are_documented_in_readme() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    for meaning, code in EXIT_CODES.items():
        assert f"| {code} |" in readme, meaning


# ---------------------------------------------------------------- scenarios at scale


def test_ten_thousand_set_param_steps_apply_once(tmp_path: Path, monkeypatch) -> None:
    from corridors import scenario
    from corridors.network.editing import NetworkEditing

    lines = ['name = "many"', 'base = "net"']
    for _ in range(5_000):
        lines += ["[[step]]", 'action = "set_param"', 'param = "modes.rail.speed_kph"']
        lines += ["factor = 1.0001", "[[step]]", 'action = "set_param"']
        lines += ['param = "border.fee_usd"', "factor = 0.9999"]
    copy_tiny(tmp_path)
    path = tmp_path / "many.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    calls = []
    original = NetworkEditing.set_params
    monkeypatch.setattr(
        NetworkEditing, "set_params", lambda net, p: calls.append(1) or original(net, p)
    )
    loaded = scenario.load(path)
    base = loaded.base_network()
    changed = scenario.apply(base, loaded)  # reuses the dry run of load
    assert len(calls) == 1  # links refilled once, for load and apply together
    assert changed.params.modes["rail"].speed_kph == pytest.approx(
        base.params.modes["rail"].speed_kph * 1.0001**5_000, rel=1e-9
    )
    assert changed.params.border.fee_usd == pytest.approx(
        base.params.border.fee_usd * 0.9999**5_000, rel=1e-9
    )
    assert base.params.modes["rail"].speed_kph == 30.0  # the base is unchanged


# ---------------------------------------------------------------- weights reaching a search


def _edited_tiny(attribute: str, value: float) -> tuple[Network, str, str, str]:
    """The tiny network with `attribute` of its first link set to `value` on the graph."""
    net = read_network(TINY_DIR)
    u, v, key = next(
        (a, b, k)
        for a, b, k, data in net.graph.edges(keys=True, data=True)
        if data["mode"] == "road" and data.get("status", "existing") == "existing"
    )
    for _, _, k, data in net.graph.edges(keys=True, data=True):
        if k == key:  # both directions of the link, bypassing every reader
            data[attribute] = value
    net.touch()
    return net, u, v, key


@pytest.mark.parametrize(
    ("attribute", "value", "weight"),
    [
        ("travel_time", -3600.0, "time"),
        ("length", -500_000.0, "distance"),
        ("travel_time", float("nan"), "time"),
        ("cost_usd_teu", -1e9, "generalized"),
    ],
)
def test_negative_or_nan_weights_never_reach_a_search(
    attribute: str, value: float, weight: str
) -> None:
    from corridors.engine import compile_network, kernel
    from corridors.engine.compiled import Restrictions
    from corridors.routing import od_matrix, route

    net, u, v, key = _edited_tiny(attribute, value)
    with pytest.raises(DataError) as raised:
        route(net, u, v, weight=weight)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"link {key}: {weight} = ")
    places = sorted(net.graph.nodes)
    with pytest.raises(DataError, match=f"link {key}: {weight} = "):
        od_matrix(net, places, places, weight=weight)
    graph = compile_network(net)
    mask = graph.edge_mask(Restrictions())
    with pytest.raises(DataError, match=f"link {key}: {weight} = "):
        kernel.csr(graph, weight, mask)
    kept = graph.edge_mask(Restrictions(closed_links=frozenset({key})))
    assert kernel.csr(graph, weight, kept).weight.min() >= 0  # the bad link closed: it runs
