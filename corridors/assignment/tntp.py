"""Read and write the TNTP text formats of the Transportation Networks for Research.

The formats (https://github.com/bstabler/TransportationNetworks) are how the field
exchanges test networks:

- ``*_net.tntp``: metadata (``<NUMBER OF ZONES>``, ``<NUMBER OF NODES>``,
  ``<FIRST THRU NODE>``, ``<NUMBER OF LINKS>``, ``<END OF METADATA>``), then one
  line per link ``init_node term_node capacity length free_flow_time b power speed
  toll link_type ;`` (``~`` starts a comment). Cost: ``fft · (1 + b (v/c)^power)``.
- ``*_trips.tntp``: metadata, then ``Origin i`` blocks of ``j : trips;`` entries.
- ``*_flow.tntp``: ``From To Volume Cost`` per link (a best-known solution).

:func:`tntp_problem` turns a network and its trips into a graph, BPR delays and
a demand matrix for :func:`corridors.assignment.equilibrium.solve`. Zones are
nodes ``1 .. zones``; zones below ``<FIRST THRU NODE>`` may start and end trips
but no path passes through them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from corridors._errors import DataError
from corridors.assignment.loading import FlowGraph
from corridors.assignment.vdf import VDF_BPR, Delays

__all__ = [
    "NET_COLUMNS",
    "read_flow",
    "read_net",
    "read_trips",
    "tntp_problem",
    "write_net",
    "write_trips",
]

#: Columns of a ``_net.tntp`` link line, in order.
NET_COLUMNS = (
    "init_node",
    "term_node",
    "capacity",
    "length",
    "free_flow_time",
    "b",
    "power",
    "speed",
    "toll",
    "link_type",
)

_META = re.compile(r"<([^>]+)>\s*(.*)")


def _metadata(lines: list[str], path: Path) -> tuple[dict[str, str], int]:
    """Return the metadata and the index of the first line after ``<END OF METADATA>``."""
    meta: dict[str, str] = {}
    for number, line in enumerate(lines):
        match = _META.match(line.strip())
        if match:
            key = match.group(1).strip().upper()
            if key == "END OF METADATA":
                return meta, number + 1
            meta[key] = match.group(2).strip()
    raise DataError(f"{path}: no <END OF METADATA> line; expected a TNTP file")


def _int_meta(meta: dict[str, str], key: str, path: Path, default: int | None = None) -> int:
    raw = meta.get(key)
    if raw is None:
        if default is not None:
            return default
        raise DataError(f"{path}: metadata <{key}> is missing; add it before <END OF METADATA>")
    try:
        return int(float(raw))
    except ValueError:
        raise DataError(f"{path}: <{key}> = {raw!r}; expected a whole number") from None


def _lines(path: str | os.PathLike[str]) -> tuple[Path, list[str]]:
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: file not found")
    return path, path.read_text(encoding="utf-8").splitlines()


def read_net(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, dict[str, int]]:
    """Read a ``_net.tntp`` file.

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    links : pandas.DataFrame
        One row per link, columns :data:`NET_COLUMNS` (nodes as int, the rest float).
    meta : dict
        ``zones``, ``nodes``, ``first_thru_node``, ``links``.

    Raises
    ------
    DataError
        Naming the file and line of a malformed link or a count that disagrees.
    """
    path, lines = _lines(path)
    meta, start = _metadata(lines, path)
    info = {
        "zones": _int_meta(meta, "NUMBER OF ZONES", path),
        "nodes": _int_meta(meta, "NUMBER OF NODES", path),
        "first_thru_node": _int_meta(meta, "FIRST THRU NODE", path, default=1),
        "links": _int_meta(meta, "NUMBER OF LINKS", path),
    }
    rows = []
    for number, line in enumerate(lines[start:], start=start + 1):
        text = line.split("~", 1)[0].strip().rstrip(";").strip()
        if not text:
            continue
        cells = text.split()
        if len(cells) < 7:
            raise DataError(
                f"{path}, line {number}: {len(cells)} values; expected at least init_node "
                "term_node capacity length free_flow_time b power"
            )
        try:
            values = [float(c) for c in cells[: len(NET_COLUMNS)]]
        except ValueError:
            raise DataError(f"{path}, line {number}: {text!r}; expected numbers") from None
        rows.append(values + [0.0] * (len(NET_COLUMNS) - len(values)))
    links = pd.DataFrame(rows, columns=list(NET_COLUMNS))
    links["init_node"] = links["init_node"].astype(np.int64)
    links["term_node"] = links["term_node"].astype(np.int64)
    if len(links) != info["links"]:
        raise DataError(
            f"{path}: {len(links)} link lines but <NUMBER OF LINKS> {info['links']}; "
            "fix the count or the lines"
        )
    bad = links.index[(links["capacity"] <= 0) | (links["free_flow_time"] < 0)]
    if len(bad):
        row = links.loc[bad[0]]
        raise DataError(
            f"{path}: link {row.init_node}-{row.term_node} has capacity {row.capacity} and "
            f"free_flow_time {row.free_flow_time}; expected capacity > 0 and time >= 0"
        )
    return links, info


def read_trips(path: str | os.PathLike[str]) -> np.ndarray:
    """Read a ``_trips.tntp`` file into a dense OD matrix.

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    numpy.ndarray
        ``zones × zones`` trips; entry ``[i - 1, j - 1]`` from zone i to zone j.

    Raises
    ------
    DataError
        Naming the file and line of an entry outside the zones or not a number.
    """
    path, lines = _lines(path)
    meta, start = _metadata(lines, path)
    zones = _int_meta(meta, "NUMBER OF ZONES", path)
    trips = np.zeros((zones, zones))
    origin = None
    for number, line in enumerate(lines[start:], start=start + 1):
        text = line.split("~", 1)[0].strip()
        if not text:
            continue
        if text.lower().startswith("origin"):
            origin = _zone(text.split()[1], zones, path, number)
            continue
        if origin is None:
            raise DataError(f"{path}, line {number}: entries before any 'Origin' line")
        for entry in filter(None, (e.strip() for e in text.split(";"))):
            dest_text, _, value = entry.partition(":")
            dest = _zone(dest_text.strip(), zones, path, number)
            try:
                trips[origin - 1, dest - 1] += float(value)
            except ValueError:
                raise DataError(
                    f"{path}, line {number}: {entry!r}; expected 'zone : trips'"
                ) from None
    total = meta.get("TOTAL OD FLOW")
    if total is not None and not np.isclose(trips.sum(), float(total), rtol=1e-6):
        raise DataError(
            f"{path}: trips add up to {trips.sum():g} but <TOTAL OD FLOW> is {total}; "
            "check the file is complete"
        )
    return trips


def _zone(text: str, zones: int, path: Path, number: int) -> int:
    try:
        zone = int(text)
    except ValueError:
        raise DataError(f"{path}, line {number}: zone {text!r}; expected a number") from None
    if not 1 <= zone <= zones:
        raise DataError(f"{path}, line {number}: zone {zone}; expected 1 to {zones}")
    return zone


def read_flow(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a ``_flow.tntp`` file (a solution: volume and cost per link).

    Parameters
    ----------
    path
        The file (tab- or space-separated, a header line first).

    Returns
    -------
    pandas.DataFrame
        Columns ``init_node``, ``term_node``, ``volume`` and ``cost`` (NaN if absent).

    Raises
    ------
    DataError
        Naming the file and line of a malformed row.
    """
    path, lines = _lines(path)
    rows = []
    for number, line in enumerate(lines, start=1):
        cells = line.split("~", 1)[0].replace(";", " ").split()
        if not cells or not cells[0].lstrip("-").isdigit():
            continue  # header or comment
        try:
            values = [float(c) for c in cells[:4]]
        except ValueError:
            raise DataError(f"{path}, line {number}: {line.strip()!r}; expected numbers") from None
        if len(values) < 3:
            raise DataError(f"{path}, line {number}: expected From To Volume [Cost]")
        rows.append(values + [np.nan] * (4 - len(values)))
    frame = pd.DataFrame(rows, columns=["init_node", "term_node", "volume", "cost"])
    frame["init_node"] = frame["init_node"].astype(np.int64)
    frame["term_node"] = frame["term_node"].astype(np.int64)
    return frame


