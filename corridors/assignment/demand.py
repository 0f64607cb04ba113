"""Freight demand: OD tables read from CSV, and the built-in gravity estimate.

An **OD table** has one row per origin–destination pair: ``orig``, ``dest`` (place
ids or names), ``demand`` (TEU per year unless said otherwise) and optionally
``commodity``. Rows of the same pair add up. Bring your own with
:func:`read_demand` (CSV) or any DataFrame of those columns.

The **built-in estimate** (:func:`gravity_demand`, parameters in
``data/gtr/demand.toml``, each with its source or assumption) distributes each
park's generation over the sea ports by a production-constrained gravity model::

    T_ij = P_i · A_j^γ · exp(−β c_ij) / Σ_k A_k^γ · exp(−β c_ik)

``P_i`` the park's generation (TEU/year), ``A_j`` the port's attraction (its
throughput in TEU/year; tonnes converted at ``tonnes_per_teu``; a default where
the data has none), ``c_ij`` the free-flow generalized cost (USD/TEU) from park
to port, ``β`` per USD/TEU and ``γ`` dimensionless. Imports flow back from the
ports to the parks as ``import_ratio`` × the exports.
"""

from __future__ import annotations

import dataclasses
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd

from corridors._errors import DataError
from corridors.assignment.capacity import _read_toml
from corridors.network import Network

__all__ = [
    "DemandParams",
    "check_demand",
    "gravity_demand",
    "read_demand",
    "read_demand_params",
]

_COLUMNS = ("orig", "dest", "demand")


def check_demand(net: Network, table: pd.DataFrame, source: str = "demand table") -> pd.DataFrame:
    """Validate an OD table and resolve its places to ids.

    Parameters
    ----------
    net
        The network the places belong to.
    table
        Columns ``orig``, ``dest``, ``demand`` (and optionally ``commodity``).
    source
        Name of the table in messages (e.g. its file).

    Returns
    -------
    pandas.DataFrame
        ``orig``, ``dest`` as place ids, ``demand`` as float (and ``commodity``).

    Raises
    ------
    DataError
        Naming the row and field of a missing column, an unknown place or a
        demand that is not a number >= 0. A ``volume`` column is refused with the
        advice to rename it (OD tables say ``demand`` everywhere).
    """
    missing = [c for c in _COLUMNS if c not in table.columns]
    if missing == ["demand"] and "volume" in table.columns:
        raise DataError(
            f"{source}: column 'volume' is called 'demand' in OD tables; rename it to 'demand'"
        )
    if missing:
        raise DataError(
            f"{source}: lacks column(s) {', '.join(missing)}; expected orig, dest, demand "
            f"(found {', '.join(map(str, table.columns))})"
        )
    values = pd.to_numeric(table["demand"], errors="coerce")
    bad = np.flatnonzero(~(values.to_numpy() >= 0) | ~np.isfinite(values.to_numpy()))
    if len(bad):
        row = bad[0]
        raise DataError(
            f"{source}, row {_row(table, row)}: demand = {table['demand'].tolist()[row]!r}; "
            "expected a number >= 0"
        )
    places = {}
    for column in ("orig", "dest"):
        resolved = []
        for row, name in enumerate(table[column]):
            try:
                resolved.append(net.resolve(str(name)))
            except KeyError as error:
                raise DataError(f"{source}, row {_row(table, row)}: {column}: {error}") from None
        places[column] = resolved
    out = pd.DataFrame(
        {"orig": places["orig"], "dest": places["dest"], "demand": values.to_numpy()}
    )
    if "commodity" in table.columns:
        out["commodity"] = table["commodity"].to_numpy()
    return out


def _row(table: pd.DataFrame, position: int) -> str:
    """Row label for messages: the CSV line when the table was read by :func:`read_demand`."""
    lines = table.attrs.get("lines")
    return f"line {lines[position]}" if lines is not None else str(table.index[position])


def read_demand(path: str | os.PathLike[str], net: Network) -> pd.DataFrame:
    """Read an OD demand table from CSV and check it against `net`.

    Parameters
    ----------
    path
        CSV file with columns ``orig``, ``dest``, ``demand`` (``commodity`` optional).
    net
        The network whose places the table names.

    Returns
    -------
    pandas.DataFrame
        As :func:`check_demand`.

    Raises
    ------
    DataError
        Naming the file, line and field of the first problem.
    """
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: file not found; expected a CSV with orig, dest, demand")
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise DataError(f"{path}: not a readable CSV ({error})") from None
    table.attrs["lines"] = list(range(2, len(table) + 2))
    return check_demand(net, table, source=str(path))


