"""Resilience maps and plots: critical elements, border closures, failure curves.

:func:`plot_criticality` draws the elements whose failure costs most,
:func:`plot_closure_impact` the flows a closure reroutes (link volume change), and
:func:`plot_failure_curves` a network metric against the share of elements failed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from corridors.maps.figure import (
    _A4,
    _MAPS,
    _add_lines,
    _mark,
    _mark_points,
    _new_axes,
    _segments,
    _title,
)
from corridors.maps.legend import _HEADER, _crossing_handle, _marker_entry, _marker_handle
from corridors.maps.overlay import _draw_context, _finish_overlay, _new_map
from corridors.maps.projection import _fit_geometries, to_map_crs
from corridors.maps.style import CHANGE_STYLE, KIND_STYLE, ROUTE_COLORS

if TYPE_CHECKING:
    from corridors.network import Network


_CUT_COLOR = "#5e3c99"


def _impact_order(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Rows sorted by `column`, then by pairs disconnected (largest first; inf first)."""
    keys = [c for c in (column, "pairs_disconnected") if c in frame.columns]
    values = frame[keys].apply(pd.to_numeric, errors="coerce").fillna(0.0)
    order = np.lexsort([-values[k].to_numpy() for k in reversed(keys)])
    return frame.iloc[order]


def _element_name(net: Network, element: str, row: pd.Series) -> str:
    name = row.get("name")
    if isinstance(name, str) and name:
        text = name
    elif element in net.places.index:
        text = str(net.places.at[element, "name"])
    elif element in net.links.index:
        link = net.links.loc[element]
        names = net.places["name"]
        text = f"{names[link['from']]} – {names[link['to']]}"
    else:
        text = str(element)
    mode = row.get("mode")
    return f"{text} ({mode})" if isinstance(mode, str) and mode and mode not in text else text


def _impact_text(row: pd.Series, column: str, unit: str) -> str:
    value = pd.to_numeric(pd.Series([row.get(column)]), errors="coerce").iloc[0]
    parts = []
    if pd.notna(value) and np.isfinite(value) and value > 0:
        parts.append(f"+{value:,.0f} {unit}")
    cut = row.get("pairs_disconnected", 0)
    if pd.notna(cut) and cut > 0:
        parts.append(f"{int(cut)} pairs cut")
    return ", ".join(parts) or "no impact"


