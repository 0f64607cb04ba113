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
from collections.abc import Mapping
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import shapely

from corridors import _validate as v
from corridors.costs import MODES, Parameters
from corridors.engine.freight import season_bits
from corridors.engine.inputs import EdgeTable
from corridors.network.checks import LAND_MODES, Edge, _check_link
from corridors.network.columns import Places
from corridors.network.geometry import _GEOD, _line_km
from corridors.schema import LINK_COLUMNS
from corridors.table import Table, present

__all__ = ["BuiltLinks", "check_links"]

_MODE_BIT = {m: 1 << i for i, m in enumerate(MODES)}


def _place_arrays(nodes: Mapping[str, dict[str, Any]]) -> dict[str, np.ndarray]:
    """Per-place arrays the link checks and edges need, in the order of `nodes`."""
    if isinstance(nodes, Places):
        return nodes.arrays()
    data = list(nodes.values())
    masks: dict[str, int] = {}  # modes text -> bit mask
    for d in data:
        text = d.get("modes", "")
        if text not in masks:
            masks[text] = sum(_MODE_BIT.get(m, 0) for m in set(text.split(";")))
    bits = np.array([masks[d.get("modes", "")] for d in data], dtype=np.int64)
    return {
        "index": pd.Index(list(nodes), dtype=object),
        "bits": bits,
        "existing": np.array([d.get("status", "existing") == "existing" for d in data]),
        "border": np.array([d.get("kind") == "border" for d in data]),
        "country": np.array([d.get("country", "") for d in data], dtype=object),
        "x": np.array([d["x"] for d in data], dtype=float),
        "y": np.array([d["y"] for d in data], dtype=float),
    }


def _positions(index: pd.Index, values: np.ndarray) -> np.ndarray:
    """Return the position of each value in `index` (-1: not there)."""
    return index.get_indexer(pd.Index(values, dtype=object))


def _is(values: np.ndarray, text: str, blank: bool = False) -> np.ndarray:
    """Return which values equal `text` (blank cells: `blank`)."""
    out = np.asarray(values == text, dtype=bool)
    if blank:
        out |= ~present(values)
    return out


def _flags(values: np.ndarray) -> np.ndarray:
    """Return a column of parsed booleans as bool (blank: False)."""
    out = np.zeros(len(values), dtype=bool)
    given = present(values)
    out[given] = values[given].astype(bool)
    return out


def _by_link_countries(
    places: dict[str, np.ndarray], a: np.ndarray, b: np.ndarray, modes: np.ndarray
) -> tuple[np.ndarray, list[tuple[str, tuple[str, ...]]]]:
    """Group links by mode and the countries they run in; return each link's group and groups.

    A link runs in its ends' countries other than border crossings' (else in both
    ends'): a crossing's coordinates lie on one side only (as ``_link_edges``).
    """
    country, border = places["country"], places["border"]
    case = border[a].astype(np.int64) + 2 * border[b]
    codes, names = pd.factorize(country, use_na_sentinel=False)
    mode_codes, mode_names = pd.factorize(modes, use_na_sentinel=False)
    width = max(len(names), 1)
    key = ((mode_codes * 4 + case) * width + codes[a]) * width + codes[b]
    distinct, group = np.unique(key, return_inverse=True)
    groups = []
    for k in distinct.tolist():
        rest, cb = divmod(k, width)
        rest, ca = divmod(rest, width)
        m, c = divmod(rest, 4)
        ends = {
            0: (names[ca], names[cb]),
            1: (names[cb],),
            2: (names[ca],),
            3: (names[ca], names[cb]),
        }
        groups.append((mode_names[m], ends[c]))
    return group, groups


