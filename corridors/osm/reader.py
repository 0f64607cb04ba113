"""Stream an OSM extract (.osm.pbf, .osm, .osm.bz2, .osm.gz) with pyosmium, keeping what is used.

Pass 1 reads the ways (and relations) whose keys can matter — ``highway``, ``railway``,
``boundary`` — and keeps the rail / road ways of the chosen modes: their ids, node
references (one flat int64 array) and the few tags the import uses (equal tag sets
shared). Pass 2 reads only the nodes those ways reference (a C++ id filter, so other
nodes never reach Python) into sorted numpy arrays. When the extract holds
``admin_level=2`` boundary relations, their outer ways are read in pass 2 and their
nodes in a third pass. Memory is therefore bounded by the kept ways and nodes, never by
the file's size.

The format is taken from the file's first bytes, not its name: a ``.osm`` that holds
bzip2 data is read as such (with a warning to rename it); every file that cannot be
read raises one :class:`~corridors._errors.DataError` line naming it and the fix.
"""

from __future__ import annotations

import bz2
import gzip
import logging
import re
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from corridors import _validate as v
from corridors._errors import DataError
from corridors.osm.tags import NODE_TAGS, READ_WAY_TAGS, way_mode

__all__ = ["Extract", "read_extract"]

logger = logging.getLogger(__name__)

_FORMATS = {"pbf": ".osm.pbf", "osm": ".osm", "osm.bz2": ".osm.bz2", "osm.gz": ".osm.gz"}
_WAY_KEYS = frozenset(READ_WAY_TAGS)
_NODE_KEYS = frozenset(NODE_TAGS)
_ISO_KEYS = ("ISO3166-1:alpha2", "ISO3166-1", "country_code")
_EXPECTED = (
    "expected an OpenStreetMap extract: .osm.pbf, or OSM XML as .osm, .osm.bz2 or .osm.gz "
    "(e.g. a Geofabrik download)"
)


@dataclass
class Extract:
    """The rail / road ways of an extract and the nodes they reference (compact arrays).

    Attributes
    ----------
    name
        File name (or query) the data came from.
    way_ids, way_mode, way_tags, offsets, refs
        Kept ways: OSM id, mode (``rail`` / ``road``), index into `tag_sets`, and node
        references ``refs[offsets[i]:offsets[i + 1]]`` (OSM node ids, in way order).
    tag_sets
        The distinct kept tag sets (``{key: value}``), shared between ways.
    node_ids, lon, lat
        Referenced nodes found in the file, sorted by id; degrees (WGS84).
    node_tags
        ``name`` / ``railway`` / ``ref`` of the referenced nodes that have them.
    skipped
        Ways with a ``railway`` / ``highway`` tag that no mode uses, by reason.
    boundaries
        ``(country, [way coordinates (n, 2) arrays])`` of admin_level=2 relations.
    """

    name: str
    way_ids: np.ndarray
    way_mode: list[str]
    way_tags: np.ndarray
    tag_sets: list[dict[str, str]]
    offsets: np.ndarray
    refs: np.ndarray
    node_ids: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    node_tags: dict[int, dict[str, str]] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    boundaries: list[tuple[str, list[np.ndarray]]] = field(default_factory=list)

    def node_index(self, ids: np.ndarray) -> np.ndarray:
        """Return the positions of OSM node `ids` in the node arrays (-1 where missing)."""
        if len(self.node_ids) == 0:
            return np.full(len(ids), -1, dtype=np.int64)
        pos = np.searchsorted(self.node_ids, ids).clip(0, len(self.node_ids) - 1)
        return np.where(self.node_ids[pos] == ids, pos, -1)


# ---------------------------------------------------------------- the file


def sniff(path: Path) -> str:
    """Return the pyosmium format of a file from its first bytes (see module notes)."""
    if not path.exists():
        raise DataError(f"{path}: file not found; {_EXPECTED}")
    if path.is_dir():
        raise DataError(f"{path}: is a directory; {_EXPECTED}")
    with path.open("rb") as handle:
        head = handle.read(64)
    if not head:
        raise DataError(f"{path}: the file is empty; download or export the extract again")
    if head.startswith(b"BZh"):
        fmt, opener = "osm.bz2", bz2.open
    elif head.startswith(b"\x1f\x8b"):
        fmt, opener = "osm.gz", gzip.open
    elif b"OSMHeader" in head:
        return _named("pbf", path)
    elif head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return _named("osm", path)
    else:
        raise DataError(f"{path}: not an OSM file (no PBF header, not XML); {_EXPECTED}")
    try:
        with opener(path, "rb") as stream:
            inner = stream.read(256)
    except (OSError, EOFError) as error:
        raise DataError(
            f"{path}: the {fmt.split('.')[1]} data is truncated or corrupt ({error}); "
            "download the extract again"
        ) from None
    if not inner.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise DataError(
            f"{path}: {fmt.split('.')[1]}-compressed, but not OSM XML inside; {_EXPECTED}"
        )
    return _named(fmt, path)


