"""The compiled state graph of a network, and searches on it.

Modules
-------
compiled
    :func:`compile_network`: a network as a mode-expanded state graph in CSR arrays
    (:class:`CompiledGraph`), the weights (:data:`WEIGHTS`) and the
    :class:`Restrictions` that mask its edges.
dijkstra
    :func:`search` (multi-source Dijkstra from every state of each origin),
    :class:`SearchResult` (paths, path sums) and :func:`tree_sums`.
inputs
    :class:`~corridors.engine.inputs.PlaceTable` and
    :class:`~corridors.engine.inputs.EdgeTable`: what a compile reads, as columns.
freight
    Freight semantics of the compile: port calls (loading, discharge,
    transshipment), ro-ro links, expected waits for sailings, seasons.
lexico
    Lexicographic tie-breaking of the searches (least weight, then least second
    weight: time for distance and cost, cost for time and generalized).
kernel
    Compiled (numba) batched searches that stop at their targets, skip banned
    entries and stay within allowed states, on all threads
    (``from corridors.engine import kernel``).
skims
    :class:`~corridors.engine.skims.Skimmer`: OD skims (best values between
    places) on the kernel, for OD matrices and failure simulations.
repair
    Compiled repair of shortest-path trees after a failure (OD criticality).
"""

from corridors.engine.compiled import (
    EDGE_CROSSING,
    EDGE_DISCHARGE,
    EDGE_KIND_NAMES,
    EDGE_LINK,
    EDGE_LOADING,
    EDGE_TRANSFER,
    EDGE_TRANSSHIPMENT,
    STATUS_CODES,
    WEIGHT_COLUMNS,
    WEIGHTS,
    CompiledGraph,
    Restrictions,
    check_weight,
    compile_network,
)
from corridors.engine.dijkstra import SearchResult, search, tree_sums

__all__ = [
    "EDGE_CROSSING",
    "EDGE_DISCHARGE",
    "EDGE_KIND_NAMES",
    "EDGE_LINK",
    "EDGE_LOADING",
    "EDGE_TRANSFER",
    "EDGE_TRANSSHIPMENT",
    "STATUS_CODES",
    "WEIGHTS",
    "WEIGHT_COLUMNS",
    "CompiledGraph",
    "Restrictions",
    "SearchResult",
    "check_weight",
    "compile_network",
    "search",
    "tree_sums",
]
