"""Single-link redundancy: the best alternative between a link's ends when it fails.

For every link, the link is removed (both directions, a ban on its CSR entries,
not a copy of the graph) and the best path from its ``from`` place to its ``to``
place is searched with the compiled kernel (:mod:`corridors.engine.kernel`),
stopping as soon as the ``to`` place is settled. This is RA2CE's single-link
redundancy analysis. Bridges of the place graph (links whose removal splits it,
found by one depth-first search in linear time) have no alternative and are not
searched at all.
"""

from __future__ import annotations

import numba
import numpy as np
import pandas as pd

from corridors.engine import (
    EDGE_DISCHARGE,
    EDGE_LINK,
    EDGE_LOADING,
    WEIGHT_COLUMNS,
    CompiledGraph,
    check_weight,
    compile_network,
)
from corridors.engine import kernel as k
from corridors.network import Network
from corridors.resilience.elements import _link_places
from corridors.routing import restrictions

__all__ = ["bridges", "redundancy"]


def redundancy(
    net: Network,
    *,
    weight: str = "time",
    paths: bool = False,
    include_planned: bool = False,
    threads: int | None = None,
) -> pd.DataFrame:
    """Return each link's own value and that of the best alternative between its ends.

    Parameters
    ----------
    net
        The network.
    weight
        ``time`` (h), ``distance`` (km), ``cost`` or ``generalized`` (USD/TEU).
    paths
        Add ``alt_path``: the alternative's link ids, ``;``-separated, in travel order.
    include_planned
        Use planned links and places.
    threads
        Threads for the searches (default: all cores).

    Returns
    -------
    pandas.DataFrame
        One row per link in link order (:meth:`Network.link_ids`), indexed by link
        id, with ``from``, ``to``, ``value`` (the link's own value, from → to, with a
        port call at each end of a container sea link, in the weight's unit),
        ``alt_value`` (best path from → to without the link; NaN if
        none), ``difference`` (``alt_value - value``), ``has_alternative`` (0/1),
        ``alt_hops`` (links on the alternative; 0 if none) and, if asked for,
        ``alt_path``. ``attrs["weight"]`` names the weight.

    Notes
    -----
    A bridge of the undirected place graph (all usable links) cannot have an
    alternative, so bridges are found first in linear time and skipped; every other
    link is searched (one-way links, modes and transfers can still leave it without
    an alternative). Equals removing each link and running Dijkstra, which the
    tests check against networkx.
    """
    check_weight(weight)
    graph = compile_network(net)
    rules = restrictions(net, include_planned=include_planned)
    mask = graph.edge_mask(rules)
    csr = k.csr(graph, weight, mask, renumber=True)  # searches close in memory
    values = graph.weight(weight)
    n_links = len(graph.link_ids)
    is_link = graph.edge_kind == EDGE_LINK
    forward = np.flatnonzero(is_link & ~graph.edge_reversed)
    link_from, link_to = _link_places(graph)
    own = np.empty(n_links)
    calls = _port_calls(graph, values)
    own[graph.edge_link[forward]] = (
        values[forward] + calls[graph.edge_src[forward]] + calls[graph.edge_dst[forward]]
    )
    usable = np.flatnonzero(is_link & mask)
    bridge = np.zeros(n_links, dtype=bool)
    found_bridges = bridges(
        graph.n_places,
        graph.state_place[graph.edge_src[usable]],
        graph.state_place[graph.edge_dst[usable]],
        graph.edge_link[usable],
    )
    bridge[: len(found_bridges)] = found_bridges
    todo = np.flatnonzero(~bridge)
    queries = k.PlaceQueries.prepare(graph, csr, mask)(link_from[todo], link_to[todo], todo)
    counts = (is_link[csr.edge]).astype(float)[None, :]
    answers = k.run(csr, queries, extra=counts, paths=paths, first=True, threads=threads)
    best = k.best_of(answers, queries)
    alt = np.full(n_links, np.nan)
    hops = np.zeros(n_links, dtype=np.int64)
    found = best >= 0
    alt[todo[found]] = answers.value[best[found]]
    hops[todo[found]] = np.round(answers.sums[best[found], 0]).astype(np.int64)
    frame = pd.DataFrame(
        {
            "from": graph.place_ids[link_from],
            "to": graph.place_ids[link_to],
            "value": own,
            "alt_value": alt,
            "difference": alt - own,
            "has_alternative": np.isfinite(alt).astype(np.int8),
            "alt_hops": hops,
        },
        index=pd.Index(graph.link_ids, name="id"),
    )
    if paths:
        frame["alt_path"] = _path_texts(graph, csr, answers, todo, best, n_links)
    frame.attrs["weight"] = weight
    frame.attrs["modes"] = rules.mode_text  # what the alternatives may use
    frame.attrs["unit_column"] = WEIGHT_COLUMNS[weight]
    return frame


