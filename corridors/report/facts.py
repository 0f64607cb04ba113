"""Tables the report draws straight from the network's data and from closure results.

- :func:`ports_by_sea`: sea ports grouped by the brief's four seas;
- :func:`crossing_bottlenecks`: every border crossing's dwell, gauge change, fee and
  known capacity (the bottlenecks of the brief);
- :func:`isolated_parks`: the parks a closed network leaves without a sea port
  ("isolated islands");
- :func:`closure_islands`: the parks each country-pair closure leaves without a sea
  port ("isolated islands"), named, from :func:`corridors.resilience.closure_impacts`;
- :func:`park_regimes`: parks with a special customs regime (bonded zone, FEZ, ...);
- :func:`data_sources`: every source cited by the places, links, corridors and
  parameters, with how many rows cite it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from corridors.report.base import _name

if TYPE_CHECKING:
    from corridors.network import Network
    from corridors.resilience import Impact

__all__: list[str] = []

_URL = re.compile(r"https?://[^\s;,)\]]+")


def ports_by_sea(net: Network, served: pd.DataFrame | None = None) -> pd.DataFrame:
    """Sea ports grouped by sea (:mod:`corridors.reach.seas`), with the parks each serves.

    Parameters
    ----------
    net
        The network.
    served
        Hinterland ports table (:func:`corridors.reach.hinterlands` ``.ports``) giving
        ``places`` (parks served) per port; optional.

    Returns
    -------
    pandas.DataFrame
        ``sea``, ``ports`` (names), ``port_count``, ``parks_served`` (with `served`).
    """
    from corridors.reach.seas import SEAS, port_seas

    seas = port_seas(net).dropna()
    rows = []
    for sea in SEAS:
        ports = seas.index[seas == sea]
        row: dict[str, Any] = {
            "sea": sea,
            "ports": ", ".join(net.places.loc[ports, "name"]) or "none in the network",
            "port_count": len(ports),
        }
        if served is not None:
            row["parks_served"] = int(served["places"].reindex(ports).fillna(0).sum())
        rows.append(row)
    return pd.DataFrame(rows)


def crossing_bottlenecks(net: Network, criticality: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every border crossing as a bottleneck: dwell, gauge change, fee, capacity, use.

    Blank dwell, gauge-change and fee cells take the network's border defaults
    (``params.toml``), as routing does; ``dwell_source`` says which.

    Parameters
    ----------
    net
        The network.
    criticality
        Crossing criticality (:func:`corridors.resilience.criticality` with
        ``elements="crossings"``), adding ``pairs_using`` and ``pairs_disconnected``.

    Returns
    -------
    pandas.DataFrame
        Indexed by crossing id: ``crossing``, ``countries``, ``modes``, ``status``,
        ``road_dwell_h``, ``rail_dwell_h``, ``gauge_change`` (1435↔1520 mm break),
        ``gauge_change_h``, ``worst_h`` (the longest stop of a mode: dwell plus gauge
        change for rail), ``fee_usd``, ``capacity`` (of the links meeting the
        crossing, where the data gives one), ``dwell_source``; sorted by ``worst_h``.
    """
    border = net.params.to_dict().get("border", {})
    places = net.places[net.places["kind"] == "border"]
    links = net.links
    rows = {}
    for crossing, row in places.iterrows():
        modes = str(row["modes"]).split(";")
        filled = []
        road = rail = np.nan
        if "road" in modes:
            road = row["dwell_road_h"]
            if pd.isna(road):
                road, filled = border.get("dwell_road_h", np.nan), [*filled, "road dwell"]
        if "rail" in modes:
            rail = row["dwell_rail_h"]
            if pd.isna(rail):
                rail, filled = border.get("dwell_rail_h", np.nan), [*filled, "rail dwell"]
        gauge = bool(row["gauge_break"]) if pd.notna(row["gauge_break"]) else False
        change = np.nan
        if gauge:
            change = row["gauge_change_h"]
            if pd.isna(change):
                change, filled = border.get("gauge_change_h", np.nan), [*filled, "gauge change"]
        fee = row["fee_usd"] if pd.notna(row["fee_usd"]) else border.get("fee_usd", np.nan)
        touching = links[(links["from"] == crossing) | (links["to"] == crossing)]
        known = touching.dropna(subset=["capacity"])
        capacity = "; ".join(
            f"{r['mode']} {r['capacity']:,.0f} {r['capacity_unit'] or ''}".strip()
            for _, r in known.drop_duplicates(["mode", "capacity"]).iterrows()
        )
        rail_stop = (rail if pd.notna(rail) else np.nan) + (change if gauge else 0.0)
        rows[crossing] = {
            "crossing": row["name"],
            "countries": row["countries"],
            "modes": ", ".join(modes),
            "status": row["status"],
            "road_dwell_h": road,
            "rail_dwell_h": rail,
            "gauge_change": "yes" if gauge else "no",
            "gauge_change_h": change,
            "worst_h": np.nanmax([road, rail_stop]) if pd.notna([road, rail_stop]).any() else 0.0,
            "fee_usd": fee,
            "capacity": capacity or "unknown",
            "dwell_source": "default: " + ", ".join(filled) if filled else "data",
        }
    table = pd.DataFrame.from_dict(rows, orient="index").rename_axis("id")
    if criticality is not None and len(table):
        for column in ("pairs_using", "pairs_disconnected"):
            if column in criticality.columns:
                table[column] = criticality[column].reindex(table.index)
    return table.sort_values(["worst_h", "crossing"], ascending=[False, True])


