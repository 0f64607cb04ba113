"""The network map (:func:`plot_network`): links by mode and status, places by kind."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from corridors.costs import MODES
from corridors.maps.figure import _A4, _MAPS, _add_lines, _MapInfo, _new_axes, _segments, _title
from corridors.maps.frame import base_map
from corridors.maps.labels import _label_candidates, _place_labels
from corridors.maps.legend import _legend_entries, _network_legend
from corridors.maps.projection import _fit_extent, to_map_crs
from corridors.maps.style import (
    _MODE_ORDER,
    _PLACE_DRAW_ORDER,
    GLYPH_SCALE,
    KIND_STYLE,
    MODE_STYLE,
    STATUS_STYLE,
    _lighten,
)

if TYPE_CHECKING:
    from corridors.network import Network


def _check_modes(modes: Iterable[str] | None) -> tuple[str, ...]:
    if modes is None:
        return MODES
    chosen = (modes,) if isinstance(modes, str) else tuple(modes)
    unknown = [m for m in chosen if m not in MODES]
    if unknown:
        msg = f"modes = {unknown!r}; expected a subset of {', '.join(MODES)}"
        raise ValueError(msg)
    return chosen


def _link_status(links: pd.DataFrame) -> pd.Series:
    status = links["status"].astype(str).copy()
    if "closed" in links:
        status[links["closed"].fillna(False).astype(bool)] = "suspended"
    return status


def _select(
    net: Network, modes: tuple[str, ...], include_planned: bool
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    links = net.links
    links = links[links["mode"].isin(modes)].copy()
    links["draw_status"] = _link_status(links)
    places = net.places.copy()
    served = places["modes"].fillna("").str.split(";").map(lambda m: bool(set(m) & set(modes)))
    ends = places.index.isin(links["from"]) | places.index.isin(links["to"])
    places = places[served | ends]
    if not include_planned:
        links = links[links["draw_status"] == "existing"]
        places = places[places["status"] == "existing"]
    return links, places


def _link_groups(
    links: gpd.GeoDataFrame,
) -> Iterator[tuple[str, str, list[np.ndarray], dict[str, Any]]]:
    """Yield the projected links of each mode and status, in drawing order.

    Parameters
    ----------
    links
        Links with ``mode`` and ``draw_status`` columns (from :func:`_select`).

    Yields
    ------
    tuple
        ``(mode, status, segments, linestyle)``: the group's projected segments and
        its line style (the mode's for existing links, the status's otherwise).
    """
    projected = to_map_crs(links) if len(links) else links
    for mode in _MODE_ORDER:
        for status, status_style in STATUS_STYLE.items():
            subset = projected[(projected["mode"] == mode) & (projected["draw_status"] == status)]
            if subset.empty:
                continue
            existing = status == "existing"
            linestyle = MODE_STYLE[mode]["linestyle"] if existing else status_style["linestyle"]
            yield mode, status, _segments(subset.geometry), linestyle


def _place_groups(places: gpd.GeoDataFrame) -> Iterator[tuple[str, gpd.GeoDataFrame, np.ndarray]]:
    """Yield the projected places of each kind, in drawing order (bottom to top).

    Parameters
    ----------
    places
        Places with a ``kind`` column.

    Yields
    ------
    tuple
        ``(kind, subset, xy)``: the kind, its projected places and their ``(n, 2)``
        coordinates.
    """
    projected = to_map_crs(places) if len(places) else places
    for kind in _PLACE_DRAW_ORDER:
        subset = projected[projected["kind"] == kind]
        if not subset.empty:
            yield kind, subset, np.column_stack([subset.geometry.x, subset.geometry.y])


def _draw_links(ax: Axes, links: gpd.GeoDataFrame) -> list[tuple[str, str]]:
    """Draw links by mode and status; return the (mode, status) pairs drawn."""
    drawn = []
    for mode, status, segments, linestyle in _link_groups(links):
        style = MODE_STYLE[mode]
        existing = status == "existing"
        _add_lines(
            ax,
            segments,
            colors=[_lighten(style["color"], STATUS_STYLE[status]["lighten"])],
            linestyles=[linestyle],
            linewidths=style["linewidth"] * (1.0 if existing else 0.85),
            capstyle="round",
            zorder=style["zorder"] - (0 if existing else 0.5),
        )
        if existing and style["overlay"]:
            overlay = style["overlay"]
            _add_lines(
                ax,
                segments,
                colors=[overlay["color"]],
                linestyles=[overlay["linestyle"]],
                linewidths=overlay["linewidth"],
                zorder=style["zorder"] + 0.01,
            )
        drawn.append((mode, status))
    return drawn


def _draw_places(ax: Axes, places: gpd.GeoDataFrame, info: _MapInfo) -> list[str]:
    """Draw places by kind; return the kinds drawn."""
    drawn = []
    for kind, subset, xy in _place_groups(places):
        style = KIND_STYLE[kind]
        alpha = np.where(subset["status"] == "existing", 1.0, 0.45)
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=style["size"],
            marker=style["marker"],
            c=style["color"],
            edgecolors=style["edge"],
            linewidths=0.6,
            alpha=alpha,
            zorder=4.5,
        )
        if style.get("glyph") is not None:
            ax.scatter(
                xy[:, 0],
                xy[:, 1],
                s=style["size"] * GLYPH_SCALE,
                marker=style["glyph"],
                c="white",
                edgecolors="none",
                alpha=alpha,
                zorder=4.6,
            )
        info.markers.append((xy, style["size"]))
        drawn.append(kind)
    return [k for k in KIND_STYLE if k in drawn]


def plot_network(
    net: Network,
    *,
    ax: Axes | None = None,
    extent: Sequence[float] | None = None,
    modes: Iterable[str] | None = None,
    include_planned: bool = True,
    labels: str | Iterable[str] | None = "auto",
    title: str | None = None,
) -> Axes:
    """Draw a network on a basemap: links by mode (km-true projection), places by kind.

    Links are styled by :data:`MODE_STYLE` (rail solid with white ticks, road solid,
    sea dashed, air dotted); planned links are lighter and dashed, suspended or
    closed links lighter and dotted (:data:`STATUS_STYLE`). Places get the markers of
    :data:`KIND_STYLE`. Labels are placed greedily in display space, trying eight
    positions around each place and skipping any label that would overlap another
    label, a place marker, the scale bar or the frame.

    Parameters
    ----------
    net
        The network.
    ax
        A map from :func:`base_map` to draw on; other Axes get a basemap first.
        By default a new A4 landscape figure with the legend beside the map.
    extent
        ``(lon_min, lon_max, lat_min, lat_max)`` in degrees, used when a new basemap
        is drawn; default: fitted to the places drawn in and near the region (places
        far away, such as Moscow, stay off the map and their links run off its edge).
    modes
        Modes to draw (subset of ``rail``, ``road``, ``sea``, ``air``); default all.
        Places serving none of them are left out too.
    include_planned
        Also draw planned and suspended links and places (default True).
    labels
        ``"auto"`` (cities, ports and border crossings), ``"all"`` (every place),
        None (no labels), or place ids / names to label.
    title
        Title above the map.

    Returns
    -------
    matplotlib.axes.Axes
        The map Axes (figure: ``ax.figure``).

    Raises
    ------
    ValueError
        For an unknown mode, a malformed extent or labels value.
    UnknownPlaceError
        If a place named in `labels` is not in the network.

    Examples
    --------
    >>> import corridors
    >>> from corridors import maps
    >>> net = corridors.load_gtr()
    >>> ax = maps.plot_network(net, modes=["rail"], labels=None)
    >>> ax.get_legend() is not None
    True
    """
    chosen_modes = _check_modes(modes)
    links, places = _select(net, chosen_modes, include_planned)
    outside = ax is None
    if ax is None:
        ax = _new_axes((0.045, 0.05, 0.75, 0.89), _A4)
    if ax not in _MAPS:
        base_map(ax=ax, extent=_fit_extent(places) if extent is None else extent)
    info = _MAPS[ax]
    links_drawn = _draw_links(ax, links)
    kinds = _draw_places(ax, places, info)
    _legend_entries(ax, _network_legend(links_drawn, kinds), outside)
    _title(ax, title)
    _place_labels(ax, _label_candidates(net, places, labels), info)
    return ax
