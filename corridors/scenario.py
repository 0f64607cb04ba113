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
"""

from __future__ import annotations

import dataclasses
import math
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corridors import _validate as v
from corridors._errors import DataError
from corridors.costs import MODES
from corridors.engine import (
    EDGE_CROSSING,
    EDGE_LINK,
    EDGE_TRANSFER,
    WEIGHT_COLUMNS,
    check_weight,
    compile_network,
    search,
)
from corridors.io import LINK_COLUMNS, PLACE_COLUMNS, params_from_dict
from corridors.network import Network, _parse_values

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

_TOP_KEYS = ("name", "description", "base", "step")
_LINK_EXCLUDED = {"via", "defaults", "length_basis", "closed"}
_PLACE_PARAMS = {
    "dwell_road_h": "hours",
    "dwell_rail_h": "hours",
    "gauge_change_h": "hours",
    "fee_usd": "USD per TEU",
    "handling_h": "hours",
}

#: Keys each action accepts (besides ``action`` and ``note``).
ACTIONS: dict[str, tuple[str, ...]] = {
    "add_place": tuple(PLACE_COLUMNS),
    "add_link": (*(c for c in LINK_COLUMNS if c not in _LINK_EXCLUDED), "waypoints"),
    "upgrade_link": (
        "link",
        "speed_kph",
        "cost_usd_teu",
        "gauge_mm",
        "length_km",
        "capacity",
        "capacity_unit",
        "status",
        "corridors",
        "notes",
    ),
    "upgrade_place": ("place", "add_modes", "status", "regime", "notes"),
    "remove_link": ("link",),
    "close": ("link", "place", "crossing", "between", "mode"),
    "open": ("link", "place", "crossing", "between", "mode"),
    "set_param": ("param", "value", "factor", "place"),
    "include_planned": ("links",),
}
_REQUIRED = {
    "upgrade_link": ("link",),
    "upgrade_place": ("place",),
    "remove_link": ("link",),
    "set_param": ("param",),
    "include_planned": ("links",),
}


# ---------------------------------------------------------------- file model


@dataclasses.dataclass(frozen=True)
class Step:
    """One ``[[step]]`` of a scenario file.

    Parameters
    ----------
    number
        Position in the file (1-based).
    action
        One of :data:`ACTIONS`.
    values
        The step's keys and TOML values (without ``action`` and ``note``).
    source
        The file, for messages.
    line
        Line of the step's ``[[step]]`` header (0 if unknown).
    key_lines
        Line of each key.
    """

    number: int
    action: str
    values: Mapping[str, Any]
    source: str = "scenario"
    line: int = 0
    key_lines: Mapping[str, int] = dataclasses.field(default_factory=dict)

    @property
    def where(self) -> str:
        """Where the step is, e.g. ``a.toml, line 12 (step 3, add_link)``."""
        return self.at(None)

    def at(self, key: str | None) -> str:
        """Return where `key` of this step is, for messages.

        Parameters
        ----------
        key
            A key of the step, or ``None`` for the step itself.

        Returns
        -------
        str
            E.g. ``a.toml, line 14 (step 3, add_link, key "speed_kph")``.
        """
        line = self.key_lines.get(key, self.line) if key else self.line
        position = f", line {line}" if line else ""
        what = f', key "{key}"' if key else ""
        return f"{self.source}{position} (step {self.number}, {self.action}{what})"


@dataclasses.dataclass(frozen=True)
class Scenario:
    """A parsed, checked scenario file (see the module docstring for the format).

    Parameters
    ----------
    name
        Short title.
    description
        What question the scenario asks.
    base
        ``"gtr"`` (the built-in network) or the path of a network.
    steps
        The operations, in order.
    path
        The file it was read from.
    """

    name: str
    description: str
    base: str
    steps: tuple[Step, ...]
    path: Path | None = None

    def base_network(self) -> Network:
        """Load the scenario's base network.

        Returns
        -------
        Network
            A new network (the built-in one, or read from :attr:`base`).
        """
        if self.base == "gtr":
            from corridors.datasets import load_gtr

            return load_gtr()
        from corridors.io import read_network

        return read_network(self.base)

    def network(self) -> Network:
        """Load the base network and apply the scenario to it.

        Returns
        -------
        Network
            The scenario network.
        """
        return apply(self.base_network(), self)


# ---------------------------------------------------------------- reading

_STEP_HEADER = re.compile(r"^\s*\[\[\s*step\s*\]\]")
_ANY_HEADER = re.compile(r"^\s*\[")
_KEY = re.compile(r"""^\s*["']?([A-Za-z0-9_\-]+)["']?\s*=""")


def _lines(text: str) -> tuple[dict[str, int], list[tuple[int, dict[str, int]]]]:
    """Return lines of top-level keys, and of each ``[[step]]`` header and its keys."""
    top: dict[str, int] = {}
    steps: list[tuple[int, dict[str, int]]] = []
    current: dict[str, int] | None = top
    for number, line in enumerate(text.splitlines(), start=1):
        if _STEP_HEADER.match(line):
            steps.append((number, {}))
            current = steps[-1][1]
        elif _ANY_HEADER.match(line):
            name = line.strip().strip("[]").strip()
            top.setdefault(name, number)
            current = None
        elif current is not None and (match := _KEY.match(line)):
            current.setdefault(match.group(1), number)
    return top, steps


def _where_top(source: str, lines: Mapping[str, int], key: str) -> str:
    """Return where a top-level key is, e.g. ``a.toml, line 3 (key "base")``."""
    line = f", line {lines[key]}" if key in lines else ""
    return f'{source}{line} (key "{key}")'


def _check_top(
    data: dict[str, Any], source: str, lines: Mapping[str, int], problems: v.Problems
) -> None:
    """Report unknown, missing and mistyped top-level keys."""
    for key, value in data.items():
        if key in ACTIONS:
            problems.add(
                _where_top(source, lines, key),
                f"[[{key}]] tables are not read; write each operation as a [[step]] "
                f'table with action = "{key}", so that steps keep their order',
            )
        elif key not in _TOP_KEYS:
            hint = v.close_matches(key, _TOP_KEYS, n=2)
            extra = f"; did you mean {' or '.join(hint)}?" if hint else ""
            problems.add(
                _where_top(source, lines, key),
                f"unknown key {key!r}{extra} (expected {', '.join(_TOP_KEYS)})",
            )
        elif key != "step" and not isinstance(value, str):
            problems.add(
                _where_top(source, lines, key), f"{key} = {value!r}; expected a text string"
            )
    if "name" not in data:
        problems.add(source, 'name is missing; add name = "..." at the top of the file')
    if "step" in data and not isinstance(data["step"], list):
        problems.add(_where_top(source, lines, "step"), "expected [[step]] tables")


def _read_steps(
    data: dict[str, Any],
    source: str,
    step_lines: list[tuple[int, dict[str, int]]],
    problems: v.Problems,
) -> list[Step]:
    """Turn the ``[[step]]`` tables into :class:`Step` objects (keys and actions checked)."""
    raw_steps = data.get("step", [])
    steps = []
    for number, raw in enumerate(raw_steps if isinstance(raw_steps, list) else [], start=1):
        line, key_lines = step_lines[number - 1] if number <= len(step_lines) else (0, {})
        if not isinstance(raw, dict):
            problems.add(f"{source}, step {number}", "expected a table of keys")
            continue
        action = raw.get("action")
        probe = Step(number, str(action), {}, source, line, key_lines)
        if action not in ACTIONS:
            hint = v.close_matches(str(action), ACTIONS, n=2)
            extra = f"; did you mean {' or '.join(hint)}?" if hint else ""
            found = "missing" if action is None else f"action = {action!r}"
            problems.add(
                probe.at("action" if action is not None else None),
                f"{found}{extra}; expected one of {', '.join(ACTIONS)}",
            )
            continue
        values = {k: x for k, x in raw.items() if k not in {"action", "note"}}
        step = Step(number, action, values, source, line, key_lines)
        if _check_keys(step, problems):
            steps.append(step)
    return steps


def _check_keys(step: Step, problems: v.Problems) -> bool:
    """Report unknown and missing keys of a step; return whether it can be run."""
    allowed = ACTIONS[step.action]
    ok = True
    for key in step.values:
        if key not in allowed:
            hint = v.close_matches(key, allowed, n=2)
            extra = f"; did you mean {' or '.join(hint)}?" if hint else ""
            problems.add(
                step.at(key),
                f"unknown key {key!r} for {step.action}{extra} (expected {', '.join(allowed)})",
            )
            ok = False
    for key in _REQUIRED.get(step.action, ()):
        if key not in step.values:
            problems.add(step.where, f"{key} is missing; {step.action} needs {key} = ...")
            ok = False
    return ok


def load(path: str | Path, *, net: Network | None = None) -> Scenario:
    """Read a scenario file and check every step against its base network.

    Parameters
    ----------
    path
        The TOML file (format in the module docstring).
    net
        Check against this network instead of the file's ``base``.

    Returns
    -------
    Scenario
        The checked scenario; :func:`apply` runs it.

    Raises
    ------
    DataError
        Listing every problem: file, line, step, key, the value found and what
        was expected (unknown keys and places come with close matches).

    Examples
    --------
    >>> from corridors import scenario
    >>> from corridors.datasets import gtr_data_dir
    >>> s = scenario.load(gtr_data_dir().parent / "scenarios" / "cn_ru_border_closure.toml")
    >>> s.steps[0].action
    'close'
    """
    path = Path(path)
    source = str(path)
    if not path.exists():
        raise DataError(f"{path}: file not found; expected a scenario .toml file")
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DataError(f"{path}: not valid TOML: {error}") from None
    top_lines, step_lines = _lines(text)
    problems = v.Problems("")
    _check_top(data, source, top_lines, problems)
    steps = _read_steps(data, source, step_lines, problems)
    base = _base(data.get("base", "gtr"), path, top_lines, problems)
    scenario = Scenario(
        name=str(data.get("name", path.stem)),
        description=str(data.get("description", "")).strip(),
        base=base,
        steps=tuple(steps),
        path=path,
    )
    base_ok = not any('(key "base")' in m for m in problems.messages)
    if net is not None or base_ok:
        try:  # dry run of the well-formed steps, so that every problem is reported at once
            apply(net if net is not None else scenario.base_network(), scenario)
        except DataError as error:
            problems.messages.extend(error.problems)
    problems.raise_if_any()
    return scenario


def _base(value: Any, path: Path, lines: Mapping[str, int], problems: v.Problems) -> str:
    """Resolve ``base``: ``"gtr"`` or a network path relative to the scenario file."""
    if not isinstance(value, str):
        return "gtr"  # reported by _check_top
    if value.strip().lower() == "gtr":
        return "gtr"
    candidate = Path(value)
    if not candidate.is_absolute():
        candidate = path.parent / candidate
    if not candidate.exists():
        problems.add(
            _where_top(str(path), lines, "base"),
            f'base = {value!r}: {candidate} not found; expected "gtr" or a network '
            "folder, .gpkg or .graphml (relative to the scenario file)",
        )
    return str(candidate)


# ---------------------------------------------------------------- applying


def apply(net: Network, scenario: Scenario) -> Network:
    """Return a copy of `net` with the scenario's steps applied in order (`net` unchanged).

    Parameters
    ----------
    net
        The base network.
    scenario
        From :func:`load`.

    Returns
    -------
    Network
        The scenario network, named ``"<base> + <scenario>"``.

    Raises
    ------
    DataError
        Listing every step that cannot be applied to `net`; nothing is returned then.

    Examples
    --------
    >>> import corridors
    >>> from corridors import scenario
    >>> from corridors.datasets import gtr_data_dir
    >>> base = corridors.load_gtr()
    >>> s = scenario.load(gtr_data_dir().parent / "scenarios" / "cn_ru_border_closure.toml")
    >>> closed = scenario.apply(base, s)
    >>> [n.graph.nodes["hunchun_kraskino"]["closed"] for n in (closed, base)]
    [True, False]
    """
    out = net.copy()
    out.graph.graph["name"] = f"{net.name} + {scenario.name}"
    problems = v.Problems("")
    for step in scenario.steps:
        try:
            _RUNNERS[step.action](out, step, problems)
        except DataError as error:
            problems.messages.extend(error.problems)
    problems.raise_if_any()
    out.touch()
    return out


def _as_list(step: Step, key: str, problems: v.Problems) -> list[str] | None:
    """Return a key's value as a list of text (a string or a list of strings)."""
    value = step.values[key]
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(x, str) for x in value):
        return list(value)
    problems.add(step.at(key), f"{key} = {value!r}; expected a text or a list of texts")
    return None


