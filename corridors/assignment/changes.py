"""Two networks at equilibrium: what a capacity cut or a closure does to flows and costs.

:func:`compare_equilibria` assigns the same demand on a base and a changed network
and joins the results: per crossing and port the volume, volume/capacity and queue
before and after; per OD pair the cost before and after.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from corridors.assignment.demand import gravity_demand
from corridors.assignment.multimodal import Equilibrium, equilibrium
from corridors.engine import WEIGHT_COLUMNS
from corridors.network import Network

__all__ = ["EquilibriumChange", "compare_equilibria"]


@dataclasses.dataclass(frozen=True)
class EquilibriumChange:
    """The result of :func:`compare_equilibria` (volumes in TEU/day).

    Parameters
    ----------
    places
        Crossings and ports loaded in either network: ``name``, ``kind``,
        ``volume_before``, ``volume_after``, ``volume_change`` (crossing volume at
        crossings, volume through the place at ports), ``vc_before``, ``vc_after``,
        ``queue_h_before``, ``queue_h_after``; biggest change first.
    od
        Per OD row: ``orig``, ``dest``, ``demand_teu_day``, the weight's column
        ``_before``, ``_after`` and ``_change`` (NaN: no route).
    extra_cost_per_day
        Σ demand × cost change over pairs routed in both (weight unit × TEU/day).
    before, after
        The two equilibria.
    """

    places: pd.DataFrame
    od: pd.DataFrame
    extra_cost_per_day: float
    before: Equilibrium
    after: Equilibrium


def compare_equilibria(
    base: Network,
    changed: Network,
    demand: pd.DataFrame | None = None,
    *,
    unit: str = "TEU/year",
    weight: str = "generalized",
    **options: object,
) -> EquilibriumChange:
    """Assign `demand` at equilibrium on both networks and compare.

    Parameters
    ----------
    base, changed
        The networks (e.g. a base and a scenario that cuts a crossing's capacity).
    demand
        OD table (``orig``, ``dest``, ``demand``); default the built-in gravity
        estimate of `base` (TEU/year).
    unit, weight
        As for :func:`~corridors.assignment.equilibrium`.
    **options
        Passed to :func:`~corridors.assignment.equilibrium` (``rgap``, ``modes``, ...).

    Returns
    -------
    EquilibriumChange
        Place and OD tables before and after.
    """
    if demand is None:
        demand, unit = gravity_demand(base), "TEU/year"
    before = equilibrium(base, demand, unit=unit, weight=weight, **options)  # type: ignore[arg-type]
    after = equilibrium(changed, demand, unit=unit, weight=weight, **options)  # type: ignore[arg-type]
    frames = []
    for result in (before, after):
        p = result.places
        volume = p["volume_crossing"].where(p["kind"] == "border", p["volume_through"])
        frames.append(pd.DataFrame({"name": p["name"], "kind": p["kind"], "volume": volume,
                                    "vc": p["vc"], "queue_h": p["queue_h"]}))  # fmt: skip
    b, a = frames
    places = b[["name", "kind"]].combine_first(a[["name", "kind"]])
    for column in ("volume", "vc", "queue_h"):
        places[f"{column}_before"] = b[column].reindex(places.index)
        places[f"{column}_after"] = a[column].reindex(places.index)
    places["volume_before"] = places["volume_before"].fillna(0.0)
    places["volume_after"] = places["volume_after"].fillna(0.0)
    places["volume_change"] = places["volume_after"] - places["volume_before"]
    loaded = (places["volume_before"] > 0) | (places["volume_after"] > 0)
    places = places[places["kind"].isin(["border", "port"]) & loaded]
    order = places["volume_change"].abs().sort_values(ascending=False, kind="stable").index
    columns = ["name", "kind", "volume_before", "volume_after", "volume_change"]
    columns += ["vc_before", "vc_after", "queue_h_before", "queue_h_after"]
    places = places.loc[order, columns]
    column = WEIGHT_COLUMNS[weight]
    od = before.od[["orig", "dest", "demand_teu_day"]].copy()
    od[f"{column}_before"] = before.od[column].to_numpy()
    od[f"{column}_after"] = after.od[column].to_numpy()
    od[f"{column}_change"] = od[f"{column}_after"] - od[f"{column}_before"]
    both = od[f"{column}_change"].notna()
    extra = float(np.sum(od.loc[both, f"{column}_change"] * od.loc[both, "demand_teu_day"]))
    return EquilibriumChange(places, od, extra, before, after)
