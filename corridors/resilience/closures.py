"""Closures and their impact: close borders or a region, and compare OD pairs before/after.

:func:`close_borders` and :func:`close_region` return closed copies of a network;
:func:`impact` measures what a changed network does to the OD pairs (an
:class:`Impact`), and :func:`closure_matrix` closes every country pair in turn.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from corridors._errors import DataError
from corridors.assignment import Equilibrium, equilibrium, gravity_demand
from corridors.engine import WEIGHT_COLUMNS, WEIGHTS, check_weight
from corridors.network import Network
from corridors.resilience.elements import od_pairs
from corridors.resilience.islands import ISLAND_COLUMNS, isolated_islands
from corridors.routing import Assignment, assign, restrictions

__all__ = [
    "ASSIGNMENTS",
    "Impact",
    "close_borders",
    "close_region",
    "closure_impacts",
    "closure_matrix",
    "delay_column",
    "impact",
    "tabulate_closures",
]

#: How OD demand is routed: all-or-nothing at free-flow costs, or at user equilibrium
#: with capacities and queues (:func:`corridors.assignment.equilibrium`).
ASSIGNMENTS = ("all-or-nothing", "equilibrium")


def delay_column(stat: str, weight: str) -> str:
    """Return the name of a delay column with its unit, e.g. ``mean_delay_usd_teu``.

    Parameters
    ----------
    stat
        ``"mean"`` or ``"max"``.
    weight
        The weight searched: the unit follows it (``h`` for time, ``km`` for
        distance, ``usd_teu`` for cost and generalized cost).
    """
    return f"{stat}_delay_{WEIGHT_COLUMNS[weight].split('_', 1)[1]}"


# ---------------------------------------------------------------- closures


def close_borders(
    net: Network,
    countries: Sequence[str] | str | None = ("CN", "RU"),
    *,
    crossings: Iterable[str] | None = None,
    modes: Iterable[str] | None = None,
) -> Network:
    """Return a copy of `net` with border crossings closed (the base is unchanged).

    Parameters
    ----------
    net
        The network.
    countries
        Two country codes (``("CN", "RU")`` or ``"CN-RU"``): close every crossing
        between them. ``None`` with `crossings`: close only those.
    crossings
        Crossings to close (ids or names), on top of those of `countries`.
    modes
        Close only these modes at the crossings (their links there are closed);
        default: the whole crossing.

    Returns
    -------
    Network
        The new network; closed crossings have ``closed = True`` (or their links
        of the given modes do).

    Raises
    ------
    DataError
        If the country pair has no crossing, or a place is not a border crossing.
    """
    closed = _crossings_between(net, countries) if countries is not None else []
    for crossing in net.select(list(crossings)) if crossings else []:
        if net.graph.nodes[crossing]["kind"] != "border":
            raise DataError(
                f"{crossing!r} is a {net.graph.nodes[crossing]['kind']}, not a "
                "border crossing (kind = border)"
            )
        closed.append(crossing)
    chosen = restrictions(net, modes=modes).modes if modes is not None else None  # checked
    out = net.copy()
    for crossing in closed:
        served = set(out.graph.nodes[crossing]["modes"].split(";"))
        if chosen is None:
            out.close_place(crossing, where="close_borders")
        elif chosen & served:
            out.close_place(crossing, modes=sorted(chosen & served), where="close_borders")
    return out


def _crossings_between(net: Network, countries: Sequence[str] | str) -> list[str]:
    """Crossings joining two countries (``"CN-RU"`` or a pair); raise if there are none."""
    pair = countries if isinstance(countries, str) else "-".join(countries)
    found = net.crossings_between(pair)
    if not found:
        joined = sorted(set(net.places.loc[net.places["kind"] == "border", "countries"]))
        raise DataError(
            f"no border crossing joins {pair.upper()}; crossings join {', '.join(joined)}"
        )
    return found


def close_region(
    net: Network,
    *,
    point: tuple[float, float] | None = None,
    radius_km: float | None = None,
    polygon: shapely.Geometry | str | None = None,
) -> Network:
    """Return a copy of `net` with every place and link in a region closed.

    A correlated failure: a flood, a storm, a closed province.

    Parameters
    ----------
    net
        The network.
    point, radius_km
        A circle: (lon, lat) in degrees and its radius in km.
    polygon
        A shapely (multi)polygon in EPSG:4326, or the path of a GeoJSON /
        GeoPackage file whose geometries are united.

    Returns
    -------
    Network
        Places inside are closed; links whose geometry enters the region are closed.

    Raises
    ------
    DataError
        Unless exactly one of `point` + `radius_km` or `polygon` is given.
    """
    region = _region(point, radius_km, polygon)
    out = net.copy()
    places = out.places
    inside = places.index[places.geometry.intersects(region)]
    for place in inside:
        out.graph.nodes[place]["closed"] = True
    for _, _, data in out.graph.edges(data=True):
        if data["geometry"].intersects(region):
            data["closed"] = True
    out.touch()
    return out


def _region(
    point: tuple[float, float] | None,
    radius_km: float | None,
    polygon: shapely.Geometry | str | None,
) -> shapely.Geometry:
    if (point is None) == (polygon is None) or (point is not None and not radius_km):
        raise DataError("give either point=(lon, lat) with radius_km > 0, or polygon")
    if polygon is not None:
        if isinstance(polygon, str):
            frame = gpd.read_file(polygon)
            if frame.crs is not None and frame.crs != "EPSG:4326":
                frame = frame.to_crs("EPSG:4326")
            return frame.union_all()
        return polygon
    lon, lat = point  # type: ignore[misc]
    local = f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m"
    circle = gpd.GeoSeries([shapely.Point(0, 0).buffer(radius_km * 1000.0, 64)], crs=local)
    return circle.to_crs("EPSG:4326").iloc[0]


# ---------------------------------------------------------------- impact


@dataclasses.dataclass(frozen=True)
class Impact:
    """What a changed network does to OD pairs (see :func:`impact`).

    Parameters
    ----------
    pairs
        One row per OD pair: ``orig``, ``dest``, ``demand``, ``before``, ``after``
        (in the weight's unit; NaN: no route), ``change``, ``newly_unreachable``,
        ``crossing_before``, ``crossing_after`` (``;``-joined), ``corridor_before``,
        ``corridor_after`` (corridors of the route's longest link).
    summary
        ``pairs``, ``pairs_disconnected``, ``places_cut_off`` (origins that reached
        a destination before and none after), ``islands`` (number of parks left
        with no surface route to any sea port, see `islands`), ``mean_delay_<unit>``,
        ``max_delay_<unit>`` (over pairs connected in both; unit ``h``, ``km`` or
        ``usd_teu`` after the weight, see :func:`delay_column`), ``extra_cost_per_period``
        (Σ demand × change over those pairs), ``weight``, ``unit`` (of the delays:
        ``h``, ``km`` or ``USD/TEU``) and ``modes`` (the modes routed).
    shifted
        Volume through each border crossing and port, before and after
        (assignment of the pairs' demand): ``name``, ``kind``, ``before``,
        ``after``, ``change``.
    before, after
        The assignments of the pairs' demand on each network (link volumes for maps):
        all-or-nothing, or :class:`~corridors.assignment.Equilibrium` results.
    islands
        The isolated islands: parks with a surface route to a sea port before and
        none after, indexed by park id, with ``name``, ``country`` and ``cut_off_by``
        (see :func:`corridors.resilience.isolated_islands`); the summary's
        ``islands`` counts them.
    """

    pairs: pd.DataFrame
    summary: dict[str, Any]
    shifted: pd.DataFrame
    before: Assignment | Equilibrium | None = None
    after: Assignment | Equilibrium | None = None
    islands: pd.DataFrame = dataclasses.field(
        default_factory=lambda: pd.DataFrame(columns=ISLAND_COLUMNS)
    )


class _Routes(NamedTuple):
    """One network's best routes for the OD pairs (see :func:`_route_labels`)."""

    labels: pd.DataFrame
    through: pd.Series
    kinds: pd.DataFrame
    assignment: Assignment | Equilibrium
    mode: str = "all-or-nothing"  # how the changed network is assigned too


def _route_labels(
    net: Network, weight: str, pairs: pd.DataFrame, assignment: str = "all-or-nothing"
) -> _Routes:
    """Per pair: best value, crossings and main corridor; per place: volume through it.

    With ``assignment="equilibrium"`` the values are the pairs' costs at user
    equilibrium and the volumes the equilibrium's (demand in TEU/year); crossings
    and corridors still name each pair's best route at free-flow costs.
    """
    if assignment not in ASSIGNMENTS:
        raise DataError(f"assignment = {assignment!r}; expected one of {', '.join(ASSIGNMENTS)}")
    result: Assignment | Equilibrium = assign(
        net, pairs[["orig", "dest", "demand"]], weight=weight
    )
    routes = result.routes
    value = routes[WEIGHT_COLUMNS[weight]].where(routes["reachable"])
    if assignment == "equilibrium":
        result = equilibrium(net, pairs[["orig", "dest", "demand"]], weight=weight)
        value = result.od[WEIGHT_COLUMNS[weight]]
    labels = pd.DataFrame({
        "value": value.to_numpy(),
        "crossing": routes["crossings"].astype(object).fillna(""),
        "corridor": [_main_corridor(net, p) if isinstance(p, str) else ""
                     for p in routes["places"]],
    })  # fmt: skip
    volumes = result.places
    through = volumes["volume_crossing"].where(
        volumes["kind"] == "border", volumes["volume_through"]
    )
    return _Routes(labels, through.rename("volume"), volumes[["name", "kind"]], result, assignment)


def _od_for(net: Network, od: pd.DataFrame | tuple | None, assignment: str) -> pd.DataFrame:
    """Return the OD pairs of an analysis (at equilibrium: the built-in demand by default)."""
    if od is None and assignment == "equilibrium":
        od = gravity_demand(net)
    return od_pairs(net, od)


def _main_corridor(net: Network, places_path: str) -> str:
    stops = places_path.split(" > ")
    best, length = "", -1.0
    for a, b in itertools.pairwise(stops):
        for data in net.graph[a][b].values() if net.graph.has_edge(a, b) else ():
            if data.get("corridors") and data["length"] > length:
                best, length = str(data["corridors"]).split(";")[0], data["length"]
    return best


def impact(
    base: Network,
    changed: Network,
    od: pd.DataFrame | tuple | None = None,
    *,
    weight: str = "generalized",
    assignment: str = "all-or-nothing",
) -> Impact:
    """Compare every OD pair's best route on `base` and on `changed`.

    Parameters
    ----------
    base, changed
        The network before and after (e.g. from :func:`close_borders`).
    od
        OD pairs and their demand (see :func:`od_pairs`); default parks × ports
        (demand 1), or at equilibrium the built-in demand estimate
        (:func:`corridors.assignment.gravity_demand`, TEU/year).
    weight
        ``time``, ``distance``, ``cost`` or ``generalized`` (default); at
        equilibrium ``time`` or ``generalized``.
    assignment
        ``"all-or-nothing"`` (free-flow costs) or ``"equilibrium"``: costs and
        volumes at user equilibrium with capacities and queues (demand in
        TEU/year), so a capacity cut shows as delay and diversion.

    Returns
    -------
    Impact
        Per-pair table, summary and shifted volumes.
    """
    check_weight(weight)
    pairs = _od_for(base, od, assignment)
    return _impact(pairs, _route_labels(base, weight, pairs, assignment), changed, weight, base)


def _impact(
    pairs: pd.DataFrame,
    base_labels: _Routes,
    changed: Network,
    weight: str,
    base: Network | None = None,
) -> Impact:
    """Impact on `changed` given the base's route labels (computed once by callers).

    With `base`, the isolated islands are named too.
    """
    before, through_before, kinds, assigned_before, mode = base_labels
    after, through_after, _, assigned_after, _ = _route_labels(changed, weight, pairs, mode)
    table = pairs.copy()
    table["before"], table["after"] = before["value"].to_numpy(), after["value"].to_numpy()
    table["change"] = table["after"] - table["before"]
    table["newly_unreachable"] = table["before"].notna() & table["after"].isna()
    table["crossing_before"] = before["crossing"].to_numpy()
    table["crossing_after"] = np.where(table["after"].notna(), after["crossing"], "")
    table["corridor_before"] = before["corridor"].to_numpy()
    table["corridor_after"] = np.where(table["after"].notna(), after["corridor"], "")
    both = table["before"].notna() & table["after"].notna()
    reached_before = table[table["before"].notna()].groupby("orig").size()
    reached_after = table[table["after"].notna()].groupby("orig").size()
    cut_off = sorted(set(reached_before.index) - set(reached_after.index))
    islands = (
        isolated_islands(base, changed)
        if base is not None
        else pd.DataFrame(columns=ISLAND_COLUMNS)
    )
    summary = {
        "weight": weight,
        "unit": WEIGHTS[weight],
        "modes": restrictions(changed).mode_text,
        "pairs": len(table),
        "pairs_disconnected": int(table["newly_unreachable"].sum()),
        "places_cut_off": cut_off,
        "islands": len(islands),
        delay_column("mean", weight): float(table.loc[both, "change"].mean())
        if both.any()
        else 0.0,
        delay_column("max", weight): float(table.loc[both, "change"].max()) if both.any() else 0.0,
        "extra_cost_per_period": float(
            (table.loc[both, "change"] * table.loc[both, "demand"]).sum()
        ),
    }
    shifted = kinds.assign(before=through_before, after=through_after)
    shifted = shifted[shifted["kind"].isin(["border", "port"])]
    shifted = shifted.assign(change=shifted["after"] - shifted["before"])
    shifted = shifted[(shifted["before"] != 0) | (shifted["after"] != 0)]
    return Impact(
        table, summary, shifted.sort_values("change"), assigned_before, assigned_after, islands
    )


def closure_impacts(
    net: Network,
    od: pd.DataFrame | tuple | None = None,
    *,
    weight: str = "generalized",
    assignment: str = "all-or-nothing",
) -> dict[str, tuple[Network, Impact]]:
    """Close each country pair's crossings in turn: the closed network and its impact.

    The base network is routed once for all closures.

    Parameters
    ----------
    net
        The network.
    od
        OD pairs and their demand (see :func:`od_pairs`); default as for :func:`impact`.
    weight
        ``time``, ``distance``, ``cost`` or ``generalized``.
    assignment
        ``"all-or-nothing"`` or ``"equilibrium"`` (see :func:`impact`).

    Returns
    -------
    dict
        Country pair (``"CN-RU"``, sorted) to (closed network, :class:`Impact` with its
        isolated islands).
    """
    check_weight(weight)
    pairs = _od_for(net, od, assignment)
    base_labels = _route_labels(net, weight, pairs, assignment)  # once for all closures
    found = {}
    for pair in sorted(set(net.places.loc[net.places["kind"] == "border", "countries"])):
        closed = close_borders(net, pair)
        found[pair] = (closed, _impact(pairs, base_labels, closed, weight, net))
    return found


def closure_matrix(
    net: Network,
    od: pd.DataFrame | tuple | None = None,
    *,
    weight: str = "generalized",
    assignment: str = "all-or-nothing",
) -> pd.DataFrame:
    """Close each country pair's crossings in turn and tabulate the impact.

    Parameters
    ----------
    net
        The network.
    od
        OD pairs and their demand (see :func:`od_pairs`); default as for :func:`impact`.
    weight
        ``time``, ``distance``, ``cost`` or ``generalized``.
    assignment
        ``"all-or-nothing"`` or ``"equilibrium"`` (see :func:`impact`).

    Returns
    -------
    pandas.DataFrame
        See :func:`tabulate_closures`.
    """
    return tabulate_closures(
        net, closure_impacts(net, od, weight=weight, assignment=assignment), weight
    )


def tabulate_closures(
    net: Network, impacts: dict[str, tuple[Network, Impact]], weight: str = "generalized"
) -> pd.DataFrame:
    """Tabulate the results of :func:`closure_impacts`, one row per country pair.

    Parameters
    ----------
    net
        The network.
    impacts
        From :func:`closure_impacts`.
    weight
        The weight they were routed by.

    Returns
    -------
    pandas.DataFrame
        Indexed by country pair (``CN-RU``), columns ``crossings`` (number closed),
        ``pairs_disconnected``, ``places_cut_off`` (number), ``islands`` (parks
        with no surface route to a sea port left), ``mean_delay_<unit>``,
        ``max_delay_<unit>`` (see :func:`delay_column`),
        ``extra_cost_per_period`` (weight units × demand); ``attrs["unit"]`` is the
        unit of the delays (``h``, ``km`` or ``USD/TEU``).
    """
    borders = net.places.loc[net.places["kind"] == "border", "countries"]
    delays = [delay_column(stat, weight) for stat in ("mean", "max")]
    rows = {}
    for pair, (_, result) in impacts.items():
        summary = result.summary
        rows[pair] = {
            "crossings": int((borders == pair).sum()),
            "pairs_disconnected": summary["pairs_disconnected"],
            "places_cut_off": len(summary["places_cut_off"]),
            "islands": summary["islands"],
            **{column: summary[column] for column in delays},
            "extra_cost_per_period": summary["extra_cost_per_period"],
        }
    frame = pd.DataFrame.from_dict(rows, orient="index").rename_axis("countries")
    frame.attrs["unit"] = WEIGHTS[weight]
    return frame
