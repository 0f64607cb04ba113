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

from corridors.engine import lexico
from corridors.engine.compiled import CompiledGraph, check_search_weights

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
    dist2
        With a tie-breaking weight (see :mod:`corridors.engine.lexico`): per state,
        the least secondary weight among its least-primary paths; `pred` is then a
        tree of those paths and `entry` gives the edge into each state (-1 at origin
        states and unreached ones). ``None`` without tie-breaking.
    entry
        See `dist2`.
    """

    graph: CompiledGraph
    origins: np.ndarray
    dist: np.ndarray
    pred: np.ndarray
    edge_of_entry: np.ndarray
    matrix: sp.csr_array
    reverse: bool = False
    dist2: np.ndarray | None = None
    entry: np.ndarray | None = None

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
        # every place has at least one end state, so the reduceat segments are never empty
        per_place = np.minimum.reduceat(self.dist[:, : starts[-1]], starts[:-1], axis=1)
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
        if self.dist2 is None:
            return int(starts[place] + np.argmin(block))
        ties = np.flatnonzero(lexico.tied(block, float(block.min())))
        second = self.dist2[row, starts[place] + ties]
        return int(starts[place] + ties[np.argmin(second)])

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
        if self.entry is not None:
            while self.pred[row, current] >= 0:
                path.append(int(self.entry[row, current]))
                current = int(self.pred[row, current])
            if not self.reverse:
                path.reverse()
            return path
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
        if self.entry is not None:
            return self.entry[row].copy()
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
    secondary: str | np.ndarray | None = "auto",
) -> SearchResult:
    """Run Dijkstra from several origin places at once, ties broken by a second weight.

    Each origin starts at zero at all of its (allowed) end states. One virtual
    source per origin is joined to those states by zero-weight edges, so one call
    of :func:`scipy.sparse.csgraph.dijkstra` answers every origin. Then, per
    origin, ties of the weight are broken by `secondary` (see
    :mod:`corridors.engine.lexico`), for the paths kept and for the state a place is
    reached at.

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
    secondary
        The tie-breaking weight: a weight name or one value per edge; ``"auto"``
        takes :data:`corridors.engine.lexico.SECONDARY` of a named `weight` (none for
        values); ``None`` skips tie-breaking (faster, for searches that need the
        best values only).

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
    if isinstance(secondary, str) and secondary == "auto":
        secondary = lexico.SECONDARY[weight] if isinstance(weight, str) else None
    first = np.array([g[0] for g in groups], dtype=np.int64)
    indices = np.arange(n, n + k)
    if secondary is None:
        dist, pred = csgraph.dijkstra(
            full, directed=True, indices=indices, return_predecessors=True, limit=limit
        )
        dist, pred = dist[:, :n], pred[:, :n].astype(np.int64)
        pred[pred >= n] = -1
        return SearchResult(graph, first, dist, pred, edge_of_entry, matrix, reverse)
    # the tie-break builds its own tree: primary distances only here
    dist = csgraph.dijkstra(full, directed=True, indices=indices, limit=limit)[:, :n]
    dist2, pred, entry = _tie_break(graph, weight, secondary, mask, reverse, dist, src, dst, n)
    return SearchResult(graph, first, dist, pred, edge_of_entry, matrix, reverse, dist2, entry)


def _tie_break(
    graph: CompiledGraph,
    weight: str | np.ndarray,
    secondary: str | np.ndarray,
    mask: np.ndarray,
    reverse: bool,
    dist: np.ndarray,
    seed_rows: list[int],
    seed_states: list[int],
    n: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Secondary distances, predecessors and entry edges of every origin row."""
    edges = np.flatnonzero(mask)
    primary = (graph.weight(weight) if isinstance(weight, str) else weight)[edges]
    second = (graph.weight(secondary) if isinstance(secondary, str) else secondary)[edges]
    check_search_weights(graph, secondary, second, edges)
    tails, heads = (
        (graph.edge_dst, graph.edge_src) if reverse else (graph.edge_src, graph.edge_dst)
    )
    tails, heads = tails[edges], heads[edges]
    rows = np.asarray(seed_rows, dtype=np.int64) - n
    states = np.asarray(seed_states, dtype=np.int64)
    dist2 = np.full(dist.shape, np.inf)
    pred = np.full(dist.shape, -1, dtype=np.int64)
    entry = np.full(dist.shape, -1, dtype=np.int64)
    for row in range(dist.shape[0]):
        dist2[row], pred[row], entry[row] = lexico.tight_tree(
            n, tails, heads, edges, primary, second, dist[row], states[rows == row]
        )
    return dist2, pred, entry
