"""Scenario maps: the links a scenario changes and what that does to the parks.

:func:`link_changes` lists the links a scenario adds, upgrades, closes or removes;
:func:`plot_scenario` draws them with the parks whose best port or USD/TEU moved.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from corridors.costs import MODES
from corridors.maps.figure import _MAPS, _mark_points, _segments
from corridors.maps.labels import _overlay_labels, _place_labels
from corridors.maps.legend import _HEADER, _marker_entry, _marker_handle
from corridors.maps.overlay import _draw_context, _finish_overlay, _mode_line, _new_map
from corridors.maps.projection import _fit_geometries, _widen, to_map_crs
from corridors.maps.style import CHANGE_STYLE, MODE_STYLE

if TYPE_CHECKING:
    from corridors.network import Network


_RING_SIZE = 190.0  # pt², the ring around a changed place


_MIN_SPAN = (3.5, 2.5)  # degrees of longitude, latitude: the smallest scenario map


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


_PLACE_FIELDS = {
    "dwell_road_h": ("road dwell", "h"),
    "dwell_rail_h": ("rail dwell", "h"),
    "gauge_change_h": ("gauge change", "h"),
    "handling_h": ("handling", "h"),
    "fee_usd": ("fee", "USD/TEU"),
}


def _place_changes(base: Network, scenario_net: Network) -> pd.Series:
    """Return, per place the scenario adds or edits, what changed (text).

    Parameters
    ----------
    base, scenario_net
        The networks before and after.

    Returns
    -------
    pandas.Series
        Indexed by place id: e.g. ``"gauge change 24.0 → 12.0 h"``, ``"new port"``,
        ``"closed"``, ``"adds rail"``.
    """
    old, new = base.places, scenario_net.places
    texts: dict[str, str] = {
        p: f"new {new.at[p, 'kind']}" for p in new.index.difference(old.index)
    }
    for place in old.index.intersection(new.index):
        parts = []
        for field, (label, unit) in _PLACE_FIELDS.items():
            if field not in new:
                continue
            before, after = _effective(base, place, field), _effective(scenario_net, place, field)
            if _differs(before, after):
                parts.append(f"{label} {_number(before)} → {_number(after)} {unit}")
        added = _modes(new.at[place, "modes"]) - _modes(old.at[place, "modes"])
        if added:
            parts.append(f"adds {', '.join(m for m in MODES if m in added)}")
        for field in ("status", "regime"):
            if field in new and _differs(str(old.at[place, field]), str(new.at[place, field])):
                parts.append(f"{field} {old.at[place, field]} → {new.at[place, field]}")
        if bool(new.at[place, "closed"]) and not bool(old.at[place, "closed"]):
            parts.append("closed")
        if parts:
            texts[place] = "; ".join(parts)
    return pd.Series(texts, dtype=object)


def _effective(net: Network, place: str, field: str) -> Any:
    """Return a place's value of `field`, or the parameter it falls back to when blank."""
    value = net.places.at[place, field]
    if pd.notna(value):
        return value
    kind = net.places.at[place, "kind"]
    if kind == "border":
        return getattr(net.params.border, field, np.nan)
    transfer = net.params.transfer.get(kind)
    return getattr(transfer, field, np.nan) if transfer is not None else np.nan


def _modes(value: Any) -> set[str]:
    """Return the modes of a place, from a list or a "rail;road" text."""
    if isinstance(value, str):
        return set(value.split(";"))
    return set(value) if isinstance(value, list | tuple | set) else set()


def _port(ports: pd.Series) -> pd.Series:
    """Best-port ids as text, "" for none (NaN and None alike)."""
    return ports.map(
        lambda p: "" if p is None or (isinstance(p, float) and np.isnan(p)) else str(p)
    )


