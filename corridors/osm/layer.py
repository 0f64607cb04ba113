"""One mode's layer of an extract: segments, countries, border crossings, speeds, simplification.

Everything runs on numpy arrays of segments (one per pair of consecutive way nodes),
never on a networkx graph of the raw extract:

- **Segments** of the mode's ways, with osmnx's lengths (great circle, 6,371,009 m
  sphere) and osmnx's one-way reading (``oneway=-1`` reversed). A way that references
  nodes missing from the file (an extract cut by a polygon) is cut at the edge: its
  segments with a missing end are dropped and the way is counted as clipped.
- **Countries** per node; a segment joining two countries is split at a border node.
- **Simplification** follows osmnx's ``simplify_graph`` endpoint rules (kept flags, in
  or out degree 0, not exactly two neighbours with degree 2 or 4, differing class,
  gauge or speed), then walks the chains between endpoints. A chain that comes back
  to where it started (a loop road, a roundabout, an isolated ring) is split at its
  middle node (``osm_role = loop``), so no link starts and ends at the same place and
  the loop's length and shape are kept.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np

from corridors import _validate as v
from corridors.io import Record
from corridors.network import great_circle_km
from corridors.osm.countries import Locator
from corridors.osm.reader import Extract
from corridors.osm.tags import (
    STATION_TAGS,
    WAY_TAGS,
    country_gauge,
    direction,
    gauge_text,
    rail_speed_kph,
    raw_gauges,
    road_speed_kph,
)

__all__ = ["Layer", "build_layer"]

logger = logging.getLogger(__name__)

_EARTH_M = 6_371_009.0  # osmnx.distance.EARTH_RADIUS_M
_BISECTIONS = 32


@dataclass
class Layer:
    """One mode's corridor-ready records and what was done on the way."""

    places: list[Record]
    links: list[Record]
    clipped_ways: int
    gauges: dict[str, int]


def haversine_m(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray) -> Any:
    """Great-circle distance (m), osmnx's formula and radius (so lengths equal osmnx's)."""
    y1, y2 = np.deg2rad(lat1), np.deg2rad(lat2)
    dy, dx = y2 - y1, np.deg2rad(lon2) - np.deg2rad(lon1)
    h = np.sin(dy / 2) ** 2 + np.cos(y1) * np.cos(y2) * np.sin(dx / 2) ** 2
    return 2 * np.arcsin(np.sqrt(np.minimum(1, h))) * _EARTH_M


def _token(osmid: Any) -> str:
    """Return an OSM id as id text (``n`` for a negative id, as JOSM writes new objects)."""
    text = str(osmid)
    return "n" + text[1:] if text.startswith("-") else text


