"""Lexicographic tie-breaking for the searches: least primary weight, then least secondary.

Every search minimizes its weight and breaks ties by a second weight
(:data:`SECONDARY`: time for distance and cost, cost for time and generalized),
both in the paths it keeps and in the state it ends at. The method keeps the
scipy Dijkstra of the primary weight and adds one search per origin:

1. ``d1`` = primary distances (one :func:`scipy.sparse.csgraph.dijkstra` call);
2. an edge ``(u, v)`` is *tight* when ``d1[u] + w1 <= d1[v]`` within a relative
   tolerance (:data:`RTOL`): exactly the edges that lie on some least-primary path;
3. a Dijkstra on the secondary weight over the tight edges alone, started at the
   origin's states, gives every state its least secondary weight among its
   least-primary paths, and a tree of such paths.

Every least-primary path uses tight edges only and every tight path is a
least-primary path, so step 3 is exact.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

__all__ = ["RTOL", "SECONDARY", "tied", "tight_tree"]

#: The weight that breaks ties of each weight.
SECONDARY: dict[str, str] = {
    "time": "cost",
    "distance": "time",
    "cost": "time",
    "generalized": "cost",
}

#: Relative tolerance under which two primary values count as equal.
RTOL = 1e-9


def tied(values: np.ndarray, best: float) -> np.ndarray:
    """Return which `values` equal `best` within :data:`RTOL`.

    Parameters
    ----------
    values
        Primary weights.
    best
        The least of them.

    Returns
    -------
    numpy.ndarray of bool
    """
    return np.isfinite(values) & (values <= best + RTOL * max(1.0, abs(best)))


def tight_tree(
    n: int,
    src: np.ndarray,
    dst: np.ndarray,
    edges: np.ndarray,
    primary: np.ndarray,
    secondary: np.ndarray,
    d1: np.ndarray,
    seeds: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Secondary distances and a tree of lexicographically best paths for one origin.

    Parameters
    ----------
    n
        Number of states.
    src, dst
        Tail and head state of each usable edge, in the direction searched.
    edges
        Edge index of each of them (reported back in the tree).
    primary, secondary
        Weights of each of them (non-negative).
    d1
        Primary distance of each state from the origin (``inf``: unreached).
    seeds
        The origin's start states (primary distance 0).

    Returns
    -------
    d2 : numpy.ndarray
        Least secondary weight among least-primary paths, per state (``inf``: unreached).
    pred : numpy.ndarray
        Predecessor state on that path (-1 at a seed and unreached states).
    entry : numpy.ndarray
        Edge index by which the path enters each state (-1 at seeds and unreached states).
    """
    start = d1[src]
    ok = np.isfinite(start)
    head = d1[dst]
    tight = ok & (start + primary <= head + RTOL * np.maximum(1.0, np.abs(head)))
    t_src, t_dst, t_edge, t_w = src[tight], dst[tight], edges[tight], secondary[tight]
    order = np.lexsort((t_edge, t_w, t_dst, t_src))  # cheapest secondary per state pair
    t_src, t_dst, t_edge, t_w = t_src[order], t_dst[order], t_edge[order], t_w[order]
    first = np.ones(len(t_src), dtype=bool)
    first[1:] = (t_src[1:] != t_src[:-1]) | (t_dst[1:] != t_dst[:-1])
    t_src, t_dst, t_edge, t_w = t_src[first], t_dst[first], t_edge[first], t_w[first]
    seeds = np.unique(seeds)
    rows = np.r_[t_src, np.full(len(seeds), n)]
    cols = np.r_[t_dst, seeds]
    data = np.r_[t_w, np.zeros(len(seeds))]
    entry_of = np.r_[t_edge, np.full(len(seeds), -1)]
    order = np.lexsort((cols, rows))
    rows, cols, data, entry_of = rows[order], cols[order], data[order], entry_of[order]
    indptr = np.zeros(n + 2, dtype=np.int64)
    np.add.at(indptr, rows + 1, 1)
    np.cumsum(indptr, out=indptr)
    matrix = sp.csr_array((data, cols, indptr), shape=(n + 1, n + 1))
    dist, pred = csgraph.dijkstra(matrix, directed=True, indices=n, return_predecessors=True)
    d2 = dist[:n]
    pred = pred[:n].astype(np.int64)
    has = pred >= 0
    entry = np.full(n, -1, dtype=np.int64)
    # the entry behind (pred, state): rows are sorted, columns sorted within a row
    keys = rows.astype(np.int64) * (n + 1) + cols
    position = np.searchsorted(keys, pred[has] * (n + 1) + np.flatnonzero(has))
    entry[has] = entry_of[position]
    pred[pred >= n] = -1
    pred[~has] = -1
    entry[pred < 0] = -1
    return d2, pred, entry
