"""Build a network's links as arrays: vectorised checks, geometry, lengths, speeds and costs.

:meth:`Network.from_records <corridors.network.Network.from_records>` checks
and builds every link here in array operations. The checks stay complete: a
vectorised pass clears the rows that cannot fail any check of
:func:`~corridors.network.checks._check_link`, and every other row goes through
that function, so the messages are exactly those of the row-by-row check. The
edges are those :func:`~corridors.network.checks._link_edges` would make, with
geometries, geodesic lengths and default speeds computed for all links at once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import shapely

from corridors import _validate as v
from corridors.costs import MODES, Parameters
from corridors.engine.compiled import EdgeTable
from corridors.engine.freight import season_bits
from corridors.network.checks import LAND_MODES, Edge, _check_link
from corridors.network.geometry import _GEOD, _line_km
from corridors.schema import Record

__all__ = ["BuiltLinks", "check_links"]

_MODE_BIT = {m: 1 << i for i, m in enumerate(MODES)}


def _place_arrays(nodes: dict[str, dict[str, Any]]) -> dict[str, np.ndarray]:
    """Per-place arrays the link checks and edges need, in the order of `nodes`."""
    data = list(nodes.values())
    masks: dict[str, int] = {}  # modes text -> bit mask
    for d in data:
        text = d.get("modes", "")
        if text not in masks:
            masks[text] = sum(_MODE_BIT.get(m, 0) for m in set(text.split(";")))
    bits = np.array([masks[d.get("modes", "")] for d in data], dtype=np.int64)
    return {
        "index": pd.Index(list(nodes)),
        "bits": bits,
        "existing": np.array([d.get("status", "existing") == "existing" for d in data]),
        "border": np.array([d.get("kind") == "border" for d in data]),
        "country": np.array([d.get("country", "") for d in data], dtype=object),
        "x": np.array([d["x"] for d in data], dtype=float),
        "y": np.array([d["y"] for d in data], dtype=float),
    }


def _link_countries(
    places: dict[str, np.ndarray], a: np.ndarray, b: np.ndarray
) -> list[tuple[str, ...]]:
    """Countries each link runs in: its ends' other than border crossings (else both ends').

    A crossing's coordinates lie on one side only, so its country says nothing of
    the link (as ``_link_edges``).
    """
    country, border = places["country"], places["border"]
    out = []
    for i, j in zip(a.tolist(), b.tolist(), strict=True):
        inland = tuple(country[k] for k in (i, j) if not border[k])
        out.append(inland or (country[i], country[j]))
    return out


def _column(links: Sequence[Record], field: str) -> list[Any]:
    return [r.values.get(field) for r in links]


def check_links(
    links: Sequence[Record],
    nodes: dict[str, dict[str, Any]],
    corridor_names: set[str] | None,
    problems: v.Problems,
) -> dict[str, np.ndarray]:
    """Check links against their places, as ``_check_link`` row by row (problems collected).

    Parameters
    ----------
    links
        Parsed link rows.
    nodes
        Node attributes by place id (from ``_check_places``).
    corridor_names
        Corridors a link may name (``None``: any).
    problems
        Collector of the messages.

    Returns
    -------
    dict
        Per-place arrays, for :meth:`BuiltLinks.build`.
    """
    places = _place_arrays(nodes)
    if not links:
        return places
    n = len(links)
    a = places["index"].get_indexer(pd.Index(_column(links, "from"), dtype=object))
    b = places["index"].get_indexer(pd.Index(_column(links, "to"), dtype=object))
    modes = _column(links, "mode")
    bit = np.array([_MODE_BIT.get(m, 0) for m in modes], dtype=np.int64)
    land = np.array([m in LAND_MODES for m in modes])
    status = np.array([r.values.get("status", "existing") == "existing" for r in links])
    gauge = np.array(["gauge_mm" in r.values for r in links])
    corridors = np.array([bool(r.values.get("corridors")) for r in links])
    length = np.array([r.values.get("length_km", np.nan) for r in links], dtype=float)
    sourced = np.array([r.values.get("length_basis", "source") == "source" for r in links])
    ok = (a >= 0) & (b >= 0) & (bit > 0) & (a != b)
    sa, sb = np.maximum(a, 0), np.maximum(b, 0)
    ok &= (places["bits"][sa] & bit > 0) & (places["bits"][sb] & bit > 0)
    ok &= ~status | (places["existing"][sa] & places["existing"][sb])
    same_country = places["country"][sa] == places["country"][sb]
    plain_land = ~places["border"][sa] & ~places["border"][sb] & same_country
    road = np.array([m == "road" for m in modes])
    ok &= ~land | (plain_land & road & ~gauge)  # rail rows: gauge rules, row by row
    ok &= land | ~gauge
    sea_fields = np.array(
        [bool({"sailings_per_week", "sea_service"} & r.values.keys()) for r in links]
    )
    ok &= ~sea_fields | np.array([m == "sea" for m in modes])  # sea-only fields, row by row
    if corridor_names is not None:
        ok &= ~corridors
    checked = np.flatnonzero(ok & np.isfinite(length) & sourced)
    if len(checked):
        _, _, metres = _GEOD.inv(
            places["x"][a[checked]],
            places["y"][a[checked]],
            places["x"][b[checked]],
            places["y"][b[checked]],
        )
        ok[checked] = length[checked] >= np.asarray(metres) / 1000.0 - 5.0
    for i in np.flatnonzero(~ok[:n]):
        _check_link(links[i], nodes, corridor_names, problems)
    return places


@dataclasses.dataclass
class BuiltLinks:
    """Checked places and links with every derived link value as arrays.

    The MultiDiGraph is made from them only when something asks for it
    (:meth:`graph`); compiling reads the arrays (:meth:`edge_table`).

    Parameters
    ----------
    nodes
        Node attributes by place id, in table order.
    values
        Each link's parsed values.
    a, b
        Index of each link's from / to place in `nodes`.
    coords, counts
        Points of every link's line (from, via points, to), and points per link.
    length_km, computed
        Length and whether it was computed (not given by a source).
    speed_kph, speed_default
        Speed and whether it came from the parameters.
    cost, cost_default
        Cost (USD/TEU) and whether it came from the parameters.
    oneway
        One-way links (no backward edge).
    graph_attrs
        ``G.graph`` attributes (crs, name, source).
    """

    nodes: dict[str, dict[str, Any]]
    values: list[dict[str, Any]]
    a: np.ndarray
    b: np.ndarray
    coords: np.ndarray
    counts: np.ndarray
    length_km: np.ndarray
    computed: np.ndarray
    speed_kph: np.ndarray
    speed_default: np.ndarray
    cost: np.ndarray
    cost_default: np.ndarray
    oneway: np.ndarray
    graph_attrs: dict[str, Any]

    @classmethod
    def build(
        cls,
        nodes: dict[str, dict[str, Any]],
        links: Sequence[Record],
        params: Parameters,
        graph_attrs: dict[str, Any],
        places: dict[str, np.ndarray] | None = None,
    ) -> BuiltLinks:
        """Derive geometry, length, speed and cost of checked links, as ``_link_edges`` does.

        Parameters
        ----------
        nodes
            Node attributes by place id.
        links
            Checked link rows.
        params
            Parameters (default speeds, costs per km, detour factors).
        graph_attrs
            ``G.graph`` attributes.
        places
            Per-place arrays if :func:`check_links` returned them.

        Returns
        -------
        BuiltLinks
        """
        places = _place_arrays(nodes) if places is None else places
        values = [r.values for r in links]
        a = places["index"].get_indexer(pd.Index([x["from"] for x in values], dtype=object))
        b = places["index"].get_indexer(pd.Index([x["to"] for x in values], dtype=object))
        via = [x.get("via") or [] for x in values]
        counts = np.array([2 + len(p) for p in via], dtype=np.int64)
        coords = np.empty((counts.sum(), 2))
        ends = np.cumsum(counts)
        coords[ends - counts] = np.column_stack([places["x"][a], places["y"][a]])
        coords[ends - 1] = np.column_stack([places["x"][b], places["y"][b]])
        bent = np.flatnonzero(counts > 2)
        for i in bent:
            coords[ends[i] - counts[i] + 1 : ends[i] - 1] = via[i]
        xa, ya, xb, yb = places["x"][a], places["y"][a], places["x"][b], places["y"][b]
        geodesic = np.asarray(_GEOD.inv(xa, ya, xb, yb)[2], dtype=float) / 1000.0
        for i in bent:
            geodesic[i] = _line_km(shapely.LineString(coords[ends[i] - counts[i] : ends[i]]))
        modes = [x["mode"] for x in values]
        countries = _link_countries(places, a, b)
        detour_memo: dict[tuple[str, tuple[str, ...]], float] = {}
        for m, c in zip(modes, countries, strict=True):
            if (m, c) not in detour_memo:
                detour_memo[m, c] = params.modes[m].detour_in(c)
        detour = np.array([detour_memo[m, c] for m, c in zip(modes, countries, strict=True)])
        per_km = np.array([params.modes[m].cost_usd_teu_km for m in modes])
        given = np.array([x.get("length_km", np.nan) for x in values], dtype=float)
        sourced = np.array([x.get("length_basis", "source") == "source" for x in values])
        computed = ~(np.isfinite(given) & sourced)
        length_km = np.where(computed, geodesic * detour, given)
        listed = [set(x["defaults"].split(";")) if "defaults" in x else () for x in values]
        speed = np.array([x.get("speed_kph", np.nan) for x in values], dtype=float)
        speed_default = np.isnan(speed) | np.array(["speed_kph" in d for d in listed])
        memo: dict[tuple[str, tuple[str, ...]], float] = {}
        for i in np.flatnonzero(speed_default):
            key = (modes[i], countries[i])
            if key not in memo:
                memo[key] = params.modes[key[0]].speed_in(key[1])
            speed[i] = memo[key]
        cost = np.array([x.get("cost_usd_teu", np.nan) for x in values], dtype=float)
        cost_default = np.isnan(cost) | np.array(["cost_usd_teu" in d for d in listed])
        cost = np.where(cost_default, length_km * per_km, cost)
        oneway = np.array([bool(x.get("oneway", False)) for x in values], dtype=bool)
        return cls(
            nodes, values, a, b, coords, counts, length_km, computed,
            speed, speed_default, cost, cost_default, oneway, graph_attrs,
        )  # fmt: skip

    def edges(self) -> tuple[list[Edge], list[Edge]]:
        """Return forward and backward ``(u, v, key, attrs)`` edges, as ``_link_edges`` does."""
        forward, backward = [], []
        skip = {"id", "from", "to", "via"}
        index = np.repeat(np.arange(len(self.values)), self.counts)
        lines = shapely.linestrings(self.coords, indices=index)
        back_lines = shapely.reverse(lines)
        for i, x in enumerate(self.values):
            attrs = {k: y for k, y in x.items() if k not in skip}
            defaults = set(x.get("defaults", "").split(";")) - {""}
            length_km = float(self.length_km[i]) if self.computed[i] else x["length_km"]
            if self.speed_default[i]:
                attrs["speed_kph"] = float(self.speed_kph[i])
                defaults.add("speed_kph")
            if self.cost_default[i]:
                attrs["cost_usd_teu"] = float(self.cost[i])
                defaults.add("cost_usd_teu")
            attrs.update(
                mode=x["mode"],
                length=length_km * 1000.0,
                length_basis="computed" if self.computed[i] else "source",
                travel_time=length_km / attrs["speed_kph"] * 3600.0,
                defaults=";".join(sorted(defaults)),
                status=x.get("status", "existing"),
                closed=x.get("closed", False),
            )
            attrs.pop("length_km", None)
            line, back = lines[i], back_lines[i]
            forward.append(
                (x["from"], x["to"], x["id"], {"geometry": line, "reversed": False, **attrs})
            )
            if not self.oneway[i]:
                backward.append(
                    (x["to"], x["from"], x["id"], {"geometry": back, "reversed": True, **attrs})
                )
        return forward, backward

    def graph(self) -> nx.MultiDiGraph:
        """Return the MultiDiGraph: places, then forward edges, then backward edges."""
        graph = nx.MultiDiGraph(**self.graph_attrs)
        graph.add_nodes_from(self.nodes.items())
        forward, backward = self.edges()
        # forward edges first, so the order of net.links (grouped by the places'
        # order) survives writing the network out and reading it back
        graph.add_edges_from(forward)
        graph.add_edges_from(backward)
        return graph

    def edge_table(self) -> EdgeTable | None:
        """Return the graph's directed edges as columns in ``graph.edges`` order (None: cannot).

        The order is networkx's: by tail place (node order), then by the first
        insertion of each (tail, head) pair, then by insertion.
        """
        keys = np.array([x["id"] for x in self.values], dtype=object)
        if len(pd.unique(keys)) != len(keys):
            return None  # a repeated link id would merge edges in the graph
        two_way = np.flatnonzero(~self.oneway)
        rows = np.r_[np.arange(len(keys)), two_way]
        tail = np.r_[self.a, self.b[two_way]]
        head = np.r_[self.b, self.a[two_way]]
        pair_order, _ = pd.factorize(tail * len(self.nodes) + head)
        order = np.lexsort((np.arange(len(rows)), pair_order, tail))
        rows, tail, head = rows[order], tail[order], head[order]
        reversed_ = np.r_[np.zeros(len(keys), dtype=bool), np.ones(len(two_way), dtype=bool)]
        place_ids = np.array(list(self.nodes), dtype=object)
        travel_time = self.length_km / self.speed_kph * 3600.0
        return EdgeTable(
            u=place_ids[tail],
            v=place_ids[head],
            key=keys[rows],
            mode=np.array([x["mode"] for x in self.values], dtype=object)[rows],
            status=np.array([x.get("status", "existing") for x in self.values], dtype=object)[
                rows
            ],
            reversed=reversed_[order],
            closed=np.array([bool(x.get("closed", False)) for x in self.values])[rows],
            travel_time=travel_time[rows],
            length=self.length_km[rows] * 1000.0,
            cost=self.cost[rows],
            season=np.array([season_bits(x.get("season")) for x in self.values], dtype=np.int8)[
                rows
            ],
            sailings=np.array(
                [x.get("sailings_per_week", np.nan) for x in self.values], dtype=float
            )[rows],
            sea_service=np.array([x.get("sea_service") or "" for x in self.values], dtype=object)[
                rows
            ],
        )
