"""The main job: every analysis on a network, written as maps, tables, a GeoPackage and a report.

:func:`run_report` runs each section of the report in turn: the network, the GTI
corridors' representative routes, the parks × ports OD table, port hinterlands
(with and without a market beyond the sea leg), isochrones and accessibility,
link and crossing criticality, border closures by country pair, failure
simulations and example scenarios. Each section writes

- maps to ``out/maps/<name>.png`` (A4 landscape),
- tables to ``out/tables/<name>.csv`` (units in the column names),
- layers to ``out/corridors.gpkg`` (one layer per table with geometry, openable in QGIS),

and a short findings table to ``out/report.md`` and ``out/report.html`` (maps
embedded as base64 images, so the HTML is self-contained).

Re-running replaces the outputs atomically: everything is built in a temporary
folder inside ``out/`` and each file is moved into place with :func:`os.replace`.
A section that fails is reported (in the report and on stderr through logging)
and leaves the files and GeoPackage layers it wrote on an earlier run intact; the
other sections are still written.

Typical use::

    import corridors
    from corridors.report import run_report

    run_report(corridors.load_gtr(), "out")

The package holds

- :mod:`~corridors.report.sections`: the analyses, one function per section, and
  the representative corridor routes (:data:`CORRIDOR_ROUTES`);
- :mod:`~corridors.report.document`: the Markdown and self-contained HTML report;
- :mod:`~corridors.report.output`: maps, tables, GeoPackage layers and the manifest
  written into the staging folder;
- :mod:`~corridors.report.runner`: :func:`run_report`, which runs the sections and
  moves their files into place.
"""

from __future__ import annotations

from corridors.report.runner import run_report
from corridors.report.sections import (
    CORRIDOR_ROUTES,
    DEFAULT_SCENARIOS,
    SECTIONS,
    TUMEN_EXTENT,
    CorridorRoute,
)

__all__ = [
    "CORRIDOR_ROUTES",
    "DEFAULT_SCENARIOS",
    "SECTIONS",
    "TUMEN_EXTENT",
    "CorridorRoute",
    "run_report",
]
