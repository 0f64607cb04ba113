"""Which country each OSM node lies in: the extract's boundaries, polygons, one code, or places."""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from scipy.spatial import cKDTree

from corridors import _validate as v
from corridors._errors import DataError
from corridors.io import Record

__all__ = ["Locator", "boundary_polygons", "country_locator", "extract_locator", "unit_xyz"]

logger = logging.getLogger(__name__)

_EARTH_KM = 6371.0088

#: ``locate(lon, lat) -> country codes`` (object array), vectorised.
Locator = Callable[[np.ndarray, np.ndarray], np.ndarray]


def unit_xyz(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Return points on the unit sphere (chord distance ranks like great-circle distance)."""
    lam, phi = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


def chord(km: float) -> float:
    """Return the unit-sphere chord of a great-circle distance (km)."""
    return 2.0 * math.sin(min(km / _EARTH_KM, math.pi) / 2.0)


def boundary_polygons(boundaries: list[tuple[str, list[np.ndarray]]]) -> gpd.GeoDataFrame | None:
    """Return country polygons from the extract's admin_level=2 relations (closed rings only).

    A country whose outer ways do not close (a boundary cut by the extract) is left
    out with a warning; None when no country has a closed ring.
    """
    codes, geoms = [], []
    for code, lines in boundaries:
        polygons = shapely.get_parts(
            shapely.polygonize([shapely.linestrings(line) for line in lines])
        )
        area = shapely.union_all(polygons) if len(polygons) else None
        if area is None or area.is_empty:
            logger.warning(
                "boundary relation of %s in the extract has no closed ring (cut by the "
                "extract?); not used for countries",
                code,
            )
            continue
        codes.append(code)
        geoms.append(area)
    if not codes:
        return None
    frame = gpd.GeoDataFrame({"country": codes}, geometry=geoms, crs="EPSG:4326")
    return frame.dissolve(by="country", as_index=False)


def country_locator(
    countries: str | os.PathLike[str] | gpd.GeoDataFrame | None, places: Sequence[Record]
) -> tuple[Locator, str]:
    """Return ``locate(lon, lat) -> country codes`` from polygons, one code, or places.

    Returns
    -------
    locate : Locator
        The vectorised lookup.
    basis : str
        What the countries come from, in words (for the log and ``G.graph``).
    """
    if isinstance(countries, str) and countries.upper() in v.ISO_COUNTRIES:
        code = countries.upper()
        return lambda lon, lat: np.full(len(lon), code, dtype=object), f"ISO code {code}"
    if countries is not None:
        where = "countries table" if isinstance(countries, gpd.GeoDataFrame) else str(countries)
        return polygon_locator(countries), f"polygons of {where}"
    located = [r for r in places if {"lon", "lat", "country"} <= r.values.keys()]
    if not located:
        raise DataError(
            "from_osm needs each node's country and the extract holds no admin_level=2 "
            "boundary: pass countries= (an ISO code such as 'CN', or a polygon table with "
            "a 'country' column) or places= (nodes take the country of the nearest place)"
        )
    lon = np.array([r.values["lon"] for r in located])
    lat = np.array([r.values["lat"] for r in located])
    codes = np.array([r.values["country"] for r in located], dtype=object)
    tree = cKDTree(unit_xyz(lon, lat))

    def locate(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Return the country of the nearest place to each point."""
        _, index = tree.query(unit_xyz(np.asarray(x), np.asarray(y)))
        return codes[index]

    return locate, f"nearest of {len(located)} places"


def polygon_locator(countries: str | os.PathLike[str] | gpd.GeoDataFrame) -> Locator:
    """Return a locator from a polygon table (GeoDataFrame or file) with a ``country`` column."""
    where = "countries table" if isinstance(countries, gpd.GeoDataFrame) else str(countries)
    if isinstance(countries, gpd.GeoDataFrame):
        frame = countries
    else:
        if not Path(countries).exists():
            raise DataError(
                f"{countries}: file not found; expected an ISO country code or a polygon "
                "file (GeoJSON / GeoPackage) with a 'country' column"
            )
        frame = gpd.read_file(countries)
    if "country" not in frame.columns:
        raise DataError(
            f"{where}: no 'country' column (found {', '.join(map(str, frame.columns))}); "
            "add one with ISO 3166-1 alpha-2 codes"
        )
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    problems = v.Problems(where)
    codes = []
    for number, code in enumerate(frame["country"], start=1):
        if str(code).upper() not in v.ISO_COUNTRIES:
            problems.add(f"feature {number}", f"country = {code!r}; expected an ISO alpha-2 code")
        codes.append(str(code).upper())
    problems.raise_if_any()
    geoms = np.asarray(frame.geometry.values, dtype=object)
    tree = shapely.STRtree(geoms)
    codes_array = np.array(codes, dtype=object)

    def locate(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Return the country of the polygon holding (or nearest to) each point."""
        points = shapely.points(np.asarray(x), np.asarray(y))
        pairs = tree.query_nearest(points, all_matches=False)
        out = np.empty(len(points), dtype=object)
        out[pairs[0]] = codes_array[pairs[1]]
        return out

    return locate


def extract_locator(polygons: gpd.GeoDataFrame, fallback: Locator | None) -> Locator:
    """Return a locator by the extract's country polygons; points outside all take `fallback`.

    Without a fallback, a point outside every polygon takes the nearest polygon's country.
    """
    nearest = polygon_locator(polygons)
    geoms = np.asarray(polygons.geometry.values, dtype=object)
    codes = np.asarray(polygons["country"], dtype=object)
    tree = shapely.STRtree(geoms)

    def locate(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Return the country of the extract polygon holding each point, else the fallback's."""
        points = shapely.points(np.asarray(x), np.asarray(y))
        pairs = tree.query(points, predicate="intersects")
        out = np.full(len(points), None, dtype=object)
        out[pairs[0]] = codes[pairs[1]]
        outside = np.flatnonzero(out == None)  # noqa: E711 (element-wise)
        if len(outside):
            rest = fallback or nearest
            out[outside] = rest(np.asarray(x)[outside], np.asarray(y)[outside])
        return out

    return locate
