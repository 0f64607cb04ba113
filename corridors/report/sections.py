"""The report's sections: each analysis run on the network, as maps, tables, layers and findings.

Each ``_section_*`` function takes the run context (:class:`_Context`: the
network, the scenario files, the failure runs) and returns a :class:`_Section`:
its text, a findings table, maps (matplotlib axes), tables and GeoPackage
layers. :data:`SECTIONS` lists them in report order. Nothing is written here
(see :mod:`corridors.report.output`).
"""

from __future__ import annotations

import dataclasses
import functools
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from corridors.report.base import (
    TUMEN_EXTENT,
    _Context,
    _name,
    _round,
    _scenario_files,
    _Section,
)
from corridors.report.data_sections import (
    _section_bottlenecks,
    _section_regimes,
    _section_sources,
)
from corridors.report.facts import closure_islands
from corridors.report.model_sections import _section_fit, _section_flows
from corridors.report.scenario_section import _section_scenarios

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


def report_provenance(ctx: _Context) -> dict[str, Any]:
    """Return the provenance record of a report run (version, hashes, seed, runs, options)."""
    from corridors.provenance import provenance, scenario_hash

    return provenance(
        ctx.net,
        analysis="report",
        seed=0,
        runs=ctx.failure_runs,
        parameters={
            "failure_runs": ctx.failure_runs,
            "failure_seed": 0,
            "scenarios": {
                str(p.stem): scenario_hash(p) if p.exists() else None
                for p in _scenario_files(ctx.scenarios)
            },
            "weight": "generalized",
        },
    )


def _cached_provenance(ctx: _Context) -> dict[str, Any]:
    """Return the run's provenance record, made once (hashing the network is not free)."""
    if "provenance" not in ctx.cache:
        ctx.cache["provenance"] = report_provenance(ctx)
    return ctx.cache["provenance"]


def _section_network(ctx: _Context) -> _Section:
    from corridors import maps
    from corridors.io.geopackage import metadata_layer, network_layers

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
    sec.layers.update(network_layers(net))  # the GeoPackage reads back as the network
    sec.layers["metadata"] = metadata_layer(_cached_provenance(ctx))
    sec.text += (
        " corridors.gpkg holds the network's own layers (places, links, corridors, "
        "parameters), so `--network corridors.gpkg` reads it back, and a metadata "
        "layer recording how this report was made."
    )
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
        "(USD/TEU: money cost + value of time x hours) over rail, road and sea; the "
        "air-land e-commerce pair is routed by time and labelled air cargo, not TEU freight. "
        "Times include port handling at loading and discharge, transshipment at hubs, "
        "expected waits for sailings, transfers, and dwell and gauge changes at borders; "
        "ties are broken by a second weight (cost for time, time for cost)."
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
                "cargo": found.cargo,
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
                "cargo",
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
        net,
        routes,
        route_labels=labels,
        title="Representative routes of the named corridors (rail, road, sea; "
        "e-commerce pair: air cargo)",
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
    from corridors.reach import sea_ports
    from corridors.routing import od_matrix

    net = ctx.net
    sec = _Section("od", "Parks × sea ports")
    ports = sea_ports(net)
    generalized = od_matrix(net, "park", ports, weight="generalized")
    time_h = od_matrix(net, "park", ports, weight="time")
    sec.text = (
        "Best generalized cost (USD/TEU) and time (h) of a container from every industrial "
        f"park or zone to every sea port with ships, by {generalized.attrs['modes']} (no air); "
        "port handling is charged where the box is loaded and where it is discharged. The "
        "findings list each park's best port."
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
    from corridors.reach.seas import port_seas
    from corridors.report.facts import ports_by_sea

    seas = port_seas(net)
    rows = []
    markets: list[str | None] = [None]
    if "busan_port" in net.places.index:
        markets.append("busan_port")
    for market in markets:
        result = hinterlands(net, market=market)
        if market is None:
            ctx.cache["hinterlands"] = sec.facts["hinterlands"] = result
            sec.blocks.append(
                ("Sea ports by sea (parks served: best port by rail and road)",
                 ports_by_sea(net, result.ports))
            )  # fmt: skip
        suffix = "" if market is None else f"_{market.removesuffix('_port')}"
        title = "Sea-port hinterlands by rail and road" + (
            "" if market is None else f" for cargo to {_name(net, market)} (sea leg by ship)"
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
                    "sea": seas.get(port) or "river",
                    "parks": int(row["places"]),
                    "contestable": int((in_port & contested).sum()),
                    "mean_usd_teu": row["mean_value"],
                }
            )
        sec.captions[f"hinterlands{suffix}"] = title + " (generalized cost, USD/TEU)."
    sec.findings = _round(pd.DataFrame(rows), 0)
    return sec