def check_links(
    links: Table,
    nodes: Mapping[str, dict[str, Any]],
    corridor_names: set[str] | None,
    problems: v.Problems,
) -> dict[str, np.ndarray]:
    """Check links against their places, as ``_check_link`` row by row (problems collected).

    Parameters
    ----------
    links
        Parsed link rows.
    nodes
        Node attributes by place id (from ``check_place_table``).
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
    if not len(links):
        return places
    a = places["a"] = _positions(places["index"], links.column("from"))
    b = places["b"] = _positions(places["index"], links.column("to"))
    modes = links.column("mode")
    code = _positions(pd.Index(MODES, dtype=object), modes)
    bit = np.where(code >= 0, np.left_shift(1, np.maximum(code, 0)), 0)
    land = np.isin(modes, LAND_MODES)
    status = _is(links.column("status"), "existing", blank=True)
    gauge = present(links.column("gauge_mm"))
    corridors = present(links.column("corridors")) & (links.column("corridors") != "")
    length = links.column("length_km").astype(float)
    sourced = _is(links.column("length_basis"), "source", blank=True)
    ok = (a >= 0) & (b >= 0) & (bit > 0) & (a != b)
    sa, sb = np.maximum(a, 0), np.maximum(b, 0)
    ok &= (places["bits"][sa] & bit > 0) & (places["bits"][sb] & bit > 0)
    ok &= ~status | (places["existing"][sa] & places["existing"][sb])
    same_country = places["country"][sa] == places["country"][sb]
    plain_land = ~places["border"][sa] & ~places["border"][sb] & same_country
    road = _is(modes, "road")
    ok &= ~land | (plain_land & road & ~gauge)  # rail rows: gauge rules, row by row
    ok &= land | ~gauge
    sea_fields = present(links.column("sailings_per_week")) | present(links.column("sea_service"))
    ok &= ~sea_fields | _is(modes, "sea")  # sea-only fields, row by row
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
    for i in np.flatnonzero(~ok).tolist():
        _check_link(links.record(i), nodes, corridor_names, problems)
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
    links
        The links' parsed values.
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

    nodes: Places
    links: Table
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
        nodes: Places,
        links: Table,
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
        if "a" not in places:
            places["a"] = _positions(places["index"], links.column("from"))
            places["b"] = _positions(places["index"], links.column("to"))
        a, b = places["a"], places["b"]
        via = links.column("via")
        bent = np.flatnonzero(present(via))
        counts = np.full(len(links), 2, dtype=np.int64)
        counts[bent] += np.fromiter(map(len, via[bent]), dtype=np.int64, count=len(bent))
        bent = bent[counts[bent] > 2]
        coords = np.empty((counts.sum(), 2))
        ends = np.cumsum(counts)
        xa, ya, xb, yb = places["x"][a], places["y"][a], places["x"][b], places["y"][b]
        coords[ends - counts] = np.column_stack([xa, ya])
        coords[ends - 1] = np.column_stack([xb, yb])
        for i in bent.tolist():
            coords[ends[i] - counts[i] + 1 : ends[i] - 1] = via[i]
        geodesic = np.asarray(_GEOD.inv(xa, ya, xb, yb)[2], dtype=float) / 1000.0
        for i in bent.tolist():
            geodesic[i] = _line_km(shapely.LineString(coords[ends[i] - counts[i] : ends[i]]))
        group, groups = _by_link_countries(places, a, b, links.column("mode"))
        detour = np.array([params.modes[m].detour_in(c) for m, c in groups])[group]
        per_km = np.array([params.modes[m].cost_usd_teu_km for m, _ in groups])[group]
        given = links.column("length_km").astype(float)
        sourced = _is(links.column("length_basis"), "source", blank=True)
        computed = ~(np.isfinite(given) & sourced)
        length_km = np.where(computed, geodesic * detour, given)
        listed = _listed_defaults(links.column("defaults"))
        speed = links.column("speed_kph").astype(float)
        speed_default = np.isnan(speed) | listed["speed_kph"]
        default_speed = np.array([params.modes[m].speed_in(c) for m, c in groups])[group]
        speed = np.where(speed_default, default_speed, speed)
        cost = links.column("cost_usd_teu").astype(float)
        cost_default = np.isnan(cost) | listed["cost_usd_teu"]
        cost = np.where(cost_default, length_km * per_km, cost)
        oneway = _flags(links.column("oneway"))
        return cls(
            nodes, links, a, b, coords, counts, length_km, computed,
            speed, speed_default, cost, cost_default, oneway, graph_attrs,
        )  # fmt: skip

    def edges(self) -> tuple[list[Edge], list[Edge]]:
        """Return forward and backward ``(u, v, key, attrs)`` edges, as ``_link_edges`` does."""
        forward, backward = [], []
        skip = {"id", "from", "to", "via"}
        index = np.repeat(np.arange(len(self.links)), self.counts)
        lines = shapely.linestrings(self.coords, indices=index)
        back_lines = shapely.reverse(lines)
        for i, x in enumerate(self.links.rows()):
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

    def _edge_order(self) -> tuple[np.ndarray, ...] | None:
        """Link row, tail, head and reversed flag of each directed edge in graph order.

        The order is networkx's: by tail place (node order), then by the first
        insertion of each (tail, head) pair, then by insertion (forward edges first).
        None when a link id repeats (the graph would merge those edges).
        """
        if pd.Index(self.links.column("id"), dtype=object).has_duplicates:
            return None
        n = len(self.links)
        two_way = np.flatnonzero(~self.oneway)
        rows = np.r_[np.arange(n), two_way]
        tail = np.r_[self.a, self.b[two_way]]
        head = np.r_[self.b, self.a[two_way]]
        pair_order, _ = pd.factorize(tail * len(self.nodes) + head)
        order = np.lexsort((np.arange(len(rows)), pair_order, tail))
        reversed_ = np.r_[np.zeros(n, dtype=bool), np.ones(len(two_way), dtype=bool)]
        return rows[order], tail[order], head[order], reversed_[order]

    def link_columns(self) -> tuple[dict[str, list[Any]], np.ndarray] | None:
        """Return the columns of ``net.links`` and the geometries, as read from the graph.

        One row per link in the order of its forward edge among the graph's edges;
        values as the edges hold them (see :meth:`edges`). None when a link id repeats.

        Returns
        -------
        columns : dict
            Lists by column (:data:`~corridors.schema.LINK_COLUMNS` and ``time_h``).
        geometry : numpy.ndarray
            The links' LineStrings.
        """
        found = self._edge_order()
        if found is None:
            return None
        rows = found[0][~found[3]]
        links = self.links
        columns = {name: links.column(name)[rows].tolist() for name in LINK_COLUMNS}
        status = links.column("status")[rows]
        status[~present(status)] = "existing"
        texts = links.column("defaults")
        key = pd.MultiIndex.from_arrays(
            [np.where(present(texts), texts, ""), self.speed_default, self.cost_default]
        )
        codes, distinct = pd.factorize(key)
        joined = []
        for text, speed, cost in distinct:
            chosen = set(text.split(";")) - {""}
            chosen |= {"speed_kph"} if speed else set()
            chosen |= {"cost_usd_teu"} if cost else set()
            joined.append(";".join(sorted(chosen)))
        ends = np.cumsum(self.counts)
        starts = ends - self.counts
        via: list[list[tuple[float, float]]] = [[] for _ in rows]
        for k in np.flatnonzero(self.counts[rows] > 2).tolist():
            i = rows[k]
            via[k] = [tuple(p) for p in self.coords[starts[i] + 1 : ends[i] - 1].tolist()]
        columns.update(
            {
                "mode": links.column("mode")[rows].tolist(),
                "length_km": (self.length_km[rows] * 1000.0 / 1000.0).tolist(),
                "length_basis": np.where(self.computed[rows], "computed", "source").tolist(),
                "speed_kph": self.speed_kph[rows].tolist(),
                "cost_usd_teu": self.cost[rows].tolist(),
                "defaults": np.array(joined, dtype=object)[codes][rows].tolist(),
                "status": status.tolist(),
                "closed": _flags(links.column("closed"))[rows].tolist(),
                "via": via,
                "time_h": (self.length_km / self.speed_kph * 3600.0 / 3600.0)[rows].tolist(),
            }
        )
        index = np.repeat(np.arange(len(links)), self.counts)
        return columns, shapely.linestrings(self.coords, indices=index)[rows]

    def edge_table(self) -> EdgeTable | None:
        """Return the graph's directed edges as columns in ``graph.edges`` order (None: cannot).

        The order is networkx's: by tail place (node order), then by the first
        insertion of each (tail, head) pair, then by insertion.
        """
        links = self.links
        keys = links.column("id")
        found = self._edge_order()
        if found is None:
            return None
        rows, tail, head, reversed_ = found
        travel_time = self.length_km / self.speed_kph * 3600.0
        status = links.column("status").copy()
        status[~present(status)] = "existing"
        service = links.column("sea_service").copy()
        service[~present(service)] = ""
        return EdgeTable(
            u=self.nodes.ids[tail],
            v=self.nodes.ids[head],
            key=keys[rows],
            mode=links.column("mode")[rows],
            status=status[rows],
            reversed=reversed_,
            closed=_flags(links.column("closed"))[rows],
            travel_time=travel_time[rows],
            length=self.length_km[rows] * 1000.0,
            cost=self.cost[rows],
            season=_by_value(links.column("season"), season_bits, np.int8)[rows],
            sailings=links.column("sailings_per_week").astype(float)[rows],
            sea_service=service[rows],
            tail=tail,
            head=head,
            link=rows,
        )


def _by_value(values: np.ndarray, function: Any, dtype: Any) -> np.ndarray:
    """Return ``function(value)`` for each value, computed once per distinct value."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    return np.array([function(x) for x in distinct], dtype=dtype)[codes]


def _listed_defaults(values: np.ndarray) -> dict[str, np.ndarray]:
    """Return, per field, which links list it in ``defaults`` (blank: none)."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    listed = [set(x.split(";")) if isinstance(x, str) else set() for x in distinct]
    return {
        field: np.array([field in x for x in listed], dtype=bool)[codes]
        for field in ("speed_kph", "cost_usd_teu")
    }
