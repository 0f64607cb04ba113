"""Capacities of links, crossings and ports, in TEU per day, and the congestion parameters.

Capacities come in the units their sources use; the model works in **TEU per
day** (flows are TEU/day too). Conversions, with the factors of
``data/gtr/assignment.toml`` (each with its source or assumption):

=================  =====================================================
unit               TEU per day
=================  =====================================================
``TEU/day``        as is
``TEU/year``       ÷ days_per_year
``containers/day`` × teu_per_container
``trucks/day``     × teu_per_truck
``vehicles/day``   × truck_share × teu_per_truck
``vehicles/year``  × truck_share × teu_per_truck ÷ days_per_year
``trains/day``     × teu_per_train
``Mt/year``        × 10⁶ ÷ tonnes_per_teu ÷ days_per_year
=================  =====================================================

Where a capacity applies:

- **links** (``capacity``, ``capacity_unit`` of ``links.csv``): each direction of
  the link, with the BPR function of its mode;
- **crossings** (``capacity``, ``capacity_unit`` of ``places.csv``; several figures
  separated by ``;``): a truck or vehicle figure is the road capacity, a train
  figure the rail capacity; a TEU, container or tonne figure is the rail capacity
  of a crossing with rail (such figures are transfer-yard and line capacities),
  else its road capacity. Both directions of a mode share it (one queue);
- **ports and other transfer places**: all transfers there share one capacity (one
  queue); trips that start or end at the place do not transfer there and pass free.
"""

from __future__ import annotations

import dataclasses
import math
import os
from pathlib import Path
from typing import Any

import pandas as pd

from corridors import _validate as v
from corridors._errors import DataError
from corridors.schema import CAPACITY_UNITS, parse_capacities, parse_capacity_unit

__all__ = [
    "UNITS",
    "AssignmentParams",
    "link_capacities",
    "place_capacities",
    "read_assignment_params",
    "teu_per_day",
]

#: Capacity units (canonical spelling) and the mode a figure in that unit belongs to.
UNITS = CAPACITY_UNITS


@dataclasses.dataclass(frozen=True)
class AssignmentParams:
    """Conversion factors and congestion parameters (``data/gtr/assignment.toml``).

    Parameters
    ----------
    teu_per_truck, teu_per_train, teu_per_container
        TEU carried per truck, per train, per container.
    truck_share
        Share of trucks among vehicles counted at a crossing.
    tonnes_per_teu
        Tonnes of cargo per loaded TEU.
    days_per_year
        Days of operation per year (annual figures ÷ this = per day).
    bpr
        Mode → ``(alpha, beta)`` of the BPR function on capacitated links.
    queue_period_h
        Length T of the flow period of the queue function (hours).
    queue_j
        Delay parameter J of the queue function (dimensionless).
    """

    teu_per_truck: float = 1.5
    teu_per_train: float = 100.0
    teu_per_container: float = 1.6
    truck_share: float = 0.6
    tonnes_per_teu: float = 12.0
    days_per_year: float = 365.0
    bpr: dict[str, tuple[float, float]] = dataclasses.field(
        default_factory=lambda: {"road": (0.15, 4.0), "rail": (0.5, 4.0)}
    )
    queue_period_h: float = 168.0
    queue_j: float = 1.0


def read_assignment_params(path: str | os.PathLike[str] | None = None) -> AssignmentParams:
    """Read conversion factors and congestion parameters from a TOML file.

    Parameters
    ----------
    path
        The file; ``None`` reads ``assignment.toml`` of the built-in data.

    Returns
    -------
    AssignmentParams
        Missing keys keep their defaults.

    Raises
    ------
    DataError
        Naming the file and key of a value that is not a positive number.
    """
    path, data = _read_toml(path, "assignment.toml", "assignment parameters")
    values: dict[str, Any] = {}
    conversions = data.get("conversions", {})
    for field in (
        "teu_per_truck",
        "teu_per_train",
        "teu_per_container",
        "truck_share",
        "tonnes_per_teu",
        "days_per_year",
    ):
        if field in conversions:
            values[field] = _positive(conversions[field], path, f"conversions.{field}")
    bpr = {}
    for mode, table in data.get("bpr", {}).items():
        if isinstance(table, dict):
            bpr[mode] = (
                _positive(table.get("alpha"), path, f"bpr.{mode}.alpha"),
                _positive(table.get("beta"), path, f"bpr.{mode}.beta"),
            )
    if bpr:
        values["bpr"] = bpr
    queue = data.get("queue", {})
    if "period_h" in queue:
        values["queue_period_h"] = _positive(queue["period_h"], path, "queue.period_h")
    if "j" in queue:
        values["queue_j"] = _positive(queue["j"], path, "queue.j")
    return AssignmentParams(**values)


def _read_toml(
    path: str | os.PathLike[str] | None, default: str, what: str
) -> tuple[Path, dict[str, Any]]:
    """Read a parameters TOML file (`default` in the GTR data folder when `path` is None).

    Returns the path and the parsed tables; a missing file or bad TOML raises
    :class:`DataError` naming the file and what it should hold (`what`).
    """
    if path is None:
        from corridors.datasets import gtr_data_dir

        path = gtr_data_dir() / default
    path = Path(path)
    _, data = v.read_toml(
        path,
        expected=f"{what} (TOML)",
        save_as=path.name,
        nested=f"tables nested too deeply for {what}",
    )
    return path, data