@dataclasses.dataclass(frozen=True)
class DemandParams:
    """Parameters of the built-in gravity estimate (``data/gtr/demand.toml``).

    Parameters
    ----------
    park_teu_year
        Default generation of a park (TEU/year).
    generation
        Park id → its own generation (TEU/year), where a figure is known.
    default_port_teu_year
        Attraction of a sea port whose throughput is not in the data (TEU/year).
    tonnes_per_teu
        Converts port throughputs in Mt to TEU.
    attraction_exponent
        γ: attraction = throughput^γ (γ < 1 damps transhipment hubs).
    beta_per_usd
        β: deterrence per USD/TEU of generalized cost.
    import_ratio
        Imports to a park as a share of its exports (same ports, reverse direction).
    """

    park_teu_year: float = 20000.0
    generation: dict[str, float] = dataclasses.field(default_factory=dict)
    default_port_teu_year: float = 50000.0
    tonnes_per_teu: float = 12.0
    attraction_exponent: float = 0.5
    beta_per_usd: float = 0.002
    import_ratio: float = 0.6


def read_demand_params(path: str | os.PathLike[str] | None = None) -> DemandParams:
    """Read gravity parameters from a TOML file (default: the built-in ``demand.toml``).

    Parameters
    ----------
    path
        The file, or ``None`` for ``data/gtr/demand.toml``.

    Returns
    -------
    DemandParams
        Missing keys keep their defaults.

    Raises
    ------
    DataError
        Naming the file and key of a value that is not a number >= 0.
    """
    path, data = _read_toml(path, "demand.toml", "demand parameters")
    values: dict[str, object] = {}
    for section in ("generation", "attraction", "distribution"):
        table = data.get(section, {})
        for field in dataclasses.fields(DemandParams):
            if field.name in table and field.name != "generation":
                values[field.name] = _number(table[field.name], path, f"{section}.{field.name}")
    parks = data.get("generation", {}).get("parks", {})
    values["generation"] = {
        park: _number(
            entry.get("teu_year") if isinstance(entry, dict) else entry,
            path,
            f"generation.parks.{park}",
        )
        for park, entry in parks.items()
    }
    return DemandParams(**values)  # type: ignore[arg-type]


def _number(value: object, path: Path, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise DataError(f"{path}: {key} = {value!r}; expected a number >= 0")
    return float(value)


def gravity_demand(net: Network, params: DemandParams | None = None) -> pd.DataFrame:
    """Estimate park ↔ sea-port container demand with a gravity model (TEU per year).

    Parameters
    ----------
    net
        The network (parks, sea ports and their free-flow generalized costs).
    params
        Gravity parameters (default: the built-in ``data/gtr/demand.toml``).

    Returns
    -------
    pandas.DataFrame
        ``orig``, ``dest``, ``demand`` (TEU/year), ``commodity`` (``"export"`` park →
        port, ``"import"`` port → park); pairs with no route are left out.

    Raises
    ------
    DataError
        If a park named in the parameters is not a park of `net`.
    """
    from corridors.routing import od_matrix

    params = params or read_demand_params()
    places = net.places
    parks = places.index[places["kind"] == "park"].tolist()
    unknown = sorted(set(params.generation) - set(parks))
    if unknown:
        raise DataError(
            f"demand parameters: generation.parks names {', '.join(unknown)}, which are not "
            "parks of the network; fix the ids"
        )
    is_sea = (places["kind"] == "port") & (places.get("port_type", "sea") == "sea")
    ports = places.index[is_sea].tolist()
    if not parks or not ports:
        return pd.DataFrame(columns=["orig", "dest", "demand", "commodity"])
    production = np.array([params.generation.get(p, params.park_teu_year) for p in parks])
    attraction = np.array([_port_teu(places.loc[p], params) for p in ports])
    cost = od_matrix(net, parks, ports, weight="generalized").to_numpy(dtype=float)
    weight = attraction**params.attraction_exponent * np.exp(
        -params.beta_per_usd * np.nan_to_num(cost, nan=np.inf)
    )
    total = weight.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        exports = np.where(total > 0, production[:, None] * weight / total, 0.0)
    i, j = np.nonzero(exports > 0)
    out = pd.DataFrame(
        {
            "orig": np.asarray(parks)[i],
            "dest": np.asarray(ports)[j],
            "demand": exports[i, j],
            "commodity": "export",
        }
    )
    back = out.assign(
        orig=out["dest"], dest=out["orig"], demand=out["demand"] * params.import_ratio
    )
    back["commodity"] = "import"
    return pd.concat([out, back[back["demand"] > 0]], ignore_index=True)


def _port_teu(row: pd.Series, params: DemandParams) -> float:
    """Return a port's throughput in TEU/year (tonnes converted; default where unknown)."""
    value = row.get("throughput")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return params.default_port_teu_year
    if row.get("throughput_unit") == "Mt":
        return float(value) * 1e6 / params.tonnes_per_teu
    return float(value)
