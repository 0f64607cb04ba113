"""The :class:`Network`: places, links and parameters on an osmnx-style MultiDiGraph.

Modules
-------
core
    :class:`Network`: building from records, checks, tables, lookups, summary.
editing
    :class:`~corridors.network.editing.NetworkEditing`, the editing methods
    (add / update / remove / close / open places and links) that ``Network`` inherits.
checks
    Checking place and link records against each other; records to graph edges and back.
columns
    Records and tables as checked columns; place checks in arrays; node attributes on demand.
build
    Link checks, geometry, lengths, speeds and costs in arrays (the graph made on first use).
geometry
    Geodesic lengths on the WGS 84 ellipsoid (:func:`great_circle_km`).
"""

from corridors.network.checks import BORDER_ONLY, LAND_MODES, _parse_values
from corridors.network.core import Network
from corridors.network.geometry import CRS, great_circle_km

__all__ = [
    "BORDER_ONLY",
    "CRS",
    "LAND_MODES",
    "Network",
    "_parse_values",
    "great_circle_km",
]
