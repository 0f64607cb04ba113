"""Read and write networks: tables, parameters, GeoPackage, GraphML; atomic writes.

Modules
-------
tables
    Places, links and corridors tables (CSV, GeoJSON, GeoPackage layers), read cell
    by cell with one clear error per problem (file, line, record, field, value).
params
    The parameters file ``params.toml`` (read and written).
networks
    :func:`read_network` (a folder of tables, a ``.gpkg`` or a ``.graphml``) and
    :func:`write_network` (a folder of CSV tables, like ``data/gtr``).
geopackage, graphml
    The GeoPackage and GraphML formats.
atomic
    :func:`atomic_path`: a file appears only when its write succeeded.

The column schemas (:data:`PLACE_COLUMNS`, :data:`LINK_COLUMNS`, :class:`Record`, ...)
live in :mod:`corridors.schema` and are re-exported here.
"""

from corridors.io.atomic import atomic_path
from corridors.io.geopackage import write_geopackage
from corridors.io.graphml import read_graphml, write_graphml
from corridors.io.networks import read_network, write_network
from corridors.io.params import params_from_dict, read_params
from corridors.io.tables import TABLE_SUFFIXES, read_corridors, read_links, read_places
from corridors.schema import (
    CONFIDENCE,
    CORRIDOR_COLUMNS,
    LINK_COLUMNS,
    PLACE_COLUMNS,
    STATUSES,
    Column,
    Record,
)

__all__ = [
    "CONFIDENCE",
    "CORRIDOR_COLUMNS",
    "LINK_COLUMNS",
    "PLACE_COLUMNS",
    "STATUSES",
    "TABLE_SUFFIXES",
    "Column",
    "Record",
    "atomic_path",
    "params_from_dict",
    "read_corridors",
    "read_graphml",
    "read_links",
    "read_network",
    "read_params",
    "read_places",
    "write_geopackage",
    "write_graphml",
    "write_network",
]
