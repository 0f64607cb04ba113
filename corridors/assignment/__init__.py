"""Capacity, queues and user-equilibrium assignment of freight demand.

Flows that compete for capacity: OD demand (TEU per year or day) is assigned to
the multimodal state graph so that no shipment can lower its cost by changing
route (Wardrop's user equilibrium), with links slowed by a BPR function of their
volume/capacity and queues at capacitated crossings and ports.

>>> import corridors
>>> from corridors import assignment
>>> net = corridors.load_gtr()
>>> demand = assignment.gravity_demand(net)          # built-in estimate, TEU/year
>>> eq = assignment.equilibrium(net, demand, rgap=1e-3)
>>> bool(eq.converged)
True

The modules:

- :mod:`~corridors.assignment.demand`: OD tables (:func:`read_demand`,
  :func:`check_demand`) and the gravity estimate (:func:`gravity_demand`);
- :mod:`~corridors.assignment.capacity`: capacities in TEU/day and their units;
- :mod:`~corridors.assignment.vdf`: BPR and queue delay functions;
- :mod:`~corridors.assignment.loading`: all-or-nothing loading on shortest-path trees;
- :mod:`~corridors.assignment.equilibrium`: Frank–Wolfe, conjugate and
  bi-conjugate Frank–Wolfe (:func:`solve`), relative gap;
- :mod:`~corridors.assignment.multimodal`: :func:`equilibrium` on a network;
- :mod:`~corridors.assignment.changes`: :func:`compare_equilibria` of two networks;
- :mod:`~corridors.assignment.tntp`: the TNTP exchange formats.
"""

from corridors.assignment.capacity import (
    AssignmentParams,
    link_capacities,
    place_capacities,
    read_assignment_params,
    teu_per_day,
)
from corridors.assignment.changes import EquilibriumChange, compare_equilibria
from corridors.assignment.demand import (
    DemandParams,
    check_demand,
    gravity_demand,
    read_demand,
    read_demand_params,
)
from corridors.assignment.equilibrium import ALGORITHMS, Solution, solve
from corridors.assignment.multimodal import Equilibrium, equilibrium

__all__ = [
    "ALGORITHMS",
    "AssignmentParams",
    "DemandParams",
    "Equilibrium",
    "EquilibriumChange",
    "Solution",
    "check_demand",
    "compare_equilibria",
    "equilibrium",
    "gravity_demand",
    "link_capacities",
    "place_capacities",
    "read_assignment_params",
    "read_demand",
    "read_demand_params",
    "solve",
    "teu_per_day",
]
