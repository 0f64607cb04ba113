"""The key findings at the top of the report: plain sentences with numbers.

Each ``_finding_*`` function reads the ``facts`` one section left on its
:class:`~corridors.report.base._Section` and returns sentences (none when the
section did not run or failed). :data:`FINDINGS` lists them in report order, so a
new section adds its sentences by adding one function here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from corridors.report.base import _name, _Section

if TYPE_CHECKING:
    from corridors.network import Network

__all__: list[str] = []


def _names(items: list[str], n: int = 6) -> str:
    shown = ", ".join(items[:n])
    return shown + (f" and {len(items) - n} more" if len(items) > n else "")


def _finding_ports(net: Network, facts: dict) -> list[str]:
    from corridors.reach.seas import SEAS, port_seas

    result = facts.get("hinterlands")
    if result is None:
        return []
    places, seas = result.places, port_seas(net)
    served = places["best_port"].dropna()
    out = []
    by_sea = served.map(lambda p: seas.get(p) or "river").value_counts()
    total = len(places)
    reached = [f"{sea} {int(by_sea.get(sea, 0))}" for sea in SEAS]
    out.append(
        f"Parks by the sea of their best port (rail and road, {total} parks): "
        + ", ".join(reached)
        + "."
    )
    unserved = places.index.difference(served.index)
    status = net.places["status"].reindex(unserved)
    lost = sorted(_name(net, p) for p in unserved[status.to_numpy() != "planned"])
    planned = sorted(_name(net, p) for p in unserved[status.to_numpy() == "planned"])
    if lost:
        out.append(f"No sea port by rail and road: {_names(lost)}.")
    if planned:
        out.append(f"Planned parks not yet linked (existing links only): {_names(planned)}.")
    counts = served.value_counts()
    for port, count in counts.head(4).items():
        parks = sorted(_name(net, p) for p in served.index[served == port])
        out.append(
            f"{_name(net, port)} ({seas.get(port) or 'river'}) serves {count} park"
            f"{'s' if count > 1 else ''}: {_names(parks)}."
        )
    contested = places[places["margin_share"] < 0.1]
    if len(contested):
        out.append(
            f"{len(contested)} parks are contestable (runner-up port less than 10 % dearer), "
            f"e.g. {_names(sorted(_name(net, p) for p in contested.index), 4)}."
        )
    return out


def _effect(row: Any) -> str:
    """Say what an element's failure does: pairs cut, cost added (USD/TEU, summed)."""
    parts = []
    if row["pairs_disconnected"] > 0:
        parts.append(f"cuts {int(row['pairs_disconnected'])} pairs")
    if row["delta_total"] > 0:
        parts.append(f"adds {row['delta_total']:,.0f} USD/TEU summed over the re-routed pairs")
    return " and ".join(parts) or "costs nothing (an equal detour exists)"


def _finding_bottlenecks(net: Network, facts: dict) -> list[str]:
    crit = facts.get("crossings")
    out = []
    if crit is not None and len(crit):
        ranked = crit.sort_values(["pairs_using", "delta_total"], ascending=False)
        top = [
            f"{_name(net, crossing)} (on {int(row['pairs_using'])} best park-port routes; "
            f"closing it {_effect(row)})"
            for crossing, row in ranked.head(3).iterrows()
        ]
        out.append("Busiest crossings: " + "; ".join(top) + ".")
    links = facts.get("links")
    if links is not None and len(links):
        ranked = links.sort_values(["delta_total", "pairs_disconnected"], ascending=False)
        top = [
            f"{row.get('name', link)} (its failure {_effect(row)})"
            for link, row in ranked.head(3).iterrows()
        ]
        out.append("Links whose failure costs most: " + "; ".join(top) + ".")
    return out


def _finding_stops(net: Network, facts: dict) -> list[str]:
    table = facts.get("bottlenecks")
    if table is None or not len(table):
        return []
    worst = table.iloc[0]
    gauge = table[table["gauge_change"] == "yes"]
    return [
        f"The longest border stop is {worst['crossing']} ({worst['worst_h']:.0f} h); "
        f"{len(gauge)} of {len(table)} crossings change rail gauge (1435/1520 mm), adding "
        f"{gauge['gauge_change_h'].median():.0f} h (median) to rail dwell."
        if len(gauge)
        else f"The longest border stop is {worst['crossing']} ({worst['worst_h']:.0f} h)."
    ]


def _finding_closures(net: Network, facts: dict) -> list[str]:
    table = facts.get("closures")
    if table is None or not len(table):
        return []
    out = []
    for pair, row in table.sort_values("pairs_disconnected", ascending=False).iterrows():
        effects = []
        if row["pairs_disconnected"] > 0:
            effects.append(f"cuts {int(row['pairs_disconnected'])} park-port pairs")
        if row["max_delay_usd_teu"] > 0:
            effects.append(
                f"makes the re-routed rest {row['mean_delay_usd_teu']:,.0f} USD/TEU dearer on "
                f"average (at most {row['max_delay_usd_teu']:,.0f})"
            )
        said = " and ".join(effects) if effects else "changes no park-port route"
        out.append(f"Closing every {pair} crossing ({int(row['crossings'])}) {said}.")
    isolated = table[table["isolated_parks"] > 0]
    for pair, row in isolated.iterrows():
        out.append(
            f"Isolated islands when {pair} closes: {row['isolated_park_names']} "
            "(no sea port reachable)."
        )
    if not len(isolated):
        out.append("No single country-pair closure leaves a park without any sea port.")
    return out


def _finding_failures(net: Network, facts: dict) -> list[str]:
    summary = facts.get("failures")
    if summary is None or not len(summary):
        return []
    fraction = summary.index[np.argmin(np.abs(summary.index.to_numpy() - 0.1))]
    row = summary.loc[fraction]
    return [
        f"With {100 * fraction:g} % of links failed at random ({int(row['runs'])} runs), "
        f"{100 * row['connected_share_mean']:.1f} % of park-port pairs stay connected "
        f"(95 % CI {100 * row['connected_share_ci_low']:.1f}-"
        f"{100 * row['connected_share_ci_high']:.1f} %), and the connected pairs pay "
        f"{row['mean_increase_mean']:,.0f} USD/TEU more on average."
    ]


def _finding_scenarios(net: Network, facts: dict) -> list[str]:
    said = facts.get("scenarios") or {}
    return [f"Scenario {title}: {' '.join(lines[:2])}" for title, lines in said.items()]


FINDINGS: tuple[tuple[str, str, Callable[[Network, dict], list[str]]], ...] = (
    ("hinterlands", "Which port serves which parks", _finding_ports),
    ("criticality", "Bottlenecks", _finding_bottlenecks),
    ("bottlenecks", "Bottlenecks", _finding_stops),
    ("closures", "Border closures and isolated islands", _finding_closures),
    ("failures", "Random failures", _finding_failures),
    ("scenarios", "Scenarios", _finding_scenarios),
)
"""(section key, heading, function of the network and that section's facts), in order."""


def key_findings(net: Network, sections: list[_Section]) -> dict[str, list[str]]:
    """Return the report's key findings: sentences from the sections that ran, by heading.

    Parameters
    ----------
    net
        The network.
    sections
        The sections run (failed ones are skipped).

    Returns
    -------
    dict of str to list of str
        Heading to plain sentences with numbers, in report order.
    """
    by_key = {s.key: s for s in sections if s.error is None}
    out: dict[str, list[str]] = {}
    for key, heading, function in FINDINGS:
        if key in by_key:
            lines = function(net, by_key[key].facts)
            if lines:
                out.setdefault(heading, []).extend(lines)
    return out