class _Segments:
    """The segments of one mode: local node arrays and per-segment arrays."""

    def __init__(self, ex: Extract, mode: str) -> None:
        ways = np.flatnonzero(np.array([m == mode for m in ex.way_mode], dtype=bool))
        counts = np.maximum(ex.offsets[ways + 1] - ex.offsets[ways] - 1, 0)
        way = np.repeat(ways, counts)
        first = np.repeat(ex.offsets[ways] - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
        pos = first + np.arange(len(way))
        ia, ib = ex.node_index(ex.refs[pos]), ex.node_index(ex.refs[pos + 1])
        missing = (ia < 0) | (ib < 0)
        self.clipped = len(np.unique(way[missing]))
        keep = ~missing & (ia != ib)
        way, ia, ib = way[keep], ia[keep], ib[keep]
        dirs = np.array([direction(t) for t in ex.tag_sets], dtype=np.int8)
        wdir = dirs[ex.way_tags[way]] if len(way) else np.zeros(0, dtype=np.int8)
        back = wdir == -1
        ia, ib = np.where(back, ib, ia), np.where(back, ia, ib)
        used, inverse = np.unique(np.concatenate([ia, ib]), return_inverse=True)
        self.osmid = ex.node_ids[used]
        self.x, self.y = ex.lon[used].copy(), ex.lat[used].copy()
        self.u, self.v = inverse[: len(ia)], inverse[len(ia) :]
        self.way = way
        self.oneway = wdir != 0
        self.length = haversine_m(self.x[self.u], self.y[self.u], self.x[self.v], self.y[self.v])
        self.extra: list[dict[str, Any]] = []  # inserted border nodes, local ids after osmid

    @property
    def n_nodes(self) -> int:
        """Number of local nodes (OSM nodes, then inserted border nodes)."""
        return len(self.osmid) + len(self.extra)


def build_layer(
    ex: Extract,
    mode: str,
    *,
    locate: Locator,
    places: list[Record],
    snap_km: float,
    simplify: bool,
    source: str,
) -> Layer:
    """Build one mode's place and link records from an extract (see module notes).

    Parameters
    ----------
    ex
        The extract.
    mode
        ``rail`` or ``road``.
    locate
        Country lookup for node coordinates.
    places
        The user's places (border crossings give inserted crossings their attributes).
    snap_km
        Largest distance (km) from an inserted crossing to the user crossing it matches.
    simplify
        Merge chains of segments between endpoints.
    source
        Source text for the records.

    Returns
    -------
    Layer
        Place and link records, the number of clipped ways, and rail ways by raw gauge.
    """
    seg = _Segments(ex, mode)
    if len(seg.u) == 0:
        return Layer([], [], seg.clipped, {})
    names = np.array([f"{mode}_{_token(i)}" for i in seg.osmid], dtype=object)
    country = locate(seg.x, seg.y).astype(object)
    names, country = _insert_crossings(seg, mode, names, country, locate, places, snap_km)
    speed, klass, gauge_mm, track = _segment_attrs(seg, ex, mode, country)
    seg.track = track
    keep = _kept_nodes(seg, ex, speed, klass, gauge_mm) if simplify else None
    chains = _chains(seg, keep)
    gauges: dict[str, int] = {}
    if mode == "rail":
        for tags in (ex.tag_sets[t] for t in ex.way_tags[np.unique(seg.way)]):
            label = "+".join(map(str, raw_gauges(tags.get("gauge")))) or "untagged"
            gauges[label] = gauges.get(label, 0) + 1
    node_recs = _node_records(seg, ex, mode, names, country, chains, source)
    link_recs = _link_records(seg, ex, mode, names, chains, speed, gauge_mm, track, source)
    return Layer(node_recs, link_recs, seg.clipped, gauges)


# ---------------------------------------------------------------- border crossings


def _insert_crossings(
    seg: _Segments,
    mode: str,
    names: np.ndarray,
    country: np.ndarray,
    locate: Locator,
    places: list[Record],
    snap_km: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Split every segment that joins two countries at a border node (one per node pair)."""
    cross = np.flatnonzero(country[seg.u] != country[seg.v])
    if len(cross) == 0:
        return names, country
    pairs: dict[tuple[int, int], list[int]] = {}
    for s in cross:
        u, w = int(seg.u[s]), int(seg.v[s])
        a, b = (u, w) if names[u] <= names[w] else (w, u)
        pairs.setdefault((a, b), []).append(int(s))
    keys = list(pairs)
    a_idx = np.array([a for a, _ in keys])
    b_idx = np.array([b for _, b in keys])
    start = np.column_stack([seg.x[a_idx], seg.y[a_idx]])
    end = np.column_stack([seg.x[b_idx], seg.y[b_idx]])
    low, high = np.zeros(len(keys)), np.ones(len(keys))
    for _ in range(_BISECTIONS):
        mid = (low + high) / 2.0
        points = start + mid[:, None] * (end - start)
        inside = locate(points[:, 0], points[:, 1]) == country[a_idx]
        low, high = np.where(inside, mid, low), np.where(inside, high, mid)
    fraction = (low + high) / 2.0
    points = start + fraction[:, None] * (end - start)
    base = len(seg.osmid)
    new_u, new_v, new_way, new_len, new_one = [], [], [], [], []
    drop = []
    new_names, new_country = [], []
    for n, ((a, b), t, (x, y)) in enumerate(zip(keys, fraction, points, strict=True)):
        border = base + n
        pair = "-".join(sorted((country[a], country[b])))
        way = int(seg.way[pairs[(a, b)][0]])
        node_name = f"{mode}_x_{names[a].split('_', 1)[1]}_{names[b].split('_', 1)[1]}"
        seg.extra.append(
            {
                "x": float(x),
                "y": float(y),
                "countries": pair,
                "way": way,
            }
        )
        new_names.append(node_name)
        new_country.append(country[a])
        for s in pairs[(a, b)]:
            u = int(seg.u[s])
            share = float(t) if u == a else 1.0 - float(t)
            drop.append(s)
            new_u += [u, border]
            new_v += [border, int(seg.v[s])]
            new_way += [int(seg.way[s])] * 2
            new_len += [seg.length[s] * share, seg.length[s] * (1.0 - share)]
            new_one += [bool(seg.oneway[s])] * 2
    keep = np.ones(len(seg.u), dtype=bool)
    keep[drop] = False
    seg.u = np.concatenate([seg.u[keep], new_u])
    seg.v = np.concatenate([seg.v[keep], new_v])
    seg.way = np.concatenate([seg.way[keep], new_way])
    seg.length = np.concatenate([seg.length[keep], new_len])
    seg.oneway = np.concatenate([seg.oneway[keep], np.array(new_one, dtype=bool)])
    _match_user_crossings(seg, mode, places, snap_km)
    return (
        np.concatenate([names, np.array(new_names, dtype=object)]),
        np.concatenate([country, np.array(new_country, dtype=object)]),
    )


def _match_user_crossings(seg: _Segments, mode: str, places: list[Record], snap_km: float) -> None:
    """Give inserted crossings the attributes of the user's crossings, one to one.

    Each user border place of the same country pair and mode is matched to the nearest
    inserted crossing within `snap_km`, nearest pairs first; a crossing takes at most one
    place and a place names at most one crossing (other crossings keep the defaults).
    """
    users = [
        r
        for r in places
        if r.values.get("kind") == "border"
        and r.values.get("countries")
        and mode in str(r.values.get("modes", "")).split(";")
    ]
    candidates = []
    for n, data in enumerate(seg.extra):
        for i, record in enumerate(users):
            pair = "-".join(sorted(str(record.values["countries"]).split("-")))
            if pair != data["countries"]:
                continue
            km = great_circle_km(data["x"], data["y"], record.values["lon"], record.values["lat"])
            if km <= snap_km:
                candidates.append((km, n, i))
    taken_nodes: set[int] = set()
    taken_places: set[int] = set()
    for km, n, i in sorted(candidates):
        if n in taken_nodes or i in taken_places:
            continue
        taken_nodes.add(n)
        taken_places.add(i)
        values = users[i].values
        data = seg.extra[n]
        data.update(
            {
                k: values[k]
                for k in (f"dwell_{mode}_h", "gauge_break", "gauge_change_h", "fee_usd")
                if k in values
            }
        )
        data["name"] = f"{values['name']} ({mode}, OSM)"
        data["place_ref"] = values["id"]
        data["match_km"] = km


# ---------------------------------------------------------------- edge attributes


def _segment_attrs(
    seg: _Segments, ex: Extract, mode: str, country: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return per-segment speed (km/h), class code, gauge_mm and track gauge (object arrays)."""
    tagidx = ex.way_tags[seg.way]
    n_osm = len(seg.osmid)
    klass_of = {}
    klass = np.empty(len(seg.u), dtype=np.int64)
    key = "railway" if mode == "rail" else "highway"
    codes = np.array(
        [klass_of.setdefault(t.get(key, ""), len(klass_of)) for t in ex.tag_sets], dtype=np.int64
    )
    klass[:] = codes[tagidx]
    if mode == "road":
        speeds = np.array(
            [
                road_speed_kph(t["highway"], maxspeed=t.get("maxspeed")) if "highway" in t else 0
                for t in ex.tag_sets
            ]
        )
        empty = np.full(len(seg.u), "", dtype=object)
        return speeds[tagidx], klass, empty, empty
    # rail: gauge depends on the way's tag and, untagged, on the country of the segment
    home = np.where(seg.u < n_osm, seg.u, seg.v)
    other = np.where(seg.u < n_osm, seg.v, seg.u)
    cache: dict[tuple[int, str, str, bool], tuple[float, str, str]] = {}
    speed = np.empty(len(seg.u))
    gauge_mm = np.empty(len(seg.u), dtype=object)
    track = np.empty(len(seg.u), dtype=object)
    for s in range(len(seg.u)):
        ends = (country[home[s]], country[other[s]], bool(other[s] >= n_osm))
        k = (int(tagidx[s]), *ends)
        if k not in cache:
            tags = ex.tag_sets[tagidx[s]]
            t = gauge_text(tags.get("gauge"))
            t = country_gauge(ends[0]) if t is None else t
            fitted = _fit_gauge(t, [ends[0]] if ends[2] else [ends[0], ends[1]])
            sp = rail_speed_kph(
                usage=tags.get("usage"),
                service=tags.get("service"),
                gauge_mm=t,
                maxspeed=tags.get("maxspeed"),
            )
            cache[k] = (sp, fitted, t)
        speed[s], gauge_mm[s], track[s] = cache[k]
    return speed, klass, gauge_mm, track


def _fit_gauge(track: str, countries: list[str]) -> str:
    """Return `track`, or ``1435+1520`` if it is none of the model's gauges or foreign to an end.

    A way whose gauge the model does not know (e.g. 1000 mm) has ``track == ""``.
    """
    if not track:
        return "1435+1520"
    gauges = {int(g) for g in track.split("+")}
    for code in countries:
        network = v.COUNTRY_GAUGES.get(code)
        if network is not None and not gauges & network:
            return "1435+1520"
    return track


# ---------------------------------------------------------------- simplification


def _kept_nodes(
    seg: _Segments, ex: Extract, speed: np.ndarray, klass: np.ndarray, gauge_mm: np.ndarray
) -> np.ndarray:
    """Return osmnx's endpoint flags per node (plus nodes not on exactly two segments)."""
    n, u, w, one = seg.n_nodes, seg.u, seg.v, seg.oneway
    outdeg = np.bincount(u, minlength=n) + np.bincount(w[~one], minlength=n)
    indeg = np.bincount(w, minlength=n) + np.bincount(u[~one], minlength=n)
    degree = outdeg + indeg
    ends = np.concatenate([u, w])
    pairs = np.unique(ends * n + np.concatenate([w, u]))
    neighbours = np.bincount(pairs // n, minlength=n)
    segments = np.bincount(ends, minlength=n)
    keep = (indeg == 0) | (outdeg == 0) | (segments != 2)
    keep |= ~((neighbours == 2) & ((degree == 2) | (degree == 4)))
    flagged = [
        i for i, t in ex.node_tags.items() if t.get("railway") in STATION_TAGS or t.get("name")
    ]
    keep[: len(seg.osmid)] |= np.isin(seg.osmid, np.array(flagged, dtype=np.int64))
    keep[len(seg.osmid) :] = True
    gauge_code = np.unique(gauge_mm.astype(str), return_inverse=True)[1]
    for values in (speed, klass.astype(float), gauge_code.astype(float)):
        both = np.concatenate([values, values])
        low, high = np.full(n, np.inf), np.full(n, -np.inf)
        np.minimum.at(low, ends, both)
        np.maximum.at(high, ends, both)
        keep |= low != high
    return keep


@dataclass
class _Chains:
    """Chains of segments between kept nodes (flat lists with offsets)."""

    nodes: list[list[int]]
    segs: list[list[int]]
    oneway: list[bool]
    loops: set[int]


def _chains(seg: _Segments, keep: np.ndarray | None) -> _Chains:
    """Walk the chains between kept nodes; split chains that close on themselves."""
    n, m = seg.n_nodes, len(seg.u)
    ends = np.concatenate([seg.u, seg.v])
    ids = np.concatenate([np.arange(m), np.arange(m)])
    order = np.argsort(ends, kind="stable")
    incident = ids[order].tolist()
    start = np.searchsorted(ends[order], np.arange(n + 1)).tolist()
    u_l, v_l = seg.u.tolist(), seg.v.tolist()
    kept = [True] * n if keep is None else keep.tolist()
    used = bytearray(m)
    out = _Chains([], [], [], set())

    def walk(node: int, s: int) -> None:
        nodes, segs = [node], []
        while True:
            used[s] = 1
            segs.append(s)
            node = v_l[s] if u_l[s] == node else u_l[s]
            nodes.append(node)
            if kept[node]:
                break
            first = incident[start[node]]
            s = first if first != s else incident[start[node] + 1]
        _add_chain(seg, out, nodes, segs)

    for node in range(n):
        if kept[node]:
            for s in incident[start[node] : start[node + 1]]:
                if not used[s]:
                    walk(node, s)
    for s in range(m):  # rings without a kept node
        if not used[s]:
            kept[u_l[s]] = True
            out.loops.add(u_l[s])
            walk(u_l[s], s)
    return out


def _add_chain(seg: _Segments, out: _Chains, nodes: list[int], segs: list[int]) -> None:
    """Add a chain (oriented along its one-way direction), split in two if it is a loop."""
    oneway = bool(seg.oneway[segs[0]])
    if oneway and seg.u[segs[0]] != nodes[0]:
        nodes, segs = nodes[::-1], segs[::-1]
    if nodes[0] == nodes[-1]:
        cum = np.cumsum(seg.length[segs])
        k = 1 + int(np.argmin(np.abs(cum[:-1] - cum[-1] / 2.0)))
        out.loops.add(nodes[k])
        parts = [(nodes[: k + 1], segs[:k]), (nodes[k:], segs[k:])]
    else:
        parts = [(nodes, segs)]
    for part_nodes, part_segs in parts:
        out.nodes.append(part_nodes)
        out.segs.append(part_segs)
        out.oneway.append(oneway)


# ---------------------------------------------------------------- records


def _role(node: int, seg: _Segments, ex: Extract, chains: _Chains, degree: int) -> str:
    """Return what a kept node is: crossing, station, named, loop, junction, end or change."""
    if node >= len(seg.osmid):
        return "crossing"
    tags = ex.node_tags.get(int(seg.osmid[node]), {})
    if tags.get("railway") in STATION_TAGS:
        return "station"
    if tags.get("name"):
        return "named"
    if node in chains.loops:
        return "loop"
    return "junction" if degree >= 3 else "end" if degree <= 1 else "change"


def _node_records(
    seg: _Segments,
    ex: Extract,
    mode: str,
    names: np.ndarray,
    country: np.ndarray,
    chains: _Chains,
    source: str,
) -> list[Record]:
    """Return one place record per kept node."""
    neighbours: dict[int, set[int]] = {}
    for nodes in chains.nodes:
        neighbours.setdefault(nodes[0], set()).add(nodes[-1])
        neighbours.setdefault(nodes[-1], set()).add(nodes[0])
    n_osm = len(seg.osmid)
    records = []
    for node in sorted(neighbours, key=lambda i: names[i]):
        role = _role(node, seg, ex, chains, len(neighbours[node]))
        values: dict[str, Any] = {
            "id": names[node],
            "kind": {"crossing": "border", "station": "terminal"}.get(role, "city"),
            "country": country[node],
            "lon": float(seg.x[node]) if node < n_osm else seg.extra[node - n_osm]["x"],
            "lat": float(seg.y[node]) if node < n_osm else seg.extra[node - n_osm]["y"],
            "modes": mode,
            "status": "existing",
            "source": source,
            "osm_role": role,
        }
        if node < n_osm:
            osmid = int(seg.osmid[node])
            values.update(ex.node_tags.get(osmid, {}))
            values["osmid"] = str(osmid)
            values["notes"] = f"OSM {mode} {role}, node {osmid}"
            values.setdefault("name", f"OSM {mode} node {_token(osmid)}")
        else:
            values.update(_crossing_values(seg, ex, mode, node, country))
        records.append(Record(f"OSM {mode} node {names[node]}", values, source))
    return records


def _crossing_values(
    seg: _Segments, ex: Extract, mode: str, node: int, country: np.ndarray
) -> dict[str, Any]:
    """Return the attributes of an inserted border crossing."""
    data = seg.extra[node - len(seg.osmid)]
    way = int(ex.way_ids[data["way"]])
    pair = data["countries"]
    values: dict[str, Any] = {"countries": pair}
    if "place_ref" in data:
        for key in (f"dwell_{mode}_h", "gauge_break", "gauge_change_h", "fee_usd", "place_ref"):
            if key in data:
                values[key] = data[key]
        values["name"] = data["name"]
        values["notes"] = (
            f"OSM crossing: inserted where OSM way {way} crosses {pair}; dwell, fee and gauge "
            f"attributes from place {data['place_ref']} ({data['match_km']:.1f} km away)"
        )
    else:
        values["name"] = f"{mode} border {pair} on OSM way {way}"
        values["notes"] = f"OSM crossing: inserted where OSM way {way} crosses {pair}"
    if mode == "rail" and "gauge_break" not in values:
        a, b = pair.split("-")
        nets = [v.COUNTRY_GAUGES.get(c, frozenset({1435})) for c in (a, b)]
        sides: dict[str, set[int]] = {}
        touching = np.flatnonzero((seg.u == node) | (seg.v == node))
        for s in touching:
            other = int(seg.v[s] if seg.u[s] == node else seg.u[s])
            gauges = {int(g) for g in (seg.track[s] or "0").split("+")}
            sides.setdefault(country[other], set()).update(gauges)
        tracks = list(sides.values())
        track_break = len(tracks) == 2 and not tracks[0] & tracks[1]
        values["gauge_break"] = bool(not nets[0] & nets[1] or track_break)
    return values


def _merged_tags(seg: _Segments, ex: Extract, segs: list[int]) -> dict[str, str]:
    """Return the chain's way tags (differing values joined by ';') and its ``osmid``."""
    ways = list(dict.fromkeys(seg.way[segs].tolist()))
    tag_sets = [ex.tag_sets[ex.way_tags[w]] for w in ways]
    out = {}
    for tag in WAY_TAGS:
        found = [t[tag] for t in tag_sets if tag in t]
        if found:
            out[tag] = ";".join(dict.fromkeys(found))
    out["osmid"] = ";".join(str(ex.way_ids[w]) for w in ways)
    return out


def _link_records(
    seg: _Segments,
    ex: Extract,
    mode: str,
    names: np.ndarray,
    chains: _Chains,
    speed: np.ndarray,
    gauge_mm: np.ndarray,
    track: np.ndarray,
    source: str,
) -> list[Record]:
    """Return one link record per chain (two-way: from the smaller id; one-way: as driven)."""
    counts: dict[tuple[str, str], int] = {}
    records = []
    for nodes, segs, oneway in zip(chains.nodes, chains.segs, chains.oneway, strict=True):
        if not oneway and names[nodes[0]] > names[nodes[-1]]:
            nodes, segs = nodes[::-1], segs[::-1]
        u, w = names[nodes[0]], names[nodes[-1]]
        counts[(u, w)] = counts.get((u, w), 0) + 1
        link_id = f"{u}-{w}-{mode}" + (f"-{counts[(u, w)]}" if counts[(u, w)] > 1 else "")
        length_m = float(seg.length[segs].sum())
        values: dict[str, Any] = {
            "id": link_id,
            "from": u,
            "to": w,
            "mode": mode,
            "length_km": length_m / 1000.0,
            "length_basis": "source",
            "speed_kph": float(speed[segs[0]]),
            "status": "existing",
            "source": source,
            "oneway": oneway,
            "via": [_xy(seg, i) for i in nodes[1:-1]],
            **_merged_tags(seg, ex, segs),
        }
        notes = [f"OSM way {values['osmid']}"]
        if mode == "rail":
            values["gauge_mm"] = str(gauge_mm[segs[0]])
            tracks = ";".join(dict.fromkeys(str(t) for t in track[segs]))
            if values["gauge_mm"] != tracks:
                raw = values.get("gauge", tracks)
                notes.append(
                    f"track gauge {raw} mm is foreign to the country or not modelled; "
                    "recorded as 1435+1520"
                )
        if oneway:
            notes.append("one-way")
        values["notes"] = "; ".join(notes)
        records.append(Record(f"OSM {mode} edge {link_id}", values, source))
    return records


def _xy(seg: _Segments, node: int) -> tuple[float, float]:
    """Return a node's (lon, lat)."""
    n_osm = len(seg.osmid)
    if node < n_osm:
        return (float(seg.x[node]), float(seg.y[node]))
    return (seg.extra[node - n_osm]["x"], seg.extra[node - n_osm]["y"])
