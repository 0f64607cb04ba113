"""The inputs of a compile: places and directed link edges as columns.

:func:`~corridors.engine.compiled.compile_tables` reads a network through these two
tables, made either from its MultiDiGraph (one pass over nodes and edges) or, for an
unedited network built from tables, straight from its build arrays.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np

from corridors.engine import freight

__all__ = ["EdgeTable", "PlaceTable"]


@dataclasses.dataclass(frozen=True)
class EdgeTable:
    """The directed edges of a network's graph as columns, in ``graph.edges`` order.

    Parameters
    ----------
    u, v
        Tail and head place ids.
    key
        Link id.
    mode, status
        Mode and status of the link.
    reversed, closed
        Edge runs against the link's direction; link marked closed.
    travel_time, length, cost
        Seconds, metres and USD per TEU.
    season
        Bit mask of the seasons the link runs in (0: all year; see
        :func:`~corridors.engine.freight.season_bits`).
    sailings
        Sailings per week of a sea link (NaN: not given).
    sea_service
        ``sea_service`` of a sea link (``""``: container service).
    tail, head
        Index of `u` and `v` among the places given with the table
        (:class:`PlaceTable` order), when known; else they are looked up.
    link
        Index of each edge's link (the links' row), when known; else link ids are
        found from `key`.
    """

    u: np.ndarray
    v: np.ndarray
    key: np.ndarray
    mode: np.ndarray
    status: np.ndarray
    reversed: np.ndarray
    closed: np.ndarray
    travel_time: np.ndarray
    length: np.ndarray
    cost: np.ndarray
    season: np.ndarray
    sailings: np.ndarray
    sea_service: np.ndarray
    tail: np.ndarray | None = None
    head: np.ndarray | None = None
    link: np.ndarray | None = None

    @classmethod
    def from_graph(cls, graph: Any) -> EdgeTable:
        """Read the edge columns of a corridors MultiDiGraph (one pass over its edges)."""
        rows = [
            (
                u,
                w,
                key,
                data["mode"],
                data.get("status", "existing"),
                bool(data.get("reversed", False)),
                bool(data.get("closed", False)),
                data["travel_time"],
                data["length"],
                data["cost_usd_teu"],
                freight.season_bits(data.get("season")),
                _sailings(data.get("sailings_per_week")),
                _service(data.get("sea_service")),
            )
            for u, w, key, data in graph.edges(keys=True, data=True)
        ]
        columns = list(zip(*rows, strict=True)) if rows else [()] * 13
        obj = [np.array(c, dtype=object) for c in columns[:5]]
        return cls(
            *obj,
            np.array(columns[5], dtype=bool),
            np.array(columns[6], dtype=bool),
            *(np.array(c, dtype=float) for c in columns[7:10]),
            np.array(columns[10], dtype=np.int8),
            np.array(columns[11], dtype=float),
            np.array(columns[12], dtype=object),
        )


def _sailings(value: object) -> float:
    """Return a ``sailings_per_week`` value as a float (NaN: not given)."""
    if value is None or value == "":
        return np.nan
    return float(value)  # type: ignore[arg-type]


def _service(value: object) -> str:
    """Return a ``sea_service`` value as text (``""``: not given)."""
    return value if isinstance(value, str) else ""


@dataclasses.dataclass(frozen=True)
class PlaceTable:
    """Places as columns, for :func:`compile_tables`.

    Parameters
    ----------
    ids
        Place ids.
    kind, modes, status, country, countries
        The places' values (text; ``countries`` is ``""`` but at border crossings).
    closed
        Places marked closed.
    nodes
        Node attributes by place id; read only for border crossings, ports and
        places that change modes.
    """

    ids: np.ndarray
    kind: np.ndarray
    modes: np.ndarray
    status: np.ndarray
    country: np.ndarray
    countries: np.ndarray
    closed: np.ndarray
    nodes: Mapping[str, Mapping[str, Any]]

    @classmethod
    def from_nodes(cls, nodes: Mapping[str, Mapping[str, Any]]) -> PlaceTable:
        """Read the columns of node attributes by place id (as ``graph.nodes``)."""
        data = list(nodes.values())

        def column(key: str, default: Any = None) -> np.ndarray:
            return _objects([d.get(key, default) for d in data])

        return cls(
            ids=_objects(list(nodes)),
            kind=column("kind"),
            modes=column("modes"),
            status=column("status"),
            country=column("country", ""),
            countries=column("countries", ""),
            closed=np.array([bool(d["closed"]) for d in data], dtype=bool),
            nodes=nodes,
        )

    def take(self, order: np.ndarray) -> PlaceTable:
        """Return the places in `order` (indices)."""
        columns = ("ids", "kind", "modes", "status", "country", "countries", "closed")
        return dataclasses.replace(self, **{c: getattr(self, c)[order] for c in columns})


def _objects(values: list[Any]) -> np.ndarray:
    """Return `values` as a 1-d object array (whatever the values are)."""
    out = np.empty(len(values), dtype=object)
    for i, x in enumerate(values):
        out[i] = x
    return out
