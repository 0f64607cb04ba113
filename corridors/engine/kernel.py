"""Compiled Dijkstra searches that stop early, for what scipy cannot do fast.

:func:`scipy.sparse.csgraph.dijkstra` answers full shortest-path trees well, but
it cannot stop once a few targets are settled, cannot leave out a handful of
edges without a copy of the matrix, and runs one origin at a time. The searches
here, compiled with numba, do all three:

- a **query** starts at some states with given start values, may stop as soon
  as its target states are settled, may skip a few banned CSR entries (a failed
  link) and may be confined to a set of allowed states (a subtree to repair);
- a **batch** of queries runs on all threads, each thread with its own
  workspace that is reset by the states it touched (no O(n) work per small query);
- per target it returns the best value, the number of edges (hops), sums of
  other per-entry values along the path (e.g. time and distance when searching
  by cost), and optionally the path (or, for skims, the value only).

The graph is a :class:`Csr` of *every* allowed edge (parallel edges kept as
separate entries, so banning one lets the other take over), optionally with its
states renumbered for memory locality. The heap is an indexed 4-ary heap with
decrease-key. Compiled functions are cached on disk (``cache=True``), so the
JIT cost is paid once per install (and loading the cache once per process).

Notes
-----
A secondary tie-break weight (lexicographic: primary, then secondary) fits the
same kernel: the heap key becomes the pair ``(primary, secondary)`` and a label
improves when its pair is smaller; ``weight`` would then be ``2 × m``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numba
import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from corridors.engine.compiled import CompiledGraph, check_search_weights

if numba.config.THREADING_LAYER == "default":
    # GNU OpenMP aborts a process that forks after using it (process pools)
    numba.config.THREADING_LAYER = "forksafe"

__all__ = [
    "Answers",
    "Csr",
    "PlaceQueries",
    "Queries",
    "best_of",
    "csr",
    "ragged",
    "run",
]


@dataclasses.dataclass(frozen=True)
class Csr:
    """Every allowed edge of a compiled graph, as CSR arrays (parallel edges kept).

    Parameters
    ----------
    indptr
        Entries of state ``i`` are ``indptr[i]:indptr[i + 1]`` (int64, ``n + 1``).
    indices
        Head state of each entry (int32: half the memory traffic of the search).
    tail
        Tail state of each entry.
    weight
        Weight of each entry (non-negative).
    edge
        Compiled edge index of each entry.
    entry_of_edge
        CSR entry of each compiled edge (-1 where masked out).
    rank
        Number inside the CSR of each state of the graph (None: the same). States
        in `indptr`, `indices` and `tail` are numbered so; :func:`run` maps the
        queries' states, so callers keep the graph's numbering.
    """

    indptr: np.ndarray
    indices: np.ndarray
    tail: np.ndarray
    weight: np.ndarray
    edge: np.ndarray
    entry_of_edge: np.ndarray
    rank: np.ndarray | None = None

    @property
    def n_states(self) -> int:
        """Number of states."""
        return len(self.indptr) - 1


def csr(
    graph: CompiledGraph,
    weight: str | np.ndarray,
    mask: np.ndarray,
    *,
    reverse: bool = False,
    renumber: bool = False,
) -> Csr:
    """Return the CSR arrays of the allowed edges of `graph`.

    Parameters
    ----------
    graph
        The compiled graph.
    weight
        Weight name (see :data:`~corridors.engine.WEIGHTS`) or one value per edge.
    mask
        Edges to keep (from :meth:`~corridors.engine.CompiledGraph.edge_mask`).
    reverse
        Transpose: entries point from an edge's head to its tail.
    renumber
        Number the states inside the CSR in Cuthill–McKee order (breadth first, so
        a search's frontier is close in memory; faster on large networks). Queries
        and answers keep the graph's numbering (see :attr:`Csr.rank`); not for
        :func:`~corridors.engine.repair.repair`, which reads states of trees.

    Returns
    -------
    Csr
    """
    edges = np.flatnonzero(mask)
    values = graph.weight(weight) if isinstance(weight, str) else np.asarray(weight, dtype=float)
    tails, heads = (
        (graph.edge_dst, graph.edge_src) if reverse else (graph.edge_src, graph.edge_dst)
    )
    rank = None
    if renumber:
        rank = _cuthill_mckee_rank(graph.n_states, tails[edges], heads[edges])
        tails, heads = rank[tails], rank[heads]
    edges = edges[np.argsort(tails[edges], kind="stable")]
    check_search_weights(graph, weight, values[edges], edges)
    indptr = np.zeros(graph.n_states + 1, dtype=np.int64)
    np.cumsum(np.bincount(tails[edges], minlength=graph.n_states), out=indptr[1:])
    entry_of_edge = np.full(len(graph.edge_src), -1, dtype=np.int64)
    entry_of_edge[edges] = np.arange(len(edges))
    return Csr(
        indptr=indptr,
        indices=heads[edges].astype(np.int32),
        tail=tails[edges].astype(np.int64),
        weight=values[edges].astype(np.float64),
        edge=edges.astype(np.int64),
        entry_of_edge=entry_of_edge,
        rank=rank,
    )


def _cuthill_mckee_rank(n: int, tails: np.ndarray, heads: np.ndarray) -> np.ndarray:
    """Return each state's position in Cuthill–McKee order of the undirected graph."""
    pattern = sp.csr_array(
        (np.ones(len(tails), dtype=np.int8), (tails, heads)), shape=(n, n)
    )  # fmt: skip
    order = csgraph.reverse_cuthill_mckee(pattern, symmetric_mode=False)[::-1]
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    return rank


def ragged(parts: Sequence[np.ndarray | Sequence[int] | Sequence[float]], dtype: type) -> tuple:
    """Flatten a list of arrays into ``(ptr, flat)`` (part ``i`` is ``flat[ptr[i]:ptr[i + 1]]``).

    Parameters
    ----------
    parts
        One array per query.
    dtype
        Data type of `flat`.

    Returns
    -------
    ptr : numpy.ndarray of int64
    flat : numpy.ndarray
    """
    sizes = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
    ptr = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum(sizes, out=ptr[1:])
    flat = np.concatenate([np.asarray(p, dtype=dtype) for p in parts]) if len(parts) else []
    return ptr, np.asarray(flat, dtype=dtype)


@dataclasses.dataclass(frozen=True)
class Queries:
    """A batch of searches as ragged arrays (see :func:`ragged`); query ``q`` owns slice ``q``.

    Parameters
    ----------
    source_ptr, sources, source_values
        Start states of each query and their start values.
    target_ptr, targets
        Target states; the search stops when all are settled (none: full search).
    ban_ptr, banned
        CSR entries the query may not use (e.g. a failed link's two directions).
    allowed_ptr, allowed
        States the query is confined to (none: every state).
    """

    source_ptr: np.ndarray
    sources: np.ndarray
    source_values: np.ndarray
    target_ptr: np.ndarray
    targets: np.ndarray
    ban_ptr: np.ndarray
    banned: np.ndarray
    allowed_ptr: np.ndarray
    allowed: np.ndarray

    @classmethod
    def build(
        cls,
        sources: Sequence[np.ndarray],
        targets: Sequence[np.ndarray],
        *,
        source_values: Sequence[np.ndarray] | None = None,
        banned: Sequence[np.ndarray] | None = None,
        allowed: Sequence[np.ndarray] | None = None,
    ) -> Queries:
        """Build a batch from one array per query.

        Parameters
        ----------
        sources, targets
            States per query.
        source_values
            Start values per query (default 0 at every source).
        banned
            Banned CSR entries per query (default none).
        allowed
            Allowed states per query (default all; an empty array also means all).

        Returns
        -------
        Queries
        """
        empty = [np.empty(0, dtype=np.int64)] * len(sources)
        if source_values is None:
            source_values = [np.zeros(len(s)) for s in sources]
        s_ptr, s_flat = ragged(sources, np.int64)
        _, v_flat = ragged(source_values, np.float64)
        t_ptr, t_flat = ragged(targets, np.int64)
        b_ptr, b_flat = ragged(banned if banned is not None else empty, np.int64)
        a_ptr, a_flat = ragged(allowed if allowed is not None else empty, np.int64)
        return cls(s_ptr, s_flat, v_flat, t_ptr, t_flat, b_ptr, b_flat, a_ptr, a_flat)


@dataclasses.dataclass(frozen=True)
class PlaceQueries:
    """Make queries between places, as :func:`~corridors.engine.search` starts and ends them.

    A query starts at zero at the origin's usable states (all of them if none is
    usable) and targets every state of the destination (run it with
    ``first=True`` for the best of them). Build once per graph and mask with
    :meth:`prepare`, then call.

    Parameters
    ----------
    starts
        ``place_state_start`` of the graph.
    state_ok
        States with an allowed edge.
    owners, entries
        Link index and CSR entry of every allowed link edge, sorted by link.
    """

    starts: np.ndarray
    state_ok: np.ndarray
    owners: np.ndarray
    entries: np.ndarray

    @classmethod
    def prepare(cls, graph: CompiledGraph, csr: Csr, mask: np.ndarray) -> PlaceQueries:
        """Index `graph` (searched as `csr` under `mask`) for place queries.

        Parameters
        ----------
        graph
            The compiled graph.
        csr
            Its CSR arrays (from :func:`csr` with the same `mask`).
        mask
            Edges allowed.

        Returns
        -------
        PlaceQueries
        """
        state_ok = np.zeros(graph.n_states, dtype=bool)
        state_ok[graph.edge_src[mask]] = True
        state_ok[graph.edge_dst[mask]] = True
        link_edges = np.flatnonzero((graph.edge_link >= 0) & (csr.entry_of_edge >= 0))
        order = np.argsort(graph.edge_link[link_edges], kind="stable")
        return cls(
            graph.place_state_start,
            state_ok,
            graph.edge_link[link_edges][order],
            csr.entry_of_edge[link_edges][order],
        )

    def states(self, places: np.ndarray, usable_only: bool) -> tuple[np.ndarray, np.ndarray]:
        """Return the states of each place as ragged arrays ``(ptr, flat)`` (see :func:`ragged`).

        Parameters
        ----------
        places
            Place indices.
        usable_only
            Keep only states with an allowed edge (all of a place's states if none has).

        Returns
        -------
        ptr, flat : numpy.ndarray of int64
        """
        counts = np.diff(self.starts)[places]
        ptr = np.zeros(len(places) + 1, dtype=np.int64)
        np.cumsum(counts, out=ptr[1:])
        flat = np.repeat(self.starts[places] - ptr[:-1], counts) + np.arange(ptr[-1])
        if usable_only:
            owner = np.repeat(np.arange(len(places)), counts)
            ok = self.state_ok[flat]
            any_ok = np.bincount(owner, weights=ok, minlength=len(places)) > 0
            keep = ok | ~any_ok[owner]
            flat = flat[keep]
            ptr[1:] = np.cumsum(np.bincount(owner[keep], minlength=len(places)))
        return ptr, flat

    def __call__(
        self,
        origins: np.ndarray,
        destinations: np.ndarray,
        banned_links: np.ndarray | None = None,
    ) -> Queries:
        """Return one query per (origin, destination) place pair.

        Parameters
        ----------
        origins, destinations
            Place indices, one pair per query.
        banned_links
            Link index banned in each query (both directions; -1: none).

        Returns
        -------
        Queries
        """
        origins = np.asarray(origins, dtype=np.int64)
        s_ptr, s_flat = self.states(origins, True)
        t_ptr, t_flat = self.states(np.asarray(destinations, dtype=np.int64), False)
        b_ptr = np.zeros(len(origins) + 1, dtype=np.int64)
        b_flat = np.empty(0, dtype=np.int64)
        if banned_links is not None:
            banned_links = np.asarray(banned_links, dtype=np.int64)
            lo = np.searchsorted(self.owners, banned_links, side="left")
            hi = np.searchsorted(self.owners, banned_links, side="right")
            hi = np.where(banned_links >= 0, hi, lo)
            np.cumsum(hi - lo, out=b_ptr[1:])
            b_flat = self.entries[np.repeat(lo - b_ptr[:-1], hi - lo) + np.arange(b_ptr[-1])]
        return _from_zero(s_ptr, s_flat, t_ptr, t_flat, b_ptr, b_flat)

    def to_all(self, origins: np.ndarray, destinations: np.ndarray) -> tuple[Queries, np.ndarray]:
        """Return one query per origin place, each targeting every state of `destinations`.

        Parameters
        ----------
        origins, destinations
            Place indices.

        Returns
        -------
        queries : Queries
        place_ptr : numpy.ndarray
            Destination ``j``'s states are targets ``place_ptr[j]:place_ptr[j + 1]`` of
            every query.
        """
        s_ptr, s_flat = self.states(np.asarray(origins, dtype=np.int64), True)
        place_ptr, states = self.states(np.asarray(destinations, dtype=np.int64), False)
        n, k = len(s_ptr) - 1, len(states)
        t_ptr = np.arange(n + 1, dtype=np.int64) * k
        return _from_zero(s_ptr, s_flat, t_ptr, np.tile(states, n)), place_ptr


def _from_zero(
    source_ptr: np.ndarray,
    sources: np.ndarray,
    target_ptr: np.ndarray,
    targets: np.ndarray,
    ban_ptr: np.ndarray | None = None,
    banned: np.ndarray | None = None,
) -> Queries:
    """Return queries that start at zero at their sources, confined to no states."""
    none = np.zeros(len(source_ptr), dtype=np.int64)
    no_states = np.empty(0, dtype=np.int64)
    return Queries(
        source_ptr, sources, np.zeros(len(sources)), target_ptr, targets,
        none if ban_ptr is None else ban_ptr, no_states if banned is None else banned,
        none, no_states,
    )  # fmt: skip


def best_of(answers: Answers, queries: Queries) -> np.ndarray:
    """Return, per query, the row of its cheapest reached target (-1: none reached).

    Parameters
    ----------
    answers
        What :func:`run` returned for `queries`.
    queries
        The batch.

    Returns
    -------
    numpy.ndarray of int64
        Index into ``answers.value`` per query.
    """
    n = len(queries.target_ptr) - 1
    owner = np.repeat(np.arange(n), np.diff(queries.target_ptr))
    best = np.full(n, -1, dtype=np.int64)
    reached = np.flatnonzero(np.isfinite(answers.value))
    order = reached[np.lexsort((answers.value[reached], owner[reached]))]
    owners, first = np.unique(owner[order], return_index=True)
    best[owners] = order[first]
    return best


@dataclasses.dataclass(frozen=True)
class Answers:
    """What a batch found, one row per target (aligned with ``Queries.targets``).

    Parameters
    ----------
    value
        Best value (``inf``: not reached).
    hops
        Edges on the best path (-1: not reached; empty unless hops or paths were asked for).
    sums
        ``len(targets) × k`` sums of the `extra` values along the path (NaN: not reached).
    path_ptr, path
        Path of target ``i`` as CSR entries, in travel order from the source:
        ``path[path_ptr[i]:path_ptr[i + 1]]`` (empty unless paths were asked for).
    """

    value: np.ndarray
    hops: np.ndarray
    sums: np.ndarray
    path_ptr: np.ndarray
    path: np.ndarray


def run(
    graph: Csr,
    queries: Queries,
    *,
    extra: np.ndarray | None = None,
    paths: bool = False,
    first: bool = False,
    limit: float = np.inf,
    hops: bool = True,
    threads: int | None = None,
) -> Answers:
    """Run a batch of searches on all threads.

    Parameters
    ----------
    graph
        The CSR arrays (from :func:`csr`).
    queries
        The searches.
    extra
        ``k × n_entries`` values summed along each best path (e.g. time and distance).
    paths
        Also return each target's path (runs the batch a second time to fill them).
    first
        Stop at the first target settled (the best of them; the others stay
        unreached): the best path to any of a place's states.
    limit
        Do not settle states beyond this value.
    hops
        Count each target's edges (``Answers.hops``); without it, and without
        `extra` and `paths`, the searches keep no predecessors (values only).
    threads
        Threads to use (default: numba's, i.e. all cores).

    Returns
    -------
    Answers
    """
    n_targets = len(queries.targets)
    if graph.n_states >= 2**31 or len(graph.indices) >= 2**31:
        raise ValueError("the kernel's workspaces index states and entries with int32")
    extra = np.zeros((0, len(graph.indices))) if extra is None else np.ascontiguousarray(extra)
    n_threads = numba.get_num_threads() if threads is None else max(1, int(threads))
    n_queries = len(queries.source_ptr) - 1
    n_chunks = max(1, min(n_threads, n_queries))
    value = np.full(n_targets, np.inf)
    track = hops or paths or len(extra) > 0
    hop_counts = np.full(n_targets if hops or paths else 0, -1, dtype=np.int64)
    sums = np.full((n_targets, len(extra)), np.nan)
    path_ptr = np.zeros(n_targets + 1 if paths else 1, dtype=np.int64)
    path = np.empty(0, dtype=np.int64)
    sources, targets, allowed = queries.sources, queries.targets, queries.allowed
    if graph.rank is not None:
        sources, targets, allowed = graph.rank[sources], graph.rank[targets], graph.rank[allowed]
    previous = numba.get_num_threads()
    numba.set_num_threads(min(n_threads, numba.config.NUMBA_NUM_THREADS))
    try:
        args = (
            graph.indptr,
            np.asarray(graph.indices, dtype=np.int32),
            graph.tail,
            graph.weight,
            extra,
            queries.source_ptr,
            sources,
            queries.source_values,
            queries.target_ptr,
            targets,
            queries.ban_ptr,
            queries.banned,
            queries.allowed_ptr,
            allowed,
            float(limit),
            first,
            track,
            value,
            hop_counts,
            sums,
            n_chunks,
            # at least 4 blocks per thread, so a small batch is shared evenly
            max(1, min(BLOCK, n_queries // (4 * n_chunks))),
        )
        batch = _batch_serial if n_chunks == 1 else _batch_parallel
        batch(*args, np.zeros(1, dtype=np.int64), path)
        if paths:
            np.cumsum(np.maximum(hop_counts, 0), out=path_ptr[1:])
            path = np.empty(path_ptr[-1], dtype=np.int64)
            batch(*args, path_ptr, path)
    finally:
        numba.set_num_threads(previous)
    return Answers(value, hop_counts, sums, path_ptr, path)


# ---------------------------------------------------------------- compiled part

#: Most queries per block of a chunk: threads write rows of different blocks.
BLOCK = 16

#: Children per node of the search heap (4: shallower than binary, one cache line of keys).
ARITY = 4


@numba.njit(cache=True, nogil=True, inline="always")
def _sift_up(keys, items, pos, i, key, item):  # fmt: skip
    """Move `item` with `key` up from heap slot `i` (a new last slot or its own slot)."""
    while i > 0:
        parent = (i - 1) // ARITY
        if keys[parent] <= key:
            break
        keys[i] = keys[parent]
        items[i] = items[parent]
        pos[items[i]] = i
        i = parent
    keys[i] = key
    items[i] = item
    pos[item] = i


@numba.njit(cache=True, nogil=True, inline="always")
def _sift_down(keys, items, pos, i, size, key, item):  # fmt: skip
    """Move `item` with `key` down from heap slot `i` of a heap of `size` items."""
    while True:
        child = ARITY * i + 1
        if child >= size:
            break
        best, best_key = child, keys[child]
        if child + ARITY <= size:  # all children: a fixed count, unrolled without branches
            for j in range(child + 1, child + ARITY):
                smaller = keys[j] < best_key
                best_key = keys[j] if smaller else best_key
                best = j if smaller else best
        else:
            for j in range(child + 1, size):
                smaller = keys[j] < best_key
                best_key = keys[j] if smaller else best_key
                best = j if smaller else best
        if best_key >= key:
            break
        keys[i] = best_key
        items[i] = items[best]
        pos[items[i]] = i
        i = best
    keys[i] = key
    items[i] = item
    pos[item] = i


@numba.njit(cache=True, nogil=True)
def _workspace(n):  # fmt: skip
    """Return one search workspace for `n` states (see :func:`_search`), all states fresh."""
    return (
        np.full(n, np.inf),  # dist
        np.full(n, -1, dtype=np.int32),  # pred: CSR entry of the best path's last edge
        np.zeros(n, dtype=np.int32),  # hops of the best path
        np.zeros(n, dtype=np.uint8),  # state: 2 target, 4 allowed
        np.full(n, -1, dtype=np.int32),  # pos: heap slot; -1 never queued, -2 settled
        np.empty(n, dtype=np.int32),  # touched
        np.empty(n),  # heap keys
        np.empty(n, dtype=np.int32),  # heap items
    )


@numba.njit(cache=True, nogil=True)
def _reset(dist, state, pos, touched, n_touched):  # fmt: skip
    """Make the `n_touched` states of `touched` fresh again (O(touched), or fills if many)."""
    if 4 * n_touched > len(dist):
        dist[:] = np.inf
        state[:] = 0
        pos[:] = -1
        return
    for j in range(n_touched):
        s = touched[j]
        dist[s] = np.inf
        state[s] = 0
        pos[s] = -1


@numba.njit(cache=True, nogil=True)
def _search(  # noqa: C901 - one loop, kept flat for numba
    indptr, indices, weight, sources, source_values, targets, banned, allowed, limit,
    first, track, dist, pred, hops, state, pos, touched, keys, items,
):  # fmt: skip
    """One Dijkstra search with an indexed 4-ary heap (decrease-key, at most n items).

    A state is settled when ``pos[s] == -2`` (``-1``: never queued); `state` flags:
    2 target, 4 allowed. Bans and confinement are checked only when an entry would
    improve a label; predecessors and hops are kept only with `track`. Returns the
    number of states written to `touched` (to reset with :func:`_reset`).
    """
    n_touched = 0
    restrict = len(allowed) > 0
    n_banned = len(banned)
    for s in allowed:
        if state[s] == 0 and pos[s] == -1:
            touched[n_touched] = s
            n_touched += 1
        state[s] |= 4
    pending = 0
    for t in targets:
        if state[t] & 2 == 0:
            if state[t] == 0 and pos[t] == -1:
                touched[n_touched] = t
                n_touched += 1
            state[t] |= 2
            pending += 1
    if first:
        pending = min(pending, 1)
    size = 0
    for i in range(len(sources)):
        s, value = sources[i], source_values[i]
        if (restrict and state[s] & 4 == 0) or not value < dist[s]:
            continue
        slot = pos[s]
        if slot == -1:
            if state[s] == 0:
                touched[n_touched] = s
                n_touched += 1
            slot = size
            size += 1
        dist[s] = value
        pred[s] = -1
        hops[s] = 0
        _sift_up(keys, items, pos, slot, value, s)
    while size:
        key, u = keys[0], items[0]
        if key > limit:
            break
        size -= 1
        if size:
            _sift_down(keys, items, pos, 0, size, keys[size], items[size])
        pos[u] = -2
        if state[u] & 2:
            pending -= 1
            if pending == 0:
                break
        hop = hops[u] + 1 if track else 0
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            candidate = key + weight[e]
            if not candidate < dist[v]:  # also every settled state (weights >= 0)
                continue
            if restrict and state[v] & 4 == 0:
                continue
            if n_banned:
                skip = False
                for b in banned:
                    skip |= b == e
                if skip:
                    continue
            slot = pos[v]
            if slot == -1 and state[v] == 0:
                touched[n_touched] = v
                n_touched += 1
            dist[v] = candidate
            if track:
                pred[v] = e
                hops[v] = hop
            if slot == -1:
                slot = size
                size += 1
            _sift_up(keys, items, pos, slot, candidate, v)
    return n_touched


@numba.njit(cache=True, parallel=True)
def _batch_parallel(
    indptr, indices, tail, weight, extra,
    source_ptr, sources, source_values, target_ptr, targets, ban_ptr, banned,
    allowed_ptr, allowed, limit, first, track, value, hops, sums, n_chunks, block, path_ptr,
    path,
):  # fmt: skip
    """Run every query; chunk ``c`` takes blocks ``c, c + n_chunks, ...`` on one thread."""
    for chunk in numba.prange(n_chunks):
        _chunk(
            indptr, indices, tail, weight, extra,
            source_ptr, sources, source_values, target_ptr, targets, ban_ptr, banned,
            allowed_ptr, allowed, limit, first, track, value, hops, sums, n_chunks, block,
            path_ptr, path, chunk,
        )  # fmt: skip


@numba.njit(cache=True, nogil=True)
def _batch_serial(
    indptr, indices, tail, weight, extra,
    source_ptr, sources, source_values, target_ptr, targets, ban_ptr, banned,
    allowed_ptr, allowed, limit, first, track, value, hops, sums, n_chunks, block, path_ptr,
    path,
):  # fmt: skip
    """Run every query in this thread (no threading layer: safe in any worker)."""
    _chunk(
        indptr, indices, tail, weight, extra,
        source_ptr, sources, source_values, target_ptr, targets, ban_ptr, banned,
        allowed_ptr, allowed, limit, first, track, value, hops, sums, 1, block, path_ptr, path,
        0,
    )  # fmt: skip


@numba.njit(cache=True, nogil=True)
def _chunk(
    indptr, indices, tail, weight, extra,
    source_ptr, sources, source_values, target_ptr, targets, ban_ptr, banned,
    allowed_ptr, allowed, limit, first, track, value, hops, sums, n_chunks, block, path_ptr,
    path, chunk,
):  # fmt: skip
    """Run the queries of blocks ``chunk, chunk + n_chunks, ...`` with one workspace."""
    n_queries = len(source_ptr) - 1
    want_paths = len(path_ptr) > 1
    dist, pred, hop, state, pos, touched, keys, items = _workspace(len(indptr) - 1)
    for q in range(n_queries):
        if (q // block) % n_chunks != chunk:  # blocks of queries: no false sharing of rows
            continue
        t0, t1 = target_ptr[q], target_ptr[q + 1]
        n_touched = _search(
            indptr, indices, weight,
            sources[source_ptr[q] : source_ptr[q + 1]],
            source_values[source_ptr[q] : source_ptr[q + 1]],
            targets[t0:t1], banned[ban_ptr[q] : ban_ptr[q + 1]],
            allowed[allowed_ptr[q] : allowed_ptr[q + 1]], limit, first, track,
            dist, pred, hop, state, pos, touched, keys, items,
        )  # fmt: skip
        for i in range(t0, t1):
            t = targets[i]
            if pos[t] != -2:
                continue
            value[i] = dist[t]
            if len(hops):
                hops[i] = hop[t]
            if len(extra):  # sums along the path: walk it back
                for k in range(len(extra)):
                    sums[i, k] = 0.0
                v = t
                while pred[v] >= 0:
                    for k in range(len(extra)):
                        sums[i, k] += extra[k, pred[v]]
                    v = tail[pred[v]]
            if want_paths:
                position = path_ptr[i + 1]
                v = t
                while pred[v] >= 0:
                    position -= 1
                    path[position] = pred[v]
                    v = tail[pred[v]]
        _reset(dist, state, pos, touched, n_touched)
