"""Read and write the parameters file (``params.toml``), with errors naming file, line and key."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from corridors import _validate as v
from corridors._errors import DataError
from corridors.costs import (
    MODES,
    PLACE_KINDS,
    BorderParams,
    ModeParams,
    Parameters,
    PortParams,
    RoroParams,
    TransferParams,
)
from corridors.schema import PORT_TYPES

__all__ = ["params_from_dict", "read_params"]


_TOML_TABLE = re.compile(r"^\[\s*([^\]]+?)\s*\]")


def _toml_line(text: str, section: str, key: str | None = None) -> str:
    """Best-effort 'line N' of `key` inside `[section]` (or of the header) of a TOML text."""
    current = ""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = _TOML_TABLE.match(stripped)
        if header:
            current = "".join(header.group(1).split()).replace('"', "")
            if key is None and current == section:
                return f"line {number}"
        elif key is not None and current == section:
            name = stripped.split("=")[0].strip().strip("\"'")
            if name == key and "=" in stripped:
                return f"line {number}"
    return f"[{section}]"


_MODE_KEYS = ("speed_kph", "cost_usd_teu_km", "detour_factor")


_PORT_KEYS = ("handling_h", "fee_usd", "transshipment_h", "transshipment_fee_usd")

_SPEED = v.bounded(v.parse_positive, "km/h")

_SECTIONS = ("value_of_time", "modes", "transfer", "border", "port", "roro", "meta")


class _ParamsReader:
    """Check the tables of a parameters document, collecting problems."""

    def __init__(self, source: str, text: str) -> None:
        self.problems = v.Problems(source)
        self.text = text

    def where(self, section: str, key: str) -> str:
        """Return where `key` of `[section]` is, e.g. ``line 12 ([border] fee_usd)``."""
        return f"{_toml_line(self.text, section, key)} ([{section}] {key})"

    def table(self, section: str, value: Any, keys: dict[str, Callable[[str], Any]]) -> dict:
        """Parse `keys` of one table; report unknown, missing (except source) and bad keys."""
        out: dict[str, Any] = {}
        if not isinstance(value, dict):
            self.problems.add(f"[{section}]", "expected a table")
            return out
        for key in value:
            if key not in keys:
                hint = v.close_matches(key, keys, n=2)
                extra = f"; did you mean {' or '.join(hint)}?" if hint else ""
                self.problems.add(self.where(section, key), f"unknown key {key!r}{extra}")
        for key, parse in keys.items():
            if key not in value:
                if key != "source":
                    self.problems.add(
                        f"{_toml_line(self.text, section)} ([{section}])",
                        f"missing key {key!r}; add '{key} = ...' to the table",
                    )
                continue
            try:
                out[key] = parse(str(value[key]))
            except v.FieldError as error:
                self.problems.add(self.where(section, key), f"{key} = {value[key]!r}; {error}")
        return out

    def mode(self, mode: str, raw: dict[str, Any]) -> ModeParams | None:
        """Parse the ``[modes.<mode>]`` table; None when a required key is missing."""
        section = f"modes.{mode}"
        raw = dict(raw)
        by_country = raw.pop("speed_kph_by_country", {})
        detour_by_country = raw.pop("detour_factor_by_country", {})
        keys = {
            "speed_kph": v.bounded(v.parse_positive, "km/h"),
            "cost_usd_teu_km": v.bounded(v.parse_non_negative, "USD per TEU-km"),
            "detour_factor": v.bounded(v.parse_positive, "detour factor"),
            "source": v.parse_text,
        }
        got = self.table(section, raw, keys)
        speeds = self.by_country(f"{section}.speed_kph_by_country", by_country, _SPEED)
        detours = self.by_country(
            f"{section}.detour_factor_by_country",
            detour_by_country,
            v.bounded(v.parse_positive, "detour factor"),
        )
        if not all(k in got for k in _MODE_KEYS):
            return None
        return ModeParams(*(got[k] for k in _MODE_KEYS), speeds, got.get("source", ""), detours)

    def by_country(
        self, table: str, raw: dict[str, Any], parse: Callable[[str], float]
    ) -> dict[str, float]:
        """Parse a table of values keyed by ISO country code with `parse` (bounds included)."""
        values = self.table(table, raw, dict.fromkeys(raw, parse))
        for country in values:
            if country not in v.ISO_COUNTRIES:
                self.problems.add(
                    self.where(table, country), "expected ISO 3166-1 alpha-2 country codes as keys"
                )
        return values

    def optional(self, section: str, raw: dict[str, Any], key: str) -> float | None:
        """Pop and parse an optional non-negative number of a table (None when absent)."""
        if key not in raw:
            return None
        value = raw.pop(key)
        try:
            return v.parse_non_negative(str(value))
        except v.FieldError as error:
            self.problems.add(self.where(section, key), f"{key} = {value!r}; {error}")
            return None

    def port(self, port_type: str, raw: dict[str, Any]) -> PortParams | None:
        """Parse a ``[port.<port_type>]`` table; None when it is unusable."""
        if port_type not in PORT_TYPES:
            self.problems.add(
                f"[port.{port_type}]",
                f"unknown port type; expected one of {', '.join(PORT_TYPES)}",
            )
            return None
        keys = dict.fromkeys(_PORT_KEYS, v.parse_non_negative)
        got = self.table(f"port.{port_type}", raw, {**keys, "source": v.parse_text})
        if not all(k in got for k in _PORT_KEYS):
            return None
        return PortParams(*(got[k] for k in _PORT_KEYS), got.get("source", ""))

    def roro(self, raw: dict[str, Any]) -> RoroParams | None:
        """Parse the ``[roro]`` table; None when it is unusable."""
        keys = {
            "handling_h": v.parse_non_negative,
            "fee_usd": v.parse_non_negative,
            "source": v.parse_text,
        }
        got = self.table("roro", raw, keys)
        if "handling_h" not in got or "fee_usd" not in got:
            return None
        return RoroParams(got["handling_h"], got["fee_usd"], got.get("source", ""))

    def transfer(self, kind: str, raw: dict[str, Any]) -> TransferParams | None:
        """Parse a ``[transfer.<kind>]`` table; None when it is unusable."""
        if kind not in PLACE_KINDS:
            self.problems.add(
                f"[transfer.{kind}]", f"unknown kind; expected one of {', '.join(PLACE_KINDS)}"
            )
            return None
        keys = {
            "handling_h": v.bounded(v.parse_non_negative, "hours"),
            "fee_usd": v.bounded(v.parse_non_negative, "USD per TEU"),
            "source": v.parse_text,
        }
        got = self.table(f"transfer.{kind}", raw, keys)
        if "handling_h" not in got or "fee_usd" not in got:
            return None
        return TransferParams(got["handling_h"], got["fee_usd"], got.get("source", ""))


def params_from_dict(
    data: dict[str, Any], source: str = "parameters", text: str = ""
) -> Parameters:
    """Build :class:`Parameters` from the nested dict of a ``params.toml``.

    Parameters
    ----------
    data
        The parsed TOML document.
    source
        File name for messages.
    text
        The TOML text, used to give line numbers in messages.

    Returns
    -------
    corridors.costs.Parameters
        The parsed, checked parameters.

    Raises
    ------
    DataError
        Listing every missing, unknown or invalid key.
    """
    if not isinstance(data, dict):
        raise DataError(f"{source}: expected a table of parameters, found {type(data).__name__}")
    reader = _ParamsReader(source, text)
    for section in data:
        if section not in _SECTIONS:
            hint = v.close_matches(section, _SECTIONS, n=1)
            extra = f" (did you mean [{hint[0]}]?)" if hint else ""
            reader.problems.add(
                f"{_toml_line(text, section)} ([{section}])",
                f"unknown section; expected one of {', '.join(_SECTIONS)}{extra}",
            )
    vot = reader.table(
        "value_of_time",
        data.get("value_of_time", {}),
        {
            "usd_per_teu_h": v.bounded(v.parse_non_negative, "USD per TEU-hour"),
            "source": v.parse_text,
        },
    )
    mode_tables = data.get("modes", {})
    for mode in mode_tables:
        if mode not in MODES:
            hint = v.close_matches(mode, MODES, n=1)
            extra = f" (did you mean [modes.{hint[0]}]?)" if hint else ""
            reader.problems.add(
                f"{_toml_line(text, f'modes.{mode}')} ([modes.{mode}])",
                f"unknown mode; expected one of {', '.join(MODES)}{extra}",
            )
    for mode in MODES:
        if mode not in mode_tables:
            reader.problems.add(
                f"[modes.{mode}]",
                f"table [modes.{mode}] is missing; expected {', '.join(_MODE_KEYS)} "
                f"for every mode ({', '.join(MODES)})",
            )
    modes = {m: reader.mode(m, mode_tables[m]) for m in MODES if m in mode_tables}
    transfer = {k: reader.transfer(k, raw) for k, raw in data.get("transfer", {}).items()}
    border_keys = {
        k: v.bounded(v.parse_non_negative, "USD per TEU" if k == "fee_usd" else "hours")
        for k in ("dwell_road_h", "dwell_rail_h", "gauge_change_h", "fee_usd")
    }
    raw_border = dict(data.get("border", {}))
    gauge_fee = reader.optional("border", raw_border, "gauge_change_fee_usd")
    border = reader.table("border", raw_border, {**border_keys, "source": v.parse_text})
    ports = {k: reader.port(k, raw) for k, raw in data.get("port", {}).items()}
    roro = reader.roro(data["roro"]) if "roro" in data else None
    reader.problems.raise_if_any()
    return Parameters(
        value_of_time_usd_teu_h=vot["usd_per_teu_h"],
        modes={m: p for m, p in modes.items() if p is not None},
        transfer={k: p for k, p in transfer.items() if p is not None},
        border=BorderParams(**border, gauge_change_fee_usd=gauge_fee or 0.0),
        value_of_time_source=vot.get("source", ""),
        ports={k: p for k, p in ports.items() if p is not None},
        roro=roro,
    )


def read_params(path: str | os.PathLike[str]) -> Parameters:
    """Read a ``params.toml`` file.

    Parameters
    ----------
    path
        The TOML file (schema in ``data/gtr/README.md``).

    Returns
    -------
    corridors.costs.Parameters
        The parsed, checked parameters.

    Raises
    ------
    DataError
        If the file is missing, is not valid TOML, or has a missing, unknown or bad key.
    """
    path = Path(path)
    text, data = v.read_toml(
        path,
        expected="a params.toml parameters file",
        save_as="params.toml",
        nested="nested too deeply; expected params.toml tables",
    )
    return params_from_dict(data, str(path), text)


def _to_toml(data: dict[str, Any], prefix: str = "") -> str:
    """Return a nested dict of scalars as TOML text (tables under `prefix`)."""
    scalars = {k: x for k, x in data.items() if not isinstance(x, dict)}
    tables = {k: x for k, x in data.items() if isinstance(x, dict)}
    lines = [f"[{prefix}]"] if prefix and scalars else []
    lines += [f"{k} = {json.dumps(x)}" for k, x in scalars.items()]
    text = "\n".join(lines) + ("\n\n" if lines else "")
    for key, table in tables.items():
        text += _to_toml(table, f"{prefix}.{key}" if prefix else key)
    return text
