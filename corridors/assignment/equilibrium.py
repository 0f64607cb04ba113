"""User-equilibrium assignment by Frank–Wolfe and its conjugate variants.

Wardrop's first principle: at equilibrium no trip can lower its cost by changing
path. With separable, increasing edge costs ``c_a(v_a)`` the equilibrium flows
minimize Beckmann's objective ``Σ_a ∫₀^{v_a} c_a(w) dw``; Frank–Wolfe methods
minimize it by linear approximations whose solutions are all-or-nothing
loadings (:mod:`corridors.assignment.loading`).

Algorithms (``algorithm=``):

- ``"fw"`` — Frank–Wolfe (LeBlanc, Morlok and Pierskalla 1975): the direction is
  the all-or-nothing flow ``y`` at the current costs.
- ``"cfw"`` — conjugate Frank–Wolfe (Mitradjieva and Lindberg 2013, *Transportation
  Science* 47(2)): the direction is made conjugate to the previous one with respect
  to the Hessian of the objective (here the diagonal ``c'_a(v_a)``).
- ``"bfw"`` — bi-conjugate Frank–Wolfe (same paper): conjugate to the previous two
  directions. The default.

Each iteration moves to ``x + α (s − x)`` with the step ``α`` minimizing the
objective on the segment (bisection on its derivative). A direction that does
not descend, or a full step, restarts the sequence from a plain Frank–Wolfe step.

**Relative gap** (the stopping rule): ``(Σ c·x − Σ_od D_od π_od) / Σ c·x``, where
``π_od`` is the shortest-path cost at the current costs: 0 at equilibrium, and an
upper bound on how much any trip could still save, as a share of the total cost.
Iterations stop when it is at or below ``rgap`` or after ``max_iter`` loadings.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pandas as pd

from corridors._errors import DataError
from corridors.assignment.loading import AonResult, FlowGraph, Loader
from corridors.assignment.vdf import Delays

__all__ = ["ALGORITHMS", "Solution", "solve"]

#: Algorithms :func:`solve` accepts.
ALGORITHMS = ("fw", "cfw", "bfw")

_CONJUGATE_MAX = 0.99999  # keeps a conjugate direction from collapsing onto the previous one


@dataclasses.dataclass(frozen=True)
class Solution:
    """An equilibrium (or the best point reached).

    Parameters
    ----------
    flow
        Flow per edge.
    cost
        Cost per edge at `flow`.
    od_cost
        ``n_zones × n_zones`` shortest-path costs at `cost` (NaN: zone pair not
        searched because the origin has no demand; ``inf``: no path).
    unassigned
        ``n_zones × n_zones`` demand that found no path.
    free_od_cost
        ``n_zones × n_zones`` shortest-path costs at zero flow (as `od_cost`), from
        the first all-or-nothing loading.
    history
        One row per iteration: ``iteration``, ``relative_gap``, ``step`` (the
        step α taken after it, NaN for the last), ``direction`` (fw, cfw, bfw),
        ``seconds`` (since the start).
    converged
        Whether the relative gap reached the target.
    """

    flow: np.ndarray
    cost: np.ndarray
    od_cost: np.ndarray
    unassigned: np.ndarray
    free_od_cost: np.ndarray
    history: pd.DataFrame
    converged: bool

    @property
    def iterations(self) -> int:
        """Number of all-or-nothing loadings done."""
        return len(self.history)

    @property
    def relative_gap(self) -> float:
        """Relative gap of the final flows."""
        return float(self.history["relative_gap"].iloc[-1])


def solve(
    graph: FlowGraph,
    delays: Delays,
    demand: np.ndarray,
    *,
    algorithm: str = "bfw",
    rgap: float = 1e-4,
    max_iter: int = 500,
) -> Solution:
    """Find the user equilibrium of `demand` on `graph` under edge costs `delays`.

    Parameters
    ----------
    graph
        The graph and its zones.
    delays
        Flow-dependent edge costs (one entry per edge of `graph`).
    demand
        ``n_zones × n_zones`` trips per period, in the unit of the capacities.
    algorithm
        ``"fw"``, ``"cfw"`` or ``"bfw"`` (see the module docstring).
    rgap
        Target relative gap (stop at or below it).
    max_iter
        Most all-or-nothing loadings.

    Returns
    -------
    Solution
        Flows, costs, OD costs and the gap of every iteration.

    Raises
    ------
    DataError
        For an unknown algorithm, a demand of the wrong shape, or negative demand.
    """
    if algorithm not in ALGORITHMS:
        raise DataError(f"algorithm = {algorithm!r}; expected one of {', '.join(ALGORITHMS)}")
    demand = np.asarray(demand, dtype=float)
    if demand.shape != (graph.n_zones, graph.n_zones):
        raise DataError(
            f"demand has shape {demand.shape}; expected {graph.n_zones} x {graph.n_zones} zones"
        )
    if (demand < 0).any() or not np.isfinite(demand).all():
        raise DataError("demand has negative or non-finite entries; expected numbers >= 0")
    return _Solver(Loader(graph), delays, demand, algorithm).run(rgap, max_iter)


class _Solver:
    """State of one Frank–Wolfe run (directions kept between iterations)."""

    def __init__(self, loader: Loader, delays: Delays, demand: np.ndarray, algorithm: str) -> None:
        self.loader, self.delays, self.demand, self.algorithm = loader, delays, demand, algorithm
        self.previous: np.ndarray | None = None  # last direction point s_{k-1}
        self.before: np.ndarray | None = None  # s_{k-2}
        self.step = 0.0
        self.next = "fw"

    def run(self, target: float, max_iter: int) -> Solution:
        start = time.perf_counter()
        first = self.loader.load(
            self.delays.cost(np.zeros(self.loader.graph.n_edges)), self.demand
        )
        x = first.flow
        rows: list[dict[str, object]] = []
        converged = False
        while True:
            cost = self.delays.cost(x)
            aon = self.loader.load(cost, self.demand)
            gap = _relative_gap(cost, x, aon)
            rows.append(
                {
                    "iteration": len(rows) + 1,
                    "relative_gap": gap,
                    "step": np.nan,
                    "direction": "",
                    "seconds": time.perf_counter() - start,
                }
            )
            converged = gap <= target
            if converged or len(rows) >= max_iter:
                break
            x, kind, step = self._move(x, aon.flow)
            rows[-1].update(step=step, direction=kind)
        return Solution(
            flow=x,
            cost=cost,
            od_cost=aon.od_cost,
            unassigned=aon.unassigned,
            free_od_cost=first.od_cost,
            history=pd.DataFrame(rows),
            converged=converged,
        )

    def _move(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, str, float]:
        """Take one step from `x` given the all-or-nothing flows `y`."""
        kind = "fw" if self.algorithm == "fw" else self.next
        target = self._direction(kind, x, y)
        step = _line_search(self.delays, x, target - x)
        if step <= 0.0 and kind != "fw":  # not a descent direction: restart with Frank–Wolfe
            kind, target = "fw", y
            step = _line_search(self.delays, x, target - x)
        self.before, self.previous, self.step = self.previous, target, step
        if step >= 1.0 or self.algorithm == "fw":
            self.next = "fw"
        elif kind == "fw":
            self.next = "cfw"
        else:
            self.next = self.algorithm  # cfw stays cfw; bfw continues bi-conjugate
        if step >= 1.0:
            self.previous = None
        return x + step * (target - x), kind, step

    def _direction(self, kind: str, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Return the point the step moves towards (``s``; the direction is ``s − x``)."""
        if kind == "fw" or self.previous is None:
            return y
        hessian = self.delays.derivative(x)
        prev = self.previous
        if kind == "cfw" or self.before is None:
            a = prev - x
            num = float(np.sum(hessian * a * (y - x)))
            den = float(np.sum(hessian * a * (y - prev)))
            alpha = 0.0 if den == 0 else min(max(num / den, 0.0), _CONJUGATE_MAX)
            return alpha * prev + (1.0 - alpha) * y
        # bi-conjugate (Mitradjieva and Lindberg 2013, eqs. 18-20)
        tau, before = self.step, self.before
        xs = tau * prev + (1.0 - tau) * before - x
        ys = y - x
        zs = prev - x
        ws = before - prev
        mu_den = float(np.sum(hessian * xs * ws))
        mu = 0.0 if mu_den == 0 else max(0.0, -float(np.sum(hessian * xs * ys)) / mu_den)
        nu_den = float(np.sum(hessian * zs * zs))
        nu = 0.0
        if nu_den != 0:
            nu = max(0.0, -float(np.sum(hessian * zs * ys)) / nu_den + mu * tau / (1.0 - tau))
        b0 = 1.0 / (1.0 + mu + nu)
        return b0 * y + nu * b0 * prev + mu * b0 * before


