"""Building in columns equals building row by row: values, graphs, compiled arrays, messages.

The references are the row-by-row code the column build replaced: each cell through
:meth:`Column.read`, each table row through the reader's ``_row`` (``csv.DictReader``
rows), each record through ``_parse_values``, then ``_check_places``, ``_check_link``
and ``_link_edges`` into a MultiDiGraph, compiled from that graph.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import math
import tempfile
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference import plain, row_by_row

from corridors import _validate as v
from corridors import synthetic
from corridors._errors import DataError
from corridors.engine import compile_network
from corridors.engine.compiled import EdgeTable, compile_tables
from corridors.io import read_network, write_network
from corridors.io import tables as io_tables
from corridors.network import Network
from corridors.network.checks import _parse_values
from corridors.schema import LINK_COLUMNS, PLACE_COLUMNS, Column, Record
from corridors.table import parse_column

COLUMNS = {**{f"place.{k}": c for k, c in PLACE_COLUMNS.items()}} | {
    f"link.{k}": c for k, c in LINK_COLUMNS.items()
}

#: Cells that stress the fast paths: numbers in every spelling, ids, junk, whitespace.
EDGE_CELLS = [
    "",
    " ",
    "\t",
    "0",
    "-0",
    "+1",
    "1.",
    ".5",
    "-.5e-3",
    "1e5",
    "1E+5",
    "1e",
    "e5",
    ".",
    "+-1",
    "1_000",
    "١٢",
    "１２",
    "nan",
    "inf",
    "-inf",
    "1e999",
    "0x10",
    " 12.5 ",
    "12,5",
    "5\x00",
    "\x00",
    "a",
    "abc_1",
    "Abc",
    "a-b",
    "a b",
    "ä",
    "a\n",
    "road",
    "ROAD",
    "rail;road",
    "sea; road",
    "true",
    "No",
    "1",
    "CN",
    "cn",
    "CN-RU",
    "RU-CN",
    "XX",
    "1435+1520",
    "1520",
    "125.5 43.2; 126 44",
    "125 43 1",
    "2023",
    "1799",
    "existing",
    "summer;winter",
    "x" * 45,
    "1" * 45,
    "180",
    "180.0001",
    "-90",
    "90.5",
    "0.001",
    "0.0009",
    "20000",
    "1200",
    "8760.1",
]


def _scalar(column: Column, text: str) -> tuple[Any, bool, bool]:
    """One cell as the row-by-row reader parses it: (value, blank, refused)."""
    raw = text.strip()
    if not raw:
        return None, True, False
    try:
        return column.read(raw), False, False
    except v.FieldError:
        return None, False, True


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and type(a) is type(b))
    return a == b and type(a) is type(b)


cells = st.one_of(
    st.sampled_from(EDGE_CELLS),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(-200, 25_000).map(lambda x: f"{x:.6g}"),
    st.integers(-10, 10**20).map(str),
    st.from_regex(r"[a-z0-9_\-]{1,12}", fullmatch=True),
    st.text(max_size=8),
)


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(sorted(COLUMNS)), texts=st.lists(cells, min_size=1, max_size=30))
def test_parse_column_is_column_read_cell_by_cell(name, texts):
    column = COLUMNS[name]
    for given_texts in (texts, texts * 5, [t for t in texts if t.strip()] or texts):
        values, blank, refused = parse_column(column, given_texts)
        for i, text in enumerate(given_texts):
            value, is_blank, is_refused = _scalar(column, text)
            assert (bool(blank[i]), bool(refused[i])) == (is_blank, is_refused), (name, text)
            got = values[i]
            got = got.item() if isinstance(got, np.generic) else got
            if is_blank or is_refused:
                assert got is None or (isinstance(got, float) and math.isnan(got))
            else:
                assert _same(got, value), (name, text, got, value)


def test_parse_column_edge_cells_one_by_one_and_together():
    for name, column in COLUMNS.items():
        together = parse_column(column, EDGE_CELLS)
        for i, text in enumerate(EDGE_CELLS):
            value, is_blank, is_refused = _scalar(column, text)
            assert (bool(together[1][i]), bool(together[2][i])) == (is_blank, is_refused)
            if not (is_blank or is_refused):
                assert _same(np.asarray(together[0], dtype=object)[i], value), (name, text)


# ------------------------------------------------------------------ reference build


def _reference_graph(places: list[Record], links: list[Record], params: Any, corridors=None):
    """The network and messages as the row-by-row code builds them (None when refused)."""
    problems = v.Problems("")
    parsed = []
    for rows, columns in ((places, PLACE_COLUMNS), (links, LINK_COLUMNS)):
        out = []
        for r in (r if r.source else Record(r.where, r.values, "tables") for r in rows):
            if r.checked:
                out.append(r)
                continue
            known = {k: x for k, x in r.values.items() if k in columns}
            values = _parse_values(known, columns, r.location, problems)
            extra = {k: x for k, x in r.values.items() if k not in columns}
            out.append(Record(r.where, {**values, **extra}, r.source, checked=True))
        parsed.append(out)
    return row_by_row(*parsed, params, corridors, problems)


def _assert_same_network(net: Network, graph: nx.MultiDiGraph) -> None:
    compiled = compile_network(net)  # from the build arrays
    assert list(net.graph.nodes(data=True)) == list(graph.nodes(data=True))
    ours = list(net.graph.edges(keys=True, data=True))
    assert [e[:3] for e in ours] == list(graph.edges(keys=True))
    for u, w, key, data in ours:
        reference = dict(graph.edges[u, w, key])
        assert shapely.equals_exact(data["geometry"], reference.pop("geometry"), 0)
        assert {k: x for k, x in data.items() if k != "geometry"} == reference
    theirs = compile_tables(dict(graph.nodes(data=True)), EdgeTable.from_graph(graph), net.params)
    for field in dataclasses.fields(compiled):
        a, b = getattr(compiled, field.name), getattr(theirs, field.name)
        if isinstance(a, np.ndarray):
            assert a.dtype == b.dtype, field.name
            np.testing.assert_array_equal(a, b, err_msg=field.name)
    same = Network(graph, net.params)
    pd.testing.assert_frame_equal(net.places, same.places)
    pd.testing.assert_frame_equal(net.links, same.links)


def _synthetic_rows(seed: int, n: int, countries: int) -> tuple[list[Record], list[Record]]:
    net = synthetic.network(n, seed=seed, n_countries=countries, crossing_share=0.7)
    return _rows_of(net)


def _rows_of(net: Network) -> tuple[list[Record], list[Record]]:
    """Hand-made records (Python values) of a network, as a user would give them."""
    places = []
    for ident, row in net.places.iterrows():
        values = {"id": ident, **{c: plain(row[c]) for c in PLACE_COLUMNS if c != "id"}}
        places.append(Record(f"place {ident}", {k: x for k, x in values.items() if x is not None}))
    links = []
    for ident, row in net.links.iterrows():
        values = {"id": ident, **{c: plain(row[c]) for c in LINK_COLUMNS if c != "id"}}
        values = {k: x for k, x in values.items() if x is not None and x != []}
        if values.get("length_basis") == "computed":
            values.pop("length_km")
        links.append(Record(f"link {ident}", values))
    return places, links


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(5, 40), countries=st.integers(1, 3))
def test_records_build_equals_row_by_row(seed, n, countries):
    places, links = _synthetic_rows(seed, n, countries)
    params = synthetic.default_params()
    graph, problems = _reference_graph(places, links, params)
    assert not problems
    net = Network.from_records(places, links, params)
    _assert_same_network(net, graph)


def test_extra_fields_of_records_are_kept():
    places, links = synthetic.grid_roads(3, 3)
    places = [Record(r.where, {**r.values, "osmid": i}) for i, r in enumerate(places)]
    links = [Record(r.where, {**r.values, "osmid": [i, i + 1]}) for i, r in enumerate(links)]
    graph, _ = _reference_graph(places, links, synthetic.default_params())
    net = Network.from_records(places, links, synthetic.default_params())
    _assert_same_network(net, graph)
    assert net.graph.nodes["n4"]["osmid"] == 4


# ------------------------------------------------------------------ bad input

JUNK: list[Any] = [
    None, math.nan, math.inf, -5, 0, 1e9, "", " ", "x", "Ünï", "1_000", [1, 2], True,
    "n99", "rail", "sea", "CN", "planned", 1.5, -200.0, "a b", ("x", "y"),
]  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 1000),
    edits=st.lists(
        st.tuples(st.booleans(), st.integers(0, 10_000), st.sampled_from(sorted(LINK_COLUMNS))),
        min_size=1,
        max_size=6,
    ),
    junk=st.lists(st.sampled_from(range(len(JUNK))), min_size=6, max_size=6),
)
def test_bad_records_give_the_row_by_row_messages(seed, edits, junk):
    places, links = _synthetic_rows(seed, 12, 2)
    for (on_place, row, field), pick in zip(edits, junk, strict=False):
        rows = places if on_place else links
        record = rows[row % len(rows)]
        if on_place:
            field = sorted(PLACE_COLUMNS)[row % len(PLACE_COLUMNS)]
        values = dict(record.values)
        columns = PLACE_COLUMNS if on_place else LINK_COLUMNS
        if JUNK[pick] is None and field in values and row % 3 == 0:
            del values[field]  # a missing field
        elif columns[field].required and JUNK[pick] in ("", " "):
            # as before, a blank text in a record is no value and not reported either;
            # a blank coordinate would only make the reference's geometry NaN
            continue
        else:
            values[field] = JUNK[pick]
        rows[row % len(rows)] = Record(record.where, values, "t.csv")
    params = synthetic.default_params()
    graph, expected = _reference_graph(places, links, params)
    if graph is not None:
        _assert_same_network(Network.from_records(places, links, params), graph)
        return
    with pytest.raises(DataError) as caught:
        Network.from_records(places, links, params)
    assert str(caught.value) == str(DataError(expected))


def _old_read_table(path: Path, columns: dict[str, Column], what: str) -> list[Record]:
    """The reader before columns: every row through ``_row``, ids checked one by one."""
    problems = v.Problems(str(path))
    position = "line 1"
    try:
        with io_tables._cell_limit(), contextlib.ExitStack() as stack:
            header, rows = io_tables._raw_rows(path, None, stack)
            absent = io_tables._check_header(header, columns, what, problems, "line 1 (header)")
            records = []
            for position, cells in rows:
                records.append(io_tables._row(position, cells, columns, what, absent, problems))
    except DataError:
        raise
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise io_tables._unreadable(path, what, error, io_tables._next_line(position)) from None
    seen: dict[str, str] = {}
    for record in records:
        ident = record.values.get("id", record.values.get("name"))
        if ident is None:
            continue
        if ident in seen:
            field = "id" if "id" in record.values else "name"
            problems.add(
                record.where,
                f"{field} = {ident!r} is used twice (first at {seen[ident]}); "
                f"expected a unique {field}: rename or remove one of the rows",
            )
        else:
            seen[ident] = record.where.split(" (")[0]
    problems.raise_if_any()
    return records


def _old_read(folder: Path) -> tuple[Any, Any]:
    """Graph (or None) and messages of the row-by-row reader on a folder of tables."""
    try:
        places = _old_read_table(folder / "places.csv", PLACE_COLUMNS, "place")
        links = _old_read_table(folder / "links.csv", LINK_COLUMNS, "link")
    except DataError as error:
        return None, str(error)
    graph, problems = _reference_graph(places, links, synthetic.default_params())
    return graph, (str(DataError(problems)) if problems else "")


CELL_JUNK = [
    "", " ", "x", "-1", "1e999", "nan", "1_000", "Ünï", "12,5", 'a "q" b', "two\nlines",
    "n99", "rail", "sea", "CN-RU", "planned", "true", "0", "a-b", "\ufeffid", "200",
]  # fmt: skip


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 1000),
    edits=st.lists(
        st.tuples(st.booleans(), st.integers(0, 10_000), st.integers(0, 100), st.integers(0, 20)),
        max_size=5,
    ),
    layout=st.sampled_from(["plain", "crlf", "blank line", "extra cell", "short row"]),
)
def test_csv_tables_read_as_row_by_row(seed, edits, layout):
    net = synthetic.network(10, seed=seed, n_countries=2, crossing_share=0.7)
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_network(net, Path(tmp) / "t")
        frames = {
            "places": pd.read_csv(folder / "places.csv", dtype=str, keep_default_na=False),
            "links": pd.read_csv(folder / "links.csv", dtype=str, keep_default_na=False),
        }
        for on_place, row, col, pick in edits:
            frame = frames["places" if on_place else "links"]
            frame.iat[row % len(frame), col % frame.shape[1]] = CELL_JUNK[pick]
        for stem, frame in frames.items():
            text = frame.to_csv(index=False, lineterminator="\n")
            lines = text.split("\n")
            if layout == "crlf":
                text = "\r\n".join(lines)
            elif layout == "blank line":
                text = "\n".join([*lines[:3], "", *lines[3:]])
            elif layout == "extra cell":
                text = "\n".join([*lines[:2], lines[2] + ",x", *lines[3:]])
            elif layout == "short row":
                text = "\n".join([*lines[:2], lines[2].rsplit(",", 3)[0], *lines[3:]])
            (folder / f"{stem}.csv").write_text(text, encoding="utf-8", newline="")
        graph, expected = _old_read(folder)
        if graph is None:
            with pytest.raises(DataError) as caught:
                read_network(folder)
            assert str(caught.value) == expected
        else:
            _assert_same_network(read_network(folder), graph)


def test_grid_read_back_from_csv_is_the_same_network(tmp_path):
    places, links = synthetic.grid_roads(6, 7, seed=3)
    net = synthetic.road_network((places, links), "grid")
    back = read_network(write_network(net, tmp_path / "grid"))
    graph, _ = _old_read(tmp_path / "grid")
    _assert_same_network(back, graph)
    np.testing.assert_array_equal(
        np.sort(compile_network(back).time_h), np.sort(compile_network(net).time_h)
    )


@pytest.mark.parametrize("bad_rows", [3, 1100])
@pytest.mark.parametrize("tail", ["nul byte", "long cell", "bom only", "none"])
def test_problems_and_unreadable_lines_as_row_by_row(tmp_path, bad_rows, tail):
    header = "id,name,kind,country,lon,lat,modes,source"
    rows = [
        f"p{i},P {i},{'castle' if i < bad_rows else 'city'},CN,125,43,road,s" for i in range(1200)
    ]
    if tail == "nul byte":
        rows.append("x\x00,y")
    elif tail == "long cell":
        rows.append("x," + "a" * (io_tables.MAX_CELL + 1))
    path = tmp_path / "places.csv"
    path.write_text("\ufeff" + "\n".join([header, *rows]) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as expected:
        _old_read_table(path, PLACE_COLUMNS, "place")
    with pytest.raises(DataError) as caught:
        io_tables.read_places(path)
    assert str(caught.value) == str(expected.value)


def test_tables_of_an_unedited_network_need_no_graph():
    from corridors.datasets import gtr_data_dir

    net = read_network(gtr_data_dir())
    places, links = net.places, net.links  # from the build's columns
    assert net._graph_store is None
    reference = Network(net.graph, net.params)  # from the graph's nodes and edges
    pd.testing.assert_frame_equal(places, reference.places)
    pd.testing.assert_frame_equal(links, reference.links)
    assert links["via"].map(len).max() > 0  # waypoints, seasons, sea services are covered
    assert links["season"].notna().any()
    assert links["sea_service"].notna().any()
