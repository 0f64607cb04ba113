"""OSM tags: which ways are rail or road, their gauges, one-way flags and freight speeds."""

from __future__ import annotations

import re
from typing import Any

from corridors import _validate as v

__all__ = [
    "DUAL_GAUGE_FACTOR",
    "INTEROPERABLE_GAUGES",
    "RAIL_SPEED_KPH",
    "ROAD_SPEED_KPH",
    "SERVICE_SPEED_KPH",
    "rail_speed_kph",
    "road_speed_kph",
]

#: Freight train commercial speed (km/h) by ``usage`` tag; ``""`` when untagged.
#: assumption: between the corridors parameters' 30-40 km/h line-haul averages
#: (stops included) and typical 80-100 km/h freight line speeds.
RAIL_SPEED_KPH: dict[str, float] = {
    "main": 60.0,
    "branch": 45.0,
    "industrial": 25.0,
    "military": 25.0,
    "tourism": 30.0,
    "": 45.0,
}

#: Speed (km/h) on ``service=*`` track (yards, sidings), used instead of the usage speed.
#: assumption: shunting speeds.
SERVICE_SPEED_KPH: dict[str, float] = {
    "yard": 10.0,
    "siding": 15.0,
    "spur": 20.0,
    "crossover": 10.0,
}

#: Factor on rail speeds on dual-gauge (1435+1520) track. assumption: mixed-gauge
#: track (e.g. Khasan-Rajin, Zabaikalsk yards) is old, single and slow.
DUAL_GAUGE_FACTOR: float = 0.75

#: Truck commercial speed (km/h) by ``highway`` class. assumption: container trucks;
#: motorway 80 is below car limits, minor roads follow corridors' 40-60 km/h averages.
ROAD_SPEED_KPH: dict[str, float] = {
    "motorway": 80.0,
    "motorway_link": 40.0,
    "trunk": 70.0,
    "trunk_link": 40.0,
    "primary": 60.0,
    "primary_link": 40.0,
    "secondary": 50.0,
    "secondary_link": 35.0,
    "tertiary": 40.0,
    "tertiary_link": 30.0,
    "unclassified": 30.0,
    "road": 30.0,
    "residential": 25.0,
    "living_street": 10.0,
    "service": 15.0,
}

#: Gauges (mm) run through by the model's gauges: Finland's 1524 mm track takes
#: 1520 mm wagons (the Finland-Russia through traffic), Ireland's 1600/1668 mm do not
#: meet the model's networks and stay as they are (see :func:`gauge_text`).
INTEROPERABLE_GAUGES: dict[int, int] = {1524: 1520}

STATION_TAGS = frozenset({"station", "halt", "yard"})
#: Way tags kept on links (besides ``osmid``); ``oneway`` and ``junction`` decide directions.
WAY_TAGS = ("railway", "gauge", "usage", "service", "highway", "maxspeed", "name", "ref")
READ_WAY_TAGS = (*WAY_TAGS, "oneway", "junction", "area")
NODE_TAGS = ("name", "railway", "ref")
#: osmnx's one-way rules (``osmnx.graph._is_path_one_way``, network not bidirectional).
ONEWAY_VALUES = frozenset({"yes", "true", "1", "-1", "reverse", "T", "F"})
REVERSED_VALUES = frozenset({"-1", "reverse", "T"})
_MPH = 1.609344


def scalar(value: Any) -> Any:
    """Return the first item of a list-valued tag (osmnx merges differing tags into lists)."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def text(value: Any) -> str:
    """Return a tag value as text (lists joined by ';' without repeats)."""
    if isinstance(value, list | tuple):
        return ";".join(dict.fromkeys(str(x) for x in value))
    return str(value)


def raw_gauges(tag: Any) -> list[int]:
    """Return the gauges (mm) a ``gauge`` tag names (``1435;1520`` → [1435, 1520])."""
    tag = scalar(tag)
    if tag is None:
        return []
    return sorted({int(m) for m in re.findall(r"\d{3,4}", str(tag))})


def gauge_text(tag: Any) -> str | None:
    """Return a corridors gauge (``1435``, ``1520``, ``1435+1520``) from a ``gauge`` tag.

    None when the tag is absent or names no number; ``""`` when none of its gauges is
    one the model knows (after :data:`INTEROPERABLE_GAUGES`).
    """
    raw = raw_gauges(tag)
    if not raw:
        return None
    found = {INTEROPERABLE_GAUGES.get(g, g) for g in raw} & set(v.KNOWN_GAUGES)
    return "+".join(str(g) for g in sorted(found))


def country_gauge(country: str) -> str:
    """Return a country's network gauge as corridors text (1435 where unknown)."""
    gauges = v.COUNTRY_GAUGES.get(country, frozenset({1435})) & set(v.KNOWN_GAUGES)
    return str(1435 if 1435 in gauges or not gauges else min(gauges))


