"""Repair shortest-path trees after a failure, in compiled code (for OD criticality).

When some edges fail, only the states below failed *tree* edges of an origin's
shortest-path tree can change. A repair query marks those subtrees, seeds each
of their states with its best entry from outside (the values outside do not
change), and runs Dijkstra confined to the subtrees until the destination
states asked for are settled. Everything runs in numba, on all threads, with
per-thread workspaces reset by the states they touched.
"""

from __future__ import annotations

import dataclasses

import numba
import numpy as np

from corridors.engine.kernel import Csr, _reset, _search, _workspace

__all__ = ["Trees", "repair"]


@dataclasses.dataclass(frozen=True)
class Trees:
    """Shortest-path trees of several origins (one row each) in DFS preorder.

    Parameters
    ----------
    order
        Reached states of each row in preorder (padded with -1).
    tin
        Position of each state in its row's `order` (-1: unreached).
    size
        Number of states in each state's subtree (itself included).
    entry
        Edge by which each state's best path arrives (-1 at origins and unreached).
    dist
        Best value of each state.
    """

    order: np.ndarray
    tin: np.ndarray
    size: np.ndarray
    entry: np.ndarray
    dist: np.ndarray


def repair(
    csr: Csr,
    csr_t: Csr,
    edge_dst: np.ndarray,
    trees: Trees,
    query_row: np.ndarray,
    query_group: np.ndarray,
    group_ptr: np.ndarray,
    group_edges: np.ndarray,
    dest_ptr: np.ndarray,
    dest_states: np.ndarray,
    *,
    threads: int | None = None,
) -> np.ndarray:
    """Return each destination state's best value after its query's edges failed.

    Parameters
    ----------
    csr, csr_t
        The graph and its transpose (:func:`corridors.engine.kernel.csr`).
    edge_dst
        Head state of each compiled edge.
    trees
        The origins' trees before the failure.
    query_row
        Tree row (origin) of each query.
    query_group
        Failure group of each query: its failed edges are
        ``group_edges[group_ptr[g]:group_ptr[g + 1]]`` (usable compiled edges).
    dest_ptr, dest_states
        Destination states of each query (ragged).

    Other Parameters
    ----------------
    threads
        Threads to use (default: numba's).

    Returns
    -------
    numpy.ndarray
        One value per entry of `dest_states` (``inf``: unreachable).
    """
    if csr.rank is not None or csr_t.rank is not None:
        raise ValueError("repair reads states of trees: build its CSR without renumbering")
    n_threads = numba.get_num_threads() if threads is None else max(1, int(threads))
    n_chunks = max(1, min(n_threads, len(query_row)))
    out = np.full(len(dest_states), np.inf)
    banned = csr.entry_of_edge[group_edges]
    width = int(np.diff(dest_ptr).max(initial=0))
    args = (
        csr.indptr, csr.indices, csr.weight, csr_t.indptr, csr_t.indices, csr_t.weight,
        csr_t.edge, edge_dst, trees.order, trees.tin, trees.size, trees.entry, trees.dist,
        query_row, query_group, group_ptr, group_edges, banned, dest_ptr, dest_states,
        width, out, n_chunks,
    )  # fmt: skip
    if n_chunks == 1:
        _repair_chunk(*args, 0)
        return out
    previous = numba.get_num_threads()
    numba.set_num_threads(min(n_threads, numba.config.NUMBA_NUM_THREADS))
    try:
        _repair_parallel(*args)
    finally:
        numba.set_num_threads(previous)
    return out


@numba.njit(cache=True, parallel=True)
def _repair_parallel(
    indptr, indices, weight, t_indptr, t_indices, t_weight, t_edge, edge_dst,
    order, tin, size, entry, dist, query_row, query_group, group_ptr, group_edges, banned,
    dest_ptr, dest_states, width, out, n_chunks,
):  # fmt: skip
    """Run every repair query, chunk ``c`` on one thread."""
    for chunk in numba.prange(n_chunks):
        _repair_chunk(
            indptr, indices, weight, t_indptr, t_indices, t_weight, t_edge, edge_dst,
            order, tin, size, entry, dist, query_row, query_group, group_ptr, group_edges,
            banned, dest_ptr, dest_states, width, out, n_chunks, chunk,
        )  # fmt: skip


@numba.njit(cache=True, nogil=True)
def _repair_chunk(  # noqa: C901 - one loop, kept flat for numba
    indptr, indices, weight, t_indptr, t_indices, t_weight, t_edge, edge_dst,
    order, tin, size, entry, dist, query_row, query_group, group_ptr, group_edges, banned,
    dest_ptr, dest_states, width, out, n_chunks, chunk,
):  # fmt: skip
    """Run queries ``chunk, chunk + n_chunks, ...`` with one workspace."""
    n = len(indptr) - 1
    inside = np.zeros(n, dtype=np.uint8)
    members = np.empty(n, dtype=np.int64)
    seeds = np.empty(n, dtype=np.int64)
    seed_values = np.empty(n)
    targets = np.empty(max(width, 1), dtype=np.int64)
    work, pred, hops, state, pos, touched, keys, items = _workspace(n)
    for q in range(chunk, len(query_row), n_chunks):
        row, group = query_row[q], query_group[q]
        failed = group_edges[group_ptr[group] : group_ptr[group + 1]]
        n_members = 0
        for e in failed:  # the subtrees below failed tree edges
            head = edge_dst[e]
            if entry[row, head] != e:
                continue
            start = tin[row, head]
            for position in range(start, start + size[row, head]):
                s = order[row, position]
                if inside[s] == 0:
                    inside[s] = 1
                    members[n_members] = s
                    n_members += 1
        n_targets = 0
        for i in range(dest_ptr[q], dest_ptr[q + 1]):
            s = dest_states[i]
            out[i] = dist[row, s]
            if inside[s]:
                targets[n_targets] = s
                n_targets += 1
        if n_targets:
            n_seeds = 0
            for i in range(n_members):  # best entry from outside, over working edges
                s = members[i]
                best = np.inf
                for e in range(t_indptr[s], t_indptr[s + 1]):
                    tail = t_indices[e]
                    if inside[tail]:
                        continue
                    broken = False
                    for f in failed:
                        if t_edge[e] == f:
                            broken = True
                            break
                    if not broken and dist[row, tail] + t_weight[e] < best:
                        best = dist[row, tail] + t_weight[e]
                if best < np.inf:
                    seeds[n_seeds] = s
                    seed_values[n_seeds] = best
                    n_seeds += 1
            n_touched = _search(
                indptr, indices, weight, seeds[:n_seeds], seed_values[:n_seeds],
                targets[:n_targets], banned[group_ptr[group] : group_ptr[group + 1]],
                members[:n_members], np.inf, False, False, work, pred, hops, state, pos, touched,
                keys, items,
            )  # fmt: skip
            for i in range(dest_ptr[q], dest_ptr[q + 1]):
                s = dest_states[i]
                if inside[s]:
                    out[i] = work[s] if pos[s] == -2 else np.inf
            _reset(work, state, pos, touched, n_touched)
        for i in range(n_members):
            inside[members[i]] = 0