def _named(fmt: str, path: Path) -> str:
    """Return `fmt`, warning when the file's name says otherwise."""
    name = path.name.lower()
    suffix = _FORMATS[fmt]
    plain_xml = fmt == "osm" and name.endswith((".osm", ".xml"))
    if not (name.endswith(suffix) or plain_xml or name.endswith(suffix.replace("osm", "xml"))):
        logger.warning("%s holds %s data; read as such (rename it to *%s)", path, fmt, suffix)
    return fmt


def _count_lines(path: Path) -> int:
    """Return the number of lines of a plain file (1 + newlines)."""
    with path.open("rb") as handle:
        return 1 + sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))


def _read_error(path: Path, fmt: str, error: Exception) -> DataError:
    """Turn a libosmium error into one line naming the file and the fix."""
    message = str(error)
    if re.search(r"unexpected EOF|no element found|read failed: -7|truncated", message, re.I):
        return DataError(
            f"{path}: the file ends early (truncated: {message}); download the extract again"
        )
    xml = re.match(r"XML parsing error at line (\d+), column (\d+): (.*)", message)
    if xml:
        line, column, what = xml.groups()
        if fmt == "osm" and int(line) >= _count_lines(path):
            return DataError(
                f"{path}, line {line}: the file ends early (truncated: {what}); "
                "download or export the extract again"
            )
        return DataError(
            f"{path}, line {line}: not valid OSM XML ({what} at column {column}); {_EXPECTED}"
        )
    return DataError(f"{path}: cannot be read as OSM ({message}); {_EXPECTED}")


# ---------------------------------------------------------------- reading


class _Ways:
    """Pass-1 collector: kept ways in flat arrays, shared tag sets, skip counts."""

    def __init__(self, modes: tuple[str, ...]) -> None:
        self.modes = modes
        self.ids = array("q")
        self.tags = array("i")
        self.offsets = array("q", [0])
        self.refs = array("q")
        self.modes_of: list[str] = []
        self.sets: dict[tuple[tuple[str, str], ...], int] = {}
        self.skipped: Counter[str] = Counter()
        self.relations: list[tuple[str, list[int]]] = []

    def way(self, way: Any) -> None:
        """Keep a way of a chosen mode; count a rail / road way no mode uses."""
        tags = {t.k: t.v for t in way.tags if t.k in _WAY_KEYS}
        if "railway" not in tags and "highway" not in tags:
            return
        mode, why = way_mode(tags)
        if mode is None:
            self.skipped[why] += 1
            return
        if mode not in self.modes:
            return
        key = tuple(sorted(tags.items()))
        self.tags.append(self.sets.setdefault(key, len(self.sets)))
        self.ids.append(way.id)
        self.modes_of.append(mode)
        self.refs.extend(n.ref for n in way.nodes)
        self.offsets.append(len(self.refs))

    def relation(self, relation: Any) -> None:
        """Keep the outer ways of a country (admin_level=2) boundary relation."""
        tags = relation.tags
        if tags.get("boundary") != "administrative" or tags.get("admin_level") != "2":
            return
        code = next((tags.get(k) for k in _ISO_KEYS if tags.get(k)), None)
        if code is None or code.upper() not in v.ISO_COUNTRIES:
            logger.warning(
                "OSM relation %s: admin_level=2 boundary without an ISO 3166-1 code; ignored",
                relation.id,
            )
            return
        ways = [m.ref for m in relation.members if m.type == "w" and m.role in ("outer", "")]
        self.relations.append((code.upper(), ways))


def _processor(path: Path, fmt: str, entities: Any) -> Any:
    """Return a pyosmium FileProcessor for `path` read as `fmt`."""
    import osmium

    return osmium.FileProcessor(osmium.io.File(str(path), fmt), entities)


