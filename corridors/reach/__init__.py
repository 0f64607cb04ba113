"""Hinterland reach: what a place reaches, isochrones, port hinterlands, accessibility.

All functions search the compiled state graph (:mod:`corridors.engine`), so reach
follows the same rules as routes: transfers cost handling time and fees, borders
cost dwell and gauge changes, planned links are left out unless asked for.

Modules
-------
reachable
    :func:`reach` (what a place reaches, or who reaches it) and :func:`isochrones`.
ports
    :func:`sea_ports` and :func:`hinterlands` (best and runner-up port of every place).
voronoi
    The two-search algorithm behind hinterlands (two nearest sources per place).
access
    :func:`accessibility` (gravity or cumulative opportunities).

Note that ``corridors.reach`` (the attribute of the package ``corridors``) is the
function; this package is ``sys.modules["corridors.reach"]``, so
``from corridors.reach import hinterlands`` works as usual.
"""

from corridors.reach.access import accessibility
from corridors.reach.ports import Hinterlands, hinterlands, sea_ports
from corridors.reach.reachable import AREA_CRS, isochrones, reach

__all__ = [
    "AREA_CRS",
    "Hinterlands",
    "accessibility",
    "hinterlands",
    "isochrones",
    "reach",
    "sea_ports",
]
