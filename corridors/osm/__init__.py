"""Real rail and road networks from OpenStreetMap, snapped to corridor places.

:func:`from_osm` streams a local extract (``.osm.pbf``, ``.osm``, ``.osm.bz2``,
``.osm.gz``) with pyosmium — or, only when asked with ``online=True``, queries Overpass
through osmnx — and builds a corridor :class:`~corridors.network.Network` from its
``railway=rail`` and road (``highway=*``) ways. :func:`snap_places` joins places (parks,
ports, crossings) to it, and :func:`merge` puts a detailed network into a coarse one
such as :func:`corridors.load_gtr`. osmnx stays the graph convention: lengths, one-way
rules and simplification follow osmnx's, and the tests check routes against osmnx's.

Rooms: :mod:`~corridors.osm.reader` (streaming, two passes, bad files),
:mod:`~corridors.osm.tags` (ways used, gauges, speeds), :mod:`~corridors.osm.countries`
(node countries), :mod:`~corridors.osm.layer` (segments, crossings, simplification,
records), :mod:`~corridors.osm.snap` (snapping), :mod:`~corridors.osm.merge`,
:mod:`~corridors.osm.fetch` (osmnx / Overpass), :mod:`~corridors.osm.build`
(:func:`from_osm`).

How OSM becomes a corridor network (the choices, in order):

- **Reading.** Pass 1 keeps the ways of the chosen modes (ids, node references, the tags
  below), pass 2 only the nodes they reference; memory follows the kept ways, not the
  file. The format comes from the file's first bytes; a truncated, empty, mis-named,
  non-OSM file or a directory is one :class:`~corridors._errors.DataError` line.
- **Tags kept.** ``railway``, ``gauge``, ``usage``, ``service``, ``highway``,
  ``maxspeed``, ``name``, ``ref`` and ``osmid`` on links (differing values of merged
  ways joined by ``;``); ``name``, ``railway``, ``ref``, ``osmid`` on nodes.
- **Ways used.** Rail: ``railway=rail`` of any gauge. Road: the ``highway`` classes of
  :data:`ROAD_SPEED_KPH` (footways, paths, tracks and ``area=yes`` are left out). Ways
  left out are counted in ``G.graph["osm_skipped"]``, rail ways by tagged gauge in
  ``G.graph["osm_gauges"]``.
- **Clipped ways.** A way that references nodes missing from the file is cut at the
  extract's edge; the count is logged and kept in ``G.graph["osm_clipped"]``.
- **One layer per mode.** Every OSM node of a rail way becomes node ``rail_<osmid>``,
  of a road way ``road_<osmid>``: a level crossing is two nodes, so goods never change
  mode at a junction. Modes meet only at the user's places, snapped to both layers.
- **Node kinds.** ``railway=station/halt/yard`` → ``terminal``; inserted border
  crossings → ``border``; every other node → ``city``. ``osm_role`` (``station``,
  ``crossing``, ``named``, ``junction``, ``end``, ``change``, ``loop``) says what the
  node is. Unnamed nodes are named ``"OSM rail node 123"``; a name already taken gets
  `` (OSM node rail_123)`` appended.
- **Countries.** From the extract's ``admin_level=2`` boundary relations whose rings
  close; nodes outside them (or all nodes, when the extract has none) from the
  ``countries`` argument (one ISO code, or a polygon table with a ``country`` column; a
  node outside every polygon takes the nearest one), else the nearest of the user's
  ``places`` (else the nearest extract polygon). ``G.graph["osm_countries"]`` says which.
- **Border crossings.** Where a segment joins nodes of two countries a border node
  (``<mode>_x_<a>_<b>``, ``countries`` e.g. ``CN-RU``, ``country`` the side of ``a``) is
  inserted at the crossing point (bisection, lengths split in proportion). Each of the
  user's border places for that pair and mode gives its name, dwell times, fee and
  gauge change (``place_ref``) to the nearest inserted crossing within ``snap_km``, one
  to one (nearest pairs first); other crossings take the ``[border]`` defaults, with
  ``gauge_break`` true when the two countries' gauges or the track gauges on either
  side have no gauge in common.
- **Gauge.** From the ``gauge`` tag (``1435``, ``1520``, ``1435;1520`` → ``1435+1520``;
  1524 mm runs as 1520); a way without one takes its country's gauge
  (:data:`corridors._validate.COUNTRY_GAUGES`; 1435 where unknown). Track foreign to a
  country (e.g. 1520 mm yards on the Chinese side) or of a gauge the model does not
  know (e.g. 1000 mm) is recorded as ``1435+1520``; the raw tag stays in ``gauge``
  and ``notes`` says so.
- **Speeds** are freight commercial speeds (km/h): rail by :data:`SERVICE_SPEED_KPH`
  (``service=*``) else :data:`RAIL_SPEED_KPH` (``usage``), times
  :data:`DUAL_GAUGE_FACTOR` on dual-gauge track; road by :data:`ROAD_SPEED_KPH`. A
  numeric ``maxspeed`` caps either.
- **Simplification** uses osmnx's endpoint rules (stations, named nodes, crossings,
  junctions, ends, one-way changes, and nodes where class, gauge or speed change are
  kept); a chain that closes on itself (loop road, roundabout, ring) is split at its
  middle node (``osm_role = loop``), so the default import never makes a link from a
  place to itself. ``length`` and ``travel_time`` add up, so a link's speed is exact.
- **Links** keep the OSM length (``length_basis = source``), geometry and tags; a
  ``oneway`` road is one link with ``oneway = True`` (a single forward edge).
- **Snapping.** A place is joined, for each land mode it serves, to the nearest OSM
  node of that mode in a compatible country (its own, or either side for a border
  crossing) within ``snap_km``, by an access link (great-circle × the mode's detour
  factor, at least :data:`MIN_ACCESS_KM`). The report (one row per place and land
  mode) says ``snapped``, ``too_far`` (with the distance) or ``no_node``.
"""

from __future__ import annotations

from corridors.osm.build import from_osm
from corridors.osm.fetch import OSMFetchError, load_graph
from corridors.osm.merge import merge
from corridors.osm.snap import MIN_ACCESS_KM, snap_places
from corridors.osm.tags import (
    DUAL_GAUGE_FACTOR,
    RAIL_SPEED_KPH,
    ROAD_SPEED_KPH,
    SERVICE_SPEED_KPH,
    rail_speed_kph,
    road_speed_kph,
)

__all__ = [
    "DUAL_GAUGE_FACTOR",
    "MIN_ACCESS_KM",
    "RAIL_SPEED_KPH",
    "ROAD_SPEED_KPH",
    "SERVICE_SPEED_KPH",
    "OSMFetchError",
    "from_osm",
    "load_graph",
    "merge",
    "rail_speed_kph",
    "road_speed_kph",
    "snap_places",
]
