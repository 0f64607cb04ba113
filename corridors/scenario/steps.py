"""Scenario steps: what each ``[[step]]`` action does to a network, and :func:`apply`.

:data:`ACTIONS` lists the keys each action accepts; a :class:`Step` is one
``[[step]]`` of a file (with its lines, for messages). :func:`apply` runs a
scenario's steps in order on a copy of the base network, and reports every step
that cannot be applied at once.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from corridors import _validate as v
from corridors._errors import DataError
from corridors.costs import MODES
from corridors.io import LINK_COLUMNS, PLACE_COLUMNS, params_from_dict
from corridors.network import Network, _parse_values

if TYPE_CHECKING:
    from corridors.scenario.files import Scenario

__all__ = ["ACTIONS", "Step", "apply"]

_LINK_EXCLUDED = {"via", "defaults", "length_basis", "closed"}
_PLACE_PARAMS = {
    "dwell_road_h": "hours",
    "dwell_rail_h": "hours",
    "gauge_change_h": "hours",
    "gauge_change_fee_usd": "USD per TEU",
    "fee_usd": "USD per TEU",
    "handling_h": "hours",
    "transshipment_h": "hours",
    "transshipment_fee_usd": "USD per TEU",
}
_BORDER_KEYS = (
    "dwell_road_h",
    "dwell_rail_h",
    "gauge_change_h",
    "fee_usd",
    "gauge_change_fee_usd",
)
_PORT_KEYS = ("handling_h", "fee_usd", "transshipment_h", "transshipment_fee_usd")

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
        "season",
        "sailings_per_week",
        "sea_service",
    ),
    "upgrade_place": ("place", "add_modes", "status", "regime", "notes"),
    "remove_link": ("link",),
    "close": ("link", "place", "crossing", "between", "mode"),
    "open": ("link", "place", "crossing", "between", "mode"),
    "set_param": ("param", "value", "factor", "place"),
    "include_planned": ("links",),
    "set_capacity": ("place", "link", "capacity", "capacity_unit", "factor"),
}
_REQUIRED = {
    "upgrade_link": ("link",),
    "upgrade_place": ("place",),
    "remove_link": ("link",),
    "set_param": ("param",),
    "include_planned": ("links",),
}


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

    Notes
    -----
    Runs in time linear in the number of steps: parameter changes are collected and
    the links refilled from the final parameters once. When :func:`load` has already
    dry-run the steps on this same, unedited `net`, that result is returned (once).

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
    done = scenario._take_applied(net)
    if done is not None:  # load() dry-ran the steps on this very network
        return done
    out = net.copy()
    out.graph.graph["name"] = f"{net.name} + {scenario.name}"
    problems = v.Problems("")
    for step in scenario.steps:
        try:
            if step.action != "set_param" or "place" in step.values:
                _flush_params(out, step.where)  # this step may read the parameters
            _RUNNERS[step.action](out, step, problems)
        except DataError as error:
            problems.messages.extend(error.problems)
    try:
        _flush_params(out, scenario.steps[-1].where if scenario.steps else "")
    except DataError as error:
        problems.messages.extend(error.problems)
    problems.raise_if_any()
    if out.params is not net.params:  # set_param steps changed the parameters
        out.set_params(out.params)
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
    try:
        v.check_bounds(new, unit)
    except v.FieldError as error:
        found = f"{key} = {number!r}" + (f" (gives {new:g})" if key == "factor" else "")
        problems.add(step.at(key), f"{found}; {error} ({unit})")
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
    if data["kind"] == "port" and "sea" in data["modes"].split(";"):
        from corridors.engine.freight import port_call

        return float(getattr(port_call(place, data, net.params), param, math.nan))
    transfer = net.params.transfer.get(data["kind"])
    return None if transfer is None else float(getattr(transfer, param, math.nan))


def _place_param_problem(net: Network, place: str, param: str) -> str | None:
    """Say why `param` cannot be set at `place` (None if it can)."""
    data = net.graph.nodes[place]
    border = data["kind"] == "border"
    if param in ("dwell_road_h", "dwell_rail_h", "gauge_change_h", "gauge_change_fee_usd") and (
        not border
    ):
        return f"{param} is a border attribute but {place!r} is a {data['kind']}"
    if param.startswith("transshipment") and not (
        data["kind"] == "port" and "sea" in data["modes"].split(";")
    ):
        return f"{param} applies to sea ports; {place!r} is a {data['kind']}"
    if param == "handling_h" and border:
        return f"handling_h applies to transfer places; {place!r} is a crossing (use dwell_*_h)"
    mode = {
        "dwell_road_h": "road",
        "dwell_rail_h": "rail",
        "gauge_change_h": "rail",
        "gauge_change_fee_usd": "rail",
    }.get(param)
    if mode and mode not in data["modes"].split(";"):
        return f"{param} has no effect: crossing {place!r} serves only {data['modes']!r}"
    if param.startswith("gauge_change") and not data.get("gauge_break"):
        return f"{param} has no effect: crossing {place!r} has gauge_break = false"
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
        "border": set(_BORDER_KEYS),
        "roro": {"handling_h", "fee_usd"},
    }
    if len(path) == 2 and path[0] in known and path[1] in known[path[0]] and path[0] in params:
        return params[path[0]], path[1]
    ports = params.get("port", {})
    if len(path) == 3 and path[0] == "port" and path[1] in ports and path[2] in _PORT_KEYS:
        return ports[path[1]], path[2]
    transfer = params["transfer"]
    if len(path) == 3 and path[0] == "transfer" and path[1] in transfer:
        return (transfer[path[1]], path[2]) if path[2] in ("handling_h", "fee_usd") else None
    if len(path) >= 3 and path[0] == "modes" and path[1] in params["modes"]:
        table = params["modes"][path[1]]
        if len(path) == 3 and path[2] in ("speed_kph", "cost_usd_teu_km", "detour_factor"):
            return table, path[2]
        by_country = ("speed_kph_by_country", "detour_factor_by_country")
        if len(path) == 4 and path[2] in by_country and path[3] in v.ISO_COUNTRIES:
            return table[path[2]], path[3]
    return None


def _param_paths(params: dict[str, Any]) -> list[str]:
    """Return every settable ``params.toml`` path (for suggestions)."""
    paths = ["value_of_time.usd_per_teu_h"]
    paths += [f"border.{k}" for k in _BORDER_KEYS]
    paths += [f"port.{k}.{f}" for k in params.get("port", {}) for f in _PORT_KEYS]
    paths += [f"roro.{f}" for f in ("handling_h", "fee_usd")] if "roro" in params else []
    paths += [f"transfer.{k}.{f}" for k in params["transfer"] for f in ("handling_h", "fee_usd")]
    for mode, table in params["modes"].items():
        paths += [f"modes.{mode}.{k}" for k in ("speed_kph", "cost_usd_teu_km", "detour_factor")]
        paths += [f"modes.{mode}.speed_kph_by_country.{c}" for c in table["speed_kph_by_country"]]
        paths += [
            f"modes.{mode}.detour_factor_by_country.{c}" for c in table["detour_factor_by_country"]
        ]
    return paths


def _set_network_param(net: Network, step: Step, param: str, problems: v.Problems) -> None:
    """Set a network-wide parameter given by its ``params.toml`` path.

    Consecutive parameter steps edit one draft of ``params.toml``, which :func:`apply`
    parses once (:func:`_flush_params`), so that many steps take linear time.
    """
    params = getattr(net, _DRAFT, None) or net.params.to_dict()
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
    positive = key in ("speed_kph", "detour_factor") or path[-2].endswith("_by_country")
    unit = {
        "speed_kph": "km/h",
        "cost_usd_teu_km": "USD per TEU-km",
        "usd_per_teu_h": "USD per TEU-hour",
    }
    current = table.get(
        key, params["modes"][path[1]][path[2][: -len("_by_country")]] if len(path) == 4 else 0.0
    )
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
    if len(path) == 3 and key in ("speed_kph", "detour_factor"):  # the mode's value everywhere
        by_country = table[f"{key}_by_country"]
        scale = new / float(current)
        for country in by_country:
            by_country[country] = new if "value" in step.values else by_country[country] * scale
    setattr(net, _DRAFT, params)  # parsed by _flush_params; links refilled at the end


#: Attribute of the network being edited that holds the draft parameters.
_DRAFT = "_scenario_params_draft"


def _flush_params(net: Network, where: str) -> None:
    """Parse the draft parameters of consecutive set_param steps into ``net.params``."""
    draft = net.__dict__.pop(_DRAFT, None)
    if draft is not None:
        net.params = params_from_dict(draft, where)


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


def _set_capacity(net: Network, step: Step, problems: v.Problems) -> None:
    """Run a ``set_capacity`` step: a new capacity, or the current one times `factor`."""
    given = [k for k in ("place", "link") if k in step.values]
    new = "capacity" in step.values
    if len(given) != 1 or new == ("factor" in step.values):
        problems.add(step.where, "expected one of place or link, and capacity or factor")
        return
    key, name = given[0], step.values[given[0]]
    if not isinstance(name, str):
        problems.add(step.at(key), f"{key} = {name!r}; expected an id or name")
        return
    if new:
        changes = {k: step.values[k] for k in ("capacity", "capacity_unit") if k in step.values}
        changes = {k: str(x) if k == "capacity" else x for k, x in changes.items()}
    else:
        factor = step.values["factor"]
        if isinstance(factor, bool) or not isinstance(factor, int | float) or not factor > 0:
            problems.add(step.at("factor"), f"factor = {factor!r}; expected a number > 0")
            return
        data = _capacity_of(net, key, name, step, problems)
        if data is None:
            return
        figures = [float(x) * factor for x in str(data).split(";")]
        changes = {"capacity": "; ".join(f"{x:g}" for x in figures)}
    if key == "link":
        net.update_link(name, changes, where=step.where)
        return
    place = _resolve(net, step, key, name, problems)
    if place is not None:
        net.update_place(place, changes, where=step.where)


def _capacity_of(
    net: Network, key: str, name: str, step: Step, problems: v.Problems
) -> object | None:
    """Return the current capacity of a place or link (reported if it has none)."""
    if key == "place":
        place = _resolve(net, step, key, name, problems)
        value = None if place is None else net.graph.nodes[place].get("capacity")
    else:
        value = net.links["capacity"].get(name) if name in net.links.index else None
        if name not in net.links.index:
            problems.add(step.at(key), f"link = {name!r} is not a link id")
            return None
    if value is None or (isinstance(value, float) and math.isnan(value)):
        problems.add(step.at(key), f"{name!r} has no capacity to scale; give capacity instead")
        return None
    return value


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
    "set_capacity": _set_capacity,
}