def _section_reach(ctx: _Context) -> _Section:
    from corridors import maps
    from corridors.reach import accessibility, isochrones, sea_ports

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
    ports = sea_ports(net)
    gravity = accessibility(net, "park", ports, weight="time", beta=0.05, mass="throughput")
    within = accessibility(net, "park", ports, kind="cumulative", weight="time", threshold=48)
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
        ctx.cache[f"criticality_{elements}"] = sec.facts[elements] = crit
        sec.tables[f"criticality_{elements}"] = pd.DataFrame(crit.drop(columns="geometry"))
        sec.layers[f"criticality_{elements}"] = crit.reset_index()
        sec.maps[f"criticality_{elements}"] = maps.plot_criticality(
            net,
            crit,
            top=10,
            title=f"Most critical {elements} (parks × sea ports; rail, road, sea)",
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
    from corridors.resilience import closure_impacts, tabulate_closures

    net = ctx.net
    sec = _Section("closures", "Border closures")
    impacts = closure_impacts(net)
    matrix = tabulate_closures(net, impacts)
    sec.tables["closure_matrix"] = matrix
    sec.layers["closure_matrix"] = matrix.reset_index()
    sec.text = (
        "All crossings between each pair of countries close in turn (pandemic-style); "
        "parks x sea ports pairs are re-routed by rail, road and sea (delays in "
        f"{matrix.attrs.get('unit', 'USD/TEU')}). Isolated parks are parks left with no "
        'surface route to any sea port once the crossings close ("isolated islands"). The map '
        "shows the China-Russia closure: closed crossings crossed out, links gaining (red) or "
        "losing (blue) parks x ports flows."
    )
    islands = closure_islands(net, impacts)
    table = matrix.join(islands)
    sec.findings = _round(table.reset_index(), 1)
    sec.facts["closures"] = table
    sec.tables["closure_isolated_parks"] = islands
    sec.layers["closure_isolated_parks"] = islands.reset_index()
    if "CN-RU" in impacts:
        closed, result = impacts["CN-RU"]
        sec.tables["closure_cn_ru_pairs"] = result.pairs
        sec.layers["closure_cn_ru_pairs"] = result.pairs
        sec.tables["closure_cn_ru_islands"] = result.islands.reset_index()
        for extent, suffix in ((None, ""), (TUMEN_EXTENT, "_tumen")):
            sec.maps[f"closure_cn_ru{suffix}"] = maps.plot_closure_impact(
                net,
                closed,
                result,
                extent=extent,
                title="Closing every China-Russia crossing (rail, road, sea)"
                + (": Tumen River area" if suffix else ""),
            )
        sec.captions["closure_cn_ru"] = "Re-routed flows after closing all CN-RU crossings."
        sec.captions["closure_cn_ru_tumen"] = "The same, around the Tumen River."
    return sec


def _section_failures(ctx: _Context) -> _Section:
    from corridors import maps
    from corridors.resilience import simulate_failures, summarize_failures

    sec = _Section("failures", "Failure simulations")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        curves = simulate_failures(ctx.net, runs=ctx.failure_runs, strategy="random", seed=0)
    summary = summarize_failures(curves)
    sec.tables["failure_curves"] = curves
    sec.tables["failure_summary"] = summary
    sec.layers["failure_runs"] = curves
    sec.layers["failure_summary"] = summary.reset_index()
    sec.maps["failure_curves"] = maps.plot_failure_curves(
        curves, title=f"Random link failures ({ctx.failure_runs} runs per fraction)"
    )
    sec.captions["failure_curves"] = "Median and 5-95 percentile band across runs."
    shown = pd.DataFrame(
        {
            "links_failed_pct": 100 * summary.index.to_numpy(),
            "links_failed": summary["removed"].to_numpy(),
            "connected_pct": [_mean_ci(summary, "connected_share", f, 100) for f in summary.index],
            "pairs_cut_off": [_mean_ci(summary, "pairs_cut_off", f, 1) for f in summary.index],
            "efficiency_pct": [_mean_ci(summary, "efficiency", f, 100) for f in summary.index],
            "added_usd_teu_per_pair": [
                _mean_ci(summary, "mean_increase", f, 1) for f in summary.index
            ],
        }
    )
    sec.findings = shown
    sec.facts["failures"] = summary
    sec.text = (
        f"Random link failures, {ctx.failure_runs} runs per share of links failed (seed 0). "
        "Each cell: mean over runs [95 % confidence interval of the mean, Student's t]. "
        "connected: parks x ports pairs still connected; pairs cut off are counted apart and "
        "left out of the added cost, which is the mean increase of generalized cost "
        "(USD/TEU) over the pairs still connected; efficiency: mean of 1/cost relative to "
        "the intact network."
    )
    for note in caught:
        sec.text += f" Warning: {note.message}."
    return sec


def _mean_ci(summary: pd.DataFrame, measure: str, fraction: float, scale: float) -> str:
    """Return ``mean [low, high]`` of a measure at a fraction, scaled (e.g. 100 for %)."""
    mean, low, high = (
        scale * float(summary.at[fraction, f"{measure}_{part}"])
        for part in ("mean", "ci_low", "ci_high")
    )
    digits = 1 if max(abs(mean), abs(high)) < 1000 else 0
    return f"{mean:,.{digits}f} [{low:,.{digits}f}, {high:,.{digits}f}]"


def _recorded(function: Callable[[_Context], _Section]) -> Callable[[_Context], _Section]:
    """Wrap a section so that its tables carry the report's provenance (one record a run)."""

    @functools.wraps(function)
    def run(ctx: _Context) -> _Section:
        sec = function(ctx)
        sec.facts.setdefault("provenance", _cached_provenance(ctx))
        return sec

    return run


SECTIONS: tuple[tuple[str, Callable[[_Context], _Section]], ...] = tuple(
    (key, _recorded(function))
    for key, function in (
        ("network", _section_network),
        ("routes", _section_routes),
        ("od", _section_od),
        ("hinterlands", _section_hinterlands),
        ("regimes", _section_regimes),
        ("reach", _section_reach),
        ("criticality", _section_criticality),
        ("bottlenecks", _section_bottlenecks),
        ("closures", _section_closures),
        ("flows", _section_flows),
        ("failures", _section_failures),
        ("scenarios", _section_scenarios),
        ("fit", _section_fit),
        ("sources", _section_sources),
    )
)
"""The report's sections in order: (key, function of the run context)."""

_TITLES = {
    "network": "The network",
    "routes": "Corridor routes",
    "od": "Parks × ports",
    "hinterlands": "Port hinterlands",
    "regimes": "Parks and their customs regimes",
    "reach": "Reach and accessibility",
    "criticality": "Critical links and crossings",
    "bottlenecks": "Border crossings: the bottlenecks",
    "closures": "Border closures",
    "flows": "Flows and bottlenecks",
    "failures": "Failure simulations",
    "scenarios": "Scenarios",
    "fit": "How well the model fits",
    "sources": "Sources",
    "geopackage": "GeoPackage corridors.gpkg",
}
