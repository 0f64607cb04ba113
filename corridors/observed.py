"""Model against observed trips: how well the network reproduces the real world.

``data/gtr/observed.csv`` lists published trips (a line length, a timetable, a trial
run, a border statistic, a published cost), each with its source. :func:`compare_observed`
routes every trip on a network and sets the model's distance (km), time (h) and cost
(USD/TEU) next to the observed ones, with the relative error and the factor between them.
:func:`fit_summary` condenses the table into the numbers the tests hold.

Like is compared with like. A trip's ``scope`` says what its source measured:

- ``door-to-door`` (the default): from the origin to the destination, so the model's
  whole route counts - port calls, the expected wait for each sailing, transfers and
  borders;
- ``port-to-port``: a ship's or ferry's sailing, from leaving the origin quay to arriving
  at the destination quay (a timetable, a liner schedule, a voyage's departure and
  arrival). The model's figures are then those of its route from the first sea link to
  the last: the first link counts its sailing time only (the wait for the departure and,
  on a ro-ro link, rolling on and off are left out); anything after it counts in full
  (a transshipment, the wait for a connecting sailing).

A trip's ``via`` names places the observed route passed (e.g. the ferry ports of a
trial): the model routes from stop to stop and joins the legs, so the route follows the
observed one where a faster or cheaper one exists today. A mode change at a via place is
not charged as a transfer (each stop-to-stop route starts afresh there).

The columns of ``observed.csv`` are documented in ``data/gtr/README.md``.
"""

from __future__ import annotations

import csv
import itertools
import math
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from corridors._errors import CorridorsError, DataError, UnknownPlaceError
from corridors.datasets import gtr_data_dir
from corridors.network import Network
from corridors.routing import Route, route

__all__ = [
    "COMPARED",
    "FIT_COLUMNS",
    "OBSERVED_COLUMNS",
    "SCOPES",
    "compare_observed",
    "fit_summary",
    "observed_path",
    "read_observed",
]

OBSERVED_COLUMNS: tuple[str, ...] = (
    "id",
    "orig",
    "dest",
    "modes",
    "weight",
    "avoid",
    "via",
    "include_suspended",
    "year",
    "distance_km",
    "time_h",
    "cost_usd_teu",
    "scope",
    "what",
    "used_in_data",
    "source",
    "confidence",
    "notes",
)
"""Columns of ``observed.csv``, in order (``via`` and ``scope`` may be left out: blank)."""

SCOPES: tuple[str, ...] = ("door-to-door", "port-to-port")
"""What a trip's source measured (``scope`` column; blank = door-to-door)."""

_OPTIONAL = frozenset({"via", "scope"})

COMPARED: dict[str, str] = {"distance": "distance_km", "time": "time_h", "cost": "cost_usd_teu"}
"""Quantity compared → its column (units: km, hours, USD per TEU)."""

FIT_COLUMNS: tuple[str, ...] = (
    "orig",
    "dest",
    "modes",
    "scope",
    "obs_distance_km",
    "model_distance_km",
    "err_distance",
    "obs_time_h",
    "model_time_h",
    "err_time",
    "obs_cost_usd_teu",
    "model_cost_usd_teu",
    "err_cost",
)
"""The columns of :func:`compare_observed` that show a trip's fit (CLI and report)."""

_MODES = frozenset({"rail", "road", "sea", "air"})
_WEIGHTS = frozenset({"time", "distance", "cost", "generalized"})
_CONFIDENCE = frozenset({"S", "S*", "GK", "GK-low"})
_BOOL = {"true": True, "false": False, "": False}
OUTLIER_TAG = "outlier:"


def observed_path() -> Path:
    """Return the path of the built-in ``observed.csv`` (next to the GTR tables).

    Returns
    -------
    pathlib.Path
    """
    return gtr_data_dir() / "observed.csv"


def _number(raw: str, field: str, where: str, problems: list[str]) -> float:
    if raw.strip() == "":
        return math.nan
    try:
        value = float(raw)
    except ValueError:
        problems.append(
            f"{where}: {field} = {raw!r} is not a number; expected a value > 0 or blank"
        )
        return math.nan
    if not value > 0 or not math.isfinite(value):
        problems.append(f"{where}: {field} = {raw!r}; expected a value > 0 or blank")
        return math.nan
    return value