def isolated_parks(net: Network, closed: Network) -> list[str]:
    """Parks that reach a sea port on `net` but none on `closed` ("isolated islands").

    Parameters
    ----------
    net
        The network before the closure.
    closed
        The network after it (e.g. :func:`corridors.resilience.close_borders`).

    Returns
    -------
    list of str
        Park ids, sorted.

    Notes
    -----
    The rule is :func:`corridors.resilience.isolated_islands` (surface modes, sea
    ports that have ships), so the report and the closure results name the same parks.
    :func:`closure_islands` takes the same parks from each closure's :class:`Impact`.
    """
    from corridors.resilience import isolated_islands

    return sorted(isolated_islands(net, closed).index)


def closure_islands(net: Network, impacts: dict[str, tuple[Network, Impact]]) -> pd.DataFrame:
    """Name the parks each country-pair closure leaves without a sea port.

    Parameters
    ----------
    net
        The network.
    impacts
        From :func:`corridors.resilience.closure_impacts`: their ``islands`` (the rule of
        :func:`corridors.resilience.isolated_islands`).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``countries``: ``isolated_parks`` (count) and ``isolated_park_names``
        (``, ``-joined names, ``none`` when every park still reaches a sea port).
    """
    rows = {}
    for pair, (_, result) in impacts.items():
        parks = sorted(result.islands.index)
        rows[pair] = {
            "isolated_parks": len(parks),
            "isolated_park_names": ", ".join(_name(net, p) for p in parks) or "none",
        }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("countries")


def park_regimes(net: Network) -> pd.DataFrame:
    """Parks with a special customs or zone regime (``regime`` in the places table).

    Returns
    -------
    pandas.DataFrame
        ``park``, ``country``, ``regime`` (``;`` read as ``+``), ``industries``;
        sorted by regime then park.
    """
    parks = net.places[(net.places["kind"] == "park") & net.places["regime"].notna()]
    table = pd.DataFrame(
        {
            "park": parks["name"],
            "country": parks["country"],
            "regime": parks["regime"].astype(str).str.replace(";", " + "),
            "industries": parks["industries"].fillna("").astype(str).str.replace(";", ", "),
        }
    )
    return table.sort_values(["regime", "park"]).reset_index(drop=True)


def data_sources(net: Network) -> pd.DataFrame:
    """Every web source the data cites, with the rows citing it.

    URLs are taken from the ``source`` cells of places, links and corridors and the
    parameters' ``source`` texts; cells that only say ``assumption: ...`` are
    counted separately (the last row, ``source`` = ``assumption (no source)``).

    Returns
    -------
    pandas.DataFrame
        ``source`` (URL), ``site`` (host), ``places``, ``links``, ``corridors``,
        ``parameters`` (rows citing it); sorted by rows citing it, most first.
    """
    tables: dict[str, list[str]] = {
        "places": list(net.places["source"].dropna().astype(str)),
        "links": list(net.links["source"].dropna().astype(str)),
        "corridors": []
        if net.corridors is None or "source" not in net.corridors.columns
        else list(net.corridors["source"].dropna().astype(str)),
        "parameters": list(_param_sources(net.params.to_dict())),
    }
    counts: dict[str, dict[str, int]] = {}
    assumed = dict.fromkeys(tables, 0)
    for table, cells in tables.items():
        for cell in cells:
            urls = sorted({u.rstrip(".") for u in _URL.findall(cell)})
            if not urls:
                assumed[table] += 1
            for url in urls:
                counts.setdefault(url, dict.fromkeys(tables, 0))[table] += 1
    frame = pd.DataFrame.from_dict(counts, orient="index").rename_axis("source").reset_index()
    if frame.empty:
        frame = pd.DataFrame(columns=["source", *tables])
    frame.insert(1, "site", frame["source"].map(_site))
    total = frame[list(tables)].sum(axis=1)
    frame = frame.assign(_n=total).sort_values(["_n", "source"], ascending=[False, True])
    frame = frame.drop(columns="_n")
    tail = pd.DataFrame([{"source": "assumption (no source)", "site": "", **assumed}])
    return pd.concat([frame, tail], ignore_index=True)


def _site(url: str) -> str:
    host = url.split("://", 1)[-1].split("/", 1)[0]
    return host.removeprefix("www.")


def _param_sources(params: Any) -> list[str]:
    """Every ``source`` text in the nested parameters."""
    found = []
    if isinstance(params, dict):
        for key, value in params.items():
            if key == "source" and isinstance(value, str):
                found.append(value)
            else:
                found += _param_sources(value)
    return found
