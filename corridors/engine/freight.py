"""Freight semantics of the compiled graph: port calls, ro-ro links, sailings, seasons.

A port that serves the sea has, besides its terminal states (one per mode, where
trips start and end), two internal sea states: ``in`` where ships arrive and
``out`` where they leave. A container link runs from ``out`` to ``in``, so cargo
always pays for the call:

- **loading** (any terminal state of the port → ``out``): the port's handling time
  and fee;
- **discharge** (``in`` → any terminal state): the same again at the other end;
- **transshipment** (``in`` → ``out``): a sea-to-sea pass through a hub, at its
  own time and fee.

A ro-ro / ferry link (``sea_service = roro``) joins the terminal sea states and the
road states of its ends directly, its time and cost including roll-on and
roll-off at both ends (``[roro]`` in the parameters) instead of port dwell. A sea
link with ``sailings_per_week`` adds the expected wait for a departure, half the
headway (``84 / sailings`` hours). Seasonal links carry a bit mask of the seasons
they run in (0: all year).

Values come from the place's cells (``handling_h``, ``fee_usd``,
``transshipment_h``, ``transshipment_fee_usd``), then from ``[port.<port_type>]``,
then from ``[transfer.port]`` (transshipment then defaults to one call's handling).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from corridors._errors import CorridorsError
from corridors.costs import SEASONS, Parameters

__all__ = [
    "HOURS_PER_WEEK",
    "IN",
    "OUT",
    "PortCall",
    "internal_states",
    "is_port_call",
    "link_variants",
    "port_call",
    "port_edges",
    "season_bits",
]

IN, OUT = "in", "out"

HOURS_PER_WEEK = 168.0

StateKey = tuple[str, str, str]


def season_bits(value: object) -> int:
    """Return the bit mask of a ``season`` cell (0: all year).

    Parameters
    ----------
    value
        ``"summer"``, ``"summer;autumn"``, or blank.

    Returns
    -------
    int
        Bit ``i`` set for ``SEASONS[i]``.
    """
    if not isinstance(value, str) or not value.strip():
        return 0
    bits = 0
    for name in value.split(";"):
        bits |= 1 << SEASONS.index(name.strip().lower())
    return bits


def _number(data: Mapping[str, Any], key: str) -> float | None:
    value = data.get(key)
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return None
    return float(value)


def is_port_call(data: Mapping[str, Any]) -> bool:
    """Return whether a place is a port that serves the sea (it gets ``in`` / ``out`` states).

    Parameters
    ----------
    data
        The place's node attributes.

    Returns
    -------
    bool
    """
    return data["kind"] == "port" and "sea" in str(data["modes"]).split(";")


def internal_states(nodes: Mapping[str, Mapping[str, Any]], places: Any) -> list[StateKey]:
    """Return the internal sea states (``in``, ``out``) of every port serving the sea.

    Parameters
    ----------
    nodes
        Node attributes by place id.
    places
        Place ids in compiled order.

    Returns
    -------
    list of tuple
        ``(place, "sea", "in")`` and ``(place, "sea", "out")`` per port.
    """
    return [(p, "sea", side) for p in places if is_port_call(nodes[p]) for side in (IN, OUT)]


class PortCall:
    """Time (hours) and fee (USD/TEU) of one call at a port, and of a transshipment there.

    Parameters
    ----------
    handling_h, fee_usd
        Loading or discharge, each.
    transshipment_h, transshipment_fee_usd
        A sea-to-sea pass.
    """

    def __init__(
        self,
        handling_h: float,
        fee_usd: float,
        transshipment_h: float,
        transshipment_fee_usd: float,
    ) -> None:
        self.handling_h = handling_h
        self.fee_usd = fee_usd
        self.transshipment_h = transshipment_h
        self.transshipment_fee_usd = transshipment_fee_usd


def port_call(place: str, data: Mapping[str, Any], params: Parameters) -> PortCall:
    """Resolve a port's call costs: its cells, then ``[port.<type>]``, then ``[transfer.port]``.

    Parameters
    ----------
    place
        Place id (for messages).
    data
        The place's node attributes.
    params
        The network's parameters.

    Returns
    -------
    PortCall

    Raises
    ------
    CorridorsError
        If neither the place nor the parameters give a handling time and fee.
    """
    port_type = data.get("port_type")
    port_type = port_type if isinstance(port_type, str) and port_type else "sea"
    by_type = params.ports.get(port_type)
    fallback = params.transfer.get("port")
    handling = _number(data, "handling_h")
    fee = _number(data, "fee_usd")
    if handling is None:
        handling = by_type.handling_h if by_type else fallback.handling_h if fallback else None
    if fee is None:
        fee = by_type.fee_usd if by_type else fallback.fee_usd if fallback else None
    if handling is None or fee is None:
        msg = (
            f"port {place!r} needs handling_h and fee_usd, or a [port.{port_type}] "
            "table in the parameters"
        )
        raise CorridorsError(msg)
    trans_h = _number(data, "transshipment_h")
    trans_fee = _number(data, "transshipment_fee_usd")
    if trans_h is None:
        trans_h = by_type.transshipment_h if by_type else handling
    if trans_fee is None:
        trans_fee = by_type.transshipment_fee_usd if by_type else fee
    return PortCall(handling, fee, trans_h, trans_fee)


def port_edges(
    place: str, data: Mapping[str, Any], params: Parameters
) -> list[tuple[StateKey, StateKey, str, float, float]]:
    """Return the loading, discharge and transshipment edges of a port serving the sea.

    Parameters
    ----------
    place
        Place id.
    data
        Its node attributes.
    params
        The network's parameters.

    Returns
    -------
    list of tuple
        ``(from state, to state, kind, time_h, cost_usd)`` with kind ``"loading"``,
        ``"discharge"`` or ``"transshipment"``.
    """
    call = port_call(place, data, params)
    out: list[tuple[StateKey, StateKey, str, float, float]] = []
    for mode in str(data["modes"]).split(";"):
        terminal = (place, mode, "")
        out.append((terminal, (place, "sea", OUT), "loading", call.handling_h, call.fee_usd))
        out.append((
            (place, "sea", IN), terminal, "discharge", call.handling_h, call.fee_usd
        ))  # fmt: skip
    out.append(
        (
            (place, "sea", IN),
            (place, "sea", OUT),
            "transshipment",
            call.transshipment_h,
            call.transshipment_fee_usd,
        )
    )
    return out


def link_variants(
    u: str,
    w: str,
    data: Mapping[str, Any],
    nodes: Mapping[str, Mapping[str, Any]],
    params: Parameters,
    key_u: StateKey,
    key_w: StateKey,
) -> list[tuple[StateKey, StateKey, float, float]]:
    """Return the state-graph edges of one directed link, with their extra time and cost.

    Parameters
    ----------
    u, w
        The link's tail and head place.
    data
        The link's edge attributes.
    nodes
        Node attributes by place id.
    params
        The network's parameters.
    key_u, key_w
        The plain states the link joins (mode, border side).

    Returns
    -------
    list of tuple
        ``(from state, to state, extra_h, extra_usd)``: the expected wait for a
        sailing, plus roll-on / roll-off for a ro-ro link; 0 for land links.
    """
    if data["mode"] != "sea":
        return [(key_u, key_w, 0.0, 0.0)]
    sailings = _number(data, "sailings_per_week")
    wait = 0.5 * HOURS_PER_WEEK / sailings if sailings else 0.0
    if data.get("sea_service") == "roro":
        roro = params.roro
        if roro is not None:
            hours, fee = 2.0 * roro.handling_h, 2.0 * roro.fee_usd
        else:  # without [roro], a ferry call costs what a port call costs
            hours = port_call(u, nodes[u], params).handling_h
            hours += port_call(w, nodes[w], params).handling_h
            fee = port_call(u, nodes[u], params).fee_usd + port_call(w, nodes[w], params).fee_usd
        pairs = [(key_u, key_w)]
        if all("road" in str(nodes[p]["modes"]).split(";") for p in (u, w)):
            pairs.append(((u, "road", ""), (w, "road", "")))
        return [(a, b, wait + hours, fee) for a, b in pairs]
    src = (u, "sea", OUT) if is_port_call(nodes[u]) else key_u
    dst = (w, "sea", IN) if is_port_call(nodes[w]) else key_w
    return [(src, dst, wait, 0.0)]