def _positive(value: object, path: Path, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise DataError(f"{path}: {key} = {value!r}; expected a number > 0")
    return float(value)


def teu_per_day(value: float, unit: str, params: AssignmentParams) -> float:
    """Convert a capacity to TEU per day.

    Parameters
    ----------
    value
        The figure.
    unit
        One of :data:`UNITS` (any accepted spelling).
    params
        Conversion factors.

    Returns
    -------
    float
        TEU per day.

    Raises
    ------
    DataError
        For an unknown unit.

    Examples
    --------
    >>> teu_per_day(30, "trucks/day", AssignmentParams(teu_per_truck=1.5))
    45.0
    >>> round(teu_per_day(3, "Mt/year", AssignmentParams(tonnes_per_teu=12)), 1)
    684.9
    """
    try:
        unit = parse_capacity_unit(unit)
    except v.FieldError as error:
        raise DataError(f"capacity unit {unit!r}: {error}") from None
    p = params
    factor = {
        "TEU/day": 1.0,
        "TEU/year": 1.0 / p.days_per_year,
        "containers/day": p.teu_per_container,
        "trucks/day": p.teu_per_truck,
        "vehicles/day": p.truck_share * p.teu_per_truck,
        "vehicles/year": p.truck_share * p.teu_per_truck / p.days_per_year,
        "trains/day": p.teu_per_train,
        "Mt/year": 1e6 / p.tonnes_per_teu / p.days_per_year,
    }[unit]
    return float(value) * factor


def _figures(raw_value: object, raw_unit: object, where: str) -> list[tuple[float, str]]:
    """Return the (value, unit) figures of one row's capacity cells."""
    if _blank(raw_value):
        return []
    try:
        values = [float(x) for x in parse_capacities(str(raw_value)).split(";")]
    except v.FieldError as error:
        raise DataError(f"{where}: capacity = {raw_value!r}; {error}") from None
    units = [] if _blank(raw_unit) else [u.strip() for u in str(raw_unit).split(";")]
    if len(units) != len(values):
        raise DataError(
            f"{where}: capacity has {len(values)} figure(s) but capacity_unit {raw_unit!r} has "
            f"{len(units)}; give one unit per figure, separated by ';'"
        )
    try:
        return [(x, parse_capacity_unit(u)) for x, u in zip(values, units, strict=True)]
    except v.FieldError as error:
        raise DataError(f"{where}: capacity_unit = {raw_unit!r}; {error}") from None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) == ""


def link_capacities(links: pd.DataFrame, params: AssignmentParams) -> pd.Series:
    """Return each link's capacity per direction in TEU/day (NaN where none is given).

    Parameters
    ----------
    links
        ``net.links`` (columns ``capacity``, ``capacity_unit`` if any capacity is known).
    params
        Conversion factors.

    Returns
    -------
    pandas.Series
        Indexed by link id.

    Raises
    ------
    DataError
        Naming the link of a capacity without a valid unit.
    """
    out = pd.Series(float("nan"), index=links.index, name="capacity_teu_day")
    if "capacity" not in links:
        return out
    units = links["capacity_unit"] if "capacity_unit" in links else pd.Series(None, links.index)
    for link, value in links["capacity"].dropna().items():
        figures = _figures(value, units.get(link), f"link {link!r}")
        out[link] = sum(teu_per_day(x, u, params) for x, u in figures)
    return out


def place_capacities(places: pd.DataFrame, params: AssignmentParams) -> pd.DataFrame:
    """Return the capacities of crossings (per mode) and transfer places, in TEU/day.

    Parameters
    ----------
    places
        ``net.places`` (columns ``kind``, ``modes``, ``capacity``, ``capacity_unit``).
    params
        Conversion factors.

    Returns
    -------
    pandas.DataFrame
        One row per (place, mode) for crossings and per place (mode ``"transfer"``)
        elsewhere: ``place``, ``mode``, ``capacity_teu_day``, ``figure`` (as given,
        e.g. ``"30 trucks/day"``).

    Raises
    ------
    DataError
        Naming the place of a capacity without a valid unit, or of a figure for a
        mode the crossing does not serve.
    """
    rows: list[dict[str, object]] = []
    if "capacity" not in places:
        return pd.DataFrame(rows, columns=["place", "mode", "capacity_teu_day", "figure"])
    units = places["capacity_unit"] if "capacity_unit" in places else pd.Series(None, places.index)
    for place, value in places["capacity"].dropna().items():
        where = f"place {place!r}"
        figures = _figures(value, units.get(place), where)
        if places.at[place, "kind"] != "border":
            total = sum(teu_per_day(x, u, params) for x, u in figures)
            text = "; ".join(f"{x:g} {u}" for x, u in figures)
            rows.append(
                {"place": place, "mode": "transfer", "capacity_teu_day": total, "figure": text}
            )
            continue
        modes = [m for m in str(places.at[place, "modes"]).split(";") if m in ("rail", "road")]
        given = {}
        for x, u in figures:
            mode = UNITS[u] or ("rail" if "rail" in modes else "road")
            if mode not in modes:
                raise DataError(
                    f"{where}: capacity {x:g} {u} is for {mode}, which the crossing does not "
                    f"serve (modes {';'.join(modes)}); fix the unit or the modes"
                )
            if mode in given:
                raise DataError(
                    f"{where}: two capacities for {mode} ({given[mode][0]:g} {given[mode][1]} "
                    f"and {x:g} {u}); keep one"
                )
            given[mode] = (x, u)
        for mode, (x, u) in given.items():
            rows.append(
                {
                    "place": place,
                    "mode": mode,
                    "capacity_teu_day": teu_per_day(x, u, params),
                    "figure": f"{x:g} {u}",
                }
            )
    return pd.DataFrame(rows, columns=["place", "mode", "capacity_teu_day", "figure"])
