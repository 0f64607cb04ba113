"""The two nearest sources of every place, in two Dijkstra runs (for port hinterlands).

Searching once from every port costs one Dijkstra per port. The best and the
runner-up port of every place need only two:

1. A multi-source search from all ports at once (each starting at its offset)
   gives every state its best value ``d1`` and best port ``s1`` (the port at the
   root of its shortest-path tree): a Voronoi partition of the states.
2. The runner-up value of a state ``v`` is the best path from a port other than
   ``s1(v)``. Take the last state ``x`` on that path whose best port is not
   ``s1(v)``: from ``x`` on, the path stays inside ``v``'s cell, and ``d1(x)`` is no
   worse than the path's part up to ``x`` (and comes from a port other than
   ``s1(v)``). So a second search, seeded at every cell-crossing edge ``x → y`` with
   ``d1(x) + w(x, y)`` and label ``s1(x)``, and run on the edges inside the cells
   only, gives every state its runner-up ``d2`` and ``s2``.

A place's best and runner-up ports are then the best two distinct labels among its
states' ``(d1, s1)`` and ``(d2, s2)`` (each state's top two suffice).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from corridors.engine import CompiledGraph, tree_sums

__all__ = ["two_nearest"]


def _labelled_search(
    n: int,
    rows: np.ndarray,
    cols: np.ndarray,
    weights: np.ndarray,
    seeds: np.ndarray,
    seed_values: np.ndarray,
    seed_labels: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Multi-source Dijkstra from seeded states; return each state's value and root label."""
    virtual = n
    all_rows = np.r_[rows, np.full(len(seeds), virtual)]
    all_cols = np.r_[cols, seeds]
    all_weights = np.r_[weights, seed_values]
    matrix = sp.csr_array((all_weights, (all_rows, all_cols)), shape=(n + 1, n + 1))
    dist, pred = csgraph.dijkstra(matrix, directed=True, indices=virtual,
                                  return_predecessors=True)  # fmt: skip
    dist, pred = dist[:n], pred[:n].astype(np.int64)
    label_of_seed = np.full(n, -1, dtype=np.int64)
    label_of_seed[seeds] = seed_labels
    _, root = tree_sums(np.where(pred == virtual, -1, pred), np.zeros(n))  # roots: seeds
    labels = np.where(np.isfinite(dist), label_of_seed[root], -1)
    return dist, labels


def _first_per_key(keys: np.ndarray) -> np.ndarray:
    """Positions of the first row of each run of equal sorted keys."""
    return np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else keys


def two_nearest(
    graph: CompiledGraph,
    mask: np.ndarray,
    weight: str,
    sources: np.ndarray,
    offsets: np.ndarray,
    *,
    reverse: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return every place's best and runner-up source and their values.

    Parameters
    ----------
    graph
        The compiled graph.
    mask
        Usable edges.
    weight
        Weight name.
    sources
        Place indices of the sources (e.g. ports), distinct.
    offsets
        Value each source starts at (``inf``: leave that source out).
    reverse
        Search against the edges: values are *to* the sources (place → port).

    Returns
    -------
    best, best_value, second, second_value : numpy.ndarray
        Per place: index into `sources` of the best and runner-up source (-1: none)
        and their values (``inf``: none). Ties go to the lower source index.
    """
    n = graph.n_states
    matrix, _ = graph.matrix(weight, mask, reverse=reverse)
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(matrix.indptr))
    cols, weights = matrix.indices.astype(np.int64), matrix.data
    usable = np.zeros(n, dtype=bool)
    usable[rows] = True
    usable[cols] = True
    starts = graph.place_state_start
    seeds, seed_values, seed_labels = [], [], []
    for label, (place, offset) in enumerate(zip(sources, offsets, strict=True)):
        if not np.isfinite(offset):
            continue
        states = np.arange(starts[place], starts[place + 1])
        states = states[usable[states]] if usable[states].any() else states
        seeds.append(states)
        seed_values.append(np.full(len(states), float(offset)))
        seed_labels.append(np.full(len(states), label))
    if not seeds:
        empty = np.full(graph.n_places, -1)
        return (
            empty,
            np.full(graph.n_places, np.inf),
            empty.copy(),
            np.full(graph.n_places, np.inf),
        )
    d1, s1 = _labelled_search(
        n,
        rows,
        cols,
        weights,
        np.concatenate(seeds),
        np.concatenate(seed_values),
        np.concatenate(seed_labels),
    )
    reached = np.isfinite(d1[rows])
    inside = reached & (s1[rows] == s1[cols])
    crossing = reached & (s1[rows] != s1[cols])
    entry_state = cols[crossing]
    entry_value = d1[rows[crossing]] + weights[crossing]
    entry_label = s1[rows[crossing]]
    order = np.lexsort((entry_label, entry_value, entry_state))  # best entry per state
    entry_state, entry_value, entry_label = (
        a[order] for a in (entry_state, entry_value, entry_label)
    )
    first = _first_per_key(entry_state)
    d2, s2 = _labelled_search(
        n,
        rows[inside],
        cols[inside],
        weights[inside],
        entry_state[first],
        entry_value[first],
        entry_label[first],
    )
    return _per_place(graph, d1, s1, d2, s2)


def _per_place(
    graph: CompiledGraph, d1: np.ndarray, s1: np.ndarray, d2: np.ndarray, s2: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Best two distinct labels per place from its states' top-two candidates."""
    places = np.r_[graph.state_place, graph.state_place]
    values, labels = np.r_[d1, d2], np.r_[s1, s2]
    keep = np.isfinite(values) & (labels >= 0)
    places, values, labels = places[keep], values[keep], labels[keep]
    order = np.lexsort((labels, values, places))
    places, values, labels = places[order], values[order], labels[order]
    best = np.full(graph.n_places, -1, dtype=np.int64)
    best_value = np.full(graph.n_places, np.inf)
    first = _first_per_key(places)
    best[places[first]] = labels[first]
    best_value[places[first]] = values[first]
    other = labels != best[places]
    second = np.full(graph.n_places, -1, dtype=np.int64)
    second_value = np.full(graph.n_places, np.inf)
    p2, v2, l2 = places[other], values[other], labels[other]
    first2 = _first_per_key(p2)
    second[p2[first2]] = l2[first2]
    second_value[p2[first2]] = v2[first2]
    return best, best_value, second, second_value
