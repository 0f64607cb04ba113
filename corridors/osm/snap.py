"""Snapping places onto OSM nodes by access links, and the records that rebuild a network."""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from corridors import _validate as v
from corridors._errors import DataError
from corridors.costs import Parameters
from corridors.io import Record, read_params, read_places
from corridors.network import LAND_MODES, Network, great_circle_km
from corridors.osm.countries import unit_xyz
from corridors.osm.tags import country_gauge

__all__ = ["MIN_ACCESS_KM", "OSM_LICENCE", "snap_places"]

OSM_LICENCE = "OpenStreetMap contributors (ODbL)"
#: Shortest access link (km): a place on its node still gets a link of positive length.
MIN_ACCESS_KM = 0.001


def _name_keys(values: dict[str, Any]) -> set[str]:
    """Return the folded name and alt names of a place (they must be unique across places)."""
    names = [values.get("name", ""), *str(values.get("alt_names") or "").split(";")]
    return {v.normalize_name(n) for n in names if n and n.strip()}


def _unique_names(records: list[Record], taken: set[str]) -> list[Record]:
    """Append `` (OSM node <id>)`` to names already used (names must be unique)."""
    out = []
    for record in records:
        name = record.values["name"]
        if v.normalize_name(name) in taken:
            values = dict(record.values)
            values["name"] = f"{name} (OSM node {values['id']})"
            record = Record(record.where, values, record.source)
        taken.add(v.normalize_name(record.values["name"]))
        out.append(record)
    return out


# ---------------------------------------------------------------- snapping


def _place_records(places: str | os.PathLike[str] | Sequence[Record] | None) -> list[Record]:
    """Return place records from a table path, records, or nothing."""
    if places is None:
        return []
    if isinstance(places, str | os.PathLike):
        return read_places(places)
    return list(places)


class _Snapper:
    """Nearest-node search per (mode, country side) over OSM nodes."""

    def __init__(self, nodes: dict[str, dict[str, Any]]) -> None:
        self.nodes = nodes
        self.modes = {m for d in nodes.values() for m in d["modes"].split(";")}
        groups: dict[tuple[str, str], list[str]] = {}
        for node, data in nodes.items():
            sides = data["countries"].split("-") if data.get("kind") == "border" else []
            for side in sides or [data["country"]]:
                for mode in data["modes"].split(";"):
                    groups.setdefault((mode, side), []).append(node)
        self.trees = {
            key: (
                cKDTree(unit_xyz(*np.array([(nodes[n]["x"], nodes[n]["y"]) for n in ids]).T)),
                ids,
            )
            for key, ids in groups.items()
        }

    def nearest(
        self, mode: str, sides: Iterable[str], lon: float, lat: float
    ) -> tuple[str, float]:
        """Return the nearest node of `mode` on one of `sides` and its distance (km)."""
        best = ("", math.inf)
        point = unit_xyz(np.array([lon]), np.array([lat]))[0]
        for side in sides:
            if (mode, side) not in self.trees:
                continue
            tree, ids = self.trees[(mode, side)]
            _, index = tree.query(point)
            node = ids[int(index)]
            km = great_circle_km(lon, lat, self.nodes[node]["x"], self.nodes[node]["y"])
            if km < best[1]:
                best = (node, km)
        return best


def _sides(values: dict[str, Any]) -> list[str]:
    """Countries a place lies on (both sides of a border crossing)."""
    if values.get("kind") == "border" and values.get("countries"):
        return sorted(values["countries"].split("-"))
    return [values["country"]]


def _access_link(
    values: dict[str, Any],
    node: str,
    node_data: dict[str, Any],
    mode: str,
    km: float,
    source: str,
    detour: float,
) -> Record:
    """Return the access link record joining a place to its snapped node."""
    link: dict[str, Any] = {
        "id": f"{values['id']}-{node}-{mode}",
        "from": values["id"],
        "to": node,
        "mode": mode,
        "length_km": max(km * detour, MIN_ACCESS_KM),
        "length_basis": "source",
        "status": values.get("status", "existing"),
        "source": f"{source}; access link: great-circle length x the mode's detour factor "
        f"(at least {MIN_ACCESS_KM * 1000:g} m)",
        "notes": f"access link: place snapped {km:.2f} km to OSM node {node}",
    }
    if mode == "rail":
        if values.get("kind") != "border":
            link["gauge_mm"] = country_gauge(values["country"])
        elif node_data.get("kind") != "border":
            link["gauge_mm"] = country_gauge(node_data["country"])
        else:
            link["gauge_mm"] = "1435+1520"
    return Record(f"access link {link['id']}", link, source)


def _snap(
    nodes: dict[str, dict[str, Any]],
    places: Sequence[Record],
    snap_km: float,
    source: str,
    params: Parameters | None = None,
) -> tuple[list[Record], pd.DataFrame]:
    """Snap places to OSM nodes; return access link records and the report."""
    snapper = _Snapper(nodes)
    rows, links = [], []
    for record in places:
        values = record.values
        for mode in [m for m in values.get("modes", "").split(";") if m in LAND_MODES]:
            sides = _sides(values)
            row = {"place": values["id"], "name": values.get("name"), "mode": mode}
            node, km = snapper.nearest(mode, sides, values["lon"], values["lat"])
            if not node:
                where = "the network" if mode not in snapper.modes else "-".join(sides)
                row.update(status="no_node", reason=f"no OSM {mode} node in {where}")
            elif km > snap_km:
                row.update(
                    status="too_far",
                    node=node,
                    distance_km=km,
                    reason=f"nearest {mode} node {node} is {km:.1f} km away "
                    f"(limit snap_km = {snap_km:g} km)",
                )
            else:
                row.update(status="snapped", node=node, distance_km=km, reason="")
                detour = params.modes[mode].detour_factor if params else 1.0
                links.append(_access_link(values, node, nodes[node], mode, km, source, detour))
            rows.append(row)
    columns = ["place", "name", "mode", "status", "node", "distance_km", "reason"]
    return links, pd.DataFrame(rows, columns=columns)


