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
    "FREIGHT_MODES",
    "MODES",
    "PLACE_KINDS",
    "SEASONS",
    "SERVICES",
    "BorderParams",
    "ModeParams",
    "Parameters",
    "PortParams",
    "RoroParams",
    "TransferParams",
    "generalized_cost",
]

#: Transport modes, in the order used by the compiled graph.
MODES: tuple[str, ...] = ("rail", "road", "sea", "air")

#: Modes of containerised (TEU) freight: every analysis uses these unless the caller
#: names modes; air is used only when named, and its answers are air cargo.
FREIGHT_MODES: tuple[str, ...] = ("rail", "road", "sea")

#: Seasons a link may be limited to (``season`` column; ``;``-separated).
SEASONS: tuple[str, ...] = ("winter", "spring", "summer", "autumn")

#: Services of a sea link (``sea_service`` column): lift-on/lift-off containers (the
#: default) or ro-ro / ferry (trailers roll on and off in hours).
SERVICES: tuple[str, ...] = ("container", "roro")

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
    gauge_change_fee_usd
        Fee for the gauge change at a 1435 / 1520 mm break (USD per TEU), on top of
        `fee_usd`; a crossing's ``gauge_change_fee_usd`` overrides it.
    """

    dwell_road_h: float
    dwell_rail_h: float
    gauge_change_h: float
    fee_usd: float
    source: str = ""
    gauge_change_fee_usd: float = 0.0


@dataclasses.dataclass(frozen=True)
class PortParams:
    """Default cost of a port call, by port type (``[port.sea]``, ``[port.river]``).

    Parameters
    ----------
    handling_h
        Time of one call (hours), charged where a container is loaded and again
        where it is discharged.
    fee_usd
        Fee of one call (USD per TEU).
    transshipment_h
        Time of a sea-to-sea pass through the port (hours).
    transshipment_fee_usd
        Fee of that pass (USD per TEU).
    source
        Where the values come from, or ``assumption: ...``.
    """

    handling_h: float
    fee_usd: float
    transshipment_h: float
    transshipment_fee_usd: float
    source: str = ""


@dataclasses.dataclass(frozen=True)
class RoroParams:
    """Cost of rolling a trailer on or off a ro-ro / ferry link, per end (``[roro]``).

    Parameters
    ----------
    handling_h
        Hours per end (check-in, customs, roll-on or roll-off).
    fee_usd
        USD per TEU per end.
    source
        Where the values come from, or ``assumption: ...``.
    """

    handling_h: float
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
    ports
        Port-call defaults by port type (``sea``, ``river``); without one, a port's
        calls cost its kind's ``transfer`` values.
    roro
        Roll-on / roll-off per end of ro-ro links; without it, a ro-ro link pays
        its ports' handling.
    """

    value_of_time_usd_teu_h: float
    modes: Mapping[str, ModeParams]
    transfer: Mapping[str, TransferParams]
    border: BorderParams
    value_of_time_source: str = ""
    ports: Mapping[str, PortParams] = dataclasses.field(default_factory=dict)
    roro: RoroParams | None = None

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
        out: dict[str, Any] = {
            "value_of_time": {
                "usd_per_teu_h": self.value_of_time_usd_teu_h,
                "source": self.value_of_time_source,
            },
            "modes": modes,
            "transfer": {k: dataclasses.asdict(v) for k, v in self.transfer.items()},
            "border": dataclasses.asdict(self.border),
        }
        if self.ports:
            out["port"] = {k: dataclasses.asdict(v) for k, v in self.ports.items()}
        if self.roro is not None:
            out["roro"] = dataclasses.asdict(self.roro)
        return out


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