def _port_calls(graph: CompiledGraph, values: np.ndarray) -> np.ndarray:
    """Value of the port call at each state: loading into a port's ``out``, discharge from ``in``.

    A container sea link runs between internal port states, so its value from place
    to place (as the alternative's) includes one call at each end; 0 for end states.
    """
    calls = np.zeros(graph.n_states)
    internal = np.full(graph.n_states, np.inf)
    loading = np.flatnonzero(graph.edge_kind == EDGE_LOADING)
    discharge = np.flatnonzero(graph.edge_kind == EDGE_DISCHARGE)
    np.minimum.at(internal, graph.edge_dst[loading], values[loading])
    np.minimum.at(internal, graph.edge_src[discharge], values[discharge])
    found = np.isfinite(internal)
    calls[found] = internal[found]
    return calls


def _path_texts(
    graph: CompiledGraph,
    csr: k.Csr,
    answers: k.Answers,
    todo: np.ndarray,
    best: np.ndarray,
    n_links: int,
) -> list[str]:
    """Return the alternative's link ids of each link, ``;``-separated ('' if none)."""
    texts = [""] * n_links
    for link, row in zip(todo, best, strict=True):
        if row < 0:
            continue
        edges = csr.edge[answers.path[answers.path_ptr[row] : answers.path_ptr[row + 1]]]
        links = graph.edge_link[edges]
        texts[link] = ";".join(graph.link_ids[links[links >= 0]])
    return texts


def bridges(n_nodes: int, u: np.ndarray, v: np.ndarray, link: np.ndarray) -> np.ndarray:
    """Flag the bridges of an undirected multigraph (Tarjan's low-link, linear time).

    Parameters
    ----------
    n_nodes
        Number of nodes.
    u, v
        Ends of each edge (an edge may appear once per direction).
    link
        Link index of each edge, ``0 .. n_links - 1``; edges of one link are one
        undirected edge, edges of different links between two nodes are parallel.

    Returns
    -------
    numpy.ndarray of bool
        Per link index up to ``link.max()``: whether the link is a bridge (a link
        without edges is not flagged).
    """
    n_links = int(link.max()) + 1 if len(link) else 0
    if not n_links:
        return np.zeros(0, dtype=bool)
    first = np.full(n_links, -1, dtype=np.int64)
    first[link[::-1]] = np.arange(len(link))[::-1]
    keep = first[first >= 0]
    a = np.r_[u[keep], v[keep]].astype(np.int64)
    b = np.r_[v[keep], u[keep]].astype(np.int64)
    ids = np.r_[link[keep], link[keep]].astype(np.int64)
    order = np.argsort(a, kind="stable")
    indptr = np.zeros(n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(a, minlength=n_nodes), out=indptr[1:])
    out = np.zeros(n_links, dtype=bool)
    _tarjan(indptr, b[order], ids[order], out)
    return out


@numba.njit(cache=True)
def _tarjan(indptr, heads, ids, out):
    """Run an iterative DFS with low-links; flag ``out[id]`` of bridges (parent link skipped)."""
    n = len(indptr) - 1
    tin = np.full(n, -1, dtype=np.int64)
    low = np.zeros(n, dtype=np.int64)
    stack = np.empty(n, dtype=np.int64)
    parent_link = np.full(n, -1, dtype=np.int64)
    cursor = indptr[:-1].copy()
    timer = 0
    for root in range(n):
        if tin[root] >= 0:
            continue
        top = 0
        stack[0] = root
        tin[root] = low[root] = timer
        timer += 1
        while top >= 0:
            x = stack[top]
            if cursor[x] < indptr[x + 1]:
                e = cursor[x]
                cursor[x] += 1
                y, i = heads[e], ids[e]
                if i == parent_link[x]:
                    continue
                if tin[y] < 0:
                    tin[y] = low[y] = timer
                    timer += 1
                    parent_link[y] = i
                    top += 1
                    stack[top] = y
                elif tin[y] < low[x]:
                    low[x] = tin[y]
            else:
                top -= 1
                if top >= 0:
                    p = stack[top]
                    low[p] = min(low[p], low[x])
                    if low[x] > tin[p]:
                        out[parent_link[x]] = True
