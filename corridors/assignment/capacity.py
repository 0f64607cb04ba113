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
  figure the rail capacity, a TEU, container or tonne figure the capacity of each
  remaining mode. Both directions of a mode share it (one queue);
- **ports and other transfer places**: all transfers there share one capacity (one queue).
"""

from __future__ import annotations

import dataclasses
import math
import os
import tomllib
from pathlib import Path
from typing import Any

import pandas as pd

from corridors._errors import DataError

__all__ = [
    "UNITS",
    "AssignmentParams",
    "link_capacities",
    "parse_capacity",
    "parse_capacity_unit",
    "place_capacities",
    "read_assignment_params",
    "teu_per_day",
]

#: Capacity units (canonical spelling) and the mode a figure in that unit belongs to.
UNITS: dict[str, str | None] = {
    "TEU/day": None,
    "TEU/year": None,
    "containers/day": None,
    "trucks/day": "road",
    "vehicles/day": "road",
    "vehicles/year": "road",
    "trains/day": "rail",
    "Mt/year": None,
}

_FOLDED = {u.lower(): u for u in UNITS} | {
    "teu/yr": "TEU/year",
    "veh/day": "vehicles/day",
    "veh/year": "vehicles/year",
    "mt/yr": "Mt/year",
    "truck/day": "trucks/day",
    "train/day": "trains/day",
}


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
    queue_period_h: float = 24.0
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
    if path is None:
        from corridors.datasets import gtr_data_dir

        path = gtr_data_dir() / "assignment.toml"
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: file not found; expected assignment parameters (TOML)")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise DataError(f"{path}: not valid TOML ({error})") from None
    values: dict[str, Any] = {}
    conversions = data.get("conversions", {})
    for field in ("teu_per_truck", "teu_per_train", "teu_per_container", "truck_share"):
        if field in conversions:
            values[field] = _positive(conversions[field], path, f"conversions.{field}")
    for field in ("tonnes_per_teu", "days_per_year"):
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


def _positive(value: object, path: Path, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise DataError(f"{path}: {key} = {value!r}; expected a number > 0")
    return float(value)


def parse_capacity_unit(raw: str) -> str:
    """Return a capacity unit in its canonical spelling (see :data:`UNITS`).

    Parameters
    ----------
    raw
        E.g. ``"trucks/day"``, ``"TEU/yr"``, ``"Mt/year"``.

    Returns
    -------
    str
        The canonical unit.

    Raises
    ------
    ValueError
        Naming the units allowed.
    """
    unit = _FOLDED.get(raw.strip().lower())
    if unit is None:
        raise ValueError(f"expected one of {', '.join(UNITS)}")
    return unit


def parse_capacity(raw: str) -> str:
    """Return a ``;``-separated list of positive capacities in canonical text.

    Parameters
    ----------
    raw
        E.g. ``"840; 70"`` or ``"630"``.

    Returns
    -------
    str
        The figures joined by ``"; "``.

    Raises
    ------
    ValueError
        If a figure is not a positive number.
    """
    figures = [p.strip() for p in str(raw).split(";") if p.strip()]
    values = []
    for figure in figures:
        try:
            value = float(figure)
        except ValueError:
            raise ValueError("expected positive numbers separated by ';'") from None
        if not (value > 0 and math.isfinite(value)):
            raise ValueError("expected positive numbers separated by ';'")
        values.append(f"{value:g}")
    return "; ".join(values)


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

    Examples
    --------
    >>> teu_per_day(30, "trucks/day", AssignmentParams(teu_per_truck=1.5))
    45.0
    >>> round(teu_per_day(3, "Mt/year", AssignmentParams(tonnes_per_teu=12)), 1)
    684.9
    """
    unit = parse_capacity_unit(unit)
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
        values = [float(v) for v in parse_capacity(str(raw_value)).split(";")]
    except ValueError as error:
        raise DataError(f"{where}: capacity = {raw_value!r}; {error}") from None
    units = [] if _blank(raw_unit) else [u.strip() for u in str(raw_unit).split(";")]
    if len(units) != len(values):
        raise DataError(
            f"{where}: capacity has {len(values)} figure(s) but capacity_unit {raw_unit!r} has "
            f"{len(units)}; give one unit per figure, separated by ';'"
        )
    try:
        return [(v, parse_capacity_unit(u)) for v, u in zip(values, units, strict=True)]
    except ValueError as error:
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
        out[link] = sum(teu_per_day(v, u, params) for v, u in figures)
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
            total = sum(teu_per_day(v, u, params) for v, u in figures)
            text = "; ".join(f"{v:g} {u}" for v, u in figures)
            rows.append(
                {"place": place, "mode": "transfer", "capacity_teu_day": total, "figure": text}
            )
            continue
        modes = [m for m in str(places.at[place, "modes"]).split(";") if m in ("rail", "road")]
        given = {}
        for v, u in figures:
            mode = UNITS[u]
            if mode is not None and mode not in modes:
                raise DataError(
                    f"{where}: capacity {v:g} {u} is for {mode}, which the crossing does not "
                    f"serve (modes {';'.join(modes)}); fix the unit or the modes"
                )
            for m in [mode] if mode else [m for m in modes if m not in given]:
                given[m] = (v, u)
        for mode, (v, u) in given.items():
            rows.append(
                {
                    "place": place,
                    "mode": mode,
                    "capacity_teu_day": teu_per_day(v, u, params),
                    "figure": f"{v:g} {u}",
                }
            )
    return pd.DataFrame(rows, columns=["place", "mode", "capacity_teu_day", "figure"])
