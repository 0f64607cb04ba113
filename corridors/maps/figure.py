"""Map figures and drawing primitives.

New A4 figures with an Agg canvas (not registered with pyplot) that Jupyter shows
inline as PNG images (:class:`MapFigure`, :class:`MapAxes`), the record of what
each map drew (the frame, and the artists and markers that labels must avoid),
lines, polygons and markers in :data:`corridors.maps.MAP_CRS` (metres), titles, and
atomic :func:`save` to PNG, SVG or PDF.
"""

from __future__ import annotations

import io
import os
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath

from corridors.io import atomic_path
from corridors.maps.projection import to_map_crs
from corridors.maps.style import BASEMAP_STYLE

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.text import Text


_A4 = (11.69, 8.27)  # A4 landscape, inches


@dataclass
class _MapInfo:
    """What base_map drew on an Axes: the frame and the artists labels must avoid."""

    extent: tuple[float, float, float, float]
    obstacles: list[Artist] = field(default_factory=list)
    markers: list[tuple[np.ndarray, float]] = field(default_factory=list)


_MAPS: weakref.WeakKeyDictionary[Axes, _MapInfo] = weakref.WeakKeyDictionary()


_INLINE_DPI = 100  # PNG shown in notebooks: an A4 map is 1169 x 827 pixels


def _png(fig: Figure) -> bytes:
    """Return the figure as PNG bytes at :data:`_INLINE_DPI` dots per inch."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=_INLINE_DPI, metadata={"Software": None})
    return buffer.getvalue()


class MapFigure(Figure):
    """A matplotlib Figure that Jupyter displays as a PNG image.

    The maps' figures are not registered with pyplot (so they never pile up in
    pyplot's figure list), which also means no backend shows them at the end of a
    notebook cell. ``_repr_png_`` makes IPython show the figure whenever it is a
    cell's value (``ax.figure``), whatever the backend (Agg included) and without
    ``%matplotlib inline``.
    """

    def _repr_png_(self) -> bytes:
        return _png(self)


class MapAxes(Axes):
    """The Axes of a map; as a notebook cell's value it displays its figure (PNG)."""

    def _repr_png_(self) -> bytes:
        return _png(self.figure)


def _new_axes(box: tuple[float, float, float, float], figsize: tuple[float, float]) -> Axes:
    """Return map Axes on a new figure with an Agg canvas (not registered with pyplot).

    Parameters
    ----------
    box
        ``(left, bottom, width, height)`` of the Axes, in figure fractions.
    figsize
        Figure size in inches.

    Returns
    -------
    MapAxes
        The new Axes, on a :class:`MapFigure`; both display inline in Jupyter.
    """
    fig = MapFigure(figsize=figsize, layout="none")
    FigureCanvasAgg(fig)
    return fig.add_axes(box, axes_class=MapAxes)


def _muted_text(ax: Axes, x: float, y: float, text: str, **kwargs: Any) -> Text:
    """Write muted (grey) text at a position in axes fractions.

    Parameters
    ----------
    ax
        The Axes.
    x, y
        Position in axes fractions.
    text
        The text.
    **kwargs
        Further :class:`matplotlib.text.Text` properties (alignment, size, ...).

    Returns
    -------
    matplotlib.text.Text
        The text artist.
    """
    return ax.text(x, y, text, transform=ax.transAxes, color=BASEMAP_STYLE["muted"], **kwargs)


def _title(ax: Axes, title: str | None, subtitle: str | None = None) -> None:
    if title:
        ax.set_title(title, loc="left", fontsize=13, fontweight="bold", color="#1a1a1a", pad=8)
    if subtitle:
        _muted_text(ax, 0.0, 1.005, subtitle, ha="left", va="bottom", fontsize=8.5)


def _add_lines(ax: Axes, segments: Sequence[np.ndarray], **kwargs: Any) -> None:
    """Add line segments as one collection, leaving the data limits (the frame) alone.

    Parameters
    ----------
    ax
        The map Axes.
    segments
        Projected ``(n, 2)`` coordinate arrays, one per line.
    **kwargs
        :class:`matplotlib.collections.LineCollection` properties.
    """
    ax.add_collection(LineCollection(segments, **kwargs), autolim=False)


