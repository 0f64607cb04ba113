"""The report's scenarios section: each example scenario against the base, by material change.

A change is *material* when it crosses a stated threshold (:data:`MATERIAL_SHARE`
of an OD pair's generalized cost, a pair connected or cut, a park changing its best
sea port, an element whose failure impact crossed the criticality line of
:func:`corridors.scenario.compare`); smaller shifts are in the tables, not in the
text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from corridors.report.base import _Context, _name, _scenario_files, _Section

if TYPE_CHECKING:
    from corridors.network import Network
    from corridors.scenario import Comparison

__all__ = ["MATERIAL_SHARE"]

MATERIAL_SHARE = 0.05
"""An OD pair's change of generalized cost counts as material from this share (5 %)."""


def _section_scenarios(ctx: _Context) -> _Section:
    from corridors import maps, scenario

    net = ctx.net
    sec = _Section("scenarios", "Scenarios")
    sec.text = (
        "Example scenarios from data/scenarios, each compared with the base network "
        "(parks x sea ports, generalized cost in USD/TEU). Material changes: a pair's cost "
        f"changes by at least {100 * MATERIAL_SHARE:g} %, a pair is newly connected or cut off, a "
        "park changes its best sea port, or a link or crossing becomes (or stops being) "
        "critical: its failure disconnects a pair or adds at least 1 % of the base's total "
        "cost."
    )
    columns: dict[str, dict[str, Any]] = {}
    changes = []
    for path in _scenario_files(ctx.scenarios):
        loaded = scenario.load(path, net=net)
        applied = scenario.apply(net, loaded)
        comparison = scenario.compare(net, applied, season=loaded.season)
        stem = path.stem
        title = f"{getattr(loaded, 'name', stem)} ({comparison.modes})"
        sec.maps[f"scenario_{stem}"] = maps.plot_scenario(net, applied, comparison, title=title)
        sec.captions[f"scenario_{stem}"] = str(getattr(loaded, "description", "")) or title
        for name, table in comparison.to_tables().items():
            sec.tables[f"scenario_{stem}_{name}"] = table
            sec.layers[f"scenario_{stem}_{name}"] = table.reset_index(
                drop=table.index.name is None
            )
        links_changed = len(maps.link_changes(net, applied))
        columns[title] = _metrics(comparison, links_changed)
        said = material_changes(net, comparison)
        changes += [{"scenario": title, "material change": line} for line in said]
        sec.facts.setdefault("scenarios", {})[title] = said
    if columns:
        sec.findings = pd.DataFrame(columns).rename_axis("measure").reset_index()
    sec.blocks.append(
        ("What changed materially", pd.DataFrame(changes, columns=["scenario", "material change"]))
    )
    return sec


def _material(od: pd.DataFrame) -> pd.DataFrame:
    """OD rows whose generalized cost changed by at least :data:`MATERIAL_SHARE`."""
    before, change = od["generalized_usd_teu_before"], od["generalized_usd_teu_change"]
    return od[(change.abs() >= MATERIAL_SHARE * before) & before.notna() & change.notna()]


def _metrics(comparison: Comparison, links_changed: int) -> dict[str, Any]:
    """One column of the scenarios table: counts of material changes."""
    od = comparison.od
    material = _material(od)
    status = od["status"].value_counts()
    critical = comparison.critical
    return {
        "links added or changed": links_changed,
        "pairs compared": len(od),
        f"pairs >= {100 * MATERIAL_SHARE:g} % cheaper": int(
            (material["status"] == "better").sum()
        ),
        f"pairs >= {100 * MATERIAL_SHARE:g} % dearer": int((material["status"] == "worse").sum()),
        "pairs newly connected": int(status.get("newly connected", 0)),
        "pairs cut off": int(status.get("disconnected", 0)),
        "largest saving (USD/TEU)": float(-od["generalized_usd_teu_change"].min())
        if od["generalized_usd_teu_change"].notna().any()
        else np.nan,
        "parks changing best sea port": len(comparison.hinterland),
        "newly critical links/crossings": "not computed"
        if critical is None
        else int((critical["change"] == "new").sum()),
        "no longer critical": "not computed"
        if critical is None
        else int((critical["change"] == "ended").sum()),
    }


def material_changes(net: Network, comparison: Comparison, n: int = 3) -> list[str]:
    """Return plain sentences on a comparison's material changes (none: one sentence says so).

    Parameters
    ----------
    net
        The base network (for names).
    comparison
        The comparison (:func:`corridors.scenario.compare`).
    n
        How many pairs, parks or elements to name per sentence.
    """
    od = comparison.od
    out = []
    material = _material(od)
    for status, verb in (("better", "cheaper"), ("worse", "dearer")):
        rows = material[material["status"] == status]
        if len(rows):
            rows = rows.reindex(rows["generalized_usd_teu_change"].abs().sort_values().index[::-1])
            named = "; ".join(
                f"{_name(net, r['orig'])} → {_name(net, r['dest'])} "
                f"{r['generalized_usd_teu_change']:+,.0f} USD/TEU"
                for _, r in rows.head(n).iterrows()
            )
            out.append(
                f"{len(rows)} park-port pairs become at least {100 * MATERIAL_SHARE:g} % {verb} "
                f"(largest: {named})."
            )
    for status, text in (("newly connected", "become connected"), ("disconnected", "are cut")):
        rows = od[od["status"] == status]
        if len(rows):
            parks = sorted({_name(net, p) for p in rows["orig"]})
            out.append(
                f"{len(rows)} park-port pairs {text} (parks: {', '.join(parks[:n])}"
                f"{', ...' if len(parks) > n else ''})."
            )
    for _, row in comparison.hinterland.head(n).iterrows():
        out.append(
            f"{row.get('name', row['place'])} changes its best sea port from "
            f"{_name(net, row['best_port_before'])} to {_name(net, row['best_port_after'])}."
        )
    critical = comparison.critical
    if critical is not None:
        for change, verb in (("new", "becomes critical"), ("ended", "is no longer critical")):
            rows = critical[critical["change"] == change]
            for _, row in rows.head(n).iterrows():
                out.append(f"{row['kind'].capitalize()} {_element(net, row)} {verb}.")
    return out or [
        f"No material change (thresholds above; largest shift below {100 * MATERIAL_SHARE:g} %)."
    ]


def _element(net: Network, row: pd.Series) -> str:
    """Return a link or crossing by name: ``Hunchun - Kraskino (road)`` or the crossing's name."""
    element = row["element"]
    if row["kind"] == "crossing":
        return _name(net, element)
    if element in net.links.index:
        link = net.links.loc[element]
        return f"{_name(net, link['from'])} - {_name(net, link['to'])} ({link['mode']})"
    return str(element)
