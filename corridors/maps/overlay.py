"""What every overlay map shares: a new map, the faint network underneath, legend and labels.

Overlays (routes, reach, resilience, scenarios) draw on a map from :func:`_new_map`,
draw the network faintly with :func:`_draw_context`, and finish with
:func:`_finish_overlay` (legend above the network's, title, place labels).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
from matplotlib.axes import Axes

from corridors.costs import MODES
from corridors.maps.figure import _A4, _MAPS, _add_lines, _mark, _new_axes, _title
from corridors.maps.frame import base_map
from corridors.maps.labels import _overlay_labels
from corridors.maps.legend import _context_legend, _legend_entries
from corridors.maps.network_map import _link_groups, _place_groups, _select
from corridors.maps.projection import GTR_EXTENT
from corridors.maps.style import _CONTEXT_LIGHTEN, KIND_STYLE, MODE_STYLE, _lighten

if TYPE_CHECKING:
    from corridors.network import Network


_MAP_BOX = (0.04, 0.05, 0.71, 0.89)  # map Axes of a new A4 overlay figure; legend to the right


def _new_map(
    ax: Axes | None, extent: Sequence[float] | None, fit: Sequence[float] | None
) -> tuple[Axes, bool]:
    """Return a map Axes (new A4 figure if `ax` is None) and whether the legend goes outside."""
    outside = ax is None
    if ax is None:
        ax = _new_axes(_MAP_BOX, _A4)
    if ax not in _MAPS:
        chosen = extent if extent is not None else (fit if fit is not None else GTR_EXTENT)
        base_map(ax=ax, extent=chosen)
    return ax, outside


def _draw_context(
    ax: Axes, net: Network, *, places: bool = True, include_planned: bool = False
) -> gpd.GeoDataFrame:
    """Draw the network faintly under an overlay; return the places drawn."""
    links, chosen = _select(net, MODES, include_planned)
    for mode, _, segments, linestyle in _link_groups(links):
        style = MODE_STYLE[mode]
        _add_lines(
            ax,
            segments,
            colors=[_lighten(style["color"], _CONTEXT_LIGHTEN)],
            linestyles=[linestyle],
            linewidths=style["linewidth"] * 0.55,
            capstyle="round",
            zorder=2.0,
        )
    if places:
        for kind, _, xy in _place_groups(chosen):
            style = KIND_STYLE[kind]
            _mark(
                ax,
                xy,
                size=style["size"] * 0.45,
                marker=style["marker"],
                c=[_lighten(style["color"], 0.45)],
                edgecolors="white",
                linewidths=0.4,
                zorder=2.2,
            )
    return chosen


def _finish_overlay(
    ax: Axes,
    net: Network,
    entries: list[tuple[Any, str]],
    outside: bool,
    title: str | None,
    labels: str | Iterable[str] | None = None,
    auto: Iterable[str] = (),
) -> Axes:
    """Add an overlay's legend (above the network's), title and place labels.

    Parameters
    ----------
    ax
        The map Axes.
    net
        The network whose places are labelled.
    entries
        The overlay's legend entries; :func:`_context_legend` is appended.
    outside
        Put the legend beside the map (new figure) rather than inside it.
    title
        Title above the map, or None.
    labels
        As for :func:`_overlay_labels`; None (default) labels nothing.
    auto
        The places labelled for ``labels="auto"``.

    Returns
    -------
    matplotlib.axes.Axes
        `ax`.
    """
    _legend_entries(ax, entries + _context_legend(), outside)
    _title(ax, title)
    _overlay_labels(ax, net, labels, auto)
    return ax


def _mode_line(
    ax: Axes, segments: list[np.ndarray], mode: str, color: Any, width: float, zorder: float
) -> None:
    """Draw route segments in `color` with the mode's line style on a white casing."""
    style = MODE_STYLE.get(mode, MODE_STYLE["road"])
    round_ends = {"capstyle": "round", "joinstyle": "round"}
    _add_lines(ax, segments, colors=["white"], linewidths=width + 2.2, zorder=3.5, **round_ends)
    _add_lines(
        ax,
        segments,
        colors=[color],
        linestyles=[style["linestyle"]],
        linewidths=width,
        zorder=zorder,
        **round_ends,
    )
    if mode == "rail":
        _add_lines(
            ax,
            segments,
            colors=["white"],
            linestyles=[(0, (3, 3))],
            linewidths=max(0.8, width * 0.3),
            zorder=zorder + 0.001,
        )
