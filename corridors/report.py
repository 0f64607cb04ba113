"""The main job: every analysis on a network, written as maps, tables, a GeoPackage and a report.

:func:`run_report` runs each section of the report in turn: the network, the GTI
corridors' representative routes, the parks × ports OD table, port hinterlands
(with and without a market beyond the sea leg), isochrones and accessibility,
link and crossing criticality, border closures by country pair, failure
simulations and example scenarios. Each section writes

- maps to ``out/maps/<name>.png`` (A4 landscape),
- tables to ``out/tables/<name>.csv`` (units in the column names),
- layers to ``out/corridors.gpkg`` (one layer per table with geometry, openable in QGIS),

and a short findings table to ``out/report.md`` and ``out/report.html`` (maps
embedded as base64 images, so the HTML is self-contained).

Re-running replaces the outputs atomically: everything is built in a temporary
folder inside ``out/`` and each file is moved into place with :func:`os.replace`.
A section that fails is reported (in the report and on stderr through logging)
and leaves the files and GeoPackage layers it wrote on an earlier run intact; the
other sections are still written.

Typical use::

    import corridors
    from corridors.report import run_report

    run_report(corridors.load_gtr(), "out")
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import html
import json
import logging
import os
import shutil
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from corridors.network import Network
    from corridors.routing import Route

__all__ = [
    "CORRIDOR_ROUTES",
    "DEFAULT_SCENARIOS",
    "SECTIONS",
    "TUMEN_EXTENT",
    "CorridorRoute",
    "run_report",
]

logger = logging.getLogger(__name__)

TUMEN_EXTENT: tuple[float, float, float, float] = (128.5, 134.0, 41.3, 45.5)
"""The Tumen River area (lon_min, lon_max, lat_min, lat_max), degrees: the zoom maps,
where the region map has to drop dense labels."""

_DPI = 150

DEFAULT_SCENARIOS: tuple[str, ...] = (
    "primorye2_hunchun_zarubino_rail",
    "choibalsan_arxan_rail",
    "zarubino_sokcho_niigata_ferry",
)
"""Scenarios of ``data/scenarios`` the report runs by default: a Hunchun-Zarubino rail
link (Primorye-2), the China-Mongolia eastern rail link, a Zarubino-Sokcho-Niigata ferry."""
_MANIFEST = ".report-manifest.json"


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
    "failures": "Failure simulations",
    "scenarios": "Scenarios",
    "geopackage": "GeoPackage corridors.gpkg",
}


# ---------------------------------------------------------------- writing


def _md_cell(value: Any) -> str:
    if isinstance(value, float):
        if np.isnan(value):
            return ""
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def _md_table(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in frame.itertuples(False)]
    return "\n".join([header, rule, *body])


def _html_table(frame: pd.DataFrame) -> str:
    cells = frame.map(_md_cell) if len(frame) else frame
    return cells.to_html(index=False, escape=True, border=0, classes="findings")


def _save_figure(ax: Axes, path: Path) -> None:
    from corridors import maps

    maps.save(ax, path, dpi=_DPI)
    ax.figure.clf()


def _plain(frame: pd.DataFrame | gpd.GeoDataFrame) -> pd.DataFrame | gpd.GeoDataFrame:
    """Return a frame GeoPackage drivers accept: text columns for lists, dicts and objects."""
    out = frame.copy()
    geometry = out.geometry.name if isinstance(out, gpd.GeoDataFrame) else None
    for column in out.columns:
        if column == geometry:
            continue
        values = out[column]
        if values.dtype == object or isinstance(values.dtype, pd.CategoricalDtype):
            out[column] = values.map(
                lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
            )
        elif pd.api.types.is_bool_dtype(values):
            out[column] = values.astype("Float64").astype(float)  # 1 / 0, NaN if missing
    return out


def _write_section(sec: _Section, stage: Path) -> dict[str, list[str]]:
    """Write a section's maps and tables into the staging folder; return its file list."""
    files = []
    for name, ax in sec.maps.items():
        rel = f"maps/{name}.png"
        _save_figure(ax, stage / rel)
        files.append(rel)
    for name, table in sec.tables.items():
        rel = f"tables/{name}.csv"
        (stage / "tables").mkdir(parents=True, exist_ok=True)
        table.to_csv(stage / rel)
        files.append(rel)
    return {"files": files, "layers": list(sec.layers)}