def _resolve(net: Network, step: Step, key: str, name: str, problems: v.Problems) -> str | None:
    """Resolve a place name or id given under `key`, reporting close matches."""
    try:
        return net.resolve(name)
    except KeyError:
        ids = {str(d.get("name", n)): n for n, d in net.graph.nodes(data=True)}
        ids.update({n: n for n in net.graph.nodes})
        hint = list(dict.fromkeys(ids[h] for h in v.close_matches(name, ids, n=6)))[:4]
        extra = f"; did you mean {', '.join(hint)}?" if hint else ""
        problems.add(step.at(key), f"{key} = {name!r} is not a place id or name{extra}")
        return None


def _parse_keys(step: Step, columns: Mapping[str, Any], problems: v.Problems) -> bool:
    """Check each key's value with its column's parser, at the key's line."""
    count = len(problems.messages)
    for key, value in step.values.items():
        if key in columns:
            _parse_values({key: value}, columns, step.at(key), problems, required=False)
    return len(problems.messages) == count


def _add_place(net: Network, step: Step, problems: v.Problems) -> None:
    """Run an ``add_place`` step."""
    if not _parse_keys(step, PLACE_COLUMNS, problems):
        return
    values = dict(step.values)
    values.setdefault("source", f"scenario {step.source}")
    net.add_place(values, where=step.where)


