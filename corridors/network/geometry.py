"""Geodesic lengths on the WGS 84 ellipsoid (km), and the networks' CRS."""

from __future__ import annotations

import pyproj
import shapely

__all__ = ["CRS", "great_circle_km"]


CRS = "EPSG:4326"


_GEOD = pyproj.Geod(ellps="WGS84")


def great_circle_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic distance (km) between two points on the WGS 84 ellipsoid.

    Parameters
    ----------
    lon1, lat1, lon2, lat2
        Coordinates in decimal degrees.

    Returns
    -------
    float
        Distance in kilometres.

    Examples
    --------
    >>> round(great_circle_km(0, 0, 1, 0), 1)
    111.3
    """
    _, _, metres = _GEOD.inv(lon1, lat1, lon2, lat2)
    return float(metres) / 1000.0


def _line_km(line: shapely.LineString) -> float:
    """Return the geodesic length (km) of a lon/lat line on the WGS 84 ellipsoid."""
    return float(_GEOD.geometry_length(line)) / 1000.0
