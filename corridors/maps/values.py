"""Value maps (:func:`plot_values`): colour places or links by a number, with a colour bar.

Any per-place or per-link column (accessibility, a scenario's change, a criticality
score, throughput) is drawn in a sequential or diverging colormap over the faint
network; the colour bar sits below the legend beside the map (or inside a map the
caller passed), so the two never overlap.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import Normalize, TwoSlopeNorm
from matplotlib.ticker import EngFormatter, MaxNLocator

from corridors.maps.figure import _MAPS, _add_lines, _mark_points, _segments
from corridors.maps.legend import _HEADER, _marker_entry
from corridors.maps.overlay import _draw_context, _finish_overlay, _new_map
from corridors.maps.projection import _fit_geometries, to_map_crs

if TYPE_CHECKING:
    from corridors.network import Network


_MISSING = "#b5b5b5"  # places or links without a value


def _as_series(values: pd.Series | pd.DataFrame, column: str | None) -> pd.Series:
    """Return the values to draw as a float Series indexed by place or link id."""
    if isinstance(values, pd.DataFrame):
        if column is None or column not in values.columns:
            msg = (
                f"values is a table with columns {list(values.columns)}; "
                "pass column= naming the one to draw"
            )
            raise ValueError(msg)
        values = values[column]
    elif column is not None and values.name is None:
        values = values.rename(column)
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    numbers.index = numbers.index.astype(str)
    return numbers


def _target(net: Network, ids: pd.Index, on: str) -> str:
    """Decide whether the values belong to places or links."""
    if on in ("places", "links"):
        return on
    if on != "auto":
        msg = f"on = {on!r}; expected 'auto', 'places' or 'links'"
        raise ValueError(msg)
    in_places = ids.isin(net.places.index).mean() if len(ids) else 0.0
    in_links = ids.isin(net.links.index).mean() if len(ids) else 0.0
    if max(in_places, in_links) == 0:
        msg = "values: no index entry is a place id or a link id of the network"
        raise ValueError(msg)
    return "places" if in_places >= in_links else "links"


def _norm(
    values: pd.Series, vmin: float | None, vmax: float | None, centre: float | None
) -> Normalize:
    """Colour scale over the finite values (or vmin..vmax), diverging about `centre`."""
    finite = values[np.isfinite(values)]
    low = float(finite.min()) if vmin is None and len(finite) else (vmin or 0.0)
    high = float(finite.max()) if vmax is None and len(finite) else (vmax or 1.0)
    if high <= low:
        high = low + 1.0
    if centre is not None and low < centre < high:
        return TwoSlopeNorm(vcenter=centre, vmin=low, vmax=high)
    return Normalize(vmin=low, vmax=high)


def plot_values(
    net: Network,
    values: pd.Series | pd.DataFrame,
    *,
    column: str | None = None,
    on: str = "auto",
    label: str | None = None,
    cmap: str = "viridis",
    vmin: float | None = None,
    vmax: float | None = None,
    centre: float | None = None,
    ax: Axes | None = None,
    extent: Sequence[float] | None = None,
    labels: str | Iterable[str] | None = "auto",
    annotate: int = 8,
    fmt: str = "{:,.0f}",
    title: str | None = None,
) -> Axes:
    """Colour places or links by a value, with a colour bar that never covers the legend.

    Parameters
    ----------
    net
        The network.
    values
        A Series indexed by place ids or link ids (e.g. ``corridors.accessibility``),
        or a table with such an index and `column`. Ids not in the network are
        ignored; places or links of the network without a value are not drawn.
        Missing (NaN) values are drawn grey.
    column
        The column of a table to draw (its name also labels the colour bar).
    on
        ``"places"``, ``"links"``, or ``"auto"`` (whichever the index matches).
    label
        Colour bar label with the unit, e.g. ``"gravity accessibility"`` or
        ``"USD/TEU"``; default the column or Series name.
    cmap
        Matplotlib colormap name; use a diverging one (``"RdBu_r"``) with `centre`
        for changes.
    vmin, vmax
        Colour range (default: the values' range).
    centre
        Value at the middle of a diverging colormap (e.g. 0 for changes).
    ax, extent
        As for :func:`plot_route`; the default extent is fitted to what has a value.
        With `ax`, the colour bar is drawn inside the map (top left).
    labels
        ``"auto"``: the `annotate` places with the largest values, named with their
        value; None: no labels; or place ids / names to label (with their value).
    annotate
        How many places ``labels="auto"`` names.
    fmt
        Format of the values in labels.
    title
        Title above the map.

    Returns
    -------
    matplotlib.axes.Axes
        The map Axes (the colour bar is ``ax.corridors_colorbar``).

    Raises
    ------
    ValueError
        If `values` matches neither places nor links, or a table lacks `column`.

    Examples
    --------
    >>> import corridors
    >>> from corridors import maps
    >>> net = corridors.load_gtr()
    >>> acc = corridors.accessibility(net, "park", "port", beta=0.05, mass="throughput")
    >>> ax = maps.plot_values(net, acc, label="gravity accessibility", labels=None)
    >>> ax.corridors_colorbar.ax.get_xlabel()
    'gravity accessibility'
    """
    series = _as_series(values, column)
    target = _target(net, series.index, on)
    frame = net.places if target == "places" else net.links
    series = series[series.index.isin(frame.index)]
    drawn = frame.loc[series.index]
    fit = _fit_geometries(drawn.geometry) if len(drawn) else None
    ax, outside = _new_map(ax, extent, fit)
    _draw_context(ax, net)
    colormap = mpl.colormaps[cmap]
    norm = _norm(series, vmin, vmax, centre)
    missing = ~np.isfinite(series.to_numpy())
    entries: list[tuple[Any, str]] = [(_HEADER, "Values")]
    if target == "places":
        _draw_place_values(ax, drawn, series, colormap, norm, missing)
    else:
        _draw_link_values(ax, drawn, series, colormap, norm, missing)
    if missing.any():
        entries.append(
            _marker_entry(f"no value ({int(missing.sum())})", "o", 7, _MISSING, "white")
        )
    else:
        entries = []
    name = label if label is not None else (column or series.name or "value")
    auto = series[~missing].sort_values(ascending=False).index[:annotate]
    chosen: Iterable[str] | None
    if target == "links" or labels is None:
        chosen = None
    elif isinstance(labels, str):
        if labels != "auto":
            msg = f"labels = {labels!r}; expected 'auto', None, or a list of place ids or names"
            raise ValueError(msg)
        chosen = list(auto)
    else:
        chosen = [net.resolve(p) for p in labels]
    _finish_overlay(ax, net, entries, outside, title, None)
    ax.corridors_colorbar = _colorbar(ax, colormap, norm, str(name), outside)  # type: ignore[attr-defined]
    if chosen:
        _label_values(ax, net, series, chosen, fmt)
    return ax


def _draw_place_values(
    ax: Axes, places: Any, series: pd.Series, colormap: Any, norm: Normalize, missing: np.ndarray
) -> None:
    order = np.argsort(np.nan_to_num(series.to_numpy(), nan=-np.inf))  # largest on top
    geometry = places.geometry.iloc[order]
    colors = colormap(norm(series.to_numpy()[order]))
    colors[missing[order]] = mpl.colors.to_rgba(_MISSING)
    _mark_points(ax, geometry, size=70, c=colors, edgecolors="#1a1a1a", linewidths=0.6, zorder=5.0)


def _draw_link_values(
    ax: Axes, links: Any, series: pd.Series, colormap: Any, norm: Normalize, missing: np.ndarray
) -> None:
    projected = to_map_crs(links)
    colors = colormap(norm(series.to_numpy()))
    colors[missing] = mpl.colors.to_rgba(_MISSING)
    for i, color in enumerate(colors):
        segments = _segments(projected.geometry.iloc[[i]])
        _add_lines(ax, segments, colors=["white"], linewidths=4.4, zorder=3.5, capstyle="round")
        _add_lines(ax, segments, colors=[color], linewidths=2.8, zorder=3.6, capstyle="round")


def _colorbar(ax: Axes, colormap: Any, norm: Normalize, label: str, outside: bool) -> Any:
    """Draw a horizontal colour bar below the legend (beside the map) or inside the map."""
    fig = ax.figure
    if outside:
        box = ax.get_position()
        legend = ax.get_legend()
        left = box.x0 + 1.015 * box.width + 0.012  # under the legend's left edge
        width = min(0.2, 0.985 - left)
        bottom = box.y0 + 0.06
        if legend is not None:
            renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
            legend_box = legend.get_window_extent(renderer).transformed(fig.transFigure.inverted())
            bottom = min(bottom, legend_box.y0 - 0.12)
        cax = fig.add_axes((left, max(bottom, 0.02), width, 0.022))
    else:
        cax = ax.inset_axes((0.03, 0.9, 0.3, 0.025))
        cax.set_zorder(8)
        _MAPS[ax].obstacles.append(cax)
    bar = fig.colorbar(
        mpl.cm.ScalarMappable(norm=norm, cmap=colormap), cax=cax, orientation="horizontal"
    )
    bar.set_label(textwrap.fill(label, 30), fontsize=8.5, labelpad=3)
    cax.xaxis.set_label_position("top")
    cax.xaxis.set_major_formatter(EngFormatter(sep=""))  # 2.5M, not 2.5 and "1e7"
    cax.xaxis.set_major_locator(MaxNLocator(5))
    cax.tick_params(labelsize=7.5)
    return bar


def _label_values(ax: Axes, net: Network, series: pd.Series, ids: Iterable[str], fmt: str) -> None:
    """Name the given places with their value (overlapping labels are dropped)."""
    from corridors.maps.labels import _label_candidates, _place_labels

    ids = [p for p in ids if p in series.index and np.isfinite(series[p])]
    places = net.places.loc[ids].copy()
    places["name"] = [f"{places.at[p, 'name']} {fmt.format(series[p])}" for p in ids]
    candidates = _label_candidates(net, places, ids)
    candidates = candidates.loc[ids]  # keep the order given (largest value first)
    _place_labels(ax, candidates, _MAPS[ax])
