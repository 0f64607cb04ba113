"""Volume–delay functions: travel time on an edge as a function of its flow.

Two families, evaluated on whole arrays of edges at once:

- **BPR** (Bureau of Public Roads, 1964) for links::

      t(v) = t0 · (1 + α · (v / c)^β)

  ``t0`` free-flow time (hours), ``v`` flow and ``c`` capacity in the same unit
  (e.g. TEU per day), ``α``, ``β`` dimensionless. The classic road values are
  α = 0.15, β = 4.

- **Queue** at crossings and ports (Akçelik 1991, "Travel time functions for
  transport planning purposes: Davidson's function, its time-dependent form and an
  alternative travel time function", *Australian Road Research* 21(3))::

      t(v) = t0 + T/4 · [(x − 1) + sqrt((x − 1)² + 8 J x / (c T))],   x = v / c

  ``t0`` the fixed dwell (hours), ``c`` capacity per hour (the function converts
  from the per-day capacity of the data), ``T`` the length of the flow period
  (hours), ``J`` a dimensionless delay parameter. Below capacity and for long
  periods the delay tends to the steady-state queue ``J x / (c (1 − x))`` (M/M/1
  with J = 1), which grows without bound as the flow approaches capacity; above
  capacity it tends to the deterministic queue ``T/2 · (x − 1)``: the average wait
  of an overloaded server whose backlog builds up over the whole period. It is
  finite at every flow, so an equilibrium exists even when demand exceeds every
  alternative's capacity, and it is convex, as Frank–Wolfe needs.

Edges without a capacity (``inf`` or NaN) keep their free-flow time.
"""

from __future__ import annotations

import dataclasses

import numpy as np

__all__ = [
    "VDF_BPR",
    "VDF_NONE",
    "VDF_QUEUE",
    "Delays",
    "bpr",
    "bpr_derivative",
    "queue_delay",
    "queue_delay_derivative",
]

VDF_NONE, VDF_BPR, VDF_QUEUE = 0, 1, 2


def bpr(
    flow: np.ndarray, capacity: np.ndarray, t0: np.ndarray, alpha: np.ndarray, beta: np.ndarray
) -> np.ndarray:
    """Return BPR travel times ``t0 · (1 + α (v/c)^β)``.

    Parameters
    ----------
    flow, capacity
        Flow and capacity in the same unit (e.g. TEU/day).
    t0
        Free-flow time (hours, or any unit: the result has the same).
    alpha, beta
        Dimensionless BPR parameters.

    Returns
    -------
    numpy.ndarray
        Congested time, in the unit of `t0`.
    """
    return t0 * (1.0 + alpha * (flow / capacity) ** beta)


def bpr_derivative(
    flow: np.ndarray, capacity: np.ndarray, t0: np.ndarray, alpha: np.ndarray, beta: np.ndarray
) -> np.ndarray:
    """Return d t / d v of :func:`bpr` (unit of `t0` per unit of flow).

    Parameters
    ----------
    flow, capacity, t0, alpha, beta
        As for :func:`bpr`.

    Returns
    -------
    numpy.ndarray
        ``t0 α β v^(β−1) / c^β``.
    """
    return t0 * alpha * beta * (flow / capacity) ** (beta - 1.0) / capacity


def queue_delay(
    flow: np.ndarray, capacity_per_h: np.ndarray, period_h: np.ndarray, j: np.ndarray
) -> np.ndarray:
    """Return the Akçelik queue delay in hours (see the module docstring).

    Parameters
    ----------
    flow, capacity_per_h
        Flow and capacity, both per hour (e.g. TEU/h).
    period_h
        Length of the flow period T (hours).
    j
        Dimensionless delay parameter J (1: M/M/1-like steady state).

    Returns
    -------
    numpy.ndarray
        Delay in hours, ``T/4 · [(x − 1) + sqrt((x − 1)² + 8 J x / (c T))]``.
    """
    x = flow / capacity_per_h
    k = 8.0 * j / (capacity_per_h * period_h)
    return 0.25 * period_h * ((x - 1.0) + np.sqrt((x - 1.0) ** 2 + k * x))


def queue_delay_derivative(
    flow: np.ndarray, capacity_per_h: np.ndarray, period_h: np.ndarray, j: np.ndarray
) -> np.ndarray:
    """Return d delay / d flow of :func:`queue_delay` (hours per unit of hourly flow).

    Parameters
    ----------
    flow, capacity_per_h, period_h, j
        As for :func:`queue_delay`.

    Returns
    -------
    numpy.ndarray
        The derivative (positive: the function is increasing and convex).
    """
    x = flow / capacity_per_h
    k = 8.0 * j / (capacity_per_h * period_h)
    root = np.sqrt((x - 1.0) ** 2 + k * x)
    return 0.25 * period_h * (1.0 + (2.0 * (x - 1.0) + k) / (2.0 * root)) / capacity_per_h