def _row(raw: dict[str, str], where: str, problems: list[str]) -> dict[str, object]:
    """Parse one row of observed.csv, appending problems instead of raising."""
    row: dict[str, object] = {c: (raw.get(c) or "").strip() for c in OBSERVED_COLUMNS}
    for field in ("id", "orig", "dest", "source"):
        if not row[field]:
            problems.append(f"{where}: {field} is blank; every trip needs it")
    modes = [m for m in str(row["modes"]).split(";") if m]
    bad = sorted(set(modes) - _MODES)
    if not modes or bad:
        problems.append(
            f"{where}: modes = {row['modes']!r}; "
            "expected a ';'-separated subset of rail;road;sea;air"
        )
    row["modes"] = ";".join(modes)
    for field in ("avoid", "via"):
        row[field] = ";".join(a.strip() for a in str(row[field]).split(";") if a.strip())
    row["scope"] = str(row["scope"]).lower() or SCOPES[0]
    if row["scope"] not in SCOPES:
        problems.append(f"{where}: scope = {row['scope']!r}; expected {' or '.join(SCOPES)}")
    elif row["scope"] == "port-to-port" and "sea" not in modes:
        problems.append(
            f"{where}: scope = port-to-port but modes = {row['modes']!r}; "
            "a port-to-port trip needs sea in modes"
        )
    if row["weight"] not in _WEIGHTS:
        problems.append(
            f"{where}: weight = {row['weight']!r}; expected one of {', '.join(sorted(_WEIGHTS))}"
        )
    for field in ("include_suspended", "used_in_data"):
        text = str(row[field]).lower()
        if text not in _BOOL:
            problems.append(f"{where}: {field} = {row[field]!r}; expected true or false")
        row[field] = _BOOL.get(text, False)
    if row["confidence"] not in _CONFIDENCE:
        problems.append(
            f"{where}: confidence = {row['confidence']!r}; expected S, S*, GK or GK-low"
        )
    year = str(row["year"])
    if not (year.isdigit() and 1900 <= int(year) <= 2100):
        problems.append(f"{where}: year = {year!r}; expected a year such as 2019")
    row["year"] = int(year) if year.isdigit() else 0
    for column in COMPARED.values():
        row[column] = _number(str(row[column]), column, where, problems)
    if all(math.isnan(row[c]) for c in COMPARED.values()):  # type: ignore[arg-type]
        problems.append(
            f"{where}: distance_km, time_h and cost_usd_teu are all blank; give at least one"
        )
    return row