def _add_link(net: Network, step: Step, problems: v.Problems) -> None:
    """Run an ``add_link`` step."""
    values = dict(step.values)
    if "waypoints" in values:
        values["via"] = values.pop("waypoints")
        step = dataclasses.replace(
            step, key_lines={**step.key_lines, "via": step.key_lines.get("waypoints", 0)}
        )
    if "length_km" in values and "via" in values:
        problems.add(step.at("length_km"), "give length_km or waypoints, not both")
    resolved = True
    for key in ("from", "to"):
        if key in values and isinstance(values[key], str):
            place = _resolve(net, step, key, values[key], problems)
            resolved &= place is not None
            values[key] = place
    step = dataclasses.replace(
        step, values={k: x for k, x in values.items() if k not in ("from", "to")}
    )
    if not (_parse_keys(step, LINK_COLUMNS, problems) and resolved):
        return
    values.setdefault("source", f"scenario {step.source}")
    if "id" not in values and all(isinstance(values.get(k), str) for k in ("from", "to", "mode")):
        values["id"] = f"{values['from']}-{values['to']}-{str(values['mode']).lower()}"
    net.add_link(values, where=step.where)


def _upgrade_link(net: Network, step: Step, problems: v.Problems) -> None:
    """Run an ``upgrade_link`` step."""
    changes = {k: x for k, x in step.values.items() if k != "link"}
    if not changes:
        problems.add(step.where, "nothing to change; give speed_kph, cost_usd_teu, gauge_mm, ...")
        return
    if _parse_keys(step, LINK_COLUMNS, problems) and isinstance(step.values["link"], str):
        net.update_link(step.values["link"], changes, where=step.at("link"))
    elif not isinstance(step.values["link"], str):
        problems.add(step.at("link"), f"link = {step.values['link']!r}; expected a link id")


def _upgrade_place(net: Network, step: Step, problems: v.Problems) -> None:
    """Run an ``upgrade_place`` step."""
    names = _as_list(step, "place", problems)
    changes = {k: x for k, x in step.values.items() if k not in ("place", "add_modes")}
    modes = _as_list(step, "add_modes", problems) if "add_modes" in step.values else []
    if names is None or modes is None or not _parse_keys(step, PLACE_COLUMNS, problems):
        return
    for name in names:
        place = _resolve(net, step, "place", name, problems)
        if place is None:
            continue
        served = net.graph.nodes[place]["modes"].split(";")
        if modes:
            changes["modes"] = [*served, *(m for m in modes if m not in served)]
            count = len(problems.messages)
            _parse_values(
                {"modes": changes["modes"]},
                PLACE_COLUMNS,
                step.at("add_modes"),
                problems,
                required=False,
            )
            if len(problems.messages) > count:
                return
        net.update_place(place, changes, where=step.where)


def _remove_link(net: Network, step: Step, problems: v.Problems) -> None:
    """Run a ``remove_link`` step."""
    for link in _as_list(step, "link", problems) or []:
        net.remove_link(link, where=step.at("link"))


