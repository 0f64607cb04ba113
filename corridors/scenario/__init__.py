"""Scenario files: edit a network in order (add, upgrade, close, re-price), apply, compare.

A scenario is a TOML file. Its top level holds ``name``, ``description`` and
``base``; its operations are an ordered array of ``[[step]]`` tables, each with an
``action``. Steps run in file order on a copy of the base network, so a later
step may use a place or link added by an earlier one.

Format
------
::

    name = "Hunchun-Zarubino railway (Primorye-2)"       # required
    description = "What the scenario asks, and why."     # optional
    base = "gtr"    # "gtr" (built-in network; default) or a path to a network
                    # folder, .gpkg or .graphml, relative to this file

    [[step]]
    action = "upgrade_place"            # give Zarubino port a rail siding
    place = "zarubino_port"
    add_modes = ["rail"]

    [[step]]
    action = "add_link"
    from = "hunchun_makhalino"          # place ids or names
    to = "Zarubino"
    mode = "rail"
    gauge_mm = 1520
    # length: `length_km = 62` (sourced), or `waypoints = [[130.9, 42.7], ...]`
    # ([lon, lat] pairs, the length is then that path x the mode's detour factor),
    # or neither (great circle x detour factor)
    corridors = ["Primorye-2"]
    source = "GTI 2013; assumption: 1520 mm spur"

Actions and their keys (values are checked like the cells of ``places.csv`` and
``links.csv``, see ``data/gtr/README.md``):

``add_place``
    The columns of ``places.csv``: ``id``, ``name``, ``kind``, ``country``, ``lon``,
    ``lat``, ``modes`` (list) and any optional column; ``source`` defaults to the
    scenario file.
``add_link``
    The columns of ``links.csv`` except ``via``/``defaults``/``length_basis``:
    ``from``, ``to``, ``mode`` (required), ``id`` (default ``{from}-{to}-{mode}``),
    ``length_km`` or ``waypoints``, ``speed_kph``, ``cost_usd_teu``, ``gauge_mm``,
    ``status``, ``corridors``, ``capacity``, ``source``, ...; blank speed and cost
    come from the parameters.
``upgrade_link``
    ``link`` and any of ``speed_kph``, ``cost_usd_teu``, ``gauge_mm``,
    ``length_km``, ``capacity``, ``capacity_unit``, ``status`` (e.g. ``"existing"``
    to resume a suspended ferry), ``corridors``, ``notes``.
``upgrade_place``
    ``place`` and any of ``add_modes`` (modes the place gains), ``status``,
    ``regime``, ``notes``.
``remove_link``
    ``link`` (an id or a list of ids).
``close`` / ``open``
    Exactly one of ``link`` (id or list), ``place`` (id, name or list),
    ``crossing`` (a border crossing, or list) or ``between`` (``"CN-RU"``: every
    crossing between two countries); optional ``mode`` (a mode or list) closes only
    the links of those modes at the places. Closing sets ``closed``; the data's
    ``status`` is never touched.
``set_param``
    ``param`` and either ``value`` (the new value) or ``factor`` (times the current
    value). With ``place`` (a place or list), ``param`` is one of the place
    attributes ``dwell_road_h``, ``dwell_rail_h``, ``gauge_change_h`` (hours),
    ``fee_usd`` (USD per TEU), ``handling_h`` (hours). Without ``place``, ``param``
    is a path in ``params.toml``: ``value_of_time.usd_per_teu_h``,
    ``modes.<mode>.speed_kph`` (the mode's speed everywhere: the default and every
    country's), ``modes.<mode>.speed_kph_by_country.<CC>``,
    ``modes.<mode>.cost_usd_teu_km``, ``modes.<mode>.detour_factor``,
    ``transfer.<kind>.handling_h`` / ``fee_usd``, ``border.dwell_road_h`` /
    ``dwell_rail_h`` / ``gauge_change_h`` / ``fee_usd``. Link speeds and costs that
    came from the parameters follow the new values.
``include_planned``
    ``links = "all"`` (every planned link and place) or a list of planned link ids:
    they become ``existing`` (with the planned places they end at).

Every step may carry a ``note`` (free text). Nothing is applied unless every step
is valid: :func:`load` runs the steps on a copy of the base network and reports
every problem at once, each naming the file, line, step, key, the value found
and what was expected.

Modules
-------
files
    Reading a file: TOML parsing, checks naming file and line, :func:`load`.
steps
    The actions (:data:`ACTIONS`), :class:`Step`, and :func:`apply`.
comparison
    :func:`compare` and its :class:`Comparison` tables.
"""

from corridors.engine import WEIGHT_COLUMNS
from corridors.scenario.comparison import Comparison, compare
from corridors.scenario.files import Scenario, load
from corridors.scenario.steps import ACTIONS, Step, apply

__all__ = [
    "ACTIONS",
    "WEIGHT_COLUMNS",
    "Comparison",
    "Scenario",
    "Step",
    "apply",
    "compare",
    "load",
]
