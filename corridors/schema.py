"""Table schemas: the columns of places, links and corridors tables, and a parsed row.

Both :mod:`corridors.io` (reading and writing tables) and :mod:`corridors.network`
(checking and editing records) use these definitions, so neither imports the other
for them. The column schema is documented in ``data/gtr/README.md``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from corridors import _validate as v
from corridors.costs import MODES, PLACE_KINDS, SEASONS, SERVICES

__all__ = [
    "CAPACITY_UNITS",
    "CONFIDENCE",
    "CORRIDOR_COLUMNS",
    "LINK_COLUMNS",
    "PLACE_COLUMNS",
    "PORT_TYPES",
    "STATUSES",
    "Column",
    "Record",
]


STATUSES = ("existing", "planned", "suspended")

#: Port types (``port_type`` of a place; ``[port.<type>]`` tables of the parameters).
PORT_TYPES = ("sea", "river")


CONFIDENCE = ("s", "s*", "gk", "gk-low")


@dataclass(frozen=True)
class Column:
    """One column of an input table.

    Parameters
    ----------
    parse
        Turns the cell's text into its value, or raises ``FieldError``.
    required
        The cell must not be blank.
    unit
        Unit of a number, shown in messages (e.g. ``"km/h"``).
    """

    parse: Callable[[str], Any]
    required: bool = False
    unit: str = ""

    def read(self, raw: str) -> Any:
        """Parse a cell and check a number against its unit's physical bounds.

        Parameters
        ----------
        raw
            The cell's text.

        Returns
        -------
        object
            The typed value.

        Raises
        ------
        FieldError
            If the text does not parse or the number is out of bounds
            (:data:`corridors._validate.BOUNDS`).
        """
        value = self.parse(raw)
        if isinstance(value, float):
            v.check_bounds(value, self.unit)
        return value

    def expectation(self) -> str:
        """Say what a cell of this column must hold, for the message about a blank cell.

        Returns
        -------
        str
            E.g. ``"expected one of rail, road, sea, air"``.
        """
        try:
            self.parse("")
        except v.FieldError as error:
            return self.explain(error)
        return "expected a value"

    def explain(self, error: v.FieldError) -> str:
        """Return the parser's expectation with the column's unit, if any.

        Parameters
        ----------
        error
            What the parser raised.

        Returns
        -------
        str
            E.g. ``"expected a positive number (km/h)"``.
        """
        return f"{error} ({self.unit})" if self.unit else str(error)


def _confidence(raw: str) -> str:
    """Return a confidence code in its canonical spelling (S, S*, GK, GK-low)."""
    value = v.choice(CONFIDENCE)(raw)
    return {"s": "S", "s*": "S*", "gk": "GK", "gk-low": "GK-low"}[value]


def _throughput_unit(raw: str) -> str:
    """Return a throughput unit in its canonical spelling (TEU or Mt)."""
    units = {"teu": "TEU", "mt": "Mt"}
    value = raw.strip().lower()
    if value not in units:
        raise v.FieldError("expected TEU or Mt")
    return units[value]


def _link_id(raw: str) -> str:
    """Return a link id made of lower-case letters, digits, '_' and '-'."""
    value = raw.strip()
    if not value or not all(c.isalnum() or c in "_-" for c in value) or value != value.lower():
        msg = "expected an id of lower-case letters, digits, '_' and '-' (e.g. 'a-b-rail')"
        raise v.FieldError(msg)
    return value


#: Units of capacity columns, in canonical spelling, and the mode a figure in that unit
#: belongs to (``None``: any mode; see :mod:`corridors.assignment.capacity`).
CAPACITY_UNITS: dict[str, str | None] = {
    "TEU/day": None,
    "TEU/year": None,
    "containers/day": None,
    "trucks/day": "road",
    "vehicles/day": "road",
    "vehicles/year": "road",
    "trains/day": "rail",
    "Mt/year": None,
}

_CAPACITY_SPELLINGS = {u.lower(): u for u in CAPACITY_UNITS} | {
    "teu/yr": "TEU/year",
    "veh/day": "vehicles/day",
    "veh/year": "vehicles/year",
    "mt/yr": "Mt/year",
    "truck/day": "trucks/day",
    "train/day": "trains/day",
}


def parse_capacity_unit(raw: str) -> str:
    """Return a capacity unit in its canonical spelling (see :data:`CAPACITY_UNITS`)."""
    unit = _CAPACITY_SPELLINGS.get(raw.strip().lower())
    if unit is None:
        raise v.FieldError(f"expected one of {', '.join(CAPACITY_UNITS)}")
    return unit


def parse_capacity_units(raw: str) -> str:
    """Return ``;``-separated capacity units in canonical spelling, joined by ``"; "``."""
    return "; ".join(parse_capacity_unit(u) for u in raw.split(";") if u.strip())


def parse_capacities(raw: str) -> str:
    """Return ``;``-separated positive capacities (e.g. ``"840; 70"``), joined by ``"; "``."""
    figures = [p.strip() for p in raw.split(";") if p.strip()]
    values = []
    for figure in figures:
        try:
            value = float(figure)
        except ValueError:
            raise v.FieldError("expected positive numbers separated by ';'") from None
        if not (value > 0 and math.isfinite(value)):
            raise v.FieldError("expected positive numbers separated by ';'")
        values.append(f"{value:g}")
    return "; ".join(values)


#: Columns of a places table (see ``data/gtr/README.md``).
PLACE_COLUMNS: dict[str, Column] = {
    "id": Column(v.parse_id, required=True),
    "name": Column(v.parse_text, required=True),
    "alt_names": Column(v.parse_list),
    "kind": Column(v.choice(PLACE_KINDS), required=True),
    "country": Column(v.parse_country, required=True),
    "lon": Column(v.parse_lon, required=True),
    "lat": Column(v.parse_lat, required=True),
    "modes": Column(v.subset(MODES), required=True),
    "status": Column(v.choice(STATUSES)),
    "closed": Column(v.parse_bool),
    "countries": Column(v.parse_country_pair),
    "dwell_road_h": Column(v.parse_non_negative, unit="hours"),
    "dwell_rail_h": Column(v.parse_non_negative, unit="hours"),
    "gauge_break": Column(v.parse_bool),
    "gauge_change_h": Column(v.parse_non_negative, unit="hours"),
    "fee_usd": Column(v.parse_non_negative, unit="USD per TEU"),
    "handling_h": Column(v.parse_non_negative, unit="hours"),
    "port_type": Column(v.choice(PORT_TYPES)),
    "throughput": Column(v.parse_non_negative),
    "throughput_unit": Column(_throughput_unit),
    "throughput_year": Column(v.parse_year),
    "regime": Column(v.parse_text),
    "industries": Column(v.parse_list),
    "area_km2": Column(v.parse_positive, unit="km²"),
    "source": Column(v.parse_text, required=True),
    "confidence": Column(_confidence),
    "notes": Column(v.parse_text),
    "gauge_change_fee_usd": Column(v.parse_non_negative, unit="USD per TEU"),
    "transshipment_h": Column(v.parse_non_negative, unit="hours"),
    "transshipment_fee_usd": Column(v.parse_non_negative, unit="USD per TEU"),
    "capacity": Column(parse_capacities),
    "capacity_unit": Column(parse_capacity_units),
    "capacity_source": Column(v.parse_text),
}


#: Columns of a links table (see ``data/gtr/README.md``).
LINK_COLUMNS: dict[str, Column] = {
    "id": Column(_link_id, required=True),
    "from": Column(v.parse_id, required=True),
    "to": Column(v.parse_id, required=True),
    "mode": Column(v.choice(MODES), required=True),
    "length_km": Column(v.parse_positive, unit="km"),
    "length_basis": Column(v.choice(("source", "computed"))),
    "speed_kph": Column(v.parse_positive, unit="km/h"),
    "cost_usd_teu": Column(v.parse_non_negative, unit="USD per TEU"),
    "defaults": Column(v.subset(("speed_kph", "cost_usd_teu"))),
    "gauge_mm": Column(v.parse_gauge),
    "status": Column(v.choice(STATUSES)),
    "closed": Column(v.parse_bool),
    "oneway": Column(v.parse_bool),
    "corridors": Column(v.parse_list),
    "capacity": Column(v.parse_positive),
    "capacity_unit": Column(parse_capacity_unit),
    "via": Column(v.parse_via),
    "source": Column(v.parse_text, required=True),
    "confidence": Column(_confidence),
    "notes": Column(v.parse_text),
    "season": Column(v.subset(SEASONS)),
    "sailings_per_week": Column(v.parse_positive, unit="departures per week"),
    "sea_service": Column(v.choice(SERVICES)),
}


CORRIDOR_COLUMNS: dict[str, Column] = {
    "name": Column(v.parse_text, required=True),
    "description": Column(v.parse_text),
    "modes": Column(v.subset(MODES)),
    "source": Column(v.parse_text, required=True),
}


@dataclass(frozen=True)
class Record:
    """One parsed row of an input table.

    Parameters
    ----------
    where
        Its position for messages, e.g. ``line 12 (place "hunchun")``.
    values
        Parsed values of the non-blank cells, by column.
    source
        The file (and layer) the row comes from, e.g. ``data/gtr/links.csv``.
    checked
        The values were parsed by the column parsers already (a table reader sets
        it); :meth:`corridors.network.Network.from_records` checks the others.
    """

    where: str
    values: dict[str, Any]
    source: str = ""
    checked: bool = False

    @property
    def location(self) -> str:
        """File and position for messages, e.g. ``links.csv, line 12 (link "a-b-rail")``."""
        return f"{self.source}, {self.where}" if self.source else self.where