def plot_criticality(
    net: Network,
    crit: gpd.GeoDataFrame,
    *,
    top: int = 10,
    column: str = "delta_total",
    unit: str = "USD/TEU",
    cmap: str = "YlOrRd",
    ax: Axes | None = None,
    extent: Sequence[float] | None = None,
    title: str | None = None,
) -> Axes:
    """Draw critical links (width and colour by impact) or places / crossings (dot size).

    Elements are ranked by `column` (the increase in total demand-weighted cost of
    the pairs still connected, by default), then by the OD pairs their failure
    disconnects; the `top` ones are numbered on the map and listed, with their
    impact, in the legend. Elements whose failure only cuts pairs off (spurs to a
    port or park) are drawn in purple.

    Parameters
    ----------
    net
        The network.
    crit
        From ``corridors.criticality``: indexed by element id, with `column`,
        optionally ``pairs_disconnected``, ``name`` and ``mode``, and line (links)
        or point (places, crossings) geometry.
    top
        How many of the most critical elements to number and list.
    column
        The impact column that sets width and colour.
    unit
        Unit of `column` for the legend (``USD/TEU`` for a generalized or cost
        weight, ``h`` for time).
    cmap
        Matplotlib colormap name (light = small impact, dark = large).
    ax, extent
        As for :func:`plot_route`; the default extent is fitted to the elements
        with an impact.
    title
        Title above the map.

    Returns
    -------
    matplotlib.axes.Axes
        The map Axes.

    Raises
    ------
    ValueError
        If `crit` lacks `column`.
    """
    import matplotlib as mpl

    if column not in crit.columns:
        msg = f"crit has columns {list(crit.columns)}; expected {column!r} (criticality())"
        raise ValueError(msg)
    values = pd.to_numeric(crit[column], errors="coerce").fillna(0.0)
    finite = values[np.isfinite(values)]
    vmax = float(finite.max()) if len(finite) and finite.max() > 0 else 1.0
    cut = crit["pairs_disconnected"].fillna(0) if "pairs_disconnected" in crit else values * 0
    hit = crit[(values > 0) | (cut > 0)]
    ax, outside = _new_map(
        ax, extent, _fit_geometries(hit.geometry if len(hit) else crit.geometry, crit.crs)
    )
    _draw_context(ax, net)
    colormap = mpl.colormaps[cmap]
    share = np.clip(values.loc[hit.index].replace(np.inf, vmax) / vmax, 0, 1)
    cuts_only = (share <= 0) & (cut.loc[hit.index] > 0)
    projected = to_map_crs(hit) if len(hit) else hit
    lines = projected.geom_type.isin(["LineString", "MultiLineString"])
    order = share.sort_values().index  # biggest on top
    for element in order:
        geom, s = projected.geometry[element], float(share[element])
        color = _CUT_COLOR if cuts_only[element] else colormap(0.25 + 0.75 * s)
        s = 0.2 if cuts_only[element] else s
        if lines[element]:
            segments = _segments(gpd.GeoSeries([geom]))
            width = 1.0 + 7 * s
            for colors, line_width, zorder in (
                (["white"], width + 1.6, 3.7),
                ([color], width, 3.71),
            ):
                _add_lines(
                    ax,
                    segments,
                    colors=colors,
                    linewidths=line_width,
                    capstyle="round",
                    zorder=zorder + s * 0.1,
                )
        else:
            xy = np.array([[geom.x, geom.y]])
            _mark(
                ax,
                xy,
                size=40 + 460 * s,
                marker="o",
                c=[color],
                edgecolors="#1a1a1a",
                linewidths=0.8,
                zorder=4.7 + s * 0.1,
            )
    ranked = _impact_order(hit, column).head(top)
    entries: list[tuple[Any, str]] = [(_HEADER, f"Most critical (impact, {unit})")]
    for rank, (element, row) in enumerate(ranked.iterrows(), start=1):
        point = _anchor_point(projected.geometry[element])
        label = ax.text(
            point.x,
            point.y,
            str(rank),
            ha="center",
            va="center",
            fontsize=7.5,
            fontweight="bold",
            color="#1a1a1a",
            zorder=6,
            bbox={
                "boxstyle": "circle,pad=0.25",
                "facecolor": "white",
                "edgecolor": "#1a1a1a",
                "linewidth": 0.8,
            },
        )
        _MAPS[ax].obstacles.append(label)
        entries.append(
            (
                _marker_handle(marker=f"${rank}$", markersize=7, color="#1a1a1a"),
                f"{_element_name(net, str(element), row)}\n{_impact_text(row, column, unit)}",
            )
        )
    entries.append((_HEADER, "Impact of a failure"))
    for s, text in ((1.0, f"largest: +{vmax:,.0f} {unit}"), (0.5, "half of it"), (0.1, "small")):
        color = colormap(0.25 + 0.75 * s)
        handle = _impact_handle(color, 1.0 + 7 * s, math.sqrt(40 + 460 * s), lines.any())
        entries.append((handle, text))
    if cuts_only.any():
        handle = _impact_handle(_CUT_COLOR, 2.4, 9, lines.any())
        entries.append((handle, "only cuts pairs off (spur)"))
    return _finish_overlay(ax, net, entries, outside, title)


def _impact_handle(color: Any, width: float, markersize: float, lines: bool) -> Line2D:
    """Return the legend handle of an impact: a line (links) or a dot (places).

    Parameters
    ----------
    color
        The impact's colour.
    width
        Line width (pt) when the elements are links.
    markersize
        Dot size (pt) when they are places or crossings.
    lines
        Whether the elements drawn are links.

    Returns
    -------
    matplotlib.lines.Line2D
        The legend handle.
    """
    if lines:
        return Line2D([], [], color=color, linewidth=width)
    return _marker_handle(marker="o", markersize=markersize, color=color)


def _anchor_point(geom: shapely.Geometry) -> shapely.Point:
    """Return the point half-way along a line, or the point itself."""
    if geom.geom_type in ("LineString", "MultiLineString"):
        return shapely.line_interpolate_point(geom, 0.5, normalized=True)
    return geom.centroid


def _closed_crossings(net: Network) -> list[str]:
    places = net.places
    closed = places["closed"].fillna(False).astype(bool) if "closed" in places else False
    return list(places.index[(places["kind"] == "border") & closed])


def _volume_change(before: Any, after: Any) -> pd.Series:
    """Change of link volume (both directions) from two assignments, indexed by link id."""
    old = before.links["volume"]
    new = after.links["volume"]
    index = old.index.union(new.index)
    return new.reindex(index).fillna(0.0) - old.reindex(index).fillna(0.0)


def _assignments_from_impact(
    base: Network, closed: Network, impact: Any, weight: str
) -> tuple[Any, Any]:
    from corridors.routing import assign

    if getattr(impact, "before", None) is not None and getattr(impact, "after", None) is not None:
        return impact.before, impact.after  # corridors.resilience.Impact keeps them
    pairs = impact.pairs
    demand_column = next((c for c in ("demand", "weight") if c in pairs.columns), None)
    flows = pd.DataFrame(
        {
            "orig": pairs["orig"].to_numpy(),
            "dest": pairs["dest"].to_numpy(),
            "demand": pairs[demand_column].to_numpy() if demand_column else 1.0,
        }
    )
    flows = flows[flows["orig"] != flows["dest"]]
    summary = getattr(impact, "summary", None)
    if isinstance(summary, dict) and summary.get("weight"):
        weight = str(summary["weight"])
    return assign(base, flows, weight=weight), assign(closed, flows, weight=weight)