def snap_places(
    net: Network,
    places: str | os.PathLike[str] | Sequence[Record],
    *,
    snap_km: float = 5.0,
) -> tuple[Network, pd.DataFrame]:
    """Join places to the OSM nodes of a network within `snap_km` (km), by access links.

    Parameters
    ----------
    net
        A network built by :func:`from_osm` (or :func:`merge`); only its OSM nodes
        (those with ``osm_role``) are snapping targets.
    places
        A places table (path) or place records; places already in `net` (same id)
        are joined, others are added when at least one of their modes snaps.
    snap_km
        Largest distance (km) from a place to its node.

    Returns
    -------
    network : Network
        A new network with the places and access links (`net` is not changed).
    report : pandas.DataFrame
        One row per place and land mode it serves: ``place``, ``name``, ``mode``,
        ``status`` (``snapped``, ``too_far``, ``no_node``), ``node`` (nearest suitable
        node), ``distance_km`` (km), ``reason``.

    Raises
    ------
    DataError
        If `snap_km` is not positive or a place id clashes with an OSM node id.
    """
    if not snap_km > 0:
        raise DataError(f"snap_km = {snap_km}; expected a positive distance in km")
    records = _place_records(places)
    place_recs, link_recs = _graph_records(net)
    _check_clashes(records, {r.values["id"] for r in place_recs if "osm_role" in r.values})
    known = {r.values["id"] for r in place_recs}
    osm = {n: d for n, d in net.graph.nodes(data=True) if "osm_role" in d}
    source = _osm_source(osm)
    access, report = _snap(osm, records, snap_km, source, net.params)
    snapped = set(report.loc[report["status"] == "snapped", "place"])
    new = [r for r in records if r.values["id"] in snapped and r.values["id"] not in known]
    taken: set[str] = set()
    for record in [*place_recs, *new]:
        if "osm_role" not in record.values:
            taken |= _name_keys(record.values)
    osm_recs = _unique_names([r for r in place_recs if "osm_role" in r.values], taken)
    others = [r for r in place_recs if "osm_role" not in r.values]
    have = {r.values["id"] for r in link_recs}
    access = [r for r in access if r.values["id"] not in have]  # snapped before
    out = _build([*others, *new, *osm_recs], [*link_recs, *access], net, name=net.name)
    out.graph.graph["snap_report"] = report
    return out, report


def _osm_source(nodes: dict[str, dict[str, Any]]) -> str:
    """Return the source of OSM nodes (the extract's), which survives saving a network."""
    return next((str(d["source"]) for d in nodes.values() if d.get("source")), OSM_LICENCE)


def _check_clashes(records: Sequence[Record], osm_ids: set[str]) -> None:
    """Refuse places whose ids are OSM node ids of the network."""
    problems = v.Problems("")
    for record in records:
        if record.values.get("id") in osm_ids:
            problems.add(
                record.location,
                f"id = {record.values['id']!r} is also an OSM node id of the network; "
                "rename the place (OSM nodes are <mode>_<osmid>)",
            )
    problems.raise_if_any()


# ---------------------------------------------------------------- building


def _graph_records(net: Network) -> tuple[list[Record], list[Record]]:
    """Return place and link records that rebuild `net` (the inverse of from_records)."""
    places = []
    for node, data in net.graph.nodes(data=True):
        values = {k: x for k, x in data.items() if k not in ("x", "y") and _present(x)}
        values.update(id=node, lon=data["x"], lat=data["y"])
        places.append(Record(f"{net.name} place {node}", values, str(values.get("source", ""))))
    links = []
    for u, w, key, data in net.graph.edges(keys=True, data=True):
        if data.get("reversed", False):
            continue
        skip = ("geometry", "reversed", "length", "travel_time")
        values = {k: x for k, x in data.items() if k not in skip and _present(x)}
        values.update(id=key, via=[tuple(p) for p in list(data["geometry"].coords)[1:-1]])
        values.update({"from": u, "to": w})
        if data.get("length_basis", "source") == "source":
            values["length_km"] = data["length"] / 1000.0
        links.append(Record(f"{net.name} link {key}", values, str(values.get("source", ""))))
    return places, links


def _present(value: Any) -> bool:
    """Return False for None and NaN (blank cells)."""
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _build(
    places: list[Record], links: list[Record], like: Network | Parameters, *, name: str
) -> Network:
    """Build a network through :meth:`Network.from_records` (one-way links get one edge)."""
    params = like if isinstance(like, Parameters) else like.params
    corridors = None if isinstance(like, Parameters) else like.corridors
    return Network.from_records(
        places, links, params, corridors=corridors, name=name, source=OSM_LICENCE
    )


def _default_params() -> Parameters:
    """Return the built-in network's parameters (``data/gtr/params.toml``)."""
    from corridors.datasets import gtr_data_dir

    return read_params(gtr_data_dir() / "params.toml")
