"""Search a compiled state graph: multi-source Dijkstra, shortest-path trees, path sums.

A search starts at every state of the origin place at zero and ends at the
cheapest state of the destination place; it runs in
:func:`scipy.sparse.csgraph.dijkstra` on the edges the restrictions allow.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from corridors.engine.compiled import CompiledGraph

__all__ = ["SearchResult", "search", "tree_sums"]


@dataclasses.dataclass(frozen=True)
class SearchResult:
    """Shortest paths from several origins, each starting at all of its states.

    Parameters
    ----------
    graph
        The compiled graph searched.
    origins
        Place indices of the origins, one per row.
    dist
        ``len(origins) × n_states`` best weights (``inf``: unreachable).
    pred
        Predecessor state of each state on its best path (-1 at an origin state,
        -9999 unreachable), same shape as `dist`.
    edge_of_entry
        Edge index behind each CSR entry (see :meth:`CompiledGraph.matrix`).
    matrix
        The CSR matrix searched.
    reverse
        The search ran against the edges (distances *to* the origins).
    """

    graph: CompiledGraph
    origins: np.ndarray
    dist: np.ndarray
    pred: np.ndarray
    edge_of_entry: np.ndarray
    matrix: sp.csr_array
    reverse: bool = False

    def place_dist(self, destinations: Sequence[int] | None = None) -> np.ndarray:
        """Return best weights to places (min over each place's states).

        Parameters
        ----------
        destinations
            Place indices (``None``: all places).

        Returns
        -------
        numpy.ndarray
            ``len(origins) × len(destinations)``; ``inf`` where unreachable.
        """
        starts = self.graph.place_state_start
        if destinations is None:
            destinations = np.arange(self.graph.n_places)
        destinations = np.asarray(destinations, dtype=np.int64)
        # every place has at least one state, so the reduceat segments are never empty
        per_place = np.minimum.reduceat(self.dist, starts[:-1], axis=1)
        return per_place[:, destinations]

    def best_state(self, row: int, place: int) -> int:
        """Return the cheapest state of `place` reached from origin row `row` (-1 if none).

        Parameters
        ----------
        row
            Row of the origin in :attr:`origins`.
        place
            Place index.

        Returns
        -------
        int
            State index, or -1 when the place is unreachable.
        """
        starts = self.graph.place_state_start
        block = self.dist[row, starts[place] : starts[place + 1]]
        if not len(block) or not np.isfinite(block.min()):
            return -1
        return int(starts[place] + np.argmin(block))

    def edge_path(self, row: int, state: int) -> list[int]:
        """Return the edge indices on the best path from origin `row` to `state`.

        Parameters
        ----------
        row
            Row of the origin in :attr:`origins`.
        state
            Target state (reachable).

        Returns
        -------
        list of int
            Edge indices in travel order: from the origin to `state`, or for a
            reverse search from `state` to the origin.
        """
        path = []
        indptr, indices = self.matrix.indptr, self.matrix.indices
        current = state
        while self.pred[row, current] >= 0:
            previous = int(self.pred[row, current])
            lo, hi = indptr[previous], indptr[previous + 1]
            entry = lo + int(np.searchsorted(indices[lo:hi], current))
            path.append(int(self.edge_of_entry[entry]))
            current = previous
        if not self.reverse:
            path.reverse()
        return path

    def entry_edges(self, row: int) -> np.ndarray:
        """Return, for each state, the edge by which its best path reaches it.

        Parameters
        ----------
        row
            Row of the origin in :attr:`origins`.

        Returns
        -------
        numpy.ndarray
            Edge index per state; -1 at origin states and unreached states.
        """
        pred = self.pred[row]
        n = len(pred)
        indptr, indices = self.matrix.indptr, self.matrix.indices
        keys = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr)) * n + indices
        has = np.flatnonzero(pred >= 0)
        out = np.full(n, -1, dtype=np.int64)
        out[has] = self.edge_of_entry[np.searchsorted(keys, pred[has] * n + has)]
        return out

    def path_sums(self, row: int, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Sum per-edge `values` along every state's best path, by pointer jumping.

        Parameters
        ----------
        row
            Row of the origin in :attr:`origins`.
        values
            One value per edge of the compiled graph (e.g. ``graph.time_h``).

        Returns
        -------
        sums : numpy.ndarray
            Per state, the sum over its path (0 at origin states, NaN if unreached).
        roots : numpy.ndarray
            Per state, the origin state its path starts from (-1 if unreached).
        """
        edges = self.entry_edges(row)
        total, root = tree_sums(self.pred[row], np.where(edges >= 0, values[edges], 0.0))
        unreached = ~np.isfinite(self.dist[row])
        total[unreached] = np.nan
        root[unreached] = -1
        return total, root


def tree_sums(pred: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sum `values` from each node up to the root of its tree, by pointer jumping.

    Parameters
    ----------
    pred
        Parent of each node in a forest (negative: a root).
    values
        Value of each node (e.g. the weight of the edge into it; 0 at roots).

    Returns
    -------
    sums : numpy.ndarray
        Per node, the sum of `values` over the node and its ancestors.
    roots : numpy.ndarray
        Per node, the root of its tree (itself for a root).

    Notes
    -----
    Each round adds the value gathered so far at the current ancestor and jumps
    to that ancestor's ancestor, so ``log2(depth)`` vectorized rounds suffice
    (list ranking).
    """
    total = np.asarray(values, dtype=float).copy()
    ancestor = np.where(pred >= 0, pred, -1).astype(np.int64)
    root = np.where(ancestor >= 0, ancestor, np.arange(len(ancestor)))  # furthest known
    while (ancestor >= 0).any():
        valid = ancestor >= 0
        safe = np.maximum(ancestor, 0)
        total = total + np.where(valid, total[safe], 0.0)
        root = np.where(valid, root[safe], root)
        ancestor = np.where(valid, ancestor[safe], -1)
    return total, root


def search(
    graph: CompiledGraph,
    origins: Iterable[int | Sequence[int]],
    *,
    weight: str | np.ndarray,
    mask: np.ndarray,
    limit: float = np.inf,
    prepared: tuple[sp.csr_array, np.ndarray] | None = None,
    reverse: bool = False,
) -> SearchResult:
    """Run Dijkstra from several origin places at once.

    Each origin starts at zero at all of its (allowed) states. One virtual source
    per origin is joined to those states by zero-weight edges, so one call of
    :func:`scipy.sparse.csgraph.dijkstra` answers every origin.

    Parameters
    ----------
    graph
        The compiled graph.
    origins
        Place indices; an element may be a sequence of place indices searched
        together as one origin (e.g. a cluster of ports).
    weight
        Weight name (see :data:`WEIGHTS`), or one value per edge.
    mask
        Edges that may be used (from :meth:`CompiledGraph.edge_mask`).
    limit
        Stop searching beyond this weight (``inf``: no limit).
    prepared
        The result of ``graph.matrix(weight, mask, reverse=reverse)`` if already built.
    reverse
        Search against the edges: distances *to* the origins (who reaches them).

    Returns
    -------
    SearchResult
        Distances and predecessors of every state from every origin.
    """
    groups = [np.atleast_1d(np.asarray(o, dtype=np.int64)) for o in origins]
    if prepared is None:
        prepared = graph.matrix(weight, mask, reverse=reverse)
    matrix, edge_of_entry = prepared
    n = graph.n_states
    state_ok = np.zeros(n, dtype=bool)
    state_ok[graph.edge_src[mask]] = True
    state_ok[graph.edge_dst[mask]] = True
    starts = graph.place_state_start
    src, dst = [], []
    for row, places in enumerate(groups):
        for place in places:  # start at the place's usable states (all, if none is usable)
            states = np.arange(starts[place], starts[place + 1])
            states = states[state_ok[states]] if state_ok[states].any() else states
            src.extend([n + row] * len(states))
            dst.extend(states.tolist())
    k = len(groups)
    extra = sp.csr_array(
        (np.zeros(len(src)), (np.asarray(src) - n, np.asarray(dst, dtype=np.int64))),
        shape=(k, n + k),
    )
    top = sp.hstack([matrix, sp.csr_array((n, k))], format="csr")
    full = sp.vstack([top, extra], format="csr")
    dist, pred = csgraph.dijkstra(
        full, directed=True, indices=np.arange(n, n + k), return_predecessors=True, limit=limit
    )
    dist, pred = dist[:, :n], pred[:, :n].astype(np.int64)
    pred[pred >= n] = -1
    first = np.array([g[0] for g in groups], dtype=np.int64)
    return SearchResult(graph, first, dist, pred, edge_of_entry, matrix, reverse)