def tntp_problem(links: pd.DataFrame, meta: dict[str, int]) -> tuple[FlowGraph, Delays]:
    """Return the graph and BPR delays of a TNTP network.

    Parameters
    ----------
    links, meta
        As returned by :func:`read_net`.

    Returns
    -------
    graph : FlowGraph
        Edge ``i`` is link row ``i``. A zone below ``first_thru_node`` gets a
        separate origin node holding its outgoing links, so no path runs through it.
    delays : Delays
        ``fft · (1 + b (v/c)^power)`` per link (``toll`` and ``length`` unused).
    """
    n_nodes, zones = meta["nodes"], meta["zones"]
    src = links["init_node"].to_numpy() - 1
    dst = links["term_node"].to_numpy() - 1
    origin = np.arange(zones)
    barred = np.arange(min(meta["first_thru_node"] - 1, zones))
    if len(barred):  # outgoing links of non-through zones leave from a copy of the zone
        copy = np.full(n_nodes, -1)
        copy[barred] = n_nodes + np.arange(len(barred))
        src = np.where(copy[src] >= 0, copy[src], src)
        origin = np.where(copy[origin] >= 0, copy[origin], origin)
        n_nodes += len(barred)
    graph = FlowGraph(n_nodes, src, dst, origin, np.arange(zones))
    t0 = links["free_flow_time"].to_numpy(dtype=float)
    delays = Delays.free_flow(np.zeros(len(links)), 1.0, t0)
    delays = delays.with_edges(
        slice(None),
        kind=VDF_BPR,
        capacity=links["capacity"].to_numpy(dtype=float),
        alpha=links["b"].to_numpy(dtype=float),
        beta=links["power"].to_numpy(dtype=float),
    )
    return graph, delays


