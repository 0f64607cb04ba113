"""OD skims on the compiled kernel: the best value between places, values only.

An OD matrix needs neither paths nor tie-breaking, only each pair's best value.
:class:`Skimmer` answers it with the compiled kernel (:mod:`corridors.engine.kernel`)
on a Cuthill–McKee-renumbered CSR: one search per origin place that starts at the
origin's usable states, stops once every state of the destination places is
settled, keeps no predecessors and runs on all threads. The values equal those of
:func:`~corridors.engine.search` (``secondary=None``), which the tests check.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from corridors.engine import kernel
from corridors.engine.compiled import CompiledGraph

__all__ = ["Skimmer"]


@dataclasses.dataclass(frozen=True)
class Skimmer:
    """Best weights between places of one compiled graph under one mask.

    Build once with :meth:`prepare` (it can be pickled to worker processes),
    then call with origin and destination places.

    Parameters
    ----------
    csr
        The renumbered CSR arrays of the allowed edges.
    places
        The place-to-state index of the same graph and mask.
    """

    csr: kernel.Csr
    places: kernel.PlaceQueries

    @classmethod
    def prepare(
        cls,
        graph: CompiledGraph,
        weight: str | np.ndarray,
        mask: np.ndarray,
        *,
        reverse: bool = False,
    ) -> Skimmer:
        """Index `graph` for skims of `weight` on the edges `mask` allows.

        Parameters
        ----------
        graph
            The compiled graph.
        weight
            Weight name (see :data:`~corridors.engine.WEIGHTS`) or one value per edge.
        mask
            Edges that may be used (from :meth:`~corridors.engine.CompiledGraph.edge_mask`).
        reverse
            Search against the edges: the values are then *to* the origins.

        Returns
        -------
        Skimmer
        """
        csr = kernel.csr(graph, weight, mask, reverse=reverse, renumber=True)
        return cls(csr, kernel.PlaceQueries.prepare(graph, csr, mask))

    def __call__(
        self,
        origins: np.ndarray,
        destinations: np.ndarray,
        *,
        threads: int | None = None,
    ) -> np.ndarray:
        """Return the best weight from each origin place to each destination place.

        Parameters
        ----------
        origins, destinations
            Place indices.
        threads
            Threads for the searches (default: all cores; 1 in worker processes).

        Returns
        -------
        numpy.ndarray
            ``len(origins) × len(destinations)`` in the weight's unit; ``inf`` where
            unreachable, 0 from a place to itself.
        """
        origins = np.asarray(origins, dtype=np.int64)
        destinations = np.asarray(destinations, dtype=np.int64)
        n = len(origins)
        if not n or not len(destinations):
            return np.full((n, len(destinations)), np.inf)
        queries, place_ptr = self.places.to_all(origins, destinations)
        answers = kernel.run(self.csr, queries, hops=False, threads=threads)
        # every place has at least one state: no segment of the reduction is empty
        return np.minimum.reduceat(answers.value.reshape(n, -1), place_ptr[:-1], axis=1)