def _targets(net: Network, step: Step, problems: v.Problems) -> tuple[str, list[str]] | None:
    """Return what a close / open step names: ``("link" | "place", ids)``."""
    given = [k for k in ("link", "place", "crossing", "between") if k in step.values]
    if len(given) != 1:
        problems.add(
            step.where,
            f"found {', '.join(given) or 'none'} of link, place, crossing, between; "
            "expected exactly one",
        )
        return None
    key = given[0]
    names = _as_list(step, key, problems)
    if names is None:
        return None
    if key == "link":
        return "link", names
    if key == "between":
        ids = []
        for pair in names:
            try:
                found = net.crossings_between(pair)
            except DataError as error:
                problems.add(step.at(key), str(error))
                continue
            if not found:
                problems.add(step.at(key), f"between = {pair!r}: no border crossing joins them")
            ids.extend(found)
        return "place", ids
    ids = [p for p in (_resolve(net, step, key, n, problems) for n in names) if p is not None]
    for place in ids if key == "crossing" else []:
        if net.graph.nodes[place]["kind"] != "border":
            problems.add(
                step.at(key),
                f"crossing = {place!r} is a {net.graph.nodes[place]['kind']}; expected a "
                "border crossing (kind = border), or use place = ...",
            )
    return "place", ids


def _close_or_open(net: Network, step: Step, problems: v.Problems) -> None:
    """Run a ``close`` or ``open`` step."""
    count = len(problems.messages)
    targets = _targets(net, step, problems)
    modes = None
    if "mode" in step.values:
        modes = _as_list(step, "mode", problems) or []
        for mode in modes:
            if mode not in MODES:
                problems.add(
                    step.at("mode"), f"mode = {mode!r}; expected one of {', '.join(MODES)}"
                )
        if targets is not None and targets[0] == "link":
            problems.add(step.at("mode"), "mode applies to places and crossings, not to links")
    if targets is None or len(problems.messages) > count:
        return
    kind, ids = targets
    closing = step.action == "close"
    for element in ids:
        if kind == "link":
            (net.close_link if closing else net.open_link)(element, where=step.at("link"))
        else:
            method = net.close_place if closing else net.open_place
            method(element, modes=modes, where=step.where)


