"""Scenario maps: the links a scenario changes and what that does to the parks.

:func:`link_changes` lists the links a scenario adds, upgrades, closes or removes;
:func:`plot_scenario` draws them with the parks whose best port or USD/TEU moved.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from corridors.costs import MODES
from corridors.maps.figure import _mark_points, _segments
from corridors.maps.legend import _HEADER, _marker_entry, _marker_handle
from corridors.maps.overlay import _draw_context, _finish_overlay, _mode_line, _new_map
from corridors.maps.projection import _fit_geometries, _widen, to_map_crs
from corridors.maps.style import CHANGE_STYLE

if TYPE_CHECKING:
    from corridors.network import Network


_LINK_FIELDS = ("speed_kph", "cost_usd_teu", "gauge_mm", "capacity", "status", "time_h")


def link_changes(base: Network, scenario_net: Network) -> pd.DataFrame:
    """Return the links a scenario adds, upgrades, closes or removes.

    Parameters
    ----------
    base
        The network before.
    scenario_net
        The network after (e.g. ``corridors.scenario.apply(base, scenario)``).

    Returns
    -------
    pandas.DataFrame
        Indexed by link id: ``change`` (``new``, ``upgraded``, ``closed``,
        ``removed``), ``mode``, ``time_h_before``, ``time_h_after`` (hours).
    """
    old, new = base.links, scenario_net.links
    rows = []
    for link in new.index.difference(old.index):
        rows.append((link, "new", new.at[link, "mode"], np.nan, new.at[link, "time_h"]))
    for link in old.index.difference(new.index):
        rows.append((link, "removed", old.at[link, "mode"], old.at[link, "time_h"], np.nan))
    common = old.index.intersection(new.index)
    closed_before = old["closed"].reindex(common).fillna(False).astype(bool)
    closed_after = new["closed"].reindex(common).fillna(False).astype(bool)
    for link in common:
        if closed_after[link] and not closed_before[link]:
            change = "closed"
        elif any(_differs(old.at[link, f], new.at[link, f]) for f in _LINK_FIELDS if f in new):
            change = "upgraded"
        else:
            continue
        rows.append(
            (link, change, new.at[link, "mode"], old.at[link, "time_h"], new.at[link, "time_h"])
        )
    frame = pd.DataFrame(rows, columns=["id", "change", "mode", "time_h_before", "time_h_after"])
    return frame.set_index("id")


def _differs(a: Any, b: Any) -> bool:
    if pd.isna(a) and pd.isna(b):
        return False
    if isinstance(a, int | float | np.number) and isinstance(b, int | float | np.number):
        return not math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a != b


def _place_shifts(base: Network, scenario_net: Network, comparison: Any) -> pd.DataFrame:
    """Per origin place: best port before / after and the change of its best value.

    From the comparison's tables when it has them (``od_changes`` with
    ``generalized_usd_teu_before`` / ``_after``: the best value over its destinations;
    ``hinterland_shifts`` with ``best_port_before`` / ``_after``: the places that
    change port); otherwise computed with :func:`corridors.hinterlands`.
    """
    tables = comparison.to_tables() if hasattr(comparison, "to_tables") else {}
    od = tables.get("od_changes")
    shifts = tables.get("hinterland_shifts")
    columns = {"orig", "generalized_usd_teu_before", "generalized_usd_teu_after"}
    if od is not None and shifts is not None and columns <= set(od.columns):
        best = od.groupby("orig")[["generalized_usd_teu_before", "generalized_usd_teu_after"]]
        best = best.min()
        frame = pd.DataFrame(
            {
                "best_port_before": "",
                "best_port_after": "",
                "change": best["generalized_usd_teu_after"] - best["generalized_usd_teu_before"],
            },
            index=best.index,
        )
        shifted = shifts.set_index("place") if "place" in shifts.columns else shifts
        for place, row in shifted.iterrows():
            frame.loc[place, "best_port_before"] = str(row["best_port_before"])
            frame.loc[place, "best_port_after"] = str(row["best_port_after"])
        return frame
    from corridors.reach import hinterlands

    before = hinterlands(base).places
    after = hinterlands(scenario_net, places=list(before.index)).places
    return pd.DataFrame(
        {
            "best_port_before": before["best_port"],
            "best_port_after": after["best_port"].reindex(before.index),
            "change": after["best_value"].reindex(before.index) - before["best_value"],
        }
    )


def plot_scenario(
    base: Network,
    scenario_net: Network,
    comparison: Any = None,
    *,
    ax: Axes | None = None,
    extent: Sequence[float] | None = None,
    labels: str | Iterable[str] | None = "auto",
    title: str | None = None,
) -> Axes:
    """Draw a scenario's changes: new / upgraded links, parks whose best port or USD/TEU moved.

    New links are drawn magenta, upgraded links green and closed ones red, each in
    its mode's line style. Parks whose best value (generalized USD/TEU to their
    best port) improves are green, those that worsen red; a star marks parks whose
    best port changes.

    Parameters
    ----------
    base
        The network before.
    scenario_net
        The network with the scenario applied.
    comparison
        From ``corridors.scenario.compare``: its ``od_changes`` table gives each
        origin's change of best generalized cost (USD/TEU), ``hinterland_shifts``
        the places that change best port. None: both computed with
        :func:`corridors.hinterlands` (parks to sea ports).
    ax, extent
        As for :func:`plot_route`; the default extent is fitted to the changes.
    labels
        ``"auto"`` (ends of changed links, places that change port), None, or place
        ids / names.
    title
        Title above the map.

    Returns
    -------
    matplotlib.axes.Axes
        The map Axes.
    """
    changes = link_changes(base, scenario_net)
    shifts = _place_shifts(base, scenario_net, comparison)
    moved = shifts[shifts["change"].abs() > 1e-6].dropna(subset=["change"])
    switched = shifts[
        shifts["best_port_before"].astype(str) != shifts["best_port_after"].astype(str)
    ]
    links = scenario_net.links.reindex(changes.index.intersection(scenario_net.links.index))
    removed = base.links.reindex(changes.index[changes["change"] == "removed"])
    link_geoms = [*links.geometry, *removed.geometry]
    place_geoms = scenario_net.places.geometry.reindex(moved.index.union(switched.index)).dropna()
    fit = _fit_geometries([*link_geoms, *place_geoms]) if link_geoms or len(place_geoms) else None
    fit = None if fit is None else _widen(fit, 12.0, 8.0)
    ax, outside = _new_map(ax, extent, fit)
    _draw_context(ax, scenario_net, include_planned=False)
    entries: list[tuple[Any, str]] = [(_HEADER, "Links")]
    drawn = pd.concat([links.assign(change=changes["change"]), removed.assign(change="closed")])
    for key in ("closed", "upgraded", "new"):
        subset = drawn[drawn["change"] == key]
        if subset.empty:
            continue
        projected = to_map_crs(subset)
        style = CHANGE_STYLE[key]
        for mode in MODES:
            part = projected[projected["mode"] == mode]
            if len(part):
                _mode_line(
                    ax, _segments(part.geometry), mode, style["color"], style["linewidth"], 3.9
                )
        count = len(subset)
        entries.append(
            (Line2D([], [], color=style["color"], linewidth=3.6), f"{style['label']} ({count})")
        )
    entries.append((_HEADER, "Parks: best port, USD/TEU"))
    for key, sign in (("better", -1), ("worse", 1)):
        chosen = moved[np.sign(moved["change"]) == sign]
        if chosen.empty:
            continue
        color = CHANGE_STYLE[key]["color"]
        sizes = 30 + 170 * (chosen["change"].abs() / moved["change"].abs().max()).to_numpy()
        _mark_points(
            ax,
            scenario_net.places.loc[chosen.index].geometry,
            size=sizes,
            c=color,
            edgecolors="white",
            linewidths=0.7,
            zorder=5.0,
        )
        text = f"{CHANGE_STYLE[key]['label']}: {len(chosen)} parks"
        entries.append(_marker_entry(text, "o", 8, color, "white"))
    if moved.empty:
        entries.append((_marker_handle(), "no park's best cost changes"))
    if len(switched):
        _mark_points(
            ax,
            scenario_net.places.loc[switched.index].geometry,
            size=230,
            marker="*",
            facecolors="none",
            edgecolors="#1a1a1a",
            linewidths=1.1,
            zorder=5.2,
        )
        text = f"Best port changes: {len(switched)}"
        entries.append(_marker_entry(text, "*", 12, "none", "#1a1a1a"))
    if not len(changes) and not len(moved):
        entries.append((_marker_handle(), "no change"))
    ends = [*drawn["from"], *drawn["to"]] if len(drawn) else []
    auto = [*ends, *switched.index]
    return _finish_overlay(ax, scenario_net, entries, outside, title, labels, auto)
