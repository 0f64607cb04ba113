"""Reading scenario files: TOML parsing, checks with file and line, :func:`load`.

The format is described in :mod:`corridors.scenario`. :func:`load` reads a file,
checks its top-level keys and each ``[[step]]``'s action and keys, resolves the
base network, and dry-runs the steps (:func:`corridors.scenario.steps.apply`) so
that every problem is reported at once.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from corridors import _validate as v
from corridors._errors import DataError
from corridors.costs import SEASONS
from corridors.network import Network
from corridors.scenario.steps import _REQUIRED, ACTIONS, Step, apply

__all__ = ["Scenario", "load"]

_TOP_KEYS = ("name", "description", "base", "season", "step")


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
    season
        The season the scenario is about (``season = "winter"``): its seasonal links
        are used by :func:`compare` when run from the file; ``None``: all-year links only.
    """

    name: str
    description: str
    base: str
    steps: tuple[Step, ...]
    path: Path | None = None
    season: str | None = None
    _dry_run: list[tuple[Network, int, Network]] = dataclasses.field(
        default_factory=list, compare=False, repr=False
    )

    def _keep_applied(self, base: Network, applied: Network) -> None:
        """Keep the dry run of :func:`load` so that the first apply on `base` reuses it."""
        self._dry_run[:] = [(base, base.revision, applied)]

    def _take_applied(self, base: Network) -> Network | None:
        """Return (once) the dry run's result if it was made on `base`, unedited since."""
        if self._dry_run and self._dry_run[0][0] is base and base.revision == self._dry_run[0][1]:
            return self._dry_run.pop()[2]
        self._dry_run.clear()
        return None

    def base_network(self) -> Network:
        """Load the scenario's base network.

        Returns
        -------
        Network
            A new network (the built-in one, or read from :attr:`base`); the first
            call after :func:`load` returns the network the steps were checked on.
        """
        if self._dry_run:
            return self._dry_run[0][0]
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
    text, data = v.read_toml(
        path,
        expected="a scenario .toml file",
        save_as="the scenario",
        nested="values nested too deeply; expected [[step]] tables",
    )
    top_lines, step_lines = _lines(text)
    problems = v.Problems("")
    _check_top(data, source, top_lines, problems)
    steps = _read_steps(data, source, step_lines, problems)
    base = _base(data.get("base", "gtr"), path, top_lines, problems)
    season = data.get("season")
    if season is not None and season not in SEASONS:
        hint = v.close_matches(str(season), SEASONS, n=1)
        extra = f"; did you mean {hint[0]}?" if hint else ""
        problems.add(
            _where_top(source, top_lines, "season"),
            f"season = {season!r} is not one of {', '.join(SEASONS)}{extra}",
        )
        season = None
    scenario = Scenario(
        name=str(data.get("name", path.stem)),
        description=str(data.get("description", "")).strip(),
        base=base,
        steps=tuple(steps),
        path=path,
        season=season,
    )
    base_ok = not any('(key "base")' in m for m in problems.messages)
    if net is not None or base_ok:
        base_net = net if net is not None else scenario.base_network()
        try:  # dry run of the well-formed steps, so that every problem is reported at once
            applied = apply(base_net, scenario)
        except DataError as error:
            problems.messages.extend(error.problems)
        else:
            scenario._keep_applied(base_net, applied)
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
