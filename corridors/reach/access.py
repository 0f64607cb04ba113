"""Accessibility: opportunities reachable from each origin (gravity or cumulative)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import numpy as np
import pandas as pd

from corridors._errors import DataError
from corridors.network import Network
from corridors.routing import od_matrix

__all__ = ["accessibility"]


def accessibility(
    net: Network,
    origins: str | Iterable[str],
    opportunities: str | Iterable[str],
    *,
    kind: Literal["gravity", "cumulative"] = "gravity",
    weight: str = "time",
    beta: float = 0.05,
    threshold: float = 48.0,
    mass: str | pd.Series | None = None,
    modes: Iterable[str] | None = None,
    include_planned: bool = False,
) -> pd.Series:
    r"""Return an accessibility index per origin.

    Gravity: :math:`A_i = \sum_j M_j \, e^{-\beta c_{ij}}`. Cumulative
    opportunities: :math:`A_i = \sum_j M_j \, [c_{ij} \le T]`. Here
    :math:`c_{ij}` is the best weight from origin *i* to opportunity *j*
    (hours for ``time``), :math:`M_j` the opportunity's mass, :math:`\beta` the
    decay per unit of weight and *T* the threshold. Unreachable opportunities add 0.

    Parameters
    ----------
    net
        The network.
    origins, opportunities
        Kinds of place or lists of places (e.g. ``"park"`` and ``"port"``).
    kind
        ``"gravity"`` or ``"cumulative"``.
    weight
        ``time`` (default), ``distance``, ``cost`` or ``generalized``.
    beta
        Decay rate per unit of weight for ``gravity`` (e.g. 0.05 per hour).
    threshold
        Largest weight counted for ``cumulative`` (e.g. 48 hours).
    mass
        Opportunity mass: a column of ``net.places`` (e.g. ``"throughput"``; missing
        values count 0) or a Series indexed by place id; default 1 each.
    modes, include_planned
        As for :func:`corridors.route`.

    Returns
    -------
    pandas.Series
        Indexed by origin id, named ``accessibility``.

    References
    ----------
    .. [1] Hansen, W. G. (1959). How accessibility shapes land use. Journal of the
       American Institute of Planners 25(2), 73-76.
    """
    if kind not in ("gravity", "cumulative"):
        raise DataError(f"kind = {kind!r}; expected 'gravity' or 'cumulative'")
    if beta < 0 or threshold < 0:
        raise DataError(f"beta = {beta}, threshold = {threshold}; expected values >= 0")
    costs = od_matrix(
        net, origins, opportunities, weight=weight, modes=modes, include_planned=include_planned
    )
    if mass is None:
        masses = np.ones(costs.shape[1])
    elif isinstance(mass, str):
        if mass not in net.places.columns:
            raise DataError(f"mass = {mass!r} is not a place column")
        masses = pd.to_numeric(net.places.loc[costs.columns, mass], errors="coerce")
        masses = masses.fillna(0.0).to_numpy(dtype=float)
    else:
        masses = mass.reindex(costs.columns).fillna(0.0).to_numpy(dtype=float)
    c = costs.to_numpy()
    reached = np.isfinite(c)
    if kind == "gravity":
        terms = np.where(reached, np.exp(-beta * np.where(reached, c, 0.0)), 0.0)
    else:
        terms = (reached & (np.where(reached, c, np.inf) <= threshold)).astype(float)
    return pd.Series(terms @ masses, index=costs.index, name="accessibility")
