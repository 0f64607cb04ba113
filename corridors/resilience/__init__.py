"""Resilience to link failure: critical elements, border closures, failure simulations.

Every name below is importable from ``corridors.resilience`` (the public API);
the modules are the rooms they live in.

Modules
-------
elements
    What the analyses fail and measure: :func:`od_pairs`, and the compiled
    edges of each element (link, place or border crossing).
critical
    :func:`criticality` (exact, by re-searching only the pairs whose best route
    used the failed element, equal to brute force) and :func:`route_usage`.
closures
    :func:`close_borders`, :func:`close_region`, :func:`impact` (an
    :class:`Impact`), :func:`closure_matrix` (each country pair's closure, tabulated from
    :func:`closure_impacts` by :func:`tabulate_closures`).
islands
    :func:`isolated_islands`: parks left with no surface route to any sea port,
    named with what cut them off (in every impact and scenario comparison).
failures
    Monte Carlo failure simulations: :func:`simulate_failures`,
    :func:`simulate_region_failures`, :func:`summarize_failures`.
redundancy
    :func:`redundancy`: single-link redundancy, the best alternative between
    each link's ends when it fails (bridges first, then early-stopping searches
    on the compiled kernel).
"""

from corridors.resilience.closures import (
    Impact,
    close_borders,
    close_region,
    closure_impacts,
    closure_matrix,
    delay_column,
    impact,
    tabulate_closures,
)
from corridors.resilience.critical import criticality, route_usage
from corridors.resilience.elements import od_pairs
from corridors.resilience.failures import (
    simulate_failures,
    simulate_region_failures,
    summarize_failures,
)
from corridors.resilience.islands import isolated_islands
from corridors.resilience.redundancy import redundancy

__all__ = [
    "Impact",
    "close_borders",
    "close_region",
    "closure_impacts",
    "closure_matrix",
    "criticality",
    "delay_column",
    "impact",
    "isolated_islands",
    "od_pairs",
    "redundancy",
    "route_usage",
    "simulate_failures",
    "simulate_region_failures",
    "summarize_failures",
    "tabulate_closures",
]