@dataclasses.dataclass(frozen=True)
class Delays:
    """Flow-dependent cost of every edge: ``cost(v) = fixed + scale · time(v)``.

    Parameters
    ----------
    fixed
        Flow-independent part of the cost (e.g. USD/TEU of fees and haulage).
    scale
        Cost per hour of time (e.g. the value of time, USD/TEU-h; 1 to minimize time).
    t0
        Free-flow time per edge (hours).
    kind
        :data:`VDF_NONE`, :data:`VDF_BPR` or :data:`VDF_QUEUE` per edge.
    capacity
        Capacity per edge in the unit of the flows per day (``inf``: none).
    alpha, beta
        BPR parameters per edge (used where ``kind == VDF_BPR``).
    period_h, j
        Queue parameters per edge (used where ``kind == VDF_QUEUE``).
    period_per_day
        Hours in one unit of flow time: flows and capacities are per this many
        hours (24 for per-day flows); queue capacities per hour are
        ``capacity / period_per_day``.
    """

    fixed: np.ndarray
    scale: np.ndarray
    t0: np.ndarray
    kind: np.ndarray
    capacity: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    period_h: np.ndarray
    j: np.ndarray
    period_per_day: float = 24.0

    @classmethod
    def free_flow(cls, fixed: np.ndarray, scale: np.ndarray | float, t0: np.ndarray) -> Delays:
        """Return delays with no congestion anywhere (every edge ``VDF_NONE``).

        Parameters
        ----------
        fixed, scale, t0
            As for the class.

        Returns
        -------
        Delays
            Capacities ``inf``; parameters set to neutral values.
        """
        n = len(t0)
        return cls(
            fixed=np.asarray(fixed, dtype=float),
            scale=np.broadcast_to(np.asarray(scale, dtype=float), (n,)).copy(),
            t0=np.asarray(t0, dtype=float),
            kind=np.zeros(n, dtype=np.int8),
            capacity=np.full(n, np.inf),
            alpha=np.zeros(n),
            beta=np.ones(n),
            period_h=np.full(n, 24.0),
            j=np.ones(n),
        )

    def with_edges(self, index: np.ndarray, **values: np.ndarray | float) -> Delays:
        """Return a copy with some fields replaced on the edges `index`.

        Parameters
        ----------
        index
            Edge indices (or a boolean mask).
        **values
            Field name → value(s) for those edges (e.g. ``kind=VDF_BPR, capacity=c``).

        Returns
        -------
        Delays
            A new object; this one is unchanged.
        """
        changes = {}
        for name, value in values.items():
            array = getattr(self, name).copy()
            array[index] = value
            changes[name] = array
        return dataclasses.replace(self, **changes)

    @property
    def _bpr(self) -> np.ndarray:
        return np.flatnonzero((self.kind == VDF_BPR) & np.isfinite(self.capacity))

    @property
    def _queue(self) -> np.ndarray:
        return np.flatnonzero((self.kind == VDF_QUEUE) & np.isfinite(self.capacity))

    def time(self, flow: np.ndarray) -> np.ndarray:
        """Return the congested time of every edge (hours).

        Parameters
        ----------
        flow
            Flow per edge (unit of the capacities).

        Returns
        -------
        numpy.ndarray
            Free-flow time plus BPR growth or queue delay.
        """
        out = self.t0.copy()
        b = self._bpr
        out[b] = bpr(flow[b], self.capacity[b], self.t0[b], self.alpha[b], self.beta[b])
        q = self._queue
        per_h = self.period_per_day
        out[q] += queue_delay(
            flow[q] / per_h, self.capacity[q] / per_h, self.period_h[q], self.j[q]
        )
        return out

    def delay(self, flow: np.ndarray) -> np.ndarray:
        """Return the congestion delay of every edge (hours): time minus free-flow time.

        Parameters
        ----------
        flow
            Flow per edge.

        Returns
        -------
        numpy.ndarray
            Non-negative delay in hours.
        """
        return self.time(flow) - self.t0

    def cost(self, flow: np.ndarray) -> np.ndarray:
        """Return the cost of every edge at `flow`: ``fixed + scale · time``.

        Parameters
        ----------
        flow
            Flow per edge.

        Returns
        -------
        numpy.ndarray
            Cost per unit of flow (unit of `fixed`).
        """
        return self.fixed + self.scale * self.time(flow)

    def derivative(self, flow: np.ndarray) -> np.ndarray:
        """Return d cost / d flow per edge (0 on uncongested edges).

        Parameters
        ----------
        flow
            Flow per edge.

        Returns
        -------
        numpy.ndarray
            The diagonal of the cost Jacobian (the edge costs are separable).
        """
        out = np.zeros(len(flow))
        b = self._bpr
        out[b] = bpr_derivative(flow[b], self.capacity[b], self.t0[b], self.alpha[b], self.beta[b])
        q = self._queue
        per_h = self.period_per_day
        out[q] = (
            queue_delay_derivative(
                flow[q] / per_h, self.capacity[q] / per_h, self.period_h[q], self.j[q]
            )
            / per_h
        )
        return self.scale * out

    def volume_capacity(self, flow: np.ndarray) -> np.ndarray:
        """Return flow / capacity per edge (NaN where there is no capacity).

        Parameters
        ----------
        flow
            Flow per edge.

        Returns
        -------
        numpy.ndarray
            The v/c ratio.
        """
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(np.isfinite(self.capacity), flow / self.capacity, np.nan)
