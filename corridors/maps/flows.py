"""Maps of equilibrium flows: link volumes and volume/capacity at links, crossings and ports.

:func:`plot_flows` draws the result of :func:`corridors.assignment.equilibrium`: every
loaded link with a width by its volume (TEU/day) and, where it has a capacity, a
colour by its volume/capacity ratio; capacitated crossings and ports as dots sized
by volume and coloured by v/c, the busiest numbered with their queue.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from corridors.maps.figure import _MAPS, _add_lines, _mark, _segments
from corridors.maps.legend import _HEADER, _marker_handle
from corridors.maps.overlay import _draw_context, _finish_overlay, _new_map
from corridors.maps.projection import _fit_geometries, to_map_crs

if TYPE_CHECKING:
    from corridors.assignment.multimodal import Equilibrium
    from corridors.network import Network

_UNCAPACITATED = "#3a6ea5"  # loaded link without a capacity
_VC_CMAP = "RdYlGn_r"  # v/c: green (free) to red (over capacity)
_VC_MAX = 1.5  # v/c at the darkest colour


def _vc_color(vc: float) -> Any:
    """Return the colour of a volume/capacity ratio (NaN: uncapacitated blue)."""
    import matplotlib as mpl

    if not np.isfinite(vc):
        return _UNCAPACITATED
    return mpl.colormaps[_VC_CMAP](min(vc / _VC_MAX, 1.0))


def plot_flows(
    net: Network,
    result: Equilibrium,
    *,
    top: int = 8,
    ax: Axes | None = None,
    extent: Sequence[float] | None = None,
    title: str | None = None,
) -> Axes:
    """Draw equilibrium volumes (width) and volume/capacity (colour).

    Parameters
    ----------
    net
        The network assigned.
    result
        From :func:`corridors.assignment.equilibrium`.
    top
        How many of the busiest capacitated crossings and ports (by v/c) to number
        and list with their queue.
    ax, extent
        Draw on this map Axes / within this lon-lat box (default: a new A4 map
        fitted to the loaded links).
    title
        Title above the map.

    Returns
    -------
    matplotlib.axes.Axes
        The map Axes.
    """
    links = result.links[result.links["volume"] > 0]
    vmax = float(links["volume"].max()) if len(links) else 1.0
    fit = _fit_geometries(links.geometry, links.crs) if len(links) else None
    ax, outside = _new_map(ax, extent, fit)
    _draw_context(ax, net)
    projected = to_map_crs(links) if len(links) else links
    for link in links["volume"].sort_values().index:  # biggest on top
        share = float(np.sqrt(links.at[link, "volume"] / vmax))
        segments = _segments(gpd.GeoSeries([projected.geometry[link]]))
        width = 0.6 + 5.0 * share
        color = _vc_color(float(links.at[link, "vc"]))
        _add_lines(
            ax, segments, colors=["white"], linewidths=width + 1.4, zorder=3.6, capstyle="round"
        )
        _add_lines(
            ax,
            segments,
            colors=[color],
            linewidths=width,
            zorder=3.61 + share * 0.1,
            capstyle="round",
        )
    gates = result.places[result.places["capacity_teu_day"].notna()]
    entries: list[tuple[Any, str]] = []
    if len(gates):
        points = to_map_crs(net.places.loc[gates.index])
        volume = gates[["volume_crossing", "volume_transfer"]].max(axis=1)
        pmax = float(volume.max()) or 1.0
        for place in volume.sort_values(ascending=False).index:  # small dots on top
            size = 30 + 400 * float(np.sqrt(volume[place] / pmax))
            xy = np.array([[points.geometry[place].x, points.geometry[place].y]])
            _mark(ax, xy, size=size, marker="o", c=[_vc_color(float(gates.at[place, "vc"]))],
                  edgecolors="#1a1a1a", linewidths=0.8, zorder=4.7)  # fmt: skip
        ranked = gates[gates["vc"] > 0].sort_values("vc", ascending=False).head(top)
        entries.append((_HEADER, "Crossings and ports: v/c, queue"))
        for rank, (place, row) in enumerate(ranked.iterrows(), start=1):
            point = points.geometry[place]
            label = ax.text(point.x, point.y, str(rank), ha="center", va="center", fontsize=7,
                            fontweight="bold", color="#1a1a1a", zorder=6)  # fmt: skip
            _MAPS[ax].obstacles.append(label)
            entries.append(
                (
                    _marker_handle(marker=f"${rank}$", markersize=7, color="#1a1a1a"),
                    f"{row['name']}: {row['vc']:.2f}, {row['queue_h']:.0f} h",
                )
            )
    entries.append((_HEADER, "Volume (TEU/day)"))
    for share in (1.0, 0.25):
        width = 0.6 + 5.0 * np.sqrt(share)
        entries.append((Line2D([], [], color="#777777", linewidth=width), f"{vmax * share:,.0f}"))
    entries.append((_HEADER, "Volume / capacity"))
    for vc in (0.3, 0.8, 1.0, 1.5):
        entries.append((Line2D([], [], color=_vc_color(vc), linewidth=4), f"{vc:g}"))
    entries.append((Line2D([], [], color=_UNCAPACITATED, linewidth=4), "no capacity given"))
    return _finish_overlay(ax, net, entries, outside, title)