def _cut_off_places(impact: Any) -> list[str]:
    """Origins with no destination left, that had one before."""
    if impact is None or not hasattr(impact, "pairs"):
        return []
    summary = getattr(impact, "summary", None)
    if isinstance(summary, dict) and "places_cut_off" in summary:
        return list(summary["places_cut_off"])
    pairs = impact.pairs
    before = pairs["before"].notna() & np.isfinite(pd.to_numeric(pairs["before"], errors="coerce"))
    after = pairs["after"].notna() & np.isfinite(pd.to_numeric(pairs["after"], errors="coerce"))
    grouped = pd.DataFrame({"orig": pairs["orig"], "before": before, "after": after})
    per_orig = grouped.groupby("orig")[["before", "after"]].any()
    return list(per_orig.index[per_orig["before"] & ~per_orig["after"]])


def plot_closure_impact(
    net: Network,
    closed_net: Network,
    impact_or_assignments: Any,
    *,
    weight: str = "generalized",
    min_change: float = 0.0,
    ax: Axes | None = None,
    extent: Sequence[float] | None = None,
    labels: str | Iterable[str] | None = "auto",
    title: str | None = None,
) -> Axes:
    """Draw a border closure: crossings crossed out, flows rerouted (link volume change).

    Links whose volume grows are drawn red and those that lose traffic blue, with
    width by the change in volume (flows: OD pairs or TEU). Closed crossings get a
    red cross; places left without any destination are marked with a black square.

    Parameters
    ----------
    net
        The network before the closure.
    closed_net
        The network with the closure (e.g. from ``corridors.close_borders``);
        crossings with ``closed = True`` are crossed out.
    impact_or_assignments
        Either an ``Impact`` (from ``corridors.impact``; its ``.pairs`` are assigned
        all-or-nothing on both networks with volume 1 each, or their ``volume`` /
        ``weight`` column) or a pair ``(before, after)`` of
        :class:`corridors.routing.Assignment`.
    weight
        Weight used to assign an ``Impact``'s pairs (default ``generalized``; the
        Impact's ``summary['weight']`` wins when present).
    min_change
        Volume changes at or below this are not drawn.
    ax, extent
        As for :func:`plot_route`; the default extent is fitted to the changed links.
    labels
        ``"auto"`` (closed crossings, crossings that gain traffic, cut-off places),
        None, or place ids / names.
    title
        Title above the map.

    Returns
    -------
    matplotlib.axes.Axes
        The map Axes.

    Raises
    ------
    TypeError
        If `impact_or_assignments` is neither an Impact nor a pair of assignments.
    """
    impact = None
    if hasattr(impact_or_assignments, "pairs"):
        impact = impact_or_assignments
        before, after = _assignments_from_impact(net, closed_net, impact, weight)
    elif isinstance(impact_or_assignments, tuple | list) and len(impact_or_assignments) == 2:
        before, after = impact_or_assignments
    else:
        msg = (
            "impact_or_assignments: expected an Impact (with .pairs) or a pair "
            f"(before, after) of Assignments, got {type(impact_or_assignments).__name__}"
        )
        raise TypeError(msg)
    change = _volume_change(before, after)
    change = change[change.abs() > min_change]
    closed = _closed_crossings(closed_net)
    cut_off = _cut_off_places(impact)
    geoms = net.links.geometry.reindex(change.index).dropna()
    fit = _fit_geometries([*geoms, *net.places.loc[closed].geometry])
    ax, outside = _new_map(ax, extent, fit)
    _draw_context(ax, closed_net, include_planned=False)
    biggest = float(change.abs().max()) if len(change) else 1.0
    entries: list[tuple[Any, str]] = [(_HEADER, "Flows rerouted")]
    for sign, key in ((1, "more"), (-1, "less")):
        chosen = change[np.sign(change) == sign]
        if chosen.empty:
            continue
        frame = to_map_crs(net.links.loc[chosen.index])
        widths = 1.2 + 6.0 * chosen.abs().to_numpy() / biggest
        order = np.argsort(widths)
        color = CHANGE_STYLE[key]["color"]
        segments = [np.asarray(frame.geometry.iloc[i].coords)[:, :2] for i in order]
        _add_lines(
            ax,
            segments,
            colors=[color],
            linewidths=widths[order],
            alpha=0.85,
            capstyle="round",
            zorder=3.6 if sign > 0 else 3.55,
        )
        entries.append((Line2D([], [], color=color, linewidth=4), CHANGE_STYLE[key]["label"]))
    entries.append(
        (Line2D([], [], color="#777777", linewidth=7.2), f"Widest: ±{biggest:,.0f} flows")
    )
    gaining = before.places.index[
        (after.places["volume_crossing"] > before.places["volume_crossing"] + 1e-9)
    ]
    for ids, size, marker, color, edge, width, zorder in (
        ([*closed, *gaining], 60, "D", KIND_STYLE["border"]["color"], "#1a1a1a", 0.9, 5.0),
        (closed, 190, "X", CHANGE_STYLE["closed"]["color"], "white", 0.8, 5.4),
        (cut_off, 80, "s", "#1a1a1a", "white", 0.8, 5.3),
    ):
        _mark_points(
            ax,
            net.places.loc[ids].geometry,
            size=size,
            marker=marker,
            c=color,
            edgecolors=edge,
            linewidths=width,
            zorder=zorder,
        )
    entries.append((_HEADER, "Places"))
    if closed:
        entries.append(_marker_entry("Closed crossing", "X", 12, "#d7191c", "white"))
    if len(gaining):
        entries.append((_crossing_handle(), "Crossing gaining traffic"))
    if cut_off:
        entries.append(_marker_entry("Cut off (no destination left)", "s", 8, "#1a1a1a", "white"))
    auto = [*closed, *gaining, *cut_off]
    return _finish_overlay(ax, net, entries, outside, title, labels, auto)


