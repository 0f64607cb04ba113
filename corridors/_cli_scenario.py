"""Compatibility alias of :mod:`corridors.cli.scenario` (the ``scenario`` command group)."""

from corridors.cli.scenario import COMMANDS, scenario

__all__ = ["COMMANDS", "scenario"]
