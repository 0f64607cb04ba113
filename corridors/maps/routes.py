"""Route maps (:func:`plot_route`): one route or several alternatives over the network."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from corridors.costs import MODES
from corridors.maps.figure import _mark_points, _segments
from corridors.maps.legend import _HEADER, _crossing_handle, _marker_entry, _mode_handle
from corridors.maps.overlay import _draw_context, _finish_overlay, _mode_line, _new_map
from corridors.maps.projection import _fit_geometries, to_map_crs
from corridors.maps.style import KIND_STYLE, MODE_STYLE, ROUTE_COLORS

if TYPE_CHECKING:
    from corridors.network import Network
    from corridors.routing import Route


def _route_header(net: Network, routes: Sequence[Route]) -> str:
    """Legend header: "Routes", or "Routes A → B (by weight)" when all share their ends."""
    first = routes[0]
    same = all(
        (r.orig, r.dest, r.weight) == (first.orig, first.dest, first.weight) for r in routes
    )
    if not same:
        return "Routes"
    names = net.places["name"]
    by = "" if first.weight == "time" else f" (by {first.weight})"
    return f"Routes {names[first.orig]} → {names[first.dest]}{by}"


def _route_label(net: Network, route: Route, index: int, ends: bool) -> str:
    """Legend label: number, ends (when `ends`) or crossings and modes, then totals."""
    names = net.places["name"]
    if ends:
        by = "" if route.weight == "time" else f" (by {route.weight})"
        what = f"{names[route.orig]} → {names[route.dest]}{by}"
    else:
        via = ", ".join(str(names[c]) for c in route.crossings) or "no border crossing"
        what = f"via {via} ({', '.join(route.modes)})"
    return (
        f"{index}. {what}\n"
        f"{route.time_h:,.0f} h · {route.distance_km:,.0f} km · "
        f"{route.cost_usd_teu:,.0f} USD/TEU"
    )


_LANE_GAP = 1.0  # pt between routes that share a link


def _lanes(frames: Sequence[gpd.GeoDataFrame], widths: Sequence[float]) -> list[dict[str, float]]:
    """Return, per route, the offset (pt) of its line on each link it shares with others.

    Routes sharing a link are drawn side by side, centred on the link, in route order
    (left to right along the link's canonical direction, see :func:`_offset_legs`).

    Parameters
    ----------
    frames
        The routes' legs (``Route.to_geodataframe()``).
    widths
        Line width of each route (pt).

    Returns
    -------
    list of dict
        ``{link id: offset in pt}`` per route; links used by one route are absent.
    """
    users: dict[str, list[int]] = {}
    for i, frame in enumerate(frames):
        legs = frame[frame["kind"] == "link"]
        for key in dict.fromkeys(_alignment(legs)):
            users.setdefault(key, []).append(i)
    lanes: list[dict[str, float]] = [{} for _ in frames]
    for link, routes in users.items():
        if len(routes) < 2:
            continue
        positions = [0.0]
        for a, b in itertools.pairwise(routes):
            positions.append(positions[-1] + (widths[a] + widths[b]) / 2 + _LANE_GAP)
        for route, position in zip(routes, positions, strict=True):
            lanes[route][link] = position - positions[-1] / 2
    return lanes


def _alignment(legs: pd.DataFrame) -> list[str]:
    """Key of each leg's alignment: its two ends, whatever the mode.

    Rail and road between the same two places run side by side, so they share a key.
    """
    return [
        "|".join(sorted((str(a), str(b)))) for a, b in zip(legs["from"], legs["to"], strict=True)
    ]


def _metres_per_point(ax: Axes) -> float:
    """Map metres (MAP_CRS) per typographic point on this Axes (equal aspect)."""
    x0, x1 = ax.get_xlim()
    return abs(x1 - x0) / (ax.get_position().width * ax.figure.get_figwidth() * 72.0)


def _offset_legs(
    projected: gpd.GeoDataFrame, lane: dict[str, float], scale: float
) -> gpd.GeoSeries:
    """Shift the legs of shared links sideways by their lane offset (pt × `scale` m/pt)."""
    geometry = projected.geometry.copy()
    for index, key in zip(projected.index, _alignment(projected), strict=True):
        offset = lane.get(key, 0.0)
        line = geometry[index]
        if not offset or line is None or line.geom_type != "LineString" or line.is_empty:
            continue
        first, last = line.coords[0], line.coords[-1]
        canonical = line if tuple(first) <= tuple(last) else line.reverse()
        geometry[index] = shapely.offset_curve(canonical, offset * scale, join_style="round")
    return geometry


def plot_route(
    net: Network,
    route_or_routes: Route | Sequence[Route],
    *,
    ax: Axes | None = None,
    extent: Sequence[float] | None = None,
    labels: str | Iterable[str] | None = "auto",
    route_labels: Sequence[str] | None = None,
    title: str | None = None,
) -> Axes:
    """Draw one route or several (alternatives, corridors) over the network (km-true map).

    Each route gets a colour of :data:`ROUTE_COLORS` (twelve distinct colours; the
    first, drawn widest, is usually the best); its legs keep their mode's line style
    (rail with white ticks, sea dashed, air dotted). Routes that run between the
    same two places are drawn side by side there, so none hides another. Border
    crossings passed are marked with a bold diamond
    and labelled, mode changes (transfers) with a white dot; the ends are labelled.
    The rest of the network is drawn faintly underneath.

    Parameters
    ----------
    net
        The network the routes were found on.
    route_or_routes
        A :class:`corridors.Route` or a sequence of them (e.g. from
        :func:`corridors.alternatives`).
    ax
        A map from :func:`base_map` to draw on; by default a new A4 figure with the
        legend beside the map.
    extent
        ``(lon_min, lon_max, lat_min, lat_max)`` in degrees for a new map; default
        fitted to the routes (far ends such as Moscow stay off the map).
    labels
        ``"auto"``: the ends, crossings and transfer places of the routes; None: no
        place labels; or place ids / names to label.
    route_labels
        Legend text per route; default ``"1. orig → dest: time h, km, USD/TEU"``.
    title
        Title above the map.

    Returns
    -------
    matplotlib.axes.Axes
        The map Axes.

    Raises
    ------
    ValueError
        If no route is given or `route_labels` has the wrong length.

    Examples
    --------
    >>> import corridors
    >>> from corridors import maps
    >>> net = corridors.load_gtr()
    >>> r = corridors.route(net, "Changchun", "Zarubino", weight="generalized")
    >>> ax = maps.plot_route(net, r, labels=None)
    >>> len(ax.get_legend().get_texts()) > 1
    True
    """
    routes = [route_or_routes] if hasattr(route_or_routes, "legs") else list(route_or_routes)
    if not routes:
        msg = "route_or_routes is empty; expected a Route or a non-empty list of Routes"
        raise ValueError(msg)
    if route_labels is not None and len(route_labels) != len(routes):
        msg = f"route_labels has {len(route_labels)} entries for {len(routes)} routes"
        raise ValueError(msg)
    frames = [r.to_geodataframe() for r in routes]
    fit = _fit_geometries([g for f in frames for g in f.geometry])
    ax, outside = _new_map(ax, extent, fit)
    _draw_context(ax, net)
    header = _route_header(net, routes)
    entries: list[tuple[Any, str]] = [(_HEADER, header)]
    modes_used: list[str] = []
    to_label: list[str] = []
    widths = [max(1.6, 4.2 - 0.8 * i) for i in range(len(routes))]
    lanes = _lanes(frames, widths)
    scale = _metres_per_point(ax)
    for i, (found, frame) in enumerate(zip(routes, frames, strict=True)):
        color = ROUTE_COLORS[i % len(ROUTE_COLORS)]
        width = widths[i]
        projected = to_map_crs(frame) if len(frame) else frame
        if len(projected):
            projected = projected.set_geometry(_offset_legs(projected, lanes[i], scale))
        for mode in MODES:
            subset = projected[projected["mode"] == mode]
            if subset.empty:
                continue
            _mode_line(ax, _segments(subset.geometry), mode, color, width, 3.6 + 0.05 * i)
            if mode not in modes_used:
                modes_used.append(mode)
        label = (
            route_labels[i]
            if route_labels is not None
            else _route_label(net, found, i + 1, ends=header == "Routes")
        )
        entries.append((Line2D([], [], color=color, linewidth=width), label))
        transfers = found.legs.loc[found.legs["kind"] == "transfer", "from"].tolist()
        _mark_points(
            ax,
            net.places.loc[[found.orig, found.dest]].geometry,
            size=70,
            marker="o",
            c=[color],
            edgecolors="#1a1a1a",
            linewidths=1.0,
            zorder=5.2,
        )
        _mark_points(
            ax,
            net.places.loc[transfers].geometry,
            size=26,
            marker="o",
            c="white",
            edgecolors=color,
            linewidths=1.4,
            zorder=5.1,
        )
        to_label += [found.orig, found.dest, *found.crossings, *transfers]
    crossings = sorted({c for r in routes for c in r.crossings})
    _mark_points(
        ax,
        net.places.loc[crossings].geometry,
        size=75,
        marker="D",
        c=KIND_STYLE["border"]["color"],
        edgecolors="#1a1a1a",
        linewidths=1.0,
        zorder=5.3,
    )
    entries.append((_HEADER, "Legs and stops"))
    entries += [(_mode_handle(m), MODE_STYLE[m]["label"]) for m in modes_used]
    entries.append(_marker_entry("Origin / destination", "o", 8, "#999999", "#1a1a1a"))
    if any((r.legs["kind"] == "transfer").any() for r in routes):
        entries.append(_marker_entry("Change of mode", "o", 5, "white", "#333333"))
    if crossings:
        entries.append((_crossing_handle(), "Border crossing passed"))
    return _finish_overlay(ax, net, entries, outside, title, labels, to_label)