def _write_geopackage(
    target: Path,
    stage: Path,
    sections: list[_Section],
    kept: dict[str, dict[str, list[str]]],
) -> list[str]:
    """Write every layer to a temp GeoPackage (kept layers copied from the old one); move it."""
    import pyogrio

    temp = stage / "corridors.gpkg"
    written = []
    for sec in sections:
        for name, layer in sec.layers.items():
            frame = _plain(layer)
            if isinstance(frame, gpd.GeoDataFrame):
                frame.to_file(temp, layer=name, driver="GPKG")
            else:
                pyogrio.write_dataframe(frame, temp, layer=name, driver="GPKG")
            written.append(name)
    if target.exists():
        for entry in kept.values():
            for name in entry.get("layers", []):
                if name in written:
                    continue
                try:
                    old = gpd.read_file(target, layer=name)
                except Exception:  # an old layer that is gone stays gone
                    continue
                old.to_file(temp, layer=name, driver="GPKG")
                written.append(name)
    if written:
        os.replace(temp, target)
    return written


def _report_texts(
    net: Network, sections: list[_Section], failed: dict[str, str], images: dict[str, Path]
) -> tuple[str, str]:
    """Return the Markdown and the self-contained HTML report."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    md = [
        f"# Corridors report: {net.name}",
        "",
        f"Generated {stamp} by `corridors report`. Units: hours (h), kilometres (km), "
        "USD per TEU (cost and generalized cost = cost + value of time x hours). "
        "Maps are in `maps/`, tables in `tables/`, every layer in `corridors.gpkg`.",
        "",
    ]
    body = [
        f"<h1>Corridors report: {html.escape(net.name)}</h1>",
        f"<p class='meta'>{html.escape(md[2])}</p>",
    ]
    if failed:
        md += ["**Failed sections** (earlier outputs of these are kept):", ""]
        md += [f"- {_TITLES.get(k, k)}: {msg}" for k, msg in failed.items()]
        md.append("")
        items = "".join(
            f"<li><b>{html.escape(_TITLES.get(k, k))}</b>: {html.escape(m)}</li>"
            for k, m in failed.items()
        )
        body.append(f"<div class='failed'><p>Failed sections:</p><ul>{items}</ul></div>")
    for sec in sections:
        md += [f"## {sec.title}", ""]
        body.append(f"<h2>{html.escape(sec.title)}</h2>")
        if sec.error:
            md += [f"**This section failed:** {sec.error}", ""]
            body.append(f"<p class='failed'>This section failed: {html.escape(sec.error)}</p>")
            continue
        if sec.text:
            md += [sec.text, ""]
            body.append(f"<p>{html.escape(sec.text)}</p>")
        if sec.findings is not None and len(sec.findings):
            md += [_md_table(sec.findings), ""]
            body.append(_html_table(sec.findings))
        for name in sec.maps:
            caption = sec.captions.get(name, name)
            md += [f"![{caption}](maps/{name}.png)", "", f"*{caption}*", ""]
            data = base64.b64encode(images[name].read_bytes()).decode("ascii")
            body.append(
                f"<figure><img alt='{html.escape(caption)}' "
                f"src='data:image/png;base64,{data}'/>"
                f"<figcaption>{html.escape(caption)}</figcaption></figure>"
            )
        tables = [f"`tables/{t}.csv`" for t in sec.tables]
        if tables:
            md += ["Tables: " + ", ".join(tables), ""]
            body.append("<p class='meta'>Tables: " + html.escape(", ".join(tables)) + "</p>")
    style = (
        "body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222;line-height:1.4}"
        "img{max-width:100%;border:1px solid #ccc}figure{margin:1em 0}"
        "figcaption{font-style:italic;color:#555}table.findings{border-collapse:collapse;"
        "font-size:0.85em}table.findings td,table.findings th{border:1px solid #ccc;"
        "padding:2px 6px}.failed{color:#a00}.meta{color:#555;font-size:0.9em}"
    )
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Corridors report: {html.escape(net.name)}</title><style>{style}</style>"
        f"</head><body>{''.join(body)}</body></html>"
    )
    return "\n".join(md), page


def _read_manifest(out: Path) -> dict[str, dict[str, list[str]]]:
    path = out / _MANIFEST
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _run_section(
    key: str, function: Callable[[_Context], _Section], ctx: _Context
) -> tuple[_Section, str | None]:
    try:
        return function(ctx), None
    except Exception as error:  # one failing analysis must not stop the others
        message = f"{type(error).__name__}: {error}"
        logger.error("report section %r failed: %s", key, message)
        logger.debug("%s", traceback.format_exc())
        return _Section(key, _TITLES.get(key, key), error=message), message


def run_report(
    net: Network,
    out_dir: str | os.PathLike[str],
    *,
    scenarios: Sequence[str | os.PathLike[str]] | None = None,
    sections: Iterable[str] | None = None,
    failure_runs: int = 50,
    progress: bool = True,
) -> Path:
    """Run every analysis on a network and write maps, tables, a GeoPackage and a report.

    Parameters
    ----------
    net
        The network (e.g. :func:`corridors.load_gtr`).
    out_dir
        Output folder, created if needed. Written: ``maps/*.png`` (A4, 150 dpi),
        ``tables/*.csv``, ``corridors.gpkg``, ``report.md`` and ``report.html``.
    scenarios
        Scenario files (paths, or names of files in ``data/scenarios`` without
        ``.toml``); default those of :data:`DEFAULT_SCENARIOS` that exist.
    sections
        Keys of :data:`SECTIONS` to run (default all); the others are left as they are.
    failure_runs
        Runs per failed fraction in the failure simulation.
    progress
        Show a progress bar on stderr when it is a terminal.

    Returns
    -------
    pathlib.Path
        The ``report.html`` written.

    Raises
    ------
    ValueError
        For an unknown section key.

    Notes
    -----
    Everything is first written to a temporary folder inside `out_dir`, then each
    file is moved into place (:func:`os.replace`). A section that raises is logged
    at ERROR level (stderr), named in the report, and its earlier files and
    GeoPackage layers are kept.
    """
    from tqdm.auto import tqdm

    keys = [k for k, _ in SECTIONS]
    chosen = keys if sections is None else list(sections)
    unknown = [k for k in chosen if k not in keys]
    if unknown:
        msg = f"sections = {unknown!r}; expected some of {', '.join(keys)}"
        raise ValueError(msg)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if scenarios is None:
        present = {p.stem for p in _scenario_folder().glob("*.toml")}
        scenarios = [s for s in DEFAULT_SCENARIOS if s in present]
    ctx = _Context(net, tuple(scenarios), failure_runs)
    old_manifest = _read_manifest(out)
    stage = Path(tempfile.mkdtemp(prefix=".report-", dir=out))
    try:
        return _run(ctx, chosen, out, stage, old_manifest, progress, tqdm)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _run(
    ctx: _Context,
    chosen: list[str],
    out: Path,
    stage: Path,
    old_manifest: dict[str, dict[str, list[str]]],
    progress: bool,
    tqdm: Any,
) -> Path:
    show = progress and sys.stderr.isatty()
    done: list[_Section] = []
    failed: dict[str, str] = {}
    manifest: dict[str, dict[str, list[str]]] = {}
    bar = tqdm(total=len(chosen), desc="report", unit="section", disable=not show, leave=False)
    for key, function in SECTIONS:
        if key not in chosen:
            if key in old_manifest:
                manifest[key] = old_manifest[key]
            continue
        bar.set_postfix_str(key)
        sec, error = _run_section(key, function, ctx)
        if error is None:
            try:
                manifest[key] = _write_section(sec, stage)
            except Exception as write_error:
                error = f"{type(write_error).__name__}: {write_error}"
                logger.error("report section %r could not be written: %s", key, error)
                sec = _Section(key, sec.title, error=error)
        if error is not None:
            failed[key] = error
            manifest[key] = old_manifest.get(key, {"files": [], "layers": []})
        done.append(sec)
        bar.update()
    bar.close()
    good = [s for s in done if s.error is None]
    kept = {k: v for k, v in manifest.items() if k in failed or k not in chosen}
    try:
        _write_geopackage(out / "corridors.gpkg", stage, good, kept)
    except Exception as error:  # the maps, tables and report are still written
        failed["geopackage"] = f"{type(error).__name__}: {error}"
        logger.error("corridors.gpkg could not be written: %s", failed["geopackage"])
    images = {}
    for sec in good:
        for name in sec.maps:
            images[name] = stage / "maps" / f"{name}.png"
    markdown, page = _report_texts(ctx.net, done, failed, images)
    (stage / "report.md").write_text(markdown, encoding="utf-8")
    (stage / "report.html").write_text(page, encoding="utf-8")
    for sec in good:
        for rel in manifest[sec.key]["files"]:
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(stage / rel, out / rel)
    manifest_text = json.dumps(manifest, indent=1, sort_keys=True)
    (stage / _MANIFEST).write_text(manifest_text, encoding="utf-8")
    for name in ("report.md", _MANIFEST, "report.html"):
        os.replace(stage / name, out / name)
    return out / "report.html"