def _number(step: Step, key: str, problems: v.Problems) -> float | None:
    """Return a key's numeric value, or report it."""
    value = step.values[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        problems.add(step.at(key), f"{key} = {value!r}; expected a number")
        return None
    return float(value)


def _new_value(
    step: Step, current: float, positive: bool, unit: str, problems: v.Problems
) -> float | None:
    """Return the value a set_param step asks for (``value``, or ``factor`` × current)."""
    given = [k for k in ("value", "factor") if k in step.values]
    if len(given) != 1:
        problems.add(
            step.where, f"found {' and '.join(given) or 'neither'} of value, factor; expected one"
        )
        return None
    key = given[0]
    number = _number(step, key, problems)
    if number is None:
        return None
    new = number if key == "value" else current * number
    if (new <= 0) if positive else (new < 0):
        expected = "a positive number" if positive else "a number >= 0"
        found = f"{key} = {number!r}" + (f" (gives {new:g})" if key == "factor" else "")
        problems.add(step.at(key), f"{found}; expected {expected} ({unit})")
        return None
    return new


def _set_param(net: Network, step: Step, problems: v.Problems) -> None:
    """Run a ``set_param`` step."""
    param = step.values["param"]
    if not isinstance(param, str):
        problems.add(step.at("param"), f"param = {param!r}; expected a text")
    elif "place" in step.values:
        _set_place_param(net, step, param, problems)
    else:
        _set_network_param(net, step, param, problems)


def _place_default(net: Network, place: str, param: str) -> float | None:
    """Return the value a place attribute takes when blank (from the parameters)."""
    data = net.graph.nodes[place]
    if not (
        data.get(param) is None or (isinstance(data.get(param), float) and math.isnan(data[param]))
    ):
        return float(data[param])
    if data["kind"] == "border":
        return float(getattr(net.params.border, param, math.nan))
    transfer = net.params.transfer.get(data["kind"])
    return None if transfer is None else float(getattr(transfer, param, math.nan))


def _place_param_problem(net: Network, place: str, param: str) -> str | None:
    """Say why `param` cannot be set at `place` (None if it can)."""
    data = net.graph.nodes[place]
    border = data["kind"] == "border"
    if param in ("dwell_road_h", "dwell_rail_h", "gauge_change_h") and not border:
        return f"{param} is a border attribute but {place!r} is a {data['kind']}"
    if param == "handling_h" and border:
        return f"handling_h applies to transfer places; {place!r} is a crossing (use dwell_*_h)"
    mode = {"dwell_road_h": "road", "dwell_rail_h": "rail", "gauge_change_h": "rail"}.get(param)
    if mode and mode not in data["modes"].split(";"):
        return f"{param} has no effect: crossing {place!r} serves only {data['modes']!r}"
    if param == "gauge_change_h" and not data.get("gauge_break"):
        return f"gauge_change_h has no effect: crossing {place!r} has gauge_break = false"
    return None


def _set_place_param(net: Network, step: Step, param: str, problems: v.Problems) -> None:
    """Set a place attribute (dwell, gauge change, fee, handling) at each named place."""
    if param not in _PLACE_PARAMS:
        hint = v.close_matches(param, _PLACE_PARAMS, n=2)
        extra = f"; did you mean {' or '.join(hint)}?" if hint else ""
        problems.add(
            step.at("param"),
            f"param = {param!r}{extra}; with place, expected one of {', '.join(_PLACE_PARAMS)}",
        )
        return
    for name in _as_list(step, "place", problems) or []:
        place = _resolve(net, step, "place", name, problems)
        if place is None:
            continue
        reason = _place_param_problem(net, place, param)
        current = _place_default(net, place, param)
        if reason is None and current is None:
            reason = f"no [transfer.{net.graph.nodes[place]['kind']}] default to scale"
        if reason is not None:
            problems.add(step.at("place"), f"place = {name!r}: {reason}")
            continue
        new = _new_value(step, float(current), False, _PLACE_PARAMS[param], problems)
        if new is not None:
            net.update_place(place, {param: new}, where=step.where)


def _param_slot(params: dict[str, Any], path: list[str]) -> tuple[dict[str, Any], str] | None:
    """Return the table holding a ``params.toml`` path and its last key (None if unknown)."""
    known = {
        "value_of_time": {"usd_per_teu_h"},
        "border": {"dwell_road_h", "dwell_rail_h", "gauge_change_h", "fee_usd"},
    }
    if len(path) == 2 and path[0] in known and path[1] in known[path[0]]:
        return params[path[0]], path[1]
    transfer = params["transfer"]
    if len(path) == 3 and path[0] == "transfer" and path[1] in transfer:
        return (transfer[path[1]], path[2]) if path[2] in ("handling_h", "fee_usd") else None
    if len(path) >= 3 and path[0] == "modes" and path[1] in params["modes"]:
        table = params["modes"][path[1]]
        if len(path) == 3 and path[2] in ("speed_kph", "cost_usd_teu_km", "detour_factor"):
            return table, path[2]
        if len(path) == 4 and path[2] == "speed_kph_by_country" and path[3] in v.ISO_COUNTRIES:
            return table["speed_kph_by_country"], path[3]
    return None


def _param_paths(params: dict[str, Any]) -> list[str]:
    """Return every settable ``params.toml`` path (for suggestions)."""
    paths = ["value_of_time.usd_per_teu_h"]
    paths += [f"border.{k}" for k in ("dwell_road_h", "dwell_rail_h", "gauge_change_h", "fee_usd")]
    paths += [f"transfer.{k}.{f}" for k in params["transfer"] for f in ("handling_h", "fee_usd")]
    for mode, table in params["modes"].items():
        paths += [f"modes.{mode}.{k}" for k in ("speed_kph", "cost_usd_teu_km", "detour_factor")]
        paths += [f"modes.{mode}.speed_kph_by_country.{c}" for c in table["speed_kph_by_country"]]
    return paths


def _set_network_param(net: Network, step: Step, param: str, problems: v.Problems) -> None:
    """Set a network-wide parameter given by its ``params.toml`` path."""
    params = net.params.to_dict()
    path = param.split(".")
    slot = _param_slot(params, path)
    if slot is None:
        hint = v.close_matches(param, _param_paths(params), n=3)
        extra = f"; did you mean {', '.join(hint)}?" if hint else ""
        problems.add(
            step.at("param"),
            f"param = {param!r} is not a parameter{extra} (without place, expected a "
            "params.toml path such as border.gauge_change_h or modes.rail.cost_usd_teu_km)",
        )
        return
    table, key = slot
    positive = key in ("speed_kph", "detour_factor") or path[-2] == "speed_kph_by_country"
    unit = {
        "speed_kph": "km/h",
        "cost_usd_teu_km": "USD per TEU-km",
        "usd_per_teu_h": "USD per TEU-hour",
    }
    current = table.get(key, params["modes"][path[1]]["speed_kph"] if len(path) == 4 else 0.0)
    new = _new_value(
        step,
        float(current),
        positive,
        unit.get(key, "hours" if key.endswith("_h") else ""),
        problems,
    )
    if new is None:
        return
    table[key] = new
    if len(path) == 3 and key == "speed_kph":  # the mode's speed everywhere
        by_country = table["speed_kph_by_country"]
        scale = new / float(current)
        for country in by_country:
            by_country[country] = new if "value" in step.values else by_country[country] * scale
    net.set_params(params_from_dict(params, step.where))


def _include_planned(net: Network, step: Step, problems: v.Problems) -> None:
    """Run an ``include_planned`` step."""
    links = step.values["links"]
    if isinstance(links, str) and links.strip().lower() == "all":
        net.build_planned(None, where=step.where)
        return
    if isinstance(links, str):
        problems.add(step.at("links"), f'links = {links!r}; expected "all" or a list of link ids')
        return
    chosen = _as_list(step, "links", problems)
    if chosen is not None:
        net.build_planned(chosen, where=step.at("links"))


_RUNNERS: dict[str, Callable[[Network, Step, v.Problems], None]] = {
    "add_place": _add_place,
    "add_link": _add_link,
    "upgrade_link": _upgrade_link,
    "upgrade_place": _upgrade_place,
    "remove_link": _remove_link,
    "close": _close_or_open,
    "open": _close_or_open,
    "set_param": _set_param,
    "include_planned": _include_planned,
}


# ---------------------------------------------------------------- comparing

_MEASURES = ("time_h", "distance_km", "cost_usd_teu", "generalized_usd_teu")


@dataclasses.dataclass(frozen=True)
class Comparison:
    """What a scenario changes, OD pair by OD pair and place by place (see :func:`compare`).

    Parameters
    ----------
    base_name, scenario_name
        Names of the two networks.
    weight
        The weight routes minimize (``generalized`` by default).
    od
        One row per OD pair: ``orig``, ``dest``, then ``time_h``, ``distance_km``,
        ``cost_usd_teu``, ``generalized_usd_teu`` each as ``_before``, ``_after`` and
        ``_change`` (after − before; of the route minimizing `weight` in each
        network; NaN when unreachable), ``main_corridor_before/after`` (corridor
        with the most km on the route), ``crossings_before/after`` (``;``-joined),
        and ``status``: ``better``, ``worse``, ``unchanged``, ``newly connected``,
        ``disconnected`` or ``unreachable``.
    switches
        The rows of `od` reachable in both whose border crossings or main corridor
        changed, with ``switched_crossing`` and ``switched_corridor`` flags.
    hinterland
        Parks whose best sea port changed: ``place``, ``name``,
        ``best_port_before/after`` and ``best_value_before/after`` (the weight's unit).
    accessibility
        Per park: ``name``, ``accessibility_before/after``, ``change`` and
        ``change_pct`` (gravity index of sea ports, decay 0.05 per hour of travel).
    critical
        Elements that became or stopped being critical: ``element``, ``kind``
        (``link`` / ``crossing``), ``change`` (``new`` / ``ended``),
        ``pairs_disconnected_before/after`` and ``delta_total_before/after`` (see
        :func:`corridors.resilience.criticality`). ``None`` when not computed.
    """

    base_name: str
    scenario_name: str
    weight: str
    od: pd.DataFrame
    switches: pd.DataFrame
    hinterland: pd.DataFrame
    accessibility: pd.DataFrame
    critical: pd.DataFrame | None = None

    def to_tables(self) -> dict[str, pd.DataFrame]:
        """Return the comparison's tables by name (for CSV files).

        Returns
        -------
        dict of str to pandas.DataFrame
            ``od_changes``, ``route_switches``, ``hinterland_shifts``,
            ``accessibility`` and, when computed, ``criticality_changes``.
        """
        tables = {
            "od_changes": self.od,
            "route_switches": self.switches,
            "hinterland_shifts": self.hinterland,
            "accessibility": self.accessibility,
        }
        if self.critical is not None:
            tables["criticality_changes"] = self.critical
        return tables

    def summary(self, n: int = 5) -> str:
        """Return a one-screen text of the main changes.

        Parameters
        ----------
        n
            How many OD pairs, parks and elements to name in each list.

        Returns
        -------
        str
            Plain text, about 30 lines.
        """
        column = WEIGHT_COLUMNS[self.weight]
        unit = column.rsplit("_", 1)[-1] if self.weight == "time" else "USD/TEU"
        unit = "km" if self.weight == "distance" else unit
        counts = self.od["status"].value_counts()
        order = ("better", "worse", "newly connected", "disconnected", "unchanged", "unreachable")
        lines = [
            f"Scenario: {self.scenario_name}",
            f"Compared with: {self.base_name} (routes minimizing {self.weight}, {unit})",
            f"OD pairs: {len(self.od)}; "
            + ", ".join(f"{s} {int(counts.get(s, 0))}" for s in order),
        ]
        lines += _od_lines(self.od, column, unit, n)
        switched_x = int(self.switches["switched_crossing"].sum()) if len(self.switches) else 0
        switched_c = int(self.switches["switched_corridor"].sum()) if len(self.switches) else 0
        lines.append(
            f"Routes switching border crossing: {switched_x}; main corridor: {switched_c}"
        )
        lines.append(f"Hinterland shifts (parks changing best sea port): {len(self.hinterland)}")
        for _, row in self.hinterland.head(n).iterrows():
            lines.append(
                f"  {row['place']}: {row['best_port_before']} -> {row['best_port_after']}"
            )
        lines += _access_lines(self.accessibility, n)
        lines += _critical_lines(self.critical, n)
        return "\n".join(lines)


def _od_lines(od: pd.DataFrame, column: str, unit: str, n: int) -> list[str]:
    """Lines naming the largest gains and losses, and pairs (dis)connected."""
    lines = []
    for status, title, ascending in (
        ("better", "Largest gains", True),
        ("worse", "Largest losses", False),
    ):
        rows = od[od["status"] == status].sort_values(f"{column}_change", ascending=ascending)
        if len(rows):
            lines.append(f"{title}:")
        for _, r in rows.head(n).iterrows():
            before, after = r[f"{column}_before"], r[f"{column}_after"]
            lines.append(
                f"  {r['orig']} -> {r['dest']}: {before:,.0f} -> {after:,.0f} {unit} "
                f"({after - before:+,.0f}, {100 * (after - before) / before:+.0f} %); "
                f"{r['time_h_before']:.0f} -> {r['time_h_after']:.0f} h"
            )
    for status in ("newly connected", "disconnected"):
        rows = od[od["status"] == status]
        if len(rows):
            named = ", ".join(
                f"{o}->{d}" for o, d in zip(rows["orig"][:n], rows["dest"][:n], strict=True)
            )
            lines.append(f"{status.capitalize()}: {len(rows)} (e.g. {named})")
    return lines


def _access_lines(access: pd.DataFrame, n: int) -> list[str]:
    """Lines on the accessibility change of parks (largest relative changes first)."""
    changed = access[access["change_pct"].abs() > 0.05]
    if not len(changed):
        return ["Accessibility of parks to sea ports: no change above 0.05 %"]
    mean = access["change_pct"].mean()
    lines = [
        f"Accessibility of parks to sea ports: mean {mean:+.1f} %; "
        f"changed for {len(changed)} parks"
    ]
    largest = changed.loc[changed["change_pct"].abs().sort_values(ascending=False).index]
    for place, row in largest.head(n).iterrows():
        lines.append(f"  {place}: {row['change_pct']:+.1f} %")
    return lines


def _critical_lines(critical: pd.DataFrame | None, n: int) -> list[str]:
    """Lines on elements that became or stopped being critical."""
    if critical is None:
        return ["Criticality: not computed"]
    lines = []
    for change, title in (("new", "Newly critical"), ("ended", "No longer critical")):
        rows = critical[critical["change"] == change]
        named = ", ".join(rows["element"].head(n))
        lines.append(f"{title}: {len(rows)}" + (f" ({named})" if named else ""))
    return lines


def _default_od(net: Network) -> tuple[list[str], list[str]]:
    """Every park, and every port that serves sea."""
    from corridors.reach import sea_ports

    return net.select("park"), sea_ports(net)


def _corridor_km(net: Network, links: Iterable[str], km: Iterable[float]) -> str:
    """Return the corridor with the most km among `links` ("" if none is named)."""
    corridors = net.cached("link_corridors", lambda: net.links["corridors"].to_dict())
    totals: dict[str, float] = {}
    for link, length in zip(links, km, strict=True):
        for name in str(corridors.get(link) or "").split(";"):
            if name and name != "nan":
                totals[name] = totals.get(name, 0.0) + float(length)
    return max(sorted(totals), key=lambda c: totals[c]) if totals else ""


def _best_routes(net: Network, origins: list[str], dests: list[str], weight: str) -> pd.DataFrame:
    """Measures, crossings and main corridor of the best route of every OD pair."""
    from corridors.engine import Restrictions

    graph = compile_network(net)
    index = graph.place_index
    present = [o for o in origins if o in index]
    rows = []
    if present:
        result = search(
            graph, [index[o] for o in present], weight=weight, mask=graph.edge_mask(Restrictions())
        )
    for row, orig in enumerate(present):
        for dest in dests:
            if dest == orig or dest not in index:
                continue
            state = result.best_state(row, index[dest])
            if state < 0:
                continue
            path = np.asarray(result.edge_path(row, state), dtype=np.int64)
            kinds = graph.edge_kind[path]
            links = path[kinds == EDGE_LINK]
            places = graph.place_ids[graph.state_place[graph.edge_src[path]]]
            time_h, cost = float(graph.time_h[path].sum()), float(graph.cost_usd[path].sum())
            rows.append({
                "orig": orig,
                "dest": dest,
                "time_h": time_h,
                "distance_km": float(graph.distance_km[path].sum()),
                "cost_usd_teu": cost,
                "generalized_usd_teu": cost + graph.value_of_time * time_h,
                "main_corridor": _corridor_km(
                    net, graph.link_ids[graph.edge_link[links]], graph.distance_km[links]
                ),
                "crossings": ";".join(places[kinds == EDGE_CROSSING]),
                "transfers": ";".join(places[kinds == EDGE_TRANSFER]),
            })  # fmt: skip
    columns = ["orig", "dest", *_MEASURES, "main_corridor", "crossings", "transfers"]
    return pd.DataFrame(rows, columns=columns).set_index(["orig", "dest"])


def _status(before: pd.Series, after: pd.Series) -> pd.Series:
    """Classify each pair's change of the minimized weight."""
    tol = 1e-9 * np.maximum(before.abs().fillna(0), 1.0)
    out = pd.Series("unchanged", index=before.index, dtype=object)
    out[(after - before) < -tol] = "better"
    out[(after - before) > tol] = "worse"
    out[before.isna() & after.notna()] = "newly connected"
    out[before.notna() & after.isna()] = "disconnected"
    out[before.isna() & after.isna()] = "unreachable"
    return out


def _od_changes(
    before: pd.DataFrame, after: pd.DataFrame, pairs: pd.MultiIndex, weight: str
) -> pd.DataFrame:
    """Join the best routes of both networks pair by pair."""
    b, a = before.reindex(pairs), after.reindex(pairs)
    out = pd.DataFrame(index=pairs)
    for m in _MEASURES:
        out[f"{m}_before"], out[f"{m}_after"] = b[m], a[m]
        out[f"{m}_change"] = a[m] - b[m]
    for c in ("main_corridor", "crossings"):
        out[f"{c}_before"], out[f"{c}_after"] = b[c], a[c]
    column = WEIGHT_COLUMNS[weight]
    out["status"] = _status(out[f"{column}_before"], out[f"{column}_after"])
    return out.reset_index()


def _switches(od: pd.DataFrame) -> pd.DataFrame:
    """Pairs reachable in both networks whose crossings or main corridor changed."""
    both = od[
        od["generalized_usd_teu_before"].notna() & od["generalized_usd_teu_after"].notna()
    ].copy()
    both["switched_crossing"] = both["crossings_before"] != both["crossings_after"]
    both["switched_corridor"] = both["main_corridor_before"] != both["main_corridor_after"]
    return both[both["switched_crossing"] | both["switched_corridor"]].reset_index(drop=True)


def _hinterland_shifts(
    base: Network, scen: Network, parks: list[str], ports: list[str], weight: str
) -> pd.DataFrame:
    """Parks whose best port (among `ports`) changes."""
    from corridors.reach import hinterlands

    columns = ["place", "name", "best_port_before", "best_port_after"]
    if not parks or not ports:
        return pd.DataFrame(columns=[*columns, "best_value_before", "best_value_after"])
    frames = []
    for net in (base, scen):
        present = [p for p in parks if p in net.graph]
        there = [p for p in ports if p in net.graph]
        places = hinterlands(net, there, present, weight=weight).places
        frames.append(places[["name", "best_port", "best_value"]].reindex(parks))
    b, a = frames
    out = pd.DataFrame({
        "place": parks,
        "name": a["name"].fillna(b["name"]).to_numpy(),
        "best_port_before": b["best_port"].to_numpy(),
        "best_port_after": a["best_port"].to_numpy(),
        "best_value_before": b["best_value"].to_numpy(dtype=float),
        "best_value_after": a["best_value"].to_numpy(dtype=float),
    })  # fmt: skip
    same = out["best_port_before"].fillna("") == out["best_port_after"].fillna("")
    return out[~same].reset_index(drop=True)


def _accessibility(
    base: Network, scen: Network, parks: list[str], ports: list[str]
) -> pd.DataFrame:
    """Gravity accessibility of each park to sea ports (time, 0.05 per hour), both networks."""
    from corridors.reach import accessibility

    values = []
    for net in (base, scen):
        here = [p for p in parks if p in net.graph]
        there = [p for p in ports if p in net.graph]
        values.append(accessibility(net, here, there, weight="time").reindex(parks))
    out = pd.DataFrame(index=pd.Index(parks, name="place"))
    out["name"] = [scen.graph.nodes[p].get("name", p) for p in parks]
    out["accessibility_before"], out["accessibility_after"] = values
    out["change"] = out["accessibility_after"] - out["accessibility_before"]
    out["change_pct"] = (
        100.0 * out["change"] / out["accessibility_before"].where(out["accessibility_before"] > 0)
    )
    return out


def _critical_set(frame: pd.DataFrame, top: int) -> set[str]:
    """Elements whose failure disconnects a pair, or among the `top` by added weight."""
    cut = set(frame.index[frame["pairs_disconnected"] > 0])
    ranked = frame[frame["delta_total"] > 0].sort_values("delta_total", ascending=False)
    return cut | set(ranked.index[:top])


def _od_within(net: Network, od: tuple[list[str], list[str]] | pd.DataFrame) -> Any:
    """Return the OD pairs (tuple of lists, or table) restricted to places of `net`."""
    if isinstance(od, pd.DataFrame):
        return od[od["orig"].isin(list(net.graph)) & od["dest"].isin(list(net.graph))]
    return tuple([p for p in side if p in net.graph] for side in od)


def _criticality_changes(
    base: Network,
    scen: Network,
    od: tuple[list[str], list[str]] | pd.DataFrame,
    weight: str,
    top: int,
) -> pd.DataFrame:
    """Links and crossings that became or stopped being critical."""
    from corridors.resilience import criticality

    rows = []
    for elements, kind in (("links", "link"), ("crossings", "crossing")):
        frames = []
        for net in (base, scen):
            frames.append(
                criticality(
                    net, _od_within(net, od), weight=weight, elements=elements, detour=False
                )
            )
        b, a = frames
        sets = _critical_set(b, top), _critical_set(a, top)
        for change, ids in (("new", sets[1] - sets[0]), ("ended", sets[0] - sets[1])):
            for element in sorted(ids):
                rows.append({
                    "element": element,
                    "kind": kind,
                    "change": change,
                    "pairs_disconnected_before": b["pairs_disconnected"].get(element, np.nan),
                    "pairs_disconnected_after": a["pairs_disconnected"].get(element, np.nan),
                    "delta_total_before": b["delta_total"].get(element, np.nan),
                    "delta_total_after": a["delta_total"].get(element, np.nan),
                })  # fmt: skip
    columns = [
        "element",
        "kind",
        "change",
        "pairs_disconnected_before",
        "pairs_disconnected_after",
        "delta_total_before",
        "delta_total_after",
    ]
    return pd.DataFrame(rows, columns=columns)


def compare(
    base: Network,
    scenario_net: Network,
    od: tuple[str | Iterable[str], str | Iterable[str]] | pd.DataFrame | None = None,
    *,
    weight: str = "generalized",
    critical: bool = True,
    top_critical: int = 10,
) -> Comparison:
    """Compare a scenario network with its base: OD changes, switches, hinterlands, access.

    Parameters
    ----------
    base, scenario_net
        The two networks (e.g. a base and ``apply(base, scenario)``); neither changes.
    od
        ``(origins, destinations)``: kinds of place or lists of ids/names, all pairs
        compared; or an OD table (``orig``, ``dest``, optionally ``demand``) whose
        pairs are compared and whose demand weighs the criticality comparison.
        Default: every park to every port serving sea (of `scenario_net`; places the
        base lacks count as unreachable there).
    weight
        What routes minimize: ``time`` (h), ``distance`` (km), ``cost`` or
        ``generalized`` (USD/TEU, the default).
    critical
        Also compare link and crossing criticality
        (:func:`corridors.resilience.criticality` on the same OD pairs).
    top_critical
        An element is critical if its failure disconnects a pair or it is among
        the `top_critical` elements of its kind by added weight.

    Returns
    -------
    Comparison
        Tables and a one-screen :meth:`~Comparison.summary`.

    Raises
    ------
    DataError
        For an unknown weight.
    UnknownPlaceError
        If an OD place is unknown (with close matches).

    Examples
    --------
    >>> import corridors
    >>> from corridors import scenario
    >>> base = corridors.load_gtr()
    >>> closed = base.copy()
    >>> _ = closed.close_place("hunchun_kraskino")
    >>> od = (["hunchun_becz"], ["zarubino_port"])
    >>> c = scenario.compare(base, closed, od=od, critical=False)
    >>> c.od.loc[0, "status"]
    'worse'
    """
    check_weight(weight)
    if isinstance(od, pd.DataFrame):  # an OD table: exactly its pairs
        from corridors.resilience import od_pairs

        table_pairs = od_pairs(scenario_net, od)
        origins = list(dict.fromkeys(table_pairs["orig"]))
        dests = list(dict.fromkeys(table_pairs["dest"]))
        pairs = pd.MultiIndex.from_frame(table_pairs[["orig", "dest"]])
        critical_od: Any = table_pairs
    else:
        origins, dests = (
            _default_od(scenario_net) if od is None else (scenario_net.select(x) for x in od)
        )
        origins, dests = list(origins), list(dests)
        pairs = pd.MultiIndex.from_tuples(
            [(o, d) for o in origins for d in dests if o != d], names=["orig", "dest"]
        )
        critical_od = (origins, dests)
    table = _od_changes(
        _best_routes(base, origins, dests, weight),
        _best_routes(scenario_net, origins, dests, weight),
        pairs,
        weight,
    )
    parks = [p for p in origins if scenario_net.graph.nodes[p]["kind"] == "park"]
    ports = [p for p in dests if scenario_net.graph.nodes[p]["kind"] == "port"]
    return Comparison(
        base_name=base.name,
        scenario_name=scenario_net.name,
        weight=weight,
        od=table,
        switches=_switches(table),
        hinterland=_hinterland_shifts(base, scenario_net, parks, ports, weight),
        accessibility=_accessibility(base, scenario_net, parks, ports),
        critical=_criticality_changes(base, scenario_net, critical_od, weight, top_critical)
        if critical
        else None,
    )
