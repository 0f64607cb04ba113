"""Check place and link records against each other, and turn records into graph edges and back.

Used by :class:`~corridors.network.Network` when building a network and when editing it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx
import pandas as pd
import shapely

from corridors import _validate as v
from corridors.costs import Parameters
from corridors.network.geometry import _line_km, great_circle_km
from corridors.schema import Column, Record

__all__ = ["BORDER_ONLY", "LAND_MODES"]


LAND_MODES = ("rail", "road")


BORDER_ONLY = ("countries", "dwell_road_h", "dwell_rail_h", "gauge_break", "gauge_change_h")


_FLOAT_PARSERS = (v.parse_positive, v.parse_non_negative, v.parse_lon, v.parse_lat)


def _typed(frame: pd.DataFrame, columns: dict[str, Column]) -> pd.DataFrame:
    """Give each column a dtype that depends on its schema, not on which cells are blank.

    Numbers are float64 (NaN when blank), years Int64, ``closed`` bool and other
    flags nullable boolean, so that two networks' tables compare column by column.
    """
    for name, column in columns.items():
        if column.parse in _FLOAT_PARSERS:
            frame[name] = pd.to_numeric(frame[name]).astype("float64")
        elif column.parse is v.parse_year:
            frame[name] = pd.to_numeric(frame[name]).astype("Int64")
        elif column.parse is v.parse_bool:
            flags = frame[name].astype("boolean")
            frame[name] = flags.astype(bool) if name == "closed" else flags
    return frame


def _check_border_fields(values: dict[str, Any], where: str, problems: v.Problems) -> None:
    """Check that a crossing joins two countries, its own among them; others lack border fields."""
    kind = values.get("kind")
    if kind == "border":
        countries = values.get("countries")
        if not countries:
            problems.add(
                where,
                "countries is blank; a border crossing joins two countries, "
                "e.g. countries = CN-RU",
            )
        elif values.get("country") not in countries.split("-"):
            problems.add(
                where,
                f"country = {values.get('country')!r} is not one of countries = "
                f"{countries!r}; give the side the point lies on",
            )
        return
    for field in BORDER_ONLY:
        if field in values:
            problems.add(
                where,
                f"{field} is set but kind = {kind!r}; only border crossings "
                "(kind = border) take it",
            )


def _check_place_fields(values: dict[str, Any], where: str, problems: v.Problems) -> None:
    """Check a place's own fields: border fields, and that a sea port serves the sea."""
    _check_border_fields(values, where, problems)
    sea_port = values.get("kind") == "port" and values.get("port_type", "sea") == "sea"
    if sea_port and "sea" not in values.get("modes", "").split(";"):
        problems.add(
            where,
            f"modes = {values.get('modes', '')!r}; expected a sea port to serve sea: "
            "add sea to modes, or set port_type = river for a river port",
        )


def _fold(name: str) -> str:
    """Return ``normalize_name(name)``, without Unicode decomposition for plain ASCII."""
    if name.isascii():
        return " ".join(name.lower().split())
    return v.normalize_name(name)


def _check_places(
    places: Sequence[Record],
    problems: v.Problems,
    taken_names: dict[str, str] | None = None,
) -> dict[str, dict[str, Any]]:
    """Check places on their own; return node attributes by id (problems collected).

    `taken_names` maps folded names already in use (e.g. by a network's places) to
    their place ids, so that a place added later cannot reuse one.
    """
    nodes: dict[str, dict[str, Any]] = {}
    names: dict[str, str] = dict(taken_names or {})
    for record in places:
        values, where = record.values, record.location
        if "id" not in values:
            continue
        kind = values.get("kind")
        _check_place_fields(values, where, problems)
        alt_names = [("alt_names", n) for n in values.get("alt_names", "").split(";")]
        for field, name in [("name", values.get("name", "")), *alt_names]:
            if not name:
                continue
            key = _fold(name)
            if key in names and names[key] != values["id"]:
                problems.add(
                    where,
                    f"{field} = {name!r} is already a name of place {names[key]!r}; "
                    "expected names and alt_names unique across places: rename one",
                )
            names[key] = values["id"]
        attrs = {k: x for k, x in values.items() if k not in {"id", "lon", "lat"}}
        attrs.update(x=values.get("lon", math.nan), y=values.get("lat", math.nan))
        attrs.setdefault("status", "existing")
        attrs.setdefault("closed", False)
        if kind == "border":
            attrs.setdefault("gauge_break", False)
        if kind == "port":
            attrs.setdefault("port_type", "sea")
        if values["id"] in nodes:
            problems.add(
                record.location, f"duplicate place id {values['id']!r}; ids must be unique"
            )
        nodes[values["id"]] = attrs
    return nodes