def read_extract(path: Path, modes: tuple[str, ...]) -> Extract:
    """Read the rail / road ways of `modes` and their nodes from an extract (see module notes).

    Parameters
    ----------
    path
        The extract (``.osm.pbf``, ``.osm``, ``.osm.bz2``, ``.osm.gz``; format sniffed).
    modes
        ``rail`` and / or ``road``.

    Returns
    -------
    Extract
        The kept ways, their nodes, skip counts and country boundaries.

    Raises
    ------
    DataError
        If the file is missing, a directory, empty, truncated or not OSM.
    """
    import osmium

    fmt = sniff(path)
    ways = _Ways(modes)
    try:
        stream = _processor(path, fmt, osmium.osm.WAY | osmium.osm.RELATION).with_filter(
            osmium.filter.KeyFilter("highway", "railway", "boundary")
        )
        for obj in stream:
            if obj.type_str() == "w":
                ways.way(obj)
            else:
                ways.relation(obj)
        refs = np.frombuffer(ways.refs, dtype=np.int64)
        boundary_ways = {w for _, members in ways.relations for w in members}
        nodes, boundary_refs = _read_nodes(path, fmt, np.unique(refs), boundary_ways)
        boundary_nodes = None
        if boundary_refs:
            wanted = np.unique(np.concatenate(list(boundary_refs.values())))
            boundary_nodes = _read_nodes(path, fmt, wanted, set())[0]
    except (RuntimeError, ValueError, osmium.InvalidLocationError) as error:
        raise _read_error(path, fmt, error) from None
    ids, lon, lat, tags = nodes
    order = np.argsort(ids, kind="stable")
    extract = Extract(
        name=path.name,
        way_ids=np.frombuffer(ways.ids, dtype=np.int64),
        way_mode=ways.modes_of,
        way_tags=np.frombuffer(ways.tags, dtype=np.int32),
        tag_sets=[dict(key) for key in ways.sets],
        offsets=np.frombuffer(ways.offsets, dtype=np.int64),
        refs=refs,
        node_ids=ids[order],
        lon=lon[order],
        lat=lat[order],
        node_tags=tags,
        skipped=dict(ways.skipped.most_common()),
    )
    if boundary_nodes is not None:
        extract.boundaries = _boundary_lines(ways.relations, boundary_refs, boundary_nodes)
    return extract


def _read_nodes(
    path: Path, fmt: str, wanted: np.ndarray, boundary_ways: set[int]
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray, dict[int, dict[str, str]]], dict]:
    """Read the `wanted` nodes (and the node lists of `boundary_ways`) in one pass."""
    import osmium

    ids, lon, lat = array("q"), array("d"), array("d")
    tags: dict[int, dict[str, str]] = {}
    boundary_refs: dict[int, np.ndarray] = {}
    invalid = 0
    entities = osmium.osm.NODE | (osmium.osm.WAY if boundary_ways else osmium.osm.NODE)
    stream = _processor(path, fmt, entities).with_filter(
        osmium.filter.IdFilter(wanted.tolist()).enable_for(osmium.osm.NODE)
    )
    if boundary_ways:
        stream = stream.with_filter(
            osmium.filter.IdFilter(sorted(boundary_ways)).enable_for(osmium.osm.WAY)
        )
    for obj in stream:
        if obj.type_str() == "w":
            boundary_refs[obj.id] = np.array([n.ref for n in obj.nodes], dtype=np.int64)
            continue
        location = obj.location
        if not location.valid():
            invalid += 1
            continue
        ids.append(obj.id)
        lon.append(location.lon)
        lat.append(location.lat)
        if len(obj.tags):
            kept = {t.k: t.v for t in obj.tags if t.k in _NODE_KEYS}
            if kept:
                tags[obj.id] = kept
    if invalid:
        logger.warning(
            "%s: %d nodes with coordinates outside -180..180 / -90..90 left out (their "
            "ways are cut there)",
            path,
            invalid,
        )
    arrays = (
        np.frombuffer(ids, dtype=np.int64),
        np.frombuffer(lon, dtype=np.float64),
        np.frombuffer(lat, dtype=np.float64),
    )
    return (*arrays, tags), boundary_refs


def _boundary_lines(
    relations: list[tuple[str, list[int]]],
    way_refs: dict[int, np.ndarray],
    nodes: tuple[np.ndarray, np.ndarray, np.ndarray, dict],
) -> list[tuple[str, list[np.ndarray]]]:
    """Return each boundary relation's outer ways as coordinate arrays (complete ways only)."""
    ids, lon, lat, _ = nodes
    order = np.argsort(ids)
    ids, lon, lat = ids[order], lon[order], lat[order]
    out = []
    for code, members in relations:
        lines = []
        for way in members:
            refs = way_refs.get(way)
            if refs is None or len(refs) < 2 or len(ids) == 0:
                continue
            pos = np.searchsorted(ids, refs).clip(0, len(ids) - 1)
            if np.all(ids[pos] == refs):
                lines.append(np.column_stack([lon[pos], lat[pos]]))
        out.append((code, lines))
    return out
