"""The map projection and map extents.

:data:`MAP_CRS` is a Lambert conformal conic projection for Northeast Asia (metres);
extents are ``(lon_min, lon_max, lat_min, lat_max)`` in degrees. This module checks,
pads, widens and fits extents (to places or geometries near :data:`GTR_EXTENT`) and
turns them into projected frame limits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pyproj
import shapely

MAP_CRS = pyproj.CRS.from_proj4(
    "+proj=lcc +lat_1=35 +lat_2=50 +lat_0=42 +lon_0=125 +datum=WGS84 +units=m +no_defs"
)
"""Lambert conformal conic for Northeast Asia (standard parallels 35°N and 50°N,
origin 42°N 125°E, metres). Scale is true on the standard parallels and within
about 1 % between them."""


GTR_EXTENT: tuple[float, float, float, float] = (110.0, 142.0, 34.0, 52.0)
"""Default map extent, the Greater Tumen Region: (lon_min, lon_max, lat_min, lat_max), degrees."""


_NEAR_DEG = 10.0


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


def _widen(extent: Sequence[float], lon_span: float, lat_span: float) -> tuple[float, ...]:
    """Grow an extent (degrees) about its centre to at least the given spans."""
    lon_min, lon_max, lat_min, lat_max = extent
    grow_lon = max(0.0, lon_span - (lon_max - lon_min)) / 2
    grow_lat = max(0.0, lat_span - (lat_max - lat_min)) / 2
    return _clamp_extent(
        lon_min - grow_lon, lon_max + grow_lon, lat_min - grow_lat, lat_max + grow_lat
    )


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
