"""All-or-nothing loading of an OD matrix on shortest-path trees.

One :func:`scipy.sparse.csgraph.dijkstra` call finds the shortest-path tree of
every origin; the demand is then pushed up all trees at once, one tree level per
vectorised step (deepest level first), so no path is ever walked in Python.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

__all__ = ["AonResult", "FlowGraph", "Loader"]


@dataclasses.dataclass(frozen=True)
class FlowGraph:
    """A directed graph with zones, as assignment sees it.

    Parameters
    ----------
    n_nodes
        Number of nodes (``0 .. n_nodes - 1``).
    src, dst
        Tail and head node of each edge. Parallel edges are allowed: a search uses
        the cheapest at the current costs.
    origin_node, dest_node
        Node where each zone's trips start and end (a centroid, or a virtual node
        joined to the zone's states by zero-cost edges).
    """

    n_nodes: int
    src: np.ndarray
    dst: np.ndarray
    origin_node: np.ndarray
    dest_node: np.ndarray

    @property
    def n_edges(self) -> int:
        """Number of edges."""
        return len(self.src)

    @property
    def n_zones(self) -> int:
        """Number of zones."""
        return len(self.origin_node)


@dataclasses.dataclass(frozen=True)
class AonResult:
    """One all-or-nothing loading.

    Parameters
    ----------
    flow
        Flow per edge.
    od_cost
        ``n_zones × n_zones`` shortest-path costs (``inf``: no path; rows of zones
        with no demand are NaN: not searched).
    unassigned
        ``n_zones × n_zones`` demand that found no path (it adds no flow).
    """

    flow: np.ndarray
    od_cost: np.ndarray
    unassigned: np.ndarray


class Loader:
    """All-or-nothing loader of one graph (prepares the CSR layout once).

    Parameters
    ----------
    graph
        The graph with its zones.
    """

    def __init__(self, graph: FlowGraph) -> None:
        self.graph = graph
        n = graph.n_nodes
        order = np.lexsort((graph.dst, graph.src))
        src, dst = graph.src[order], graph.dst[order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
        self._order = order
        self._starts = np.flatnonzero(first)
        self._group = np.cumsum(first) - 1
        self._parallel = len(self._starts) < len(order)
        pair_src, self._pair_dst = src[first], dst[first]
        self._indptr = np.concatenate(([0], np.cumsum(np.bincount(pair_src, minlength=n))))
        self._keys = pair_src * n + self._pair_dst

    def _matrix(self, cost: np.ndarray) -> tuple[sp.csr_array, np.ndarray]:
        """CSR of the cheapest edge between each node pair, and which edge that is."""
        sorted_cost = cost[self._order]
        if not self._parallel:
            chosen, values = self._order, sorted_cost
        else:
            values = np.minimum.reduceat(sorted_cost, self._starts)
            at_min = np.flatnonzero(sorted_cost <= values[self._group])
            keep = np.ones(len(at_min), dtype=bool)
            keep[1:] = self._group[at_min[1:]] != self._group[at_min[:-1]]
            chosen = self._order[at_min[keep]]
        n = self.graph.n_nodes
        matrix = sp.csr_array((values, self._pair_dst, self._indptr), shape=(n, n))
        return matrix, chosen

    def load(self, cost: np.ndarray, demand: np.ndarray) -> AonResult:
        """Load `demand` all-or-nothing on the shortest paths at edge costs `cost`.

        Parameters
        ----------
        cost
            Non-negative cost per edge.
        demand
            ``n_zones × n_zones`` trips (origin zone by row).

        Returns
        -------
        AonResult
            Edge flows, shortest-path costs and the demand with no path.
        """
        graph = self.graph
        n, n_zones = graph.n_nodes, graph.n_zones
        matrix, chosen = self._matrix(cost)
        rows = np.flatnonzero((demand > 0).any(axis=1))
        od_cost = np.full((n_zones, n_zones), np.nan)
        unassigned = np.zeros((n_zones, n_zones))
        flow = np.zeros(graph.n_edges)
        if not len(rows):
            return AonResult(flow, od_cost, unassigned)
        dist, pred = csgraph.dijkstra(
            matrix, directed=True, indices=graph.origin_node[rows], return_predecessors=True
        )
        reach = dist[:, graph.dest_node]
        od_cost[rows] = reach
        trips = demand[rows]
        lost = (trips > 0) & ~np.isfinite(reach)
        unassigned[rows] = np.where(lost, trips, 0.0)
        trips = np.where(lost, 0.0, trips)
        k = len(rows)
        acc = np.zeros((k, n))
        np.add.at(acc, (np.arange(k)[:, None], graph.dest_node[None, :]), trips)
        flow_in, parent = _push_up(acc.ravel(), pred, graph.origin_node[rows])
        has = np.flatnonzero((parent >= 0) & (flow_in > 0))
        keys = (parent[has] % n) * n + has % n
        edges = chosen[np.searchsorted(self._keys, keys)]
        flow = np.bincount(edges, weights=flow_in[has], minlength=graph.n_edges)
        return AonResult(flow, od_cost, unassigned)


def _push_up(
    acc: np.ndarray, pred: np.ndarray, sources: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Sum each node's demand into its ancestors, over all trees at once.

    The trees hang from one super-root; :func:`scipy.sparse.csgraph.breadth_first_order`
    lists their nodes level by level, and along that list the parents' positions
    never decrease, so each level ends where the parents leave the level above
    (one ``searchsorted`` per level). Levels then push their sums to their
    parents, deepest first, one ``reduceat`` each.

    Parameters
    ----------
    acc
        Demand ending at each (tree, node), flattened (tree-major).
    pred
        ``k × n`` predecessors from csgraph (negative: root or unreached).
    sources
        The root node of each tree.

    Returns
    -------
    flow_in : numpy.ndarray
        Per (tree, node), the flow on the tree edge into it (the subtree's demand).
    parent : numpy.ndarray
        Flattened parent index (-1 at roots and unreached nodes).
    """
    k, n = pred.shape
    size = k * n
    offsets = np.arange(k, dtype=np.int64) * n
    parent = np.where(pred >= 0, pred + offsets[:, None], -1).ravel()
    children = np.flatnonzero(parent >= 0)
    heads = np.r_[np.full(k, size), parent[children]]
    tails = np.r_[offsets + sources, children]
    forest = sp.csr_array((np.ones(len(heads)), (heads, tails)), shape=(size + 1, size + 1))
    order = csgraph.breadth_first_order(forest, size, directed=True, return_predecessors=False)
    order = order[1:]  # without the super-root
    position = np.full(size + 1, -1, dtype=np.int64)
    position[order] = np.arange(len(order))
    parent_pos = position[np.where(parent[order] >= 0, parent[order], size)]
    bounds = [0, int(np.searchsorted(parent_pos, 0))]  # level 0: the roots
    while bounds[-1] < len(order):
        bounds.append(int(np.searchsorted(parent_pos, bounds[-1])))
    for lo, hi in zip(bounds[-2:0:-1], bounds[-1:1:-1], strict=True):  # deepest level first
        nodes = order[lo:hi]
        targets = parent[nodes]
        new = np.ones(len(targets), dtype=bool)
        new[1:] = targets[1:] != targets[:-1]
        starts = np.flatnonzero(new)
        acc[targets[starts]] += np.add.reduceat(acc[nodes], starts)
    return acc, parent