def _number(value: Any) -> str:
    return "–" if pd.isna(value) else f"{float(value):,.1f}"


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
    min_change: float = 1.0,
    magnitudes: int = 8,
) -> Axes:
    """Draw a scenario's changes: new / upgraded links, parks whose best port or USD/TEU moved.

    New links are drawn magenta, upgraded links green and closed ones red, each in
    its mode's line style, and labelled with what changed (length and time of a new
    link, time before → after of an upgraded one). Parks whose best value
    (generalized USD/TEU to their best port) improves by at least `min_change` are
    green, those that worsen red, sized by the change; the largest changes are
    labelled with their USD/TEU; a star marks parks whose best port changes. The
    default extent is zoomed to these changes.

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
    min_change
        Smallest change of a park's best value drawn (USD/TEU); smaller changes
        neither appear nor widen the map.
    magnitudes
        How many of the largest park changes to label with their USD/TEU.

    Returns
    -------
    matplotlib.axes.Axes
        The map Axes.
    """
    changes = link_changes(base, scenario_net)
    shifts = _place_shifts(base, scenario_net, comparison)
    moved = shifts[shifts["change"].abs() >= min_change].dropna(subset=["change"])
    switched = shifts[_port(shifts["best_port_before"]) != _port(shifts["best_port_after"])]
    links = scenario_net.links.reindex(changes.index.intersection(scenario_net.links.index))
    removed = base.links.reindex(changes.index[changes["change"] == "removed"])
    link_geoms = [*links.geometry, *removed.geometry]
    edited = _place_changes(base, scenario_net)
    place_geoms = scenario_net.places.geometry.reindex(
        moved.index.union(switched.index).union(edited.index)
    ).dropna()
    fit = _fit_geometries([*link_geoms, *place_geoms]) if link_geoms or len(place_geoms) else None
    fit = None if fit is None else _widen(fit, _MIN_SPAN[0], _MIN_SPAN[1])
    ax, outside = _new_map(ax, extent, fit)
    _draw_context(ax, scenario_net, include_planned=False)
    entries: list[tuple[Any, str]] = [(_HEADER, "Links")] if len(changes) else []
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
    if len(edited):
        _mark_points(
            ax,
            scenario_net.places.loc[edited.index].geometry,
            size=_RING_SIZE,
            marker="o",
            facecolors="none",
            edgecolors=CHANGE_STYLE["upgraded"]["color"],
            linewidths=2.4,
            zorder=5.1,
        )
        text = f"Place changed ({len(edited)})"
        entries.insert(0, (_HEADER, "Places"))
        entries.insert(1, _marker_entry(text, "o", 12, "none", CHANGE_STYLE["upgraded"]["color"]))
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
    _finish_overlay(ax, scenario_net, entries, outside, title, None)
    status = base.links["status"].reindex(drawn.index) if len(drawn) else pd.Series()
    named = _label_magnitudes(
        ax, scenario_net, drawn.assign(status_before=status), changes, moved, magnitudes, edited
    )
    _overlay_labels(ax, scenario_net, labels, [p for p in auto if p not in named])
    return ax


def _link_magnitude(row: pd.Series, change: pd.Series, status_before: Any) -> str:
    """Text of what changed on a link: length and time if new or opened, time before → after."""
    mode = MODE_STYLE.get(row["mode"], {}).get("label", str(row["mode"])).lower()
    opened = status_before in ("planned", "suspended") and row.get("status") == "existing"
    if row["change"] == "new" or opened:
        what = f"new {mode}:" if row["change"] == "new" else f"{status_before} {mode} opened:"
        return f"{what} {row['length_km']:,.0f} km, {change['time_h_after']:,.1f} h"
    if row["change"] == "closed":
        return f"{mode} closed"
    before, after = change["time_h_before"], change["time_h_after"]
    if pd.notna(before) and pd.notna(after) and not math.isclose(before, after):
        return f"{mode}: {before:,.1f} → {after:,.1f} h"
    return f"{mode} upgraded"


def _label_magnitudes(
    ax: Axes,
    net: Network,
    drawn: pd.DataFrame,
    changes: pd.DataFrame,
    moved: pd.DataFrame,
    count: int,
    edited: pd.Series,
) -> list[str]:
    """Label changed places and links (at their middle), and the `count` largest park changes.

    Returns
    -------
    list of str
        The places labelled (with their name), which need no other label.
    """
    texts, points, kinds, markers, far = [], [], [], [], []
    for place, what in edited.items():
        texts.append(f"{net.places.at[place, 'name']}: {what}")
        points.append(net.places.geometry[place])
        kinds.append("border")
        markers.append(_RING_SIZE * 2.5)
        far.append(False)
    for link, row in drawn.iterrows():
        if row.geometry is None or row.geometry.is_empty:
            continue
        texts.append(_link_magnitude(row, changes.loc[link], row["status_before"]))
        points.append(row.geometry.interpolate(0.5, normalized=True))
        kinds.append("border")
        markers.append(20.0)
        far.append(True)
    largest = moved.reindex(moved["change"].abs().sort_values(ascending=False).index[:count])
    for place, row in largest.iterrows():
        name = net.places.at[place, "name"]
        signed = f"{row['change']:+,.0f}".replace("-", "−")
        texts.append(f"{name} {signed} USD/TEU")
        points.append(net.places.geometry[place])
        kinds.append("park")
        markers.append(200.0)
        far.append(False)
    if not texts:
        return []
    index = [f"_magnitude_{i}" for i in range(len(texts))]
    candidates = gpd.GeoDataFrame(
        {"name": texts, "kind": kinds, "_marker": markers, "_far": far},
        geometry=gpd.GeoSeries(points, index=index, crs=net.places.crs),
        index=index,
    )
    placed = set(_place_labels(ax, candidates, _MAPS[ax]))
    places = [*edited.index, *largest.index]
    keys = [*candidates.index[: len(edited)], *candidates.index[len(texts) - len(largest) :]]
    return [p for p, key in zip(places, keys, strict=True) if key in placed]