def _check_link(
    record: Record,
    nodes: dict[str, dict[str, Any]],
    corridor_names: set[str] | None,
    problems: v.Problems,
) -> None:
    """Check one link against the places it joins (problems collected)."""
    values, where = record.values, record.location
    mode = values.get("mode")
    ends = [values.get("from"), values.get("to")]
    for field, end in zip(("from", "to"), ends, strict=True):
        if end is not None and end not in nodes:
            hint = v.close_matches(end, nodes, n=3)
            extra = f"; did you mean {', '.join(hint)}?" if hint else ""
            problems.add(where, f"{field} = {end!r} is not a place id{extra}")
    if None in ends or any(e not in nodes for e in ends) or mode is None:
        return
    a, b = (nodes[e] for e in ends)
    if ends[0] == ends[1]:
        problems.add(where, "from and to are the same place; a link joins two places")
    for field, end, place in zip(("from", "to"), ends, (a, b), strict=True):
        if mode not in place.get("modes", "").split(";"):
            problems.add(
                where,
                f"mode = {mode!r} but {field} place {end!r} serves only "
                f"{place.get('modes')!r}; add {mode} to its modes or fix the mode",
            )
    _check_link_status(values, ends, (a, b), where, problems)
    if mode in LAND_MODES:
        _check_land_link(values, ends, a, b, where, problems)
    elif "gauge_mm" in values:
        problems.add(where, f"gauge_mm is set on a {mode} link; only rail links take a gauge")
    for field in ("sailings_per_week", "sea_service"):
        if field in values and mode != "sea":
            problems.add(where, f"{field} is set on a {mode} link; only sea links take it")
    _check_corridor_names(values, corridor_names, where, problems)
    if "length_km" in values and values.get("length_basis", "source") == "source":
        straight = great_circle_km(a["x"], a["y"], b["x"], b["y"])
        if values["length_km"] < straight - 5.0:
            problems.add(
                where,
                f"length_km = {values['length_km']} is shorter than the "
                f"{straight:.1f} km straight line between its ends; check the "
                "length or the places' coordinates",
            )


def _check_link_status(
    values: dict[str, Any],
    ends: list[str],
    places: tuple[dict[str, Any], dict[str, Any]],
    where: str,
    problems: v.Problems,
) -> None:
    """Report an existing link that ends at a planned or suspended place."""
    if values.get("status", "existing") == "existing":
        for end, place in zip(ends, places, strict=True):
            if place.get("status", "existing") != "existing":
                problems.add(
                    where,
                    f"an existing link ends at {place.get('status')} place "
                    f"{end!r}; set the link's status to match",
                )


def _check_corridor_names(
    values: dict[str, Any], corridor_names: set[str] | None, where: str, problems: v.Problems
) -> None:
    """Report corridor names of a link that corridors.csv lacks, with close matches."""
    if corridor_names is None:
        return
    for corridor in values.get("corridors", "").split(";"):
        if corridor and corridor not in corridor_names:
            hint = v.close_matches(corridor, corridor_names, n=2)
            extra = f"; did you mean {' or '.join(hint)}?" if hint else ""
            problems.add(where, f"corridor {corridor!r} is not in corridors.csv{extra}")


def _check_land_link(
    values: dict[str, Any],
    ends: list[str],
    a: dict[str, Any],
    b: dict[str, Any],
    where: str,
    problems: v.Problems,
) -> None:
    """Check a rail / road link: no border crossed without a crossing; gauges."""

    def sides(place: dict[str, Any]) -> set[str]:
        """Return the countries a place lies on (both for a border crossing)."""
        if place.get("kind") == "border" and place.get("countries"):
            return set(place["countries"].split("-"))
        return {place.get("country", "")}

    if not sides(a) & sides(b):
        problems.add(
            where,
            f"{values['mode']} link joins {a.get('country')} ({ends[0]}) and "
            f"{b.get('country')} ({ends[1]}) without a border crossing; route it "
            "through a place of kind = border",
        )
    if values["mode"] != "rail":
        if "gauge_mm" in values:
            problems.add(where, "gauge_mm is set on a road link; only rail links take a gauge")
        return
    if "gauge_mm" not in values:
        problems.add(
            where, "gauge_mm is blank; a rail link needs its gauge (1435, 1520 or 1435+1520)"
        )
        return
    gauges = {int(g) for g in values["gauge_mm"].split("+")}
    for end, place in zip(ends, (a, b), strict=True):
        if place.get("kind") == "border":
            continue
        country_gauges = v.COUNTRY_GAUGES.get(place.get("country", ""))
        if country_gauges is not None and not gauges & country_gauges:
            found = "+".join(str(g) for g in sorted(country_gauges))
            problems.add(
                where,
                f"gauge_mm = {values['gauge_mm']} but {end!r} is in "
                f"{place['country']}, whose network is {found} mm; use that gauge "
                "or 1435+1520 for dual-gauge track",
            )


Edge = tuple[str, str, str, dict[str, Any]]


