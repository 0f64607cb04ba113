"""Provenance of published results: what produced an output, so it can be reproduced.

Every table corridors writes for publication records the corridors version, a hash
of the input network, a hash of the scenario (if any), the random seed, the number
of runs and the analysis parameters. :func:`provenance` builds that record;
:func:`network_hash` and :func:`scenario_hash` are canonical: they do not depend on
the order of rows or columns in the input files, only on their content.

Where the record goes:

- a CSV ``name.csv`` gets a **sidecar JSON** ``name.csv.meta.json`` (the CSV itself
  stays plain, so spreadsheets and ``pandas.read_csv`` read it unchanged);
- a GeoPackage gets a ``metadata`` layer (one row per key, values as JSON);
- the report carries it in its footer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from corridors.network import Network

__all__ = [
    "SIDECAR_SUFFIX",
    "json_safe",
    "network_hash",
    "provenance",
    "scenario_hash",
    "sidecar_path",
    "version",
    "write_csv",
]

SIDECAR_SUFFIX = ".meta.json"
"""Suffix added to a CSV file's name for its provenance sidecar (``x.csv.meta.json``)."""

_HASH_DIGITS = 16


def version() -> str:
    """Return the installed corridors version (``"unknown"`` when not installed)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("corridors")
    except PackageNotFoundError:
        return "unknown"


def json_safe(value: Any) -> Any:
    """Return `value` as plain JSON types: NaN and missing become ``None``.

    Numpy scalars become Python numbers, tuples and sets lists (sets sorted),
    mappings dicts with string keys; anything else unknown becomes its ``str``.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if not math.isfinite(float(value)) else float(value)
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return [json_safe(v) for v in sorted(value, key=str)]
    if isinstance(value, list | tuple | np.ndarray | pd.Series):
        return [json_safe(v) for v in list(value)]
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return str(value)


def _digest(payload: Any) -> str:
    text = json.dumps(json_safe(payload), sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:_HASH_DIGITS]


def _records(frame: pd.DataFrame, columns: Any) -> list[dict[str, Any]]:
    """Rows as dicts of the schema columns, sorted by id (row order does not matter).

    The values are made JSON-safe once, by :func:`_digest`.
    """
    table = frame.reset_index()
    keep = [c for c in dict.fromkeys(columns) if c in table.columns]
    rows = table[keep].to_dict(orient="records")
    return sorted(rows, key=lambda r: str(json_safe(r.get("id"))))


def network_hash(net: Network) -> str:
    """Return a canonical hash of a network's data (16 hex digits of SHA-256).

    Computed from the places, links and corridors tables (schema columns, rows sorted
    by id, keys sorted) and the parameters: the same data read from files whose rows
    or columns are in another order gives the same hash; any changed value (a
    closure, a scenario step) gives another.

    Parameters
    ----------
    net
        The network.

    Returns
    -------
    str
        16 hexadecimal digits.
    """
    from corridors.schema import LINK_COLUMNS, PLACE_COLUMNS

    corridors = None
    if net.corridors is not None:
        corridors = sorted(
            net.corridors.reset_index().to_dict(orient="records"),
            key=lambda r: str(json_safe(r.get("name"))),
        )
    return _digest(
        {
            "places": _records(net.places, [*PLACE_COLUMNS, "closed"]),
            "links": _records(net.links, [*LINK_COLUMNS, "closed"]),
            "corridors": corridors,
            "params": net.params.to_dict(),
        }
    )


def scenario_hash(scenario: Any) -> str | None:
    """Return a hash of a scenario (16 hex digits), or None for no scenario.

    Parameters
    ----------
    scenario
        A loaded :class:`corridors.scenario.Scenario` (its base and ordered steps are
        hashed, not its file's layout), a path to a scenario file (its text is
        hashed), or None.
    """
    if scenario is None:
        return None
    if isinstance(scenario, str | os.PathLike):
        return _digest({"file_text": Path(scenario).read_text(encoding="utf-8")})
    steps = [
        {"action": step.action, "values": dict(step.values)}
        for step in getattr(scenario, "steps", ())
    ]
    return _digest({"base": str(getattr(scenario, "base", "")), "steps": steps})


def provenance(
    net: Network | None,
    *,
    analysis: str,
    scenario: Any = None,
    seed: int | None = None,
    runs: int | None = None,
    parameters: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the provenance record of one output.

    Parameters
    ----------
    net
        The input network (None when an output has no single network).
    analysis
        What produced the output (e.g. ``"failures"``, ``"route"``, ``"report"``).
    scenario
        The scenario applied (see :func:`scenario_hash`), if any.
    seed, runs
        Random seed and Monte Carlo runs, when the analysis is random.
    parameters
        The analysis options (weight, modes, fractions, ...), JSON-safe or made so.

    Returns
    -------
    dict
        ``corridors_version``, ``created`` (UTC, ISO 8601), ``analysis``,
        ``network`` (name), ``network_hash``, ``scenario_hash``, ``seed``, ``runs``,
        ``parameters``. Missing values are ``None`` (JSON ``null``).
    """
    return {
        "corridors_version": version(),
        "created": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "analysis": analysis,
        "network": None if net is None else str(net.name),
        "network_hash": None if net is None else network_hash(net),
        "scenario_hash": scenario_hash(scenario),
        "seed": seed,
        "runs": runs,
        "parameters": json_safe(dict(parameters or {})),
    }


def sidecar_path(path: str | os.PathLike[str]) -> Path:
    """Return the provenance sidecar of an output file: ``x.csv`` → ``x.csv.meta.json``."""
    path = Path(path)
    return path.with_name(path.name + SIDECAR_SUFFIX)


def write_csv(
    frame: pd.DataFrame, path: str | os.PathLike[str], meta: Mapping[str, Any] | None, **kw: Any
) -> Path:
    """Write `frame` to a CSV file (atomically) and its provenance to the sidecar JSON.

    Parameters
    ----------
    frame
        The table.
    path
        The CSV file.
    meta
        The provenance record (:func:`provenance`); None writes no sidecar.
    **kw
        Passed to :meth:`pandas.DataFrame.to_csv`.

    Returns
    -------
    pathlib.Path
        The CSV file.
    """
    from corridors.io.atomic import atomic_path

    path = Path(path)
    with atomic_path(path) as temp:
        frame.to_csv(temp, **kw)
    if meta is not None:
        record = {**json_safe(dict(meta)), "file": path.name, "rows": len(frame)}
        with atomic_path(sidecar_path(path)) as temp:
            Path(temp).write_text(
                json.dumps(record, indent=1, ensure_ascii=False, allow_nan=False) + "\n",
                encoding="utf-8",
            )
    return path