def _polygon_path(geoms: np.ndarray) -> MplPath:
    """One compound matplotlib path for many polygons (holes wind the other way)."""
    parts = shapely.get_parts(geoms)
    parts = parts[shapely.get_type_id(parts) == shapely.GeometryType.POLYGON]
    rings = shapely.get_rings(shapely.orient_polygons(parts))
    coords, index = shapely.get_coordinates(rings, return_index=True)
    codes = np.full(len(coords), MplPath.LINETO, dtype=MplPath.code_type)
    if len(coords):
        starts = np.flatnonzero(np.diff(index, prepend=-1))
        codes[starts] = MplPath.MOVETO
        codes[np.append(starts[1:] - 1, len(coords) - 1)] = MplPath.CLOSEPOLY
    return MplPath(coords, codes)


def _segments(geoms: gpd.GeoSeries) -> list[np.ndarray]:
    parts = shapely.get_parts(geoms.to_numpy())
    return [np.asarray(p.coords)[:, :2] for p in parts if not p.is_empty]


def _patch(ax: Axes, geoms: Any, **kwargs: Any) -> PathPatch | None:
    """Add projected (MAP_CRS) polygons as one patch; None if nothing to draw."""
    array = np.asarray(geoms, dtype=object).ravel()
    array = array[~(shapely.is_missing(array) | shapely.is_empty(array))]
    if not len(array):
        return None
    path = _polygon_path(array)
    if not len(path.vertices):
        return None
    patch = PathPatch(path, **kwargs)
    ax.add_patch(patch)
    return patch


def _projected_xy(points: gpd.GeoSeries) -> np.ndarray:
    projected = to_map_crs(points)
    return np.column_stack([projected.x, projected.y]) if len(projected) else np.empty((0, 2))


def _mark(
    ax: Axes, xy: np.ndarray, *, size: float | np.ndarray, zorder: float = 5.0, **kwargs: Any
) -> None:
    """Scatter markers at projected points and register them as label obstacles.

    Parameters
    ----------
    ax
        The map Axes.
    xy
        Projected ``(n, 2)`` coordinates; nothing is drawn when empty.
    size
        Marker area (pt²), one for all or one per point; labels avoid the largest.
    zorder
        Drawing order.
    **kwargs
        Further :meth:`matplotlib.axes.Axes.scatter` arguments.
    """
    if not len(xy):
        return
    ax.scatter(xy[:, 0], xy[:, 1], s=size, zorder=zorder, **kwargs)
    _MAPS[ax].markers.append((xy, size if np.isscalar(size) else float(np.max(size))))


def _mark_points(ax: Axes, points: gpd.GeoSeries, **kwargs: Any) -> None:
    """Mark point geometries (any CRS) with :func:`_mark`.

    Parameters
    ----------
    ax
        The map Axes.
    points
        Point geometries with a CRS.
    **kwargs
        Arguments of :func:`_mark` (``size``, ``zorder``, scatter arguments).
    """
    _mark(ax, _projected_xy(points), **kwargs)


def save(fig_or_ax: Figure | Axes, path: str | os.PathLike[str], *, dpi: int = 200) -> Path:
    """Write a map to PNG, SVG or PDF (by suffix) atomically, at `dpi` dots per inch.

    The image is written to a temporary file in the same folder, then moved into
    place, so a failed save leaves any earlier file at `path` untouched.

    Parameters
    ----------
    fig_or_ax
        The figure, or any Axes of it (as returned by :func:`plot_network`).
    path
        Output file; its suffix (``.png``, ``.svg``, ``.pdf``) chooses the format.
    dpi
        Resolution of PNG output (dots per inch); an A4 figure at 200 dpi is
        2338 × 1654 pixels.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ValueError
        For another suffix.
    """
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg", "pdf"):
        msg = f"{path}: unknown map format {path.suffix!r}; expected .png, .svg or .pdf"
        raise ValueError(msg)
    fig = fig_or_ax.figure if isinstance(fig_or_ax, Axes) else fig_or_ax
    metadata = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}
    with atomic_path(path) as temp:
        fig.savefig(temp, format=fmt, dpi=dpi, metadata=metadata[fmt])
    return path