def _link_edges(
    graph: nx.MultiDiGraph, values: dict[str, Any], params: Parameters
) -> tuple[Edge, Edge]:
    """Return both directions ``(u, v, key, attrs)`` of one link, with length, speed and cost.

    Blank speed and cost come from `params`; a length no source gives is the geodesic
    length of the from → via → to line times the mode's detour factor. Speed and detour
    factor are those of the countries the link runs in: the countries of its ends other
    than border crossings (a crossing's coordinates lie on one side only).
    """
    u, w, mode = values["from"], values["to"], values["mode"]
    a, b = graph.nodes[u], graph.nodes[w]
    inland = tuple(p["country"] for p in (a, b) if p.get("kind") != "border")
    countries = inland or (a["country"], b["country"])
    line = shapely.LineString([(a["x"], a["y"]), *values.get("via", []), (b["x"], b["y"])])
    mode_params = params.modes[mode]
    attrs = {k: x for k, x in values.items() if k not in {"id", "from", "to", "via"}}
    if "length_km" in values and values.get("length_basis", "source") == "source":
        length_km, basis = values["length_km"], "source"
    else:
        length_km, basis = _line_km(line) * mode_params.detour_in(countries), "computed"
    defaults = set(values.get("defaults", "").split(";")) - {""}
    if "speed_kph" not in values or "speed_kph" in defaults:
        attrs["speed_kph"] = mode_params.speed_in(countries)
        defaults.add("speed_kph")
    if "cost_usd_teu" not in values or "cost_usd_teu" in defaults:
        attrs["cost_usd_teu"] = length_km * mode_params.cost_usd_teu_km
        defaults.add("cost_usd_teu")
    attrs.update(
        mode=mode,
        length=length_km * 1000.0,
        length_basis=basis,
        travel_time=length_km / attrs["speed_kph"] * 3600.0,
        defaults=";".join(sorted(defaults)),
        status=values.get("status", "existing"),
        closed=values.get("closed", False),
    )
    attrs.pop("length_km", None)
    forward = {"geometry": line, "reversed": False, **attrs}
    if attrs.get("oneway", False):
        return [(u, w, values["id"], forward)]
    backward = {"geometry": line.reverse(), "reversed": True, **attrs}
    return [(u, w, values["id"], forward), (w, u, values["id"], backward)]


#: Columns whose values are ``;``-separated lists (given as lists when editing).
_LIST_FIELDS = frozenset({"alt_names", "industries", "modes", "corridors", "defaults"})


def _blank(value: Any) -> bool:
    """Return whether an attribute value is missing (None or NaN)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _cell(value: Any, field: str) -> str | None:
    """Return a value as the text of a table cell for the column parsers (None: wrong type)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    if isinstance(value, list | tuple):
        if field == "via":
            pairs = [p for p in value if isinstance(p, list | tuple) and len(p) == 2]
            ok = len(pairs) == len(value) and all(
                isinstance(x, int | float) and not isinstance(x, bool) for p in pairs for x in p
            )
            return "; ".join(f"{x} {y}" for x, y in pairs) if ok else None
        if field in _LIST_FIELDS and all(isinstance(x, str) for x in value):
            return ";".join(value)
    return None


def _parse_values(
    values: Mapping[str, Any],
    columns: Mapping[str, Column],
    where: str,
    problems: v.Problems,
    *,
    required: bool = True,
) -> dict[str, Any]:
    """Parse fields given as Python values with the columns' parsers (problems collected)."""
    out: dict[str, Any] = {}
    for key, raw in values.items():
        if key not in columns:
            hint = v.close_matches(key, columns, n=2)
            extra = f"; did you mean {' or '.join(hint)}?" if hint else ""
            problems.add(where, f"unknown field {key!r}{extra}")
            continue
        text = _cell(raw, key)
        if text is None:
            kind = (
                "a list of [lon, lat] pairs"
                if key == "via"
                else ("text or a list of text" if key in _LIST_FIELDS else "a single value")
            )
            problems.add(where, f"{key} = {raw!r}; expected {kind}")
            continue
        if not text.strip():
            continue
        try:
            out[key] = columns[key].read(text)
        except v.FieldError as error:
            problems.add(where, f"{key} = {raw!r}; {columns[key].explain(error)}")
    if required:
        for key, column in columns.items():
            if column.required and key not in values:
                problems.add(where, f"{key} is missing; {column.expectation()}")
    return out


def _link_values(u: str, w: str, key: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Return the record values of a link from its forward edge (inverse of `_link_edges`)."""
    derived = {"geometry", "reversed", "length", "travel_time"}
    values = {k: x for k, x in data.items() if k not in derived and not _blank(x)}
    values.update(
        {
            "id": key,
            "from": u,
            "to": w,
            "length_km": data["length"] / 1000.0,
            "via": [tuple(p) for p in list(data["geometry"].coords)[1:-1]],
        }
    )
    return values
