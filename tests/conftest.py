"""Shared fixtures: the hand-made tiny network and a helper to write altered copies of it."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import pytest

TINY_DIR = Path(__file__).parent / "data" / "tiny"

#: Edits of a table: row id -> cell changes (``None`` removes the row). An id that is
#: not in the table adds a row, starting from a copy of the row named by ``"_like"``
#: (or from blank cells).
RowEdits = Mapping[str, Mapping[str, str] | None]


@pytest.fixture
def tiny_dir() -> Path:
    """The tiny fixture network folder (``tests/data/tiny``); do not write into it."""
    return TINY_DIR


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Return the header and rows of a CSV file."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def line_of(path: Path, record_id: str) -> int:
    """Return the 1-based line number of the CSV row whose first cell is `record_id`."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.split(",", 1)[0] == record_id:
                return number
    msg = f"{record_id!r} not found in {path}"
    raise LookupError(msg)


def _edit_table(
    path: Path,
    edits: RowEdits | None,
    extra: Iterable[Mapping[str, str]],
    rename: Mapping[str, str],
    drop: Iterable[str],
) -> None:
    header, rows = read_rows(path)
    by_id = {row[header[0]]: row for row in rows}
    for key, change in (edits or {}).items():
        if change is None:
            rows.remove(by_id[key])
        elif key in by_id:
            by_id[key].update(change)
        else:
            like = change.get("_like")
            row = dict(by_id[like]) if like else dict.fromkeys(header, "")
            row.update({k: x for k, x in change.items() if k != "_like"}, **{header[0]: key})
            rows.append(row)
    rows += [{**dict.fromkeys(header, ""), **row} for row in extra]
    header = [rename.get(c, c) for c in header if c not in drop]
    rows = [{rename.get(c, c): x for c, x in row.items() if c not in drop} for row in rows]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _write_tables(
    tmp_path: Path,
    places_rows: RowEdits | None = None,
    links_rows: RowEdits | None = None,
    *,
    extra_places: Iterable[Mapping[str, str]] = (),
    extra_links: Iterable[Mapping[str, str]] = (),
    rename: Mapping[str, Mapping[str, str]] | None = None,
    drop: Mapping[str, Iterable[str]] | None = None,
    params: Callable[[str], str] | None = None,
) -> Path:
    """Copy the tiny network into ``tmp_path / "net"`` with some cells or rows changed.

    Parameters
    ----------
    places_rows, links_rows
        Row edits by id (see :data:`RowEdits`).
    extra_places, extra_links
        Rows appended as they are (e.g. a second row with an id already used).
    rename
        Column renames by file name, e.g. ``{"places.csv": {"kind": "knd"}}``.
    drop
        Columns to remove by file name.
    params
        Function turning the text of ``params.toml`` into the text to write.

    Returns
    -------
    pathlib.Path
        The new network folder.
    """
    folder = tmp_path / "net"
    shutil.copytree(TINY_DIR, folder)
    rename, drop = rename or {}, drop or {}
    for name, edits, extra in (
        ("places.csv", places_rows, extra_places),
        ("links.csv", links_rows, extra_links),
    ):
        _edit_table(folder / name, edits, extra, rename.get(name, {}), drop.get(name, ()))
    if params is not None:
        toml = folder / "params.toml"
        toml.write_text(params(toml.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


@pytest.fixture
def write_tables() -> Callable[..., Path]:
    """Return the helper that writes an altered copy of the tiny network (see `_write_tables`)."""
    return _write_tables


@pytest.fixture(name="line_of")
def line_of_fixture() -> Callable[[Path, str], int]:
    """Return :func:`line_of`: the line number of a CSV row, found by reading the file."""
    return line_of
