"""Comparing a scenario with its base: OD changes, route switches, hinterlands, criticality.

:func:`compare` returns a :class:`Comparison`: best routes of every OD pair before
and after, the pairs that switch corridor, places whose hinterland changes,
accessibility, and (optionally) the elements whose criticality changes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from corridors._errors import DataError
from corridors.costs import FREIGHT_MODES
from corridors.engine import (
    EDGE_CROSSING,
    EDGE_LINK,
    EDGE_TRANSFER,
    WEIGHT_COLUMNS,
    check_weight,
    compile_network,
    search,
)
from corridors.network import Network
from corridors.resilience.closures import ASSIGNMENTS

__all__ = ["Comparison", "compare"]

# ---------------------------------------------------------------- comparing

_MEASURES = ("time_h", "distance_km", "cost_usd_teu", "generalized_usd_teu")


@dataclasses.dataclass(frozen=True)
class Comparison:
    """What a scenario changes, OD pair by OD pair and place by place (see :func:`compare`).

    Parameters
    ----------
    base_name, scenario_name
        Names of the two networks.
    weight
        The weight routes minimize (``generalized`` by default).
    od
        One row per OD pair: ``orig``, ``dest``, then ``time_h``, ``distance_km``,
        ``cost_usd_teu``, ``generalized_usd_teu`` each as ``_before``, ``_after`` and
        ``_change`` (after − before; of the route minimizing `weight` in each
        network; NaN when unreachable), ``main_corridor_before/after`` (corridor
        with the most km on the route), ``crossings_before/after`` (``;``-joined),
        and ``status``: ``better``, ``worse``, ``unchanged``, ``newly connected``,
        ``disconnected`` or ``unreachable``.
    switches
        The rows of `od` reachable in both whose border crossings or main corridor
        changed, with ``switched_crossing`` and ``switched_corridor`` flags.
    hinterland
        Parks whose best sea port changed: ``place``, ``name``,
        ``best_port_before/after`` and ``best_value_before/after`` (the weight's unit).
    accessibility
        Per park: ``name``, ``accessibility_before/after``, ``change`` and
        ``change_pct`` (gravity index of sea ports, decay 0.05 per hour of travel).
    critical
        Elements that became or stopped being critical: ``element``, ``kind``
        (``link`` / ``crossing``), ``change`` (``new`` / ``ended``),
        ``pairs_disconnected_before/after`` and ``delta_total_before/after`` (see
        :func:`corridors.resilience.criticality`). ``None`` when not computed.
    critical_line
        The added weight (the weight's unit, summed over pairs) from which an element
        counts as critical even when it disconnects no pair (see :func:`compare`).
    islands
        Parks the scenario leaves with no surface route to any sea port, with
        ``name``, ``country`` and ``cut_off_by`` (see
        :func:`corridors.resilience.isolated_islands`).
    modes
        The modes routed (``"rail, road, sea"`` unless air was asked for).
    flows
        With ``assignment="equilibrium"``: crossings and ports at user equilibrium
        before and after (volume TEU/day, v/c, queue hours; see
        :func:`corridors.assignment.compare_equilibria`), else ``None``.
    """

    base_name: str
    scenario_name: str
    weight: str
    od: pd.DataFrame
    switches: pd.DataFrame
    hinterland: pd.DataFrame
    accessibility: pd.DataFrame
    critical: pd.DataFrame | None = None
    critical_line: float | None = None
    islands: pd.DataFrame | None = None
    modes: str = ", ".join(FREIGHT_MODES)
    flows: pd.DataFrame | None = None

    def to_tables(self) -> dict[str, pd.DataFrame]:
        """Return the comparison's tables by name (for CSV files).

        Returns
        -------
        dict of str to pandas.DataFrame
            ``od_changes``, ``route_switches``, ``hinterland_shifts``,
            ``accessibility``, ``isolated_islands`` and, when computed,
            ``criticality_changes`` and ``equilibrium_flows``.
        """
        tables = {
            "od_changes": self.od,
            "route_switches": self.switches,
            "hinterland_shifts": self.hinterland,
            "accessibility": self.accessibility,
        }
        if self.critical is not None:
            tables["criticality_changes"] = self.critical
        if self.islands is not None:
            tables["isolated_islands"] = self.islands.reset_index()
        if self.flows is not None:
            tables["equilibrium_flows"] = self.flows.reset_index()
        return tables

    def summary(self, n: int = 5) -> str:
        """Return a one-screen text of the main changes.

        Parameters
        ----------
        n
            How many OD pairs, parks and elements to name in each list.

        Returns
        -------
        str
            Plain text, about 30 lines.
        """
        column = WEIGHT_COLUMNS[self.weight]
        unit = column.rsplit("_", 1)[-1] if self.weight == "time" else "USD/TEU"
        unit = "km" if self.weight == "distance" else unit
        counts = self.od["status"].value_counts()
        order = ("better", "worse", "newly connected", "disconnected", "unchanged", "unreachable")
        lines = [
            f"Scenario: {self.scenario_name}",
            f"Compared with: {self.base_name} (routes minimizing {self.weight}, {unit}; "
            f"modes {self.modes})",
            f"OD pairs: {len(self.od)}; "
            + ", ".join(f"{s} {int(counts.get(s, 0))}" for s in order),
        ]
        lines += _od_lines(self.od, column, unit, n)
        switched_x = int(self.switches["switched_crossing"].sum()) if len(self.switches) else 0
        switched_c = int(self.switches["switched_corridor"].sum()) if len(self.switches) else 0
        lines.append(
            f"Routes switching border crossing: {switched_x}; main corridor: {switched_c}"
        )
        lines.append(f"Hinterland shifts (parks changing best sea port): {len(self.hinterland)}")
        for _, row in self.hinterland.head(n).iterrows():
            lines.append(
                f"  {row['place']}: {row['best_port_before']} -> {row['best_port_after']}"
            )
        lines += _access_lines(self.accessibility, n)
        lines += _critical_lines(self.critical, n, self.critical_line, unit)
        if self.islands is not None:
            count = len(self.islands)
            lines.append(f"Isolated islands (parks with no surface route to a sea port): {count}")
            for park, row in self.islands.head(n).iterrows():
                lines.append(f"  {row['name']} ({park}, {row['country']}): {row['cut_off_by']}")
        if self.flows is not None:
            lines.append("At equilibrium (TEU/day; v/c; queue h), biggest volume changes:")
            for place, row in self.flows.head(n).iterrows():
                lines.append(
                    f"  {place}: {row['volume_before']:,.0f} -> {row['volume_after']:,.0f}"
                    f" (v/c {row['vc_after']:.2f}, queue {row['queue_h_after']:.0f} h)"
                    if np.isfinite(row["vc_after"])
                    else f"  {place}: {row['volume_before']:,.0f} -> {row['volume_after']:,.0f}"
                )
        return "\n".join(lines)


def _od_lines(od: pd.DataFrame, column: str, unit: str, n: int) -> list[str]:
    """Lines naming the largest gains and losses, and pairs (dis)connected."""
    lines = []
    for status, title, ascending in (
        ("better", "Largest gains", True),
        ("worse", "Largest losses", False),
    ):
        rows = od[od["status"] == status].sort_values(f"{column}_change", ascending=ascending)
        if len(rows):
            lines.append(f"{title}:")
        for _, r in rows.head(n).iterrows():
            before, after = r[f"{column}_before"], r[f"{column}_after"]
            lines.append(
                f"  {r['orig']} -> {r['dest']}: {before:,.0f} -> {after:,.0f} {unit} "
                f"({after - before:+,.0f}, {100 * (after - before) / before:+.0f} %); "
                f"{r['time_h_before']:.0f} -> {r['time_h_after']:.0f} h"
            )
    for status in ("newly connected", "disconnected"):
        rows = od[od["status"] == status]
        if len(rows):
            named = ", ".join(
                f"{o}->{d}" for o, d in zip(rows["orig"][:n], rows["dest"][:n], strict=True)
            )
            lines.append(f"{status.capitalize()}: {len(rows)} (e.g. {named})")
    return lines


def _access_lines(access: pd.DataFrame, n: int) -> list[str]:
    """Lines on the accessibility change of parks (largest relative changes first)."""
    changed = access[access["change_pct"].abs() > 0.05]
    if not len(changed):
        return ["Accessibility of parks to sea ports: no change above 0.05 %"]
    mean = access["change_pct"].mean()
    lines = [
        f"Accessibility of parks to sea ports: mean {mean:+.1f} %; "
        f"changed for {len(changed)} parks"
    ]
    largest = changed.loc[changed["change_pct"].abs().sort_values(ascending=False).index]
    for place, row in largest.head(n).iterrows():
        lines.append(f"  {place}: {row['change_pct']:+.1f} %")
    return lines


def _critical_lines(
    critical: pd.DataFrame | None, n: int, line: float | None, unit: str
) -> list[str]:
    """Lines on elements that became or stopped being critical."""
    if critical is None:
        return ["Criticality: not computed"]
    lines = []
    if line is not None:
        lines.append(
            f"Critical: failure disconnects an OD pair or adds >= {line:,.0f} {unit} in total "
            "(a share of the base's total, 1 % by default)"
        )
    for change, title in (("new", "Newly critical"), ("ended", "No longer critical")):
        rows = critical[critical["change"] == change]
        named = ", ".join(rows["element"].head(n))
        lines.append(f"{title}: {len(rows)}" + (f" ({named})" if named else ""))
    return lines


def _default_od(net: Network) -> tuple[list[str], list[str]]:
    """Every park, and every port that serves sea."""
    from corridors.reach import sea_ports

    return net.select("park"), sea_ports(net)


def _corridor_km(net: Network, links: Iterable[str], km: Iterable[float]) -> str:
    """Return the corridor with the most km among `links` ("" if none is named)."""
    corridors = net.cached("link_corridors", lambda: net.links["corridors"].to_dict())
    totals: dict[str, float] = {}
    for link, length in zip(links, km, strict=True):
        for name in str(corridors.get(link) or "").split(";"):
            if name and name != "nan":
                totals[name] = totals.get(name, 0.0) + float(length)
    return max(sorted(totals), key=lambda c: totals[c]) if totals else ""


def _best_routes(
    net: Network, origins: list[str], dests: list[str], weight: str, season: str | None = None
) -> pd.DataFrame:
    """Measures, crossings and main corridor of the best route of every OD pair."""
    from corridors.engine import Restrictions

    graph = compile_network(net)
    index = graph.place_index
    present = [o for o in origins if o in index]
    rows = []
    if present:
        result = search(
            graph,
            [index[o] for o in present],
            weight=weight,
            mask=graph.edge_mask(Restrictions(season=season)),
        )
    for row, orig in enumerate(present):
        for dest in dests:
            if dest == orig or dest not in index:
                continue
            state = result.best_state(row, index[dest])
            if state < 0:
                continue
            path = np.asarray(result.edge_path(row, state), dtype=np.int64)
            kinds = graph.edge_kind[path]
            links = path[kinds == EDGE_LINK]
            places = graph.place_ids[graph.state_place[graph.edge_src[path]]]
            time_h, cost = float(graph.time_h[path].sum()), float(graph.cost_usd[path].sum())
            rows.append({
                "orig": orig,
                "dest": dest,
                "time_h": time_h,
                "distance_km": float(graph.distance_km[path].sum()),
                "cost_usd_teu": cost,
                "generalized_usd_teu": cost + graph.value_of_time * time_h,
                "main_corridor": _corridor_km(
                    net, graph.link_ids[graph.edge_link[links]], graph.distance_km[links]
                ),
                "crossings": ";".join(places[kinds == EDGE_CROSSING]),
                "transfers": ";".join(places[kinds == EDGE_TRANSFER]),
            })  # fmt: skip
    columns = ["orig", "dest", *_MEASURES, "main_corridor", "crossings", "transfers"]
    return pd.DataFrame(rows, columns=columns).set_index(["orig", "dest"])


def _status(before: pd.Series, after: pd.Series) -> pd.Series:
    """Classify each pair's change of the minimized weight."""
    tol = 1e-9 * np.maximum(before.abs().fillna(0), 1.0)
    out = pd.Series("unchanged", index=before.index, dtype=object)
    out[(after - before) < -tol] = "better"
    out[(after - before) > tol] = "worse"
    out[before.isna() & after.notna()] = "newly connected"
    out[before.notna() & after.isna()] = "disconnected"
    out[before.isna() & after.isna()] = "unreachable"
    return out


def _od_changes(
    before: pd.DataFrame, after: pd.DataFrame, pairs: pd.MultiIndex, weight: str
) -> pd.DataFrame:
    """Join the best routes of both networks pair by pair."""
    b, a = before.reindex(pairs), after.reindex(pairs)
    out = pd.DataFrame(index=pairs)
    for m in _MEASURES:
        out[f"{m}_before"], out[f"{m}_after"] = b[m], a[m]
        out[f"{m}_change"] = a[m] - b[m]
    for c in ("main_corridor", "crossings"):
        out[f"{c}_before"], out[f"{c}_after"] = b[c], a[c]
    column = WEIGHT_COLUMNS[weight]
    out["status"] = _status(out[f"{column}_before"], out[f"{column}_after"])
    return out.reset_index()


def _switches(od: pd.DataFrame) -> pd.DataFrame:
    """Pairs reachable in both networks whose crossings or main corridor changed."""
    both = od[
        od["generalized_usd_teu_before"].notna() & od["generalized_usd_teu_after"].notna()
    ].copy()
    both["switched_crossing"] = both["crossings_before"] != both["crossings_after"]
    both["switched_corridor"] = both["main_corridor_before"] != both["main_corridor_after"]
    return both[both["switched_crossing"] | both["switched_corridor"]].reset_index(drop=True)


def _hinterland_shifts(
    base: Network, scen: Network, parks: list[str], ports: list[str], weight: str
) -> pd.DataFrame:
    """Parks whose best port (among `ports`) changes."""
    from corridors.reach import hinterlands

    columns = ["place", "name", "best_port_before", "best_port_after"]
    if not parks or not ports:
        return pd.DataFrame(columns=[*columns, "best_value_before", "best_value_after"])
    frames = []
    for net in (base, scen):
        present = [p for p in parks if p in net.graph]
        there = [p for p in ports if p in net.graph]
        places = hinterlands(net, there, present, weight=weight).places
        frames.append(places[["name", "best_port", "best_value"]].reindex(parks))
    b, a = frames
    out = pd.DataFrame({
        "place": parks,
        "name": a["name"].fillna(b["name"]).to_numpy(),
        "best_port_before": b["best_port"].to_numpy(),
        "best_port_after": a["best_port"].to_numpy(),
        "best_value_before": b["best_value"].to_numpy(dtype=float),
        "best_value_after": a["best_value"].to_numpy(dtype=float),
    })  # fmt: skip
    same = out["best_port_before"].fillna("") == out["best_port_after"].fillna("")
    return out[~same].reset_index(drop=True)


def _accessibility(
    base: Network, scen: Network, parks: list[str], ports: list[str]
) -> pd.DataFrame:
    """Gravity accessibility of each park to sea ports (time, 0.05 per hour), both networks."""
    from corridors.reach import accessibility

    values = []
    for net in (base, scen):
        here = [p for p in parks if p in net.graph]
        there = [p for p in ports if p in net.graph]
        values.append(accessibility(net, here, there, weight="time").reindex(parks))
    out = pd.DataFrame(index=pd.Index(parks, name="place"))
    out["name"] = [scen.graph.nodes[p].get("name", p) for p in parks]
    out["accessibility_before"], out["accessibility_after"] = values
    out["change"] = out["accessibility_after"] - out["accessibility_before"]
    out["change_pct"] = (
        100.0 * out["change"] / out["accessibility_before"].where(out["accessibility_before"] > 0)
    )
    return out


def _critical_set(frame: pd.DataFrame, line: float) -> set[str]:
    """Elements whose failure disconnects a pair or adds at least `line` to the total weight."""
    return set(frame.index[(frame["pairs_disconnected"] > 0) | (frame["delta_total"] >= line)])


def _total(table: pd.DataFrame, weight: str, od: Any) -> float:
    """Return the base's total weight over the reachable OD pairs (demand-weighted for a table)."""
    values = table.set_index(["orig", "dest"])[f"{WEIGHT_COLUMNS[weight]}_before"]
    if isinstance(od, pd.DataFrame) and "demand" in od.columns:
        demand = od.groupby(["orig", "dest"])["demand"].sum().reindex(values.index).fillna(0.0)
        values = values * demand
    return float(values.sum())


def _od_within(net: Network, od: tuple[list[str], list[str]] | pd.DataFrame) -> Any:
    """Return the OD pairs (tuple of lists, or table) restricted to places of `net`."""
    if isinstance(od, pd.DataFrame):
        return od[od["orig"].isin(list(net.graph)) & od["dest"].isin(list(net.graph))]
    return tuple([p for p in side if p in net.graph] for side in od)


def _criticality_changes(
    base: Network,
    scen: Network,
    od: tuple[list[str], list[str]] | pd.DataFrame,
    weight: str,
    line: float,
) -> pd.DataFrame:
    """Links and crossings that became or stopped being critical (see :func:`compare`)."""
    from corridors.resilience import criticality

    rows = []
    for elements, kind in (("links", "link"), ("crossings", "crossing")):
        frames = []
        for net in (base, scen):
            frames.append(
                criticality(
                    net, _od_within(net, od), weight=weight, elements=elements, detour=False
                )
            )
        b, a = frames
        sets = _critical_set(b, line), _critical_set(a, line)
        for change, ids in (("new", sets[1] - sets[0]), ("ended", sets[0] - sets[1])):
            for element in sorted(ids):
                rows.append({
                    "element": element,
                    "kind": kind,
                    "change": change,
                    "pairs_disconnected_before": b["pairs_disconnected"].get(element, np.nan),
                    "pairs_disconnected_after": a["pairs_disconnected"].get(element, np.nan),
                    "delta_total_before": b["delta_total"].get(element, np.nan),
                    "delta_total_after": a["delta_total"].get(element, np.nan),
                })  # fmt: skip
    columns = [
        "element",
        "kind",
        "change",
        "pairs_disconnected_before",
        "pairs_disconnected_after",
        "delta_total_before",
        "delta_total_after",
    ]
    return pd.DataFrame(rows, columns=columns)


def compare(
    base: Network,
    scenario_net: Network,
    od: tuple[str | Iterable[str], str | Iterable[str]] | pd.DataFrame | None = None,
    *,
    weight: str = "generalized",
    critical: bool = True,
    critical_share: float = 0.01,
    season: str | None = None,
    assignment: str = "all-or-nothing",
) -> Comparison:
    """Compare a scenario network with its base: OD changes, switches, hinterlands, access.

    Parameters
    ----------
    base, scenario_net
        The two networks (e.g. a base and ``apply(base, scenario)``); neither changes.
    od
        ``(origins, destinations)``: kinds of place or lists of ids/names, all pairs
        compared; or an OD table (``orig``, ``dest``, optionally ``demand``) whose
        pairs are compared and whose demand weighs the criticality comparison.
        Default: every park to every port serving sea (of `scenario_net`; places the
        base lacks count as unreachable there).
    weight
        What routes minimize: ``time`` (h), ``distance`` (km), ``cost`` or
        ``generalized`` (USD/TEU, the default).
    critical
        Also compare link and crossing criticality
        (:func:`corridors.resilience.criticality` on the same OD pairs).
    critical_share
        An element is critical if its failure disconnects an OD pair or adds at
        least this share (default 1 %) of the base's total weight over the OD pairs
        (demand-weighted) to it. The same line is used before and after, so an
        element is listed as newly critical (or no longer critical) only when its
        impact crossed it: a material change, not a change of rank.
    season
        Also route over the links of this season (e.g. a scenario's ``season``).
    assignment
        ``"equilibrium"`` also assigns demand at user equilibrium with capacities
        and queues on both networks (:attr:`Comparison.flows`): the OD table's
        demand (TEU/year) if `od` is one, else the built-in gravity estimate. A
        capacity cut shows there as queues and diversion.

    Returns
    -------
    Comparison
        Tables and a one-screen :meth:`~Comparison.summary`.

    Raises
    ------
    DataError
        For an unknown weight.
    UnknownPlaceError
        If an OD place is unknown (with close matches).

    Examples
    --------
    >>> import corridors
    >>> from corridors import scenario
    >>> base = corridors.load_gtr()
    >>> closed = base.copy()
    >>> _ = closed.close_place("hunchun_kraskino")
    >>> od = (["hunchun_becz"], ["zarubino_port"])
    >>> c = scenario.compare(base, closed, od=od, critical=False)
    >>> c.od.loc[0, "status"]
    'worse'
    """
    from corridors.resilience.islands import isolated_islands
    from corridors.routing import restrictions

    check_weight(weight)
    if assignment not in ASSIGNMENTS:
        raise DataError(f"assignment = {assignment!r}; expected one of {', '.join(ASSIGNMENTS)}")
    if isinstance(od, pd.DataFrame):  # an OD table: exactly its pairs
        from corridors.resilience import od_pairs

        table_pairs = od_pairs(scenario_net, od)
        origins = list(dict.fromkeys(table_pairs["orig"]))
        dests = list(dict.fromkeys(table_pairs["dest"]))
        pairs = pd.MultiIndex.from_frame(table_pairs[["orig", "dest"]])
        critical_od: Any = table_pairs
    else:
        origins, dests = (
            _default_od(scenario_net) if od is None else (scenario_net.select(x) for x in od)
        )
        origins, dests = list(origins), list(dests)
        pairs = pd.MultiIndex.from_tuples(
            [(o, d) for o in origins for d in dests if o != d], names=["orig", "dest"]
        )
        critical_od = (origins, dests)
    table = _od_changes(
        _best_routes(base, origins, dests, weight, season),
        _best_routes(scenario_net, origins, dests, weight, season),
        pairs,
        weight,
    )
    parks = [p for p in origins if scenario_net.graph.nodes[p]["kind"] == "park"]
    ports = [p for p in dests if scenario_net.graph.nodes[p]["kind"] == "port"]
    line = critical_share * _total(table, weight, od) if critical else None
    return Comparison(
        base_name=base.name,
        scenario_name=scenario_net.name,
        weight=weight,
        od=table,
        switches=_switches(table),
        hinterland=_hinterland_shifts(base, scenario_net, parks, ports, weight),
        accessibility=_accessibility(base, scenario_net, parks, ports),
        critical=None
        if line is None
        else _criticality_changes(base, scenario_net, critical_od, weight, line),
        critical_line=line,
        islands=isolated_islands(base, scenario_net),
        modes=restrictions(scenario_net, season=season).mode_text,
        flows=_equilibrium_flows(base, scenario_net, od, weight, assignment),
    )


def _equilibrium_flows(
    base: Network, scen: Network, od: Any, weight: str, assignment: str
) -> pd.DataFrame | None:
    """Crossings and ports at equilibrium before and after (``None`` if not asked for)."""
    if assignment != "equilibrium":
        return None
    from corridors.assignment.changes import compare_equilibria

    demand = od if isinstance(od, pd.DataFrame) and "demand" in od.columns else None
    return compare_equilibria(base, scen, demand, weight=weight).places