def _relative_gap(cost: np.ndarray, x: np.ndarray, aon: AonResult) -> float:
    """``(Σ c·x − Σ c·y) / Σ c·x``: Σ c·y is the demand times its shortest-path costs."""
    total = float(cost @ x)
    best = float(cost @ aon.flow)
    if total <= 0:
        return 0.0 if best <= 0 else np.inf
    return (total - best) / total


def _line_search(delays: Delays, x: np.ndarray, d: np.ndarray, iterations: int = 60) -> float:
    """Return α in [0, 1] minimizing Beckmann's objective on ``x + α d``.

    The objective's derivative along the segment, ``Σ c(x + α d)·d``, increases
    with α (the costs increase with flow), so bisection finds its root.
    """
    moving = np.flatnonzero(d)
    if not len(moving):
        return 0.0
    sub = _subset(delays, moving)
    xm, dm = x[moving], d[moving]

    def slope(alpha: float) -> float:
        return float(sub.cost(xm + alpha * dm) @ dm)

    if slope(0.0) >= 0:
        return 0.0
    if slope(1.0) <= 0:
        return 1.0
    lo, hi = 0.0, 1.0
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        if slope(mid) < 0:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12:
            break
    return 0.5 * (lo + hi)


def _subset(delays: Delays, index: np.ndarray) -> Delays:
    """Delays of the edges `index` only (the line search ignores edges that do not move)."""
    fields = {
        f.name: getattr(delays, f.name)[index]
        for f in dataclasses.fields(delays)
        if f.name != "period_per_day"
    }
    return Delays(**fields, period_per_day=delays.period_per_day)