_METRIC_LABELS = {
    "connected_share": "OD pairs still connected",
    "efficiency": "Network efficiency",
    "mean_value": "Mean cost of connected pairs",
    "mean_cost": "Mean cost of connected pairs",
}


def plot_failure_curves(
    curves: pd.DataFrame,
    *,
    metrics: Sequence[str] = ("connected_share", "efficiency"),
    relative: bool = False,
    band: tuple[float, float] = (5.0, 95.0),
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Draw failure curves: a metric's median against the share of elements failed (%).

    Parameters
    ----------
    curves
        From ``corridors.simulate_failures``: one row per (``fraction``, ``run``),
        with the metric columns and optionally ``strategy`` (one colour each).
    metrics
        Columns to draw (one line style each).
    relative
        Divide each metric by its median at the smallest fraction, so metrics with
        different units (e.g. ``mean_value`` in USD/TEU) share the axis. Shares
        (``connected_share``, ``efficiency``) are drawn as they are by default.
    band
        Lower and upper percentiles (0–100) of the shaded band across runs.
    ax
        Axes to draw on; by default a new A4 landscape figure.
    title
        Title above the plot.

    Returns
    -------
    matplotlib.axes.Axes
        The plot Axes (x: share of elements failed, %).

    Raises
    ------
    ValueError
        If `curves` lacks ``fraction`` or a metric column.
    """
    missing = [c for c in ("fraction", *metrics) if c not in curves.columns]
    if missing:
        msg = f"curves lacks columns {missing}; has {list(curves.columns)} (simulate_failures())"
        raise ValueError(msg)
    if ax is None:
        ax = _new_axes((0.08, 0.1, 0.66, 0.8), _A4)
    groups = curves.groupby("strategy") if "strategy" in curves.columns else [(None, curves)]
    styles = ("-", "--", ":", "-.")
    for g, (strategy, frame) in enumerate(groups):
        color = ROUTE_COLORS[g % len(ROUTE_COLORS)]
        for m, metric in enumerate(metrics):
            stats = frame.groupby("fraction")[metric].agg(
                median="median",
                low=lambda x: np.nanpercentile(x, band[0]),
                high=lambda x: np.nanpercentile(x, band[1]),
            )
            if relative and len(stats) and stats["median"].iloc[0]:
                stats = stats / stats["median"].iloc[0]
            x = stats.index.to_numpy(dtype=float) * 100
            name = _METRIC_LABELS.get(metric, metric)
            label = f"{name} ({strategy})" if strategy is not None else name
            ax.fill_between(x, stats["low"], stats["high"], color=color, alpha=0.15, lw=0)
            ax.plot(
                x,
                stats["median"],
                color=color,
                linestyle=styles[m % 4],
                lw=2,
                marker="o",
                ms=3.5,
                label=label,
            )
    ax.fill_between(
        [], [], [], color="#777777", alpha=0.2, label=f"{band[0]:g}–{band[1]:g} percentile of runs"
    )
    ax.set_xlabel("Elements failed (%)", fontsize=10)
    ax.set_ylabel("Relative to the first fraction" if relative else "Share", fontsize=10)
    ax.grid(True, color="#dddddd", linewidth=0.6)
    ax.set_xlim(left=0)
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        fontsize=8.5,
        frameon=True,
        edgecolor="#bbbbbb",
    )
    _title(ax, title)
    return ax
