"""Network parameters: mode speeds and costs, transfers, borders, value of time.

A :class:`Parameters` object holds every number the analyses need that is not an
attribute of one place or link. It is read from ``params.toml`` (see
``data/gtr/README.md``) and is immutable: :meth:`Parameters.replace` returns a
changed copy, which is how scenarios set a parameter.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

__all__ = [
    "MODES",
    "PLACE_KINDS",
    "BorderParams",
    "ModeParams",
    "Parameters",
    "TransferParams",
    "generalized_cost",
]

#: Transport modes, in the order used by the compiled graph.
MODES: tuple[str, ...] = ("rail", "road", "sea", "air")

#: Kinds of place.
PLACE_KINDS: tuple[str, ...] = ("park", "port", "border", "city", "airport", "terminal")

#: Kinds of place where goods may change mode (a border crossing is not one).
TRANSFER_KINDS: tuple[str, ...] = ("park", "port", "city", "airport", "terminal")


@dataclasses.dataclass(frozen=True)
class ModeParams:
    """Speed, cost and detour factor of one transport mode.

    Parameters
    ----------
    speed_kph
        Default commercial speed (km/h), stops included.
    cost_usd_teu_km
        Line-haul cost (USD per TEU-km).
    detour_factor
        Ratio of route length to great-circle length, used for links whose
        length no source gives.
    speed_kph_by_country
        Speeds (km/h) that replace `speed_kph` in a country (ISO alpha-2 keys).
    source
        Where the values come from, or ``assumption: ...``.
    detour_factor_by_country
        Detour factors that replace `detour_factor` for links running in a country
        (ISO alpha-2 keys), fitted to the sourced lengths (:mod:`corridors.calibration`).
    """

    speed_kph: float
    cost_usd_teu_km: float
    detour_factor: float
    speed_kph_by_country: Mapping[str, float] = dataclasses.field(default_factory=dict)
    source: str = ""
    detour_factor_by_country: Mapping[str, float] = dataclasses.field(default_factory=dict)

    def speed_in(self, countries: tuple[str, ...]) -> float:
        """Speed (km/h) of a link whose ends lie in `countries`: the lowest that applies.

        Parameters
        ----------
        countries
            Countries of the link's ends.

        Returns
        -------
        float
            Speed in km/h.
        """
        speeds = [self.speed_kph_by_country.get(c, self.speed_kph) for c in countries]
        return min(speeds) if speeds else self.speed_kph

    def detour_in(self, countries: tuple[str, ...]) -> float:
        """Detour factor of a link running in `countries`: the highest that applies.

        Parameters
        ----------
        countries
            Countries the link runs in (for a land link, that of its ends other than
            border crossings).

        Returns
        -------
        float
            Ratio of route length to great-circle length.
        """
        factors = [self.detour_factor_by_country.get(c, self.detour_factor) for c in countries]
        return max(factors) if factors else self.detour_factor


@dataclasses.dataclass(frozen=True)
class TransferParams:
    """Default cost of changing mode at one kind of place.

    Parameters
    ----------
    handling_h
        Handling / transshipment time (hours).
    fee_usd
        Handling fee (USD per TEU).
    source
        Where the values come from, or ``assumption: ...``.
    """

    handling_h: float
    fee_usd: float
    source: str = ""


@dataclasses.dataclass(frozen=True)
class BorderParams:
    """Default cost of crossing a border.

    Parameters
    ----------
    dwell_road_h
        Customs and queue time for a truck (hours).
    dwell_rail_h
        Customs time for a train (hours), without gauge change.
    gauge_change_h
        Time to change bogies or transload at a 1435 / 1520 mm break (hours).
    fee_usd
        Border fees (USD per TEU).
    source
        Where the values come from, or ``assumption: ...``.
    """

    dwell_road_h: float
    dwell_rail_h: float
    gauge_change_h: float
    fee_usd: float
    source: str = ""


@dataclasses.dataclass(frozen=True)
class Parameters:
    """Every network-wide parameter of a network.

    Parameters
    ----------
    value_of_time_usd_teu_h
        Value of time (USD per TEU-hour) used by the generalized cost.
    modes
        Parameters of each mode in :data:`MODES`.
    transfer
        Default transfer parameters by kind of place.
    border
        Default border-crossing parameters.
    value_of_time_source
        Where the value of time comes from.
    """

    value_of_time_usd_teu_h: float
    modes: Mapping[str, ModeParams]
    transfer: Mapping[str, TransferParams]
    border: BorderParams
    value_of_time_source: str = ""

    def replace(self, **changes: Any) -> Parameters:
        """Return a copy with some fields changed.

        Parameters
        ----------
        **changes
            Field names and new values, as for :func:`dataclasses.replace`.

        Returns
        -------
        corridors.costs.Parameters
            The changed copy; this object is unchanged.
        """
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Return the parameters as the nested dict of ``params.toml``.

        Returns
        -------
        dict
            Round-trips through :func:`corridors.io.params_from_dict`.
        """
        modes = {}
        for mode, p in self.modes.items():
            modes[mode] = {
                "speed_kph": p.speed_kph,
                "cost_usd_teu_km": p.cost_usd_teu_km,
                "detour_factor": p.detour_factor,
                "source": p.source,
                "speed_kph_by_country": dict(p.speed_kph_by_country),
                "detour_factor_by_country": dict(p.detour_factor_by_country),
            }
        return {
            "value_of_time": {
                "usd_per_teu_h": self.value_of_time_usd_teu_h,
                "source": self.value_of_time_source,
            },
            "modes": modes,
            "transfer": {k: dataclasses.asdict(v) for k, v in self.transfer.items()},
            "border": dataclasses.asdict(self.border),
        }


def generalized_cost(cost_usd_teu: float, time_h: float, value_of_time_usd_teu_h: float) -> float:
    """Generalized cost (USD per TEU): money cost plus value of time × hours.

    Parameters
    ----------
    cost_usd_teu
        Money cost (USD per TEU).
    time_h
        Time (hours).
    value_of_time_usd_teu_h
        Value of time (USD per TEU-hour).

    Returns
    -------
    float
        Generalized cost in USD per TEU.

    Examples
    --------
    >>> generalized_cost(1000.0, 48.0, 5.0)
    1240.0
    """
    value = cost_usd_teu + value_of_time_usd_teu_h * time_h
    if math.isnan(value):
        msg = "generalized cost is NaN: cost, time and value of time must be numbers"
        raise ValueError(msg)
    return value
