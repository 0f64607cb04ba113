"""The report's sections: each analysis run on the network, as maps, tables, layers and findings.

Each ``_section_*`` function takes the run context (:class:`_Context`: the
network, the scenario files, the failure runs) and returns a :class:`_Section`:
its text, a findings table, maps (matplotlib axes), tables and GeoPackage
layers. :data:`SECTIONS` lists them in report order. Nothing is written here
(see :mod:`corridors.report.output`).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

if TYPE_CHECKING:
    from corridors.network import Network
    from corridors.routing import Route

__all__ = [
    "CORRIDOR_ROUTES",
    "DEFAULT_SCENARIOS",
    "SECTIONS",
    "TUMEN_EXTENT",
    "CorridorRoute",
]

TUMEN_EXTENT: tuple[float, float, float, float] = (128.5, 134.0, 41.3, 45.5)
"""The Tumen River area (lon_min, lon_max, lat_min, lat_max), degrees: the zoom maps,
where the region map has to drop dense labels."""

DEFAULT_SCENARIOS: tuple[str, ...] = (
    "primorye2_hunchun_zarubino_rail",
    "choibalsan_arxan_rail",
    "zarubino_sokcho_niigata_ferry",
)
"""Scenarios of ``data/scenarios`` the report runs by default: a Hunchun-Zarubino rail
link (Primorye-2), the China-Mongolia eastern rail link, a Zarubino-Sokcho-Niigata ferry."""


@dataclasses.dataclass(frozen=True)
class CorridorRoute:
    """A representative OD pair of a named corridor.

    Parameters
    ----------
    corridor
        The corridor's name (as in ``data/gtr/corridors.csv`` where it is one).
    orig, dest
        Place ids or names at the ends.
    modes
        Modes allowed (None: all).
    weight
        The weight the route minimizes.
    why
        Why this pair stands for the corridor.
    """

    corridor: str
    orig: str
    dest: str
    modes: tuple[str, ...] | None = None
    weight: str = "generalized"
    why: str = ""


CORRIDOR_ROUTES: tuple[CorridorRoute, ...] = (
    CorridorRoute(
        "Primorye-2",
        "Changchun",
        "Zarubino",
        why="Jilin's shortest way to the sea, via Hunchun and Kraskino",
    ),
    CorridorRoute(
        "Primorye-1",
        "Harbin",
        "Vladivostok",
        why="Heilongjiang to the sea via Suifenhe-Grodekovo",
    ),
    CorridorRoute(
        "Changchun-Manzhouli-Europe",
        "Changchun",
        "Chita",
        modes=("rail",),
        why="Europe-bound rail to the Trans-Siberian beyond Manzhouli-Zabaikalsk",
    ),
    CorridorRoute(
        "Changchun-Hunchun-Europe",
        "Changchun",
        "Ussuriysk",
        modes=("rail",),
        why="Rail via Hunchun-Makhalino to the Trans-Siberian at Ussuriysk",
    ),
    CorridorRoute(
        "Trans-Mongolian Transport Corridor",
        "Ulaanbaatar",
        "Tianjin",
        modes=("rail",),
        why="Mongolia's rail outlet to the sea via Zamyn-Uud-Erenhot",
    ),
    CorridorRoute(
        "China-Mongolia Eastern Corridor",
        "Choibalsan",
        "Jinzhou",
        why="Eastern Mongolia to a Bohai port",
    ),
    CorridorRoute(
        "Dalian Transport Corridor",
        "Harbin",
        "Dalian",
        why="The north-south spine of Northeast China",
    ),
    CorridorRoute(
        "GTR Sea Routes",
        "Hunchun",
        "Niigata",
        why="Tumen area to the Japanese west coast",
    ),
    CorridorRoute(
        "Hunchun-Zarubino-Ningbo",
        "Hunchun",
        "Ningbo",
        modes=("road", "sea"),
        why="Domestic trade via a foreign port (Jilin to the East China Sea)",
    ),
    CorridorRoute(
        "Hunchun Air-Land E-commerce",
        "Hunchun",
        "Seoul Incheon",
        modes=("road", "air"),
        weight="time",
        why="Cross-border e-commerce by road to an airport and air to Seoul",
    ),
)
"""Representative OD pairs of the GTI and named corridors (the report's route section).
Pairs whose places are not in the network are skipped."""


# ---------------------------------------------------------------- sections


@dataclasses.dataclass
class _Section:
    """What one section of the report produced."""

    key: str
    title: str
    text: str = ""
    findings: pd.DataFrame | None = None
    maps: dict[str, Any] = dataclasses.field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = dataclasses.field(default_factory=dict)
    layers: dict[str, gpd.GeoDataFrame] = dataclasses.field(default_factory=dict)
    captions: dict[str, str] = dataclasses.field(default_factory=dict)
    error: str | None = None


@dataclasses.dataclass
class _Context:
    net: Network
    scenarios: tuple[str | os.PathLike[str], ...]
    failure_runs: int
    cache: dict[str, Any] = dataclasses.field(default_factory=dict)


def _round(frame: pd.DataFrame, digits: int = 1) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].round(digits)
    return out


def _name(net: Network, place: Any) -> str:
    if isinstance(place, str) and place in net.places.index:
        return str(net.places.at[place, "name"])
    return "" if place is None or (isinstance(place, float) and np.isnan(place)) else str(place)


def _section_network(ctx: _Context) -> _Section:
    from corridors import maps

    net = ctx.net
    sec = _Section("network", "The network")
    places, links = net.places, net.links
    sec.text = (
        f"{len(places)} places and {len(links)} links (both directions of a link are one row). "
        "Planned links are drawn dashed and are not used by the analyses below; suspended "
        "links (dotted) neither."
    )
    by_kind = places.groupby("kind").size().rename("places")
    km = links.groupby("mode")["length_km"].sum().round(0).rename("length_km")
    count = links.groupby("mode").size().rename("links")
    sec.findings = pd.DataFrame(
        {
            "group": ["places"] * len(by_kind) + ["links"] * len(count),
            "item": [*by_kind.index, *count.index],
            "count": [*by_kind.to_numpy(), *count.to_numpy()],
            "length_km": [""] * len(by_kind) + [f"{v:,.0f}" for v in km.reindex(count.index)],
        }
    )
    sec.maps["network"] = maps.plot_network(net, title=f"{net.name}: corridors by mode")
    sec.maps["network_tumen"] = maps.plot_network(
        net, extent=TUMEN_EXTENT, labels="all", title="Tumen River area"
    )
    sec.captions = {
        "network": "Links by mode; places by kind.",
        "network_tumen": "Zoom on the Tumen River area (China-Russia-DPRK border).",
    }
    sec.tables["places"] = pd.DataFrame(places.drop(columns="geometry"))
    sec.tables["links"] = pd.DataFrame(links.drop(columns="geometry"))
    sec.layers["places"] = places.reset_index()
    sec.layers["links"] = links.reset_index()
    return sec


def _corridor_routes(net: Network) -> tuple[list[CorridorRoute], list[Route]]:
    from corridors.routing import route

    chosen, found = [], []
    for spec in CORRIDOR_ROUTES:
        try:
            orig, dest = net.resolve(spec.orig), net.resolve(spec.dest)
        except KeyError:
            continue
        found.append(route(net, orig, dest, weight=spec.weight, modes=spec.modes))
        chosen.append(spec)
    return chosen, found


def _section_routes(ctx: _Context) -> _Section:
    from corridors import maps

    net = ctx.net
    sec = _Section("routes", "Corridor routes")
    specs, routes = _corridor_routes(net)
    sec.text = (
        "One representative OD pair per named corridor, routed by generalized cost "
        "(USD/TEU: money cost + value of time x hours; the air-land pair by time). "
        "Times include handling at transfers and dwell and gauge changes at borders."
    )
    rows, geoms = [], []
    for spec, found in zip(specs, routes, strict=True):
        rows.append(
            {
                "corridor": spec.corridor,
                "orig": found.orig,
                "dest": found.dest,
                "weight": found.weight,
                "time_h": found.time_h,
                "distance_km": found.distance_km,
                "cost_usd_teu": found.cost_usd_teu,
                "generalized_usd_teu": found.generalized_usd_teu,
                "modes": ";".join(found.modes),
                "crossings": ";".join(found.crossings),
                "border_dwell_h": float(
                    found.legs.loc[found.legs["kind"] == "border", "time_h"].sum()
                ),
                "places": " > ".join(found.places),
                "why": spec.why,
            }
        )
        legs = found.to_geodataframe()
        geoms.append(shapely.MultiLineString(list(legs.geometry)) if len(legs) else None)
    table = pd.DataFrame(rows)
    sec.tables["corridor_routes"] = table
    sec.layers["routes"] = gpd.GeoDataFrame(table, geometry=geoms, crs="EPSG:4326")
    if table.empty:
        sec.text += " None of the representative places are in this network."
        return sec
    sec.findings = _round(
        table.assign(
            route=[
                f"{_name(net, o)} → {_name(net, d)}"
                for o, d in zip(table["orig"], table["dest"], strict=True)
            ],
            crossings=[
                ", ".join(_name(net, c) for c in s.split(";") if c) for s in table["crossings"]
            ],
        )[
            [
                "corridor",
                "route",
                "time_h",
                "distance_km",
                "cost_usd_teu",
                "border_dwell_h",
                "crossings",
            ]
        ],
        0,
    )
    labels = [f"{i + 1}. {s.corridor}" for i, s in enumerate(specs)]
    sec.maps["corridor_routes"] = maps.plot_route(
        net, routes, route_labels=labels, title="Representative routes of the named corridors"
    )
    sec.maps["corridor_routes_tumen"] = maps.plot_route(
        net,
        routes,
        route_labels=labels,
        extent=TUMEN_EXTENT,
        title="Corridor routes: Tumen River area",
    )
    first = routes[0]
    alternatives = _alternatives(net, first)
    if alternatives:
        sec.maps["route_alternatives"] = maps.plot_route(
            net,
            alternatives,
            title=f"{_name(net, first.orig)} → {_name(net, first.dest)}: alternatives",
        )
    sec.captions = {
        "corridor_routes": "Each corridor's route in its own colour; diamonds: crossings passed.",
        "corridor_routes_tumen": "The same routes around the Tumen River.",
        "route_alternatives": "Distinct alternatives for the first pair (other crossings/ports).",
    }
    return sec


def _alternatives(net: Network, first: Route) -> list[Route]:
    from corridors.routing import alternatives

    return alternatives(net, first.orig, first.dest, k=3, weight=first.weight)


def _section_od(ctx: _Context) -> _Section:
    from corridors.routing import od_matrix

    net = ctx.net
    sec = _Section("od", "Parks × ports")
    generalized = od_matrix(net, "park", "port", weight="generalized")
    time_h = od_matrix(net, "park", "port", weight="time")
    sec.text = (
        "Best generalized cost (USD/TEU) and time (h) from every industrial park or zone to "
        "every port, all modes. The findings list each park's best port."
    )
    sec.tables["od_park_port_generalized_usd_teu"] = generalized
    sec.tables["od_park_port_time_h"] = time_h
    filled = generalized.fillna(np.inf)
    reachable = np.isfinite(filled).any(axis=1)
    best = filled.idxmin(axis=1).where(reachable)
    rows = pd.DataFrame(
        {
            "park": [_name(net, p) for p in generalized.index],
            "country": net.places.loc[generalized.index, "country"].to_numpy(),
            "best_port": [_name(net, p) for p in best],
            "generalized_usd_teu": [
                filled.at[p, b] if isinstance(b, str) else np.nan for p, b in best.items()
            ],
            "time_h": [time_h.at[p, b] if isinstance(b, str) else np.nan for p, b in best.items()],
            "ports_reached": np.isfinite(filled).sum(axis=1).to_numpy() - 0,
        },
        index=generalized.index,
    )
    layer = net.places.loc[generalized.index, ["geometry"]].join(rows)
    sec.layers["od_best_port"] = gpd.GeoDataFrame(
        layer.reset_index(), geometry="geometry", crs=net.crs
    )
    sec.findings = _round(rows.sort_values("generalized_usd_teu", ascending=False).head(12), 0)
    sec.text += " Shown: the 12 parks with the dearest best port."
    return sec


def _section_hinterlands(ctx: _Context) -> _Section:
    from corridors import maps
    from corridors.reach import hinterlands

    net = ctx.net
    sec = _Section("hinterlands", "Port hinterlands")
    sec.text = (
        "Each park is assigned to the sea port it reaches at the lowest generalized cost by "
        "rail and road (a colour per port); ringed parks are contestable (their runner-up "
        "port is less than 10 % dearer). With a market, the port is judged by the whole trip: "
        "land leg, port handling and sea leg to the market."
    )
    rows = []
    markets: list[str | None] = [None]
    if "busan_port" in net.places.index:
        markets.append("busan_port")
    for market in markets:
        result = hinterlands(net, market=market)
        suffix = "" if market is None else f"_{market.removesuffix('_port')}"
        title = "Port hinterlands" + (
            "" if market is None else f" for cargo to {_name(net, market)}"
        )
        sec.maps[f"hinterlands{suffix}"] = maps.plot_hinterlands(net, result, title=title)
        places = result.places.drop(columns="geometry")
        ports = result.ports.drop(columns="geometry")
        sec.tables[f"hinterland_places{suffix}"] = pd.DataFrame(places)
        sec.tables[f"hinterland_ports{suffix}"] = pd.DataFrame(ports)
        sec.layers[f"hinterland_places{suffix}"] = result.places.reset_index()
        sec.layers[f"hinterland_catchments{suffix}"] = result.ports.reset_index()
        served = result.ports[result.ports["places"] > 0].sort_values("places", ascending=False)
        contested = result.places["margin_share"] < 0.1
        for port, row in served.iterrows():
            in_port = result.places["best_port"] == port
            rows.append(
                {
                    "market": "-" if market is None else _name(net, market),
                    "port": row["name"],
                    "parks": int(row["places"]),
                    "contestable": int((in_port & contested).sum()),
                    "mean_usd_teu": row["mean_value"],
                }
            )
        sec.captions[f"hinterlands{suffix}"] = title + " (generalized cost, rail and road)."
    sec.findings = _round(pd.DataFrame(rows), 0)
    return sec


def _section_reach(ctx: _Context) -> _Section:
    from corridors import maps
    from corridors.reach import accessibility, isochrones

    net = ctx.net
    sec = _Section("reach", "Reach and accessibility")
    origin = "hunchun" if "hunchun" in net.places.index else net.select("park")[0]
    iso = isochrones(net, origin, bands=(12, 24, 48, 72), modes=["rail", "road"])
    sec.maps["isochrones"] = maps.plot_isochrones(
        net,
        iso,
        origin=origin,
        title=f"Reached from {_name(net, origin)} by rail and road",
    )
    sec.captions["isochrones"] = "Hours by rail and road, border dwell and transfers included."
    sec.layers["isochrones"] = iso
    sec.tables["isochrones"] = pd.DataFrame(iso.drop(columns="geometry"))
    gravity = accessibility(net, "park", "port", weight="time", beta=0.05, mass="throughput")
    within = accessibility(net, "park", "port", kind="cumulative", weight="time", threshold=48)
    table = pd.DataFrame(
        {
            "park": [_name(net, p) for p in gravity.index],
            "country": net.places.loc[gravity.index, "country"].to_numpy(),
            "gravity_port_throughput": gravity.to_numpy(),
            "ports_within_48h": within.reindex(gravity.index).to_numpy(),
        },
        index=gravity.index,
    )
    sec.tables["accessibility_parks"] = table
    sec.text = (
        f"Isochrones from {_name(net, origin)} (12, 24, 48, 72 h by rail and road) and each "
        "park's accessibility to ports: a gravity index (port throughput x e^(-0.05 x hours)) "
        "and the number of ports within 48 h. Findings: the least accessible parks."
    )
    sec.findings = _round(table.sort_values("gravity_port_throughput").head(10), 2)
    return sec


def _section_criticality(ctx: _Context) -> _Section:
    from corridors import maps
    from corridors.resilience import criticality

    net = ctx.net
    sec = _Section("criticality", "Critical links and crossings")
    sec.text = (
        "Each link (both directions) or border crossing fails alone; all parks x ports "
        "OD pairs are re-routed by generalized cost. Ranked by pairs disconnected, then by "
        "the increase of the total generalized cost (USD/TEU summed over pairs)."
    )
    rows = []
    for elements in ("links", "crossings"):
        crit = criticality(net, elements=elements)
        sec.tables[f"criticality_{elements}"] = pd.DataFrame(crit.drop(columns="geometry"))
        sec.layers[f"criticality_{elements}"] = crit.reset_index()
        sec.maps[f"criticality_{elements}"] = maps.plot_criticality(
            net, crit, top=10, title=f"Most critical {elements} (parks × ports)"
        )
        sec.captions[f"criticality_{elements}"] = (
            "Width and colour: impact of a failure; numbers: rank."
        )
        ranked = maps._impact_order(crit, "delta_total").head(6)
        for element, row in ranked.iterrows():
            rows.append(
                {
                    "element": elements[:-1],
                    "name": row.get("name", element),
                    "pairs_using": row.get("pairs_using"),
                    "pairs_disconnected": row.get("pairs_disconnected"),
                    "delta_total_usd_teu": row.get("delta_total"),
                    "delta_max_usd_teu": row.get("delta_max"),
                }
            )
    sec.findings = _round(pd.DataFrame(rows), 0)
    return sec


def _section_closures(ctx: _Context) -> _Section:
    from corridors import maps
    from corridors.resilience import close_borders, closure_matrix, impact

    net = ctx.net
    sec = _Section("closures", "Border closures")
    matrix = closure_matrix(net)
    sec.tables["closure_matrix"] = matrix
    sec.text = (
        "All crossings between each pair of countries close in turn (pandemic-style); "
        "parks x ports pairs are re-routed. The map shows the China-Russia closure: closed "
        "crossings crossed out, links gaining (red) or losing (blue) parks x ports flows."
    )
    sec.findings = _round(matrix.reset_index(), 1)
    pair = ("CN", "RU")
    if "countries" in net.places.columns and (net.places["countries"] == "CN-RU").any():
        closed = close_borders(net, pair)
        result = impact(net, closed)
        sec.tables["closure_cn_ru_pairs"] = result.pairs
        for extent, suffix in ((None, ""), (TUMEN_EXTENT, "_tumen")):
            sec.maps[f"closure_cn_ru{suffix}"] = maps.plot_closure_impact(
                net,
                closed,
                result,
                extent=extent,
                title="Closing every China-Russia crossing"
                + (": Tumen River area" if suffix else ""),
            )
        summary = {k: v for k, v in result.summary.items() if not isinstance(v, list | dict)}
        sec.text += " China-Russia: " + ", ".join(
            f"{k} = {v:,.1f}" if isinstance(v, float) else f"{k} = {v}" for k, v in summary.items()
        )
        sec.captions["closure_cn_ru"] = "Re-routed flows after closing all CN-RU crossings."
        sec.captions["closure_cn_ru_tumen"] = "The same, around the Tumen River."
    return sec


def _section_flows(ctx: _Context) -> _Section:
    from corridors import maps, scenario
    from corridors.assignment import compare_equilibria, equilibrium, gravity_demand

    net = ctx.net
    sec = _Section("flows", "Flows and bottlenecks")
    demand = gravity_demand(net)
    result = equilibrium(net, demand)
    sec.tables["demand_teu_year"] = demand
    sec.tables["equilibrium_bottlenecks"] = result.bottlenecks
    sec.tables["equilibrium_places"] = result.places
    sec.tables["equilibrium_od"] = result.od
    sec.tables["equilibrium_gaps"] = result.history
    sec.layers["equilibrium_links"] = result.links.reset_index()
    for extent, suffix in ((None, ""), (TUMEN_EXTENT, "_tumen")):
        sec.maps[f"flows{suffix}"] = maps.plot_flows(
            net,
            result,
            extent=extent,
            title="Equilibrium container flows" + (": Tumen River area" if suffix else ""),
        )
    sec.captions["flows"] = "Volume (width, TEU/day) and volume/capacity (colour) at equilibrium."
    sec.captions["flows_tumen"] = "The same, around the Tumen River."
    busy = result.bottlenecks[result.bottlenecks["vc"] > 0]
    sec.findings = _round(busy.head(10), 2)
    sec.text = (
        f"The built-in demand estimate ({demand['demand'].sum():,.0f} TEU/year between parks "
        "and sea ports, a gravity model whose generation is an assumption: data/gtr/demand.toml) "
        "assigned at user equilibrium: shipments take the cheapest route given the queues at "
        "capacitated crossings and ports and the BPR delays on capacitated links "
        f"(relative gap {result.relative_gap:.1e} after {result.iterations} iterations). "
        "The findings list the capacitated elements by volume/capacity."
    )
    path = _scenario_folder() / "primorye_covid_capacity.toml"
    places = {"hunchun_kraskino", "suifenhe_pogranichny", "dongning_poltavka"}
    if path.exists() and places <= set(net.places.index):  # the built-in network's crossings
        cut = scenario.apply(net, scenario.load(path, net=net))
        flows = compare_equilibria(net, cut, demand).places
        if len(flows):
            sec.tables["covid_capacity_flows"] = flows
            top = flows.iloc[0]
            sec.text += (
                " With the Primorye road crossings at their December 2020 capacity "
                f"({path.stem}), the largest shift is at {top['name']}: "
                f"{top['volume_before']:,.0f} -> {top['volume_after']:,.0f} TEU/day."
            )
    return sec


def _section_failures(ctx: _Context) -> _Section:
    from corridors import maps
    from corridors.resilience import simulate_failures

    sec = _Section("failures", "Failure simulations")
    curves = simulate_failures(ctx.net, runs=ctx.failure_runs, strategy="random", seed=0)
    sec.tables["failure_curves"] = curves
    sec.maps["failure_curves"] = maps.plot_failure_curves(
        curves, title=f"Random link failures ({ctx.failure_runs} runs per fraction)"
    )
    sec.captions["failure_curves"] = "Median and 5-95 percentile band across runs."
    summary = curves.groupby("fraction")[["connected_share", "efficiency"]].median()
    sec.findings = _round(summary.reset_index(), 3)
    sec.text = (
        f"Random link failures, {ctx.failure_runs} runs per share of links failed (seed 0): "
        "share of parks x ports pairs still connected and network efficiency (medians)."
    )
    return sec


def _scenario_folder() -> Path:
    from corridors.datasets import gtr_data_dir

    return gtr_data_dir().parent / "scenarios"


def _scenario_files(scenarios: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Paths of scenario files; a bare name is looked up in ``data/scenarios``."""
    out = []
    for item in scenarios:
        path = Path(item)
        if not path.suffix:
            path = _scenario_folder() / f"{item}.toml"
        out.append(path)
    return out


def _section_scenarios(ctx: _Context) -> _Section:
    from corridors import maps, scenario

    net = ctx.net
    sec = _Section("scenarios", "Scenarios")
    rows = []
    sec.text = "Example scenarios from data/scenarios, each compared with the base network."
    for path in _scenario_files(ctx.scenarios):
        loaded = scenario.load(path, net=net)
        applied = scenario.apply(net, loaded)
        comparison = scenario.compare(net, applied)
        stem = path.stem
        title = str(getattr(loaded, "name", stem))
        sec.maps[f"scenario_{stem}"] = maps.plot_scenario(net, applied, comparison, title=title)
        sec.captions[f"scenario_{stem}"] = str(getattr(loaded, "description", "")) or title
        for name, table in comparison.to_tables().items():
            sec.tables[f"scenario_{stem}_{name}"] = table
        changes = maps.link_changes(net, applied)
        rows.append(
            {
                "scenario": title,
                "links_changed": len(changes),
                "summary": " ".join(str(comparison.summary()).split())[:300],
            }
        )
    sec.findings = pd.DataFrame(rows)
    return sec


SECTIONS: tuple[tuple[str, Callable[[_Context], _Section]], ...] = (
    ("network", _section_network),
    ("routes", _section_routes),
    ("od", _section_od),
    ("hinterlands", _section_hinterlands),
    ("reach", _section_reach),
    ("criticality", _section_criticality),
    ("closures", _section_closures),
    ("flows", _section_flows),
    ("failures", _section_failures),
    ("scenarios", _section_scenarios),
)
"""The report's sections in order: (key, function of the run context)."""

_TITLES = {
    "network": "The network",
    "routes": "Corridor routes",
    "od": "Parks × ports",
    "hinterlands": "Port hinterlands",
    "reach": "Reach and accessibility",
    "criticality": "Critical links and crossings",
    "closures": "Border closures",
    "flows": "Flows and bottlenecks",
    "failures": "Failure simulations",
    "scenarios": "Scenarios",
    "geopackage": "GeoPackage corridors.gpkg",
}
