"""Compatibility alias of :mod:`corridors.cli.osm` (the ``import-osm`` command)."""

from corridors.cli.osm import COMMANDS, import_osm

__all__ = ["COMMANDS", "import_osm"]