def maxspeed_kph(tag: Any) -> float | None:
    """Return the lowest numeric ``maxspeed`` (km/h; ``mph`` converted), None if none."""
    if tag is None:
        return None
    speeds = []
    for part in tag if isinstance(tag, list) else str(tag).split(";"):
        match = re.match(r"\s*(\d+(?:\.\d+)?)\s*(mph)?", str(part))
        if match:
            speeds.append(float(match.group(1)) * (_MPH if match.group(2) else 1.0))
    positive = [s for s in speeds if s > 0]
    return min(positive) if positive else None


def rail_speed_kph(
    *,
    usage: str | None = None,
    service: str | None = None,
    gauge_mm: str = "1435",
    maxspeed: str | None = None,
) -> float:
    """Freight speed (km/h) of a rail edge from its OSM tags.

    Parameters
    ----------
    usage
        ``usage`` tag (main, branch, industrial, ...).
    service
        ``service`` tag (yard, siding, spur, crossover); takes precedence over `usage`.
    gauge_mm
        Track gauge: ``1435``, ``1520`` or dual ``1435+1520`` (× :data:`DUAL_GAUGE_FACTOR`).
    maxspeed
        ``maxspeed`` tag; a number caps the speed.

    Returns
    -------
    float
        Speed in km/h.

    Examples
    --------
    >>> rail_speed_kph(usage="main", gauge_mm="1520")
    60.0
    >>> rail_speed_kph(service="siding", gauge_mm="1435+1520")
    11.25
    """
    service, usage = scalar(service), scalar(usage)
    if service in SERVICE_SPEED_KPH:
        speed = SERVICE_SPEED_KPH[service]
    else:
        speed = RAIL_SPEED_KPH.get(usage or "", RAIL_SPEED_KPH[""])
    if "+" in gauge_mm:
        speed *= DUAL_GAUGE_FACTOR
    cap = maxspeed_kph(maxspeed)
    return min(speed, cap) if cap else speed


def road_speed_kph(highway: str, *, maxspeed: str | None = None) -> float:
    """Truck speed (km/h) of a road edge from its ``highway`` class and ``maxspeed``.

    Parameters
    ----------
    highway
        ``highway`` tag, one of :data:`ROAD_SPEED_KPH`.
    maxspeed
        ``maxspeed`` tag; a number caps the speed (``"30 mph"`` is converted).

    Returns
    -------
    float
        Speed in km/h.

    Examples
    --------
    >>> road_speed_kph("primary", maxspeed="40")
    40.0
    """
    speed = ROAD_SPEED_KPH[scalar(highway)]
    cap = maxspeed_kph(maxspeed)
    return min(speed, cap) if cap else speed


def way_mode(tags: dict[str, str]) -> tuple[str | None, str]:
    """Return (mode, why left out) of a way from its tags: mode None when left out."""
    railway, highway = tags.get("railway"), tags.get("highway")
    if railway == "rail":
        return "rail", ""
    if highway in ROAD_SPEED_KPH:
        if tags.get("area") == "yes":
            return None, f"highway={highway} with area=yes"
        return "road", ""
    if railway is not None:
        return None, f"railway={railway}"
    return None, f"highway={highway}" if highway is not None else "no railway/highway tag"


def direction(tags: dict[str, str]) -> int:
    """Return a way's travel direction as osmnx reads it: 0 both, 1 forward, -1 backward."""
    oneway = tags.get("oneway")
    if oneway in ONEWAY_VALUES:
        return -1 if oneway in REVERSED_VALUES else 1
    return 1 if tags.get("junction") == "roundabout" else 0
