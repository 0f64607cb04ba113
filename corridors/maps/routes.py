"""Route maps (:func:`plot_route`): one route or several alternatives over the network."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

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


def _route_label(net: Network, route: Route, index: int) -> str:
    names = net.places["name"]
    by = "" if route.weight == "time" else f" (by {route.weight})"
    return (
        f"{index}. {names[route.orig]} → {names[route.dest]}{by}\n"
        f"{route.time_h:,.0f} h · {route.distance_km:,.0f} km · "
        f"{route.cost_usd_teu:,.0f} USD/TEU"
    )


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

    Each route gets a colour of :data:`ROUTE_COLORS` (the first, drawn widest, is
    usually the best); its legs keep their mode's line style (rail with white ticks,
    sea dashed, air dotted). Border crossings passed are marked with a bold diamond
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
    entries: list[tuple[Any, str]] = [(_HEADER, "Routes")]
    modes_used: list[str] = []
    to_label: list[str] = []
    for i, (found, frame) in enumerate(zip(routes, frames, strict=True)):
        color = ROUTE_COLORS[i % len(ROUTE_COLORS)]
        width = max(1.6, 4.2 - 0.8 * i)
        projected = to_map_crs(frame) if len(frame) else frame
        for mode in MODES:
            subset = projected[projected["mode"] == mode]
            if subset.empty:
                continue
            _mode_line(ax, _segments(subset.geometry), mode, color, width, 3.6 + 0.05 * i)
            if mode not in modes_used:
                modes_used.append(mode)
        label = route_labels[i] if route_labels is not None else _route_label(net, found, i + 1)
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