def write_net(
    path: str | os.PathLike[str], links: pd.DataFrame, *, zones: int, first_thru_node: int = 1
) -> None:
    """Write a ``_net.tntp`` file.

    Parameters
    ----------
    path
        The file to write.
    links
        Columns ``init_node``, ``term_node``, ``capacity``, ``free_flow_time``, ``b``,
        ``power`` (others of :data:`NET_COLUMNS` default to 0).
    zones, first_thru_node
        Metadata values.
    """
    frame = links.reindex(columns=list(NET_COLUMNS)).fillna(0)
    nodes = int(max(frame["init_node"].max(), frame["term_node"].max()))
    head = [
        f"<NUMBER OF ZONES> {zones}",
        f"<NUMBER OF NODES> {nodes}",
        f"<FIRST THRU NODE> {first_thru_node}",
        f"<NUMBER OF LINKS> {len(frame)}",
        "<END OF METADATA>",
        "",
        "~ " + "\t".join(NET_COLUMNS) + "\t;",
    ]
    body = [
        "\t" + "\t".join(_number(v) for v in row) + "\t;" for row in frame.itertuples(index=False)
    ]
    Path(path).write_text("\n".join(head + body) + "\n", encoding="utf-8")


def write_trips(path: str | os.PathLike[str], trips: np.ndarray) -> None:
    """Write a ``_trips.tntp`` file.

    Parameters
    ----------
    path
        The file to write.
    trips
        ``zones × zones`` matrix (zone i is row ``i - 1``).
    """
    trips = np.asarray(trips, dtype=float)
    lines = [
        f"<NUMBER OF ZONES> {trips.shape[0]}",
        f"<TOTAL OD FLOW> {float(trips.sum())!r}",
        "<END OF METADATA>",
        "",
    ]
    for i, row in enumerate(trips, start=1):
        lines.append(f"Origin \t{i}")
        lines.append("".join(f"{j} : {float(v)!r}; " for j, v in enumerate(row, start=1) if v))
        lines.append("")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _number(value: object) -> str:
    """Text of a number, exact for floats (``repr``) and plain for integers."""
    number = float(value)  # type: ignore[arg-type]
    return str(int(number)) if number.is_integer() else repr(number)