def read_observed(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Read and check a table of observed trips.

    Parameters
    ----------
    path
        A CSV with the columns of :data:`OBSERVED_COLUMNS`; default the built-in
        ``data/gtr/observed.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per trip, indexed by ``id``; ``distance_km`` (km), ``time_h`` (h) and
        ``cost_usd_teu`` (USD/TEU) are floats (NaN where not observed);
        ``include_suspended`` and ``used_in_data`` are booleans; ``scope`` is one of
        :data:`SCOPES`.

    Raises
    ------
    DataError
        Naming file, line and field of every problem (missing column, bad mode,
        weight, number, duplicate id).
    """
    file = Path(path) if path is not None else observed_path()
    try:
        with open(file, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            raws = list(reader)
    except OSError as exc:
        raise DataError(f"{file}: cannot read the observed trips ({exc.strerror})") from exc
    missing = [c for c in OBSERVED_COLUMNS if c not in header and c not in _OPTIONAL]
    if missing:
        raise DataError(
            f"{file}: missing column(s) {', '.join(missing)}; "
            f"expected {', '.join(OBSERVED_COLUMNS)}"
        )
    problems: list[str] = []
    rows, seen = [], set()
    for line, raw in enumerate(raws, start=2):
        where = f"{file}, line {line} (trip {raw.get('id', '')!r})"
        row = _row(raw, where, problems)
        if row["id"] in seen:
            problems.append(f"{where}: id {row['id']!r} is used twice; ids must be unique")
        seen.add(row["id"])
        rows.append(row)
    if problems:
        raise DataError(problems)
    return pd.DataFrame(rows, columns=list(OBSERVED_COLUMNS)).set_index("id")


def _split(cell: object) -> list[str]:
    """Return the items of a ``;``-separated cell."""
    return [item for item in str(cell).split(";") if item]


def _error(model: float, observed: float) -> tuple[float, float]:
    """Return (relative error model/observed - 1, factor >= 1 between them)."""
    if math.isnan(observed) or math.isnan(model) or model <= 0:
        return math.nan, math.nan
    ratio = model / observed
    return ratio - 1.0, max(ratio, 1.0 / ratio)


def _route_via(
    net: Network,
    stops: list[str],
    *,
    weight: str,
    modes: list[str],
    avoid: list[str],
    include_suspended: bool,
) -> Route:
    """Route from stop to stop and join the legs into one route."""
    parts = [
        route(
            net,
            a,
            b,
            weight=weight,
            modes=modes,
            avoid=avoid,
            include_suspended=include_suspended,
        )
        for a, b in itertools.pairwise(stops)
    ]
    if len(parts) == 1:
        return parts[0]
    legs = pd.concat([p.legs for p in parts], ignore_index=True)
    geometries = tuple(g for p in parts for g in p.geometries)
    first = parts[0]
    return Route(stops[0], stops[-1], first.weight, legs, first.value_of_time, geometries)


def _port_to_port(net: Network, found: Route) -> dict[str, float]:
    """Distance (km), time (h) and cost (USD/TEU) from leaving the first quay to the last.

    The legs from the first sea link to the last, less the first link's time beyond its
    sailing (the expected wait for the departure and, on a ro-ro link, rolling on and off).
    """
    legs = found.legs.reset_index(drop=True)
    sea = legs.index[(legs["kind"] == "link") & (legs["mode"] == "sea")]
    if sea.empty:
        msg = f"the route {found.orig} → {found.dest} has no sea leg to time port to port"
        raise CorridorsError(msg)
    part = legs.loc[sea[0] : sea[-1]]
    first = legs.loc[sea[0]]
    sailing_h = float(net.links.at[first["link"], "time_h"])
    return {
        "distance_km": float(part["distance_km"].sum()),
        "time_h": float(part["time_h"].sum()) - (float(first["time_h"]) - sailing_h),
        "cost_usd_teu": float(part["cost_usd_teu"].sum()),
    }


def compare_observed(
    net: Network,
    observed: pd.DataFrame | str | os.PathLike[str] | None = None,
    *,
    ids: Iterable[str] | None = None,
    skip_unknown: bool = False,
) -> pd.DataFrame:
    """Route every observed trip on `net` and compare the model with the observation.

    Each trip is routed from ``orig`` through its ``via`` places to ``dest`` with its
    ``modes``, minimising its ``weight``, avoiding the places in ``avoid`` (to follow the
    observed route where a shorter one exists) and using suspended links where
    ``include_suspended``. A ``port-to-port`` trip is compared with the model's sailing
    from the first quay to the last, a ``door-to-door`` one with the whole route (see the
    module docstring).

    Parameters
    ----------
    net
        The network.
    observed
        A table from :func:`read_observed`, a path to one, or None for the built-in trips.
    ids
        Only these trips (default all).
    skip_unknown
        Leave out trips naming a place the network lacks (e.g. the built-in trips on
        another network) instead of raising.

    Returns
    -------
    pandas.DataFrame
        Indexed by trip ``id``: ``orig``, ``dest``, ``modes``, ``scope``, ``what``,
        ``year``, ``used_in_data``; for each of distance (km), time (h) and cost (USD/TEU) the
        columns ``obs_<q>``, ``model_<q>``, ``err_<q>`` (model / observed - 1) and
        ``factor_<q>`` (≥ 1); ``worst_factor``; ``route`` (places, ``>``-joined);
        ``outlier_reason`` (the text after ``outlier:`` in the trip's notes, or "");
        ``model_error`` (why no route was found, or ""). Errors are NaN where nothing
        was observed.

    Raises
    ------
    DataError
        If the observed table is invalid.
    UnknownPlaceError
        If a trip names a place the network lacks (unless `skip_unknown`).
    """
    table = observed if isinstance(observed, pd.DataFrame) else read_observed(observed)
    if ids is not None:
        wanted = list(ids)
        unknown = sorted(set(wanted) - set(table.index))
        if unknown:
            raise DataError(f"unknown observed trip id(s): {', '.join(unknown)}")
        table = table.loc[wanted]
    records = []
    for trip, row in table.iterrows():
        try:
            stops = [net.resolve(p) for p in [row["orig"], *_split(row["via"]), row["dest"]]]
        except UnknownPlaceError:
            if skip_unknown:
                continue
            raise
        record: dict[str, object] = {
            "id": trip,
            "orig": stops[0],
            "dest": stops[-1],
            "modes": row["modes"],
            "scope": row["scope"],
            "weight": row["weight"],
            "what": row["what"],
            "year": row["year"],
            "used_in_data": bool(row["used_in_data"]),
        }
        try:
            found = _route_via(
                net,
                stops,
                weight=row["weight"],
                modes=_split(row["modes"]),
                avoid=_split(row["avoid"]),
                include_suspended=bool(row["include_suspended"]),
            )
            if row["scope"] == "port-to-port":
                model = _port_to_port(net, found)
            else:
                model = {
                    "distance_km": found.distance_km,
                    "time_h": found.time_h,
                    "cost_usd_teu": found.cost_usd_teu,
                }
            record["route"] = ">".join(found.places)
            record["model_error"] = ""
        except CorridorsError as exc:
            model = dict.fromkeys(COMPARED.values(), math.nan)
            record["route"] = ""
            record["model_error"] = str(exc)
        factors = []
        for quantity, column in COMPARED.items():
            obs = float(row[column])
            err, factor = _error(model[column], obs)
            record[f"obs_{column}"] = obs
            record[f"model_{column}"] = model[column]
            record[f"err_{quantity}"] = err
            record[f"factor_{quantity}"] = factor
            factors.append(factor)
        valid = [f for f in factors if not math.isnan(f)]
        record["worst_factor"] = max(valid) if valid else math.nan
        notes = str(row["notes"])
        at = notes.lower().find(OUTLIER_TAG)
        record["outlier_reason"] = notes[at + len(OUTLIER_TAG) :].strip() if at >= 0 else ""
        records.append(record)
    columns = ["id", "orig", "dest", "modes", "scope", "weight", "what", "year", "used_in_data"]
    columns += ["route"]
    columns += ["model_error", "worst_factor", "outlier_reason"]
    for quantity, column in COMPARED.items():
        columns += [f"obs_{column}", f"model_{column}", f"err_{quantity}", f"factor_{quantity}"]
    return pd.DataFrame(records, columns=columns).set_index("id")


def fit_summary(comparison: pd.DataFrame) -> dict[str, float | int | list[str]]:
    """Summarise a :func:`compare_observed` table.

    Parameters
    ----------
    comparison
        The table returned by :func:`compare_observed`.

    Returns
    -------
    dict
        ``trips``; per quantity ``n_<q>`` (trips observing it),
        ``median_abs_err_<q>`` (median of |model / observed - 1|) and
        ``within_10pct_<q>`` (share within 10 %); ``unrouted`` (ids with no model
        route); ``beyond_factor_2`` (ids worse than a factor of 2 on any quantity)
        and ``unexplained`` (those of them without an ``outlier:`` reason).
    """
    summary: dict[str, float | int | list[str]] = {"trips": len(comparison)}
    for quantity in COMPARED:
        err = comparison[f"err_{quantity}"].dropna().abs()
        summary[f"n_{quantity}"] = int(err.size)
        summary[f"median_abs_err_{quantity}"] = float(np.median(err)) if err.size else math.nan
        summary[f"within_10pct_{quantity}"] = float((err <= 0.10).mean()) if err.size else math.nan
    summary["unrouted"] = comparison.index[comparison["model_error"] != ""].tolist()
    beyond = comparison["worst_factor"] > 2.0
    summary["beyond_factor_2"] = comparison.index[beyond].tolist()
    summary["unexplained"] = comparison.index[
        beyond & (comparison["outlier_reason"] == "")
    ].tolist()
    return summary
