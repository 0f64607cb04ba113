"""Map legends: the legend builder and the handles of network, route and marker entries.

Entries are ``(handle, label)`` pairs; a handle of ``_HEADER`` makes a bold header
line. A legend inside the map becomes an obstacle for place labels; one beside the
map wraps long labels and shrinks its font until it fits on the figure (nothing is
cut).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

from matplotlib.axes import Axes
from matplotlib.legend import Legend
from matplotlib.lines import Line2D

from corridors.costs import MODES
from corridors.maps.figure import _MAPS
from corridors.maps.style import (
    _CONTEXT_LIGHTEN,
    GLYPH_SCALE,
    KIND_STYLE,
    MODE_STYLE,
    STATUS_STYLE,
    _lighten,
)

_HEADER = "__header__"


_WRAP = 38  # characters per legend line beside the map


_MIN_FONT = 5.5  # pt; a legend beside the map never shrinks below this


def _wrap(label: str, width: int = _WRAP) -> str:
    """Wrap each line of a legend label to `width` characters (words are never cut)."""
    return "\n".join(
        textwrap.fill(line, width, break_long_words=False, break_on_hyphens=False) or line
        for line in label.split("\n")
    )


def _legend_entries(
    ax: Axes, entries: Sequence[tuple[Any, str]], outside: bool, *, title: str | None = None
) -> None:
    """Draw a legend from (handle, label) pairs; a handle of ``_HEADER`` makes a bold header.

    Parameters
    ----------
    ax
        The map Axes.
    entries
        ``(handle, label)`` pairs.
    outside
        Beside the map (top left of the space right of the Axes): labels wrap at
        :data:`_WRAP` characters and the font shrinks (not below :data:`_MIN_FONT`
        pt) until the legend fits on the figure. Otherwise inside the map, lower
        right, as an obstacle for place labels.
    title
        Bold legend title, or None.
    """
    if not entries:
        return
    labels = [_wrap(label) if outside else label for _, label in entries]
    size = 8.0
    legend = _draw_legend(ax, entries, labels, outside, title, size)
    if outside:
        fig = ax.figure
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        box = legend.get_window_extent(renderer)
        pad = 0.01 * fig.bbox.width
        room_w = fig.bbox.width - pad - box.x0
        room_h = box.y1 - pad
        scale = min(1.0, room_w / box.width, room_h / box.height)
        if scale < 1.0:
            legend.remove()
            size = max(_MIN_FONT, size * scale * 0.97)
            legend = _draw_legend(ax, entries, labels, outside, title, size)
    else:
        _MAPS[ax].obstacles.append(legend)


def _draw_legend(
    ax: Axes,
    entries: Sequence[tuple[Any, str]],
    labels: list[str],
    outside: bool,
    title: str | None,
    size: float,
) -> Legend:
    """Draw the legend at font `size` (pt); see :func:`_legend_entries`."""
    header = Line2D([], [], linestyle="none")
    handles = [header if h is _HEADER else h for h, _ in entries]
    kw: dict[str, Any] = (
        {"loc": "upper left", "bbox_to_anchor": (1.015, 1.0)}
        if outside
        else {"loc": "lower right", "bbox_to_anchor": (0.995, 0.04)}
    )
    legend = ax.legend(
        handles,
        labels,
        frameon=True,
        framealpha=0.92,
        edgecolor="#bbbbbb",
        fontsize=size,
        handlelength=2.8,
        borderpad=0.8,
        labelspacing=0.55,
        title=title,
        title_fontproperties={"weight": "bold", "size": size + 1},
        **kw,
    )
    legend.set_zorder(7)
    for text, (handle, _) in zip(legend.get_texts(), entries, strict=True):
        if handle is _HEADER:
            text.set_fontweight("bold")
    return legend


def _marker_handle(**kwargs: Any) -> Line2D:
    return Line2D([], [], linestyle="none", **kwargs)


def _marker_entry(
    label: str, marker: str, size: float, face: Any, edge: Any
) -> tuple[Line2D, str]:
    """Return a legend entry for a marker.

    Parameters
    ----------
    label
        The legend text.
    marker
        Matplotlib marker.
    size
        Marker size (pt).
    face, edge
        Fill and edge colours.

    Returns
    -------
    tuple
        ``(handle, label)`` for :func:`_legend_entries`.
    """
    handle = _marker_handle(
        marker=marker, markersize=size, markerfacecolor=face, markeredgecolor=edge
    )
    return handle, label


def _styled_line(style: dict[str, Any]) -> Line2D:
    """Return a legend line with a style's ``color``, ``linestyle`` and ``linewidth``.

    Parameters
    ----------
    style
        A :data:`MODE_STYLE` entry or its ``overlay``.

    Returns
    -------
    matplotlib.lines.Line2D
        The legend handle.
    """
    return Line2D(
        [], [], color=style["color"], linestyle=style["linestyle"], linewidth=style["linewidth"]
    )


def _kind_handle(style: dict[str, Any]) -> Line2D | tuple[Line2D, Line2D]:
    marker = _marker_handle(
        marker=style["marker"],
        markersize=math.sqrt(style["size"]),
        markerfacecolor=style["color"],
        markeredgecolor=style["edge"],
        markeredgewidth=0.6,
    )
    if style.get("glyph") is None:
        return marker
    glyph = _marker_handle(
        marker=style["glyph"],
        markeredgecolor="none",
        markersize=math.sqrt(style["size"] * GLYPH_SCALE),
        markerfacecolor="white",
    )
    return marker, glyph


def _network_legend(links_drawn: list[tuple[str, str]], kinds: list[str]) -> list[tuple[Any, str]]:
    """Return the legend entries of a network map: modes, link statuses, kinds of place.

    Parameters
    ----------
    links_drawn
        The ``(mode, status)`` pairs drawn (from :func:`_draw_links`).
    kinds
        The kinds of place drawn (from :func:`_draw_places`).

    Returns
    -------
    list of tuple
        ``(handle, label)`` pairs for :func:`_legend_entries`, under the headers
        "Links" and "Places".
    """
    entries: list[tuple[Any, str]] = [(_HEADER, "Links")] if links_drawn else []
    for mode in [m for m in MODES if (m, "existing") in links_drawn]:
        style = MODE_STYLE[mode]
        line = _styled_line(style)
        handle = (line, _styled_line(style["overlay"])) if style["overlay"] else line
        entries.append((handle, style["label"]))
    for status in ("planned", "suspended"):
        if any(s == status for _, s in links_drawn):
            line = Line2D(
                [],
                [],
                color=_lighten("#333333", 0.45),
                linewidth=1.6,
                linestyle=STATUS_STYLE[status]["linestyle"],
            )
            entries.append((line, STATUS_STYLE[status]["label"]))
    if kinds:
        entries.append((_HEADER, "Places"))
    entries += [(_kind_handle(KIND_STYLE[kind]), KIND_STYLE[kind]["label"]) for kind in kinds]
    return entries


def _context_legend(modes: Iterable[str] = MODES) -> list[tuple[Any, str]]:
    entries: list[tuple[Any, str]] = [(_HEADER, "Network")]
    for mode in modes:
        style = MODE_STYLE[mode]
        entries.append(
            (
                Line2D(
                    [],
                    [],
                    color=_lighten(style["color"], _CONTEXT_LIGHTEN),
                    linestyle=style["linestyle"],
                    linewidth=style["linewidth"] * 0.55,
                ),
                style["label"],
            )
        )
    return entries


def _crossing_handle() -> Line2D:
    style = KIND_STYLE["border"]
    return _marker_handle(
        marker="D",
        markersize=8.5,
        markerfacecolor=style["color"],
        markeredgecolor="#1a1a1a",
        markeredgewidth=1.0,
    )


def _mode_handle(mode: str, color: Any = "#333333", width: float = 2.4) -> Any:
    style = MODE_STYLE[mode]
    line = Line2D([], [], color=color, linestyle=style["linestyle"], linewidth=width)
    if mode != "rail":
        return line
    ticks = Line2D([], [], color="white", linestyle=(0, (3, 3)), linewidth=max(0.8, width * 0.3))
    return (line, ticks)
