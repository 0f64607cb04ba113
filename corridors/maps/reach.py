"""Reach maps: isochrone bands and port hinterlands.

:func:`plot_isochrones` fills the areas reached within each band (hours, km or
USD/TEU); :func:`plot_hinterlands` colours each place by its best port.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from corridors.maps.figure import _mark_points, _patch
from corridors.maps.legend import _HEADER, _marker_entry, _marker_handle
from corridors.maps.overlay import _draw_context, _finish_overlay, _new_map
from corridors.maps.projection import _fit_geometries, to_map_crs
from corridors.maps.style import GLYPH_SCALE, KIND_STYLE, PORT_COLORS

if TYPE_CHECKING:
    from corridors.network import Network
    from corridors.reach import Hinterlands


def plot_isochrones(
    net: Network,
    iso: gpd.GeoDataFrame,
    *,
    origin: str | Iterable[str] | None = None,
    ax: Axes | None = None,
    extent: Sequence[float] | None = None,
    unit: str = "h",
    cmap: str = "YlGnBu",
    labels: str | Iterable[str] | None = "auto",
    title: str | None = None,
) -> Axes:
    """Draw isochrone bands (e.g. hours from an origin) as filled areas over the network.

    Parameters
    ----------
    net
        The network.
    iso
        Bands from :func:`corridors.isochrones`: columns ``band`` (upper bound, in
        the weight's unit), ``places`` (count, optional) and polygon geometry.
    origin
        The origin place(s), marked with a star and labelled.
    ax, extent
        As for :func:`plot_route`; the default extent is fitted to the largest band.
    unit
        Unit of the bands for the legend: ``"h"`` (default), ``"km"`` or ``"USD/TEU"``.
    cmap
        Matplotlib colormap name; the innermost band gets its darkest colour.
    labels
        ``"auto"`` (the origin, and cities and ports inside the bands), None, or
        place ids / names.
    title
        Title above the map.

    Returns
    -------
    matplotlib.axes.Axes
        The map Axes.

    Raises
    ------
    ValueError
        If `iso` lacks a ``band`` column.
    """
    if "band" not in iso.columns:
        msg = f"iso has columns {list(iso.columns)}; expected 'band' and geometry (isochrones())"
        raise ValueError(msg)
    ax, outside = _new_map(ax, extent, _fit_geometries(iso.geometry, iso.crs))
    bands = iso.sort_values("band", ascending=False)
    colors = _band_colors(cmap, len(bands))
    projected = to_map_crs(bands)
    entries: list[tuple[Any, str]] = [(_HEADER, "Reached within")]
    for i, (_, row) in enumerate(projected.iterrows()):
        color = colors[i]
        _patch(ax, [row.geometry], facecolor=color, edgecolor=color, alpha=0.6, zorder=1.5)
        count = f" ({int(row['places'])} places)" if "places" in row.index else ""
        entries.append(
            (
                Rectangle((0, 0), 1, 1, facecolor=color, alpha=0.6),
                f"≤ {row['band']:g} {unit}{count}",
            )
        )
    _draw_context(ax, net, places=True)
    origins = net.select(origin) if origin is not None else []
    _mark_points(
        ax,
        net.places.loc[origins].geometry,
        size=220,
        marker="*",
        c="#d7191c",
        edgecolors="white",
        linewidths=0.8,
        zorder=5.5,
    )
    if origins:
        entries.append(_marker_entry("Origin", "*", 13, "#d7191c", "white"))
    inside = net.places[net.places["kind"].isin(("city", "port"))]
    if len(bands):
        outer = bands.to_crs(net.crs).geometry.iloc[0]
        inside = inside[inside.geometry.within(outer)]
    return _finish_overlay(ax, net, entries, outside, title, labels, [*origins, *inside.index])


def _band_colors(cmap: str, n: int) -> list[tuple[float, ...]]:
    """N colours from light (outer band) to dark (inner band)."""
    import matplotlib as mpl

    colormap = mpl.colormaps[cmap]
    if n <= 1:
        return [colormap(0.6)]
    return [colormap(0.2 + 0.65 * i / (n - 1)) for i in range(n)]


def plot_hinterlands(
    net: Network,
    result: Hinterlands,
    *,
    contestable: float = 0.1,
    ax: Axes | None = None,
    extent: Sequence[float] | None = None,
    labels: str | Iterable[str] | None = "auto",
    title: str | None = None,
) -> Axes:
    """Draw port hinterlands (weight units): a colour per port, contestable places ringed.

    Parameters
    ----------
    net
        The network.
    result
        From :func:`corridors.hinterlands`: ``.places`` (``best_port``,
        ``margin_share``) and ``.ports`` (``places`` count, catchment polygons).
    contestable
        Places whose runner-up port is within this share of the best value
        (``margin_share`` < 0.1: less than 10 % dearer) are ringed in black.
    ax, extent
        As for :func:`plot_route`; the default extent is fitted to the places and
        ports with a catchment.
    labels
        ``"auto"`` (the ports with a catchment), None, or place ids / names.
    title
        Title above the map.

    Returns
    -------
    matplotlib.axes.Axes
        The map Axes.
    """
    places, ports = result.places, result.ports
    served = ports[ports["places"] > 0].sort_values("places", ascending=False)
    color_of = {p: PORT_COLORS[i % len(PORT_COLORS)] for i, p in enumerate(served.index)}
    geoms = [*places.geometry, *net.places.loc[list(served.index)].geometry]
    ax, outside = _new_map(ax, extent, _fit_geometries(geoms, places.crs))
    projected_ports = to_map_crs(served) if len(served) else served
    for port, row in projected_ports.iterrows():
        color = color_of[port]
        _patch(ax, [row.geometry], facecolor=color, edgecolor="none", alpha=0.14, zorder=1.4)
        _patch(ax, [row.geometry], facecolor="none", edgecolor=color, linewidth=1.1, zorder=1.45)
    _draw_context(ax, net, places=False)
    reachable = places[places["best_port"].notna()]
    for port, group in reachable.groupby("best_port", sort=False):
        _mark_points(
            ax,
            group.geometry,
            size=46,
            marker="s",
            c=color_of.get(port, "#777777"),
            edgecolors="white",
            linewidths=0.6,
            zorder=4.8,
        )
    close = reachable[reachable["margin_share"].fillna(np.inf) < contestable]
    _mark_points(
        ax,
        close.geometry,
        size=150,
        marker="o",
        facecolors="none",
        edgecolors="#1a1a1a",
        linewidths=1.3,
        zorder=4.9,
    )
    cut_off = places[places["best_port"].isna()]
    _mark_points(ax, cut_off.geometry, size=60, marker="x", c="#1a1a1a", zorder=4.9)
    port_style = KIND_STYLE["port"]
    for port in served.index:
        _mark_points(
            ax,
            net.places.loc[[port]].geometry,
            size=port_style["size"] * 1.15,
            marker="o",
            c=color_of[port],
            edgecolors="#1a1a1a",
            linewidths=0.9,
            zorder=5.2,
        )
        _mark_points(
            ax,
            net.places.loc[[port]].geometry,
            size=port_style["size"] * GLYPH_SCALE,
            marker=port_style["glyph"],
            c="white",
            edgecolors="none",
            zorder=5.3,
        )
    unit = {"time": "h", "distance": "km"}.get(result.weight, "USD/TEU")
    entries: list[tuple[Any, str]] = [
        (_HEADER, f"Best port by {result.weight}:\nplaces, mean {unit}")
    ]
    for port, row in served.iterrows():
        mean = "" if pd.isna(row["mean_value"]) else f", {row['mean_value']:,.0f}"
        entries.append(
            (
                Rectangle((0, 0), 1, 1, facecolor=color_of[port], edgecolor="#1a1a1a", lw=0.5),
                f"{row['name']}: {int(row['places'])}{mean}",
            )
        )
    entries.append((_HEADER, "Places"))
    entries.append(_marker_entry("Place, coloured by its best port", "s", 7, "#888888", "w"))
    if len(close):
        text = f"Contestable: runner-up\nless than {contestable:.0%} dearer"
        entries.append(_marker_entry(text, "o", 11, "none", "#1a1a1a"))
    if len(cut_off):
        entries.append(
            (_marker_handle(marker="x", markersize=7, color="#1a1a1a"), "No port reached")
        )
    return _finish_overlay(ax, net, entries, outside, title, labels, list(served.index))
