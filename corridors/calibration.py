"""Detour factors fitted to the sourced link lengths, per mode and country.

A link whose length no source gives is drawn as great-circle waypoint path × detour
factor. :func:`detour_fit` measures, for the links that do carry a sourced length, the
ratio of that length to the same waypoint path, grouped by mode and by the country the
link runs in, and sets the fitted factor next to the one the parameters apply. The
factors in ``data/gtr/params.toml`` (``detour_factor`` and
``detour_factor_by_country``) are chosen from this table; ``data/gtr/README.md``
reports the fit.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import shapely

from corridors.network import Network, great_circle_km

__all__ = ["SPLIT_MARK", "detour_fit", "sourced_ratios"]

SPLIT_MARK = "split in proportion"
"""Text in a link's ``source`` when its length is a share of a sourced through-length.

Such links repeat their through-line's ratio and are left out of the fit.
"""


def _path_km(geometry: shapely.LineString) -> float:
    coords = list(geometry.coords)
    return float(sum(great_circle_km(*a, *b) for a, b in itertools.pairwise(coords)))


def _land_country(places: pd.DataFrame, ends: tuple[str, str]) -> str:
    """Country a land link runs in: that of its end(s) that are not border crossings."""
    inland = [places.at[p, "country"] for p in ends if places.at[p, "kind"] != "border"]
    return inland[0] if inland else places.at[ends[0], "country"]


def sourced_ratios(net: Network, *, confidence: tuple[str, ...] = ("S", "S*")) -> pd.DataFrame:
    """Return sourced length / waypoint-path length of every rail and road link with a source.

    Parameters
    ----------
    net
        The network.
    confidence
        Confidence codes of the lengths to use (default ``S`` and ``S*``).

    Returns
    -------
    pandas.DataFrame
        Indexed by link id: ``mode``, ``country``, ``sourced_km``, ``path_km``
        (great-circle length of the from → via → to line, km), ``ratio`` and
        ``split`` (True for a share of a through-length, see :data:`SPLIT_MARK`).
    """
    links, places = net.links, net.places
    keep = (
        links["mode"].isin(["rail", "road"])
        & (links["length_basis"] == "source")
        & links["confidence"].isin(confidence)
    )
    rows = []
    for link, row in links[keep].iterrows():
        path = _path_km(row["geometry"])
        rows.append(
            {
                "id": link,
                "mode": row["mode"],
                "country": _land_country(places, (row["from"], row["to"])),
                "sourced_km": float(row["length_km"]),
                "path_km": path,
                "ratio": float(row["length_km"]) / path,
                "split": SPLIT_MARK in str(row["source"]),
            }
        )
    columns = ["id", "mode", "country", "sourced_km", "path_km", "ratio", "split"]
    return pd.DataFrame(rows, columns=columns).set_index("id")


def detour_fit(net: Network, *, min_links: int = 3) -> pd.DataFrame:
    """Fit a detour factor per mode and country from the sourced link lengths.

    The fitted factor is the length-weighted ratio Σ sourced km / Σ waypoint-path km
    over the sourced links of the group (splits of a through-length left out).

    Parameters
    ----------
    net
        The network.
    min_links
        Groups with fewer sourced links get no fitted factor (NaN).

    Returns
    -------
    pandas.DataFrame
        One row per (``mode``, ``country``), plus a row with ``country = "all"`` per
        mode: ``links``, ``sourced_km``, ``path_km``, ``fitted`` (the factor),
        ``median_ratio``, ``min_ratio``, ``max_ratio`` and ``applied`` (the factor
        the parameters give links of the group).
    """
    ratios = sourced_ratios(net)
    ratios = ratios[~ratios["split"]]
    rows = []
    groups = [(k, g) for k, g in ratios.groupby(["mode", "country"])]
    groups += [((mode, "all"), g) for mode, g in ratios.groupby("mode")]
    for (mode, country), group in groups:
        params = net.params.modes[mode]
        applied = params.detour_factor if country == "all" else params.detour_in((country,))
        enough = len(group) >= min_links
        rows.append(
            {
                "mode": mode,
                "country": country,
                "links": len(group),
                "sourced_km": group["sourced_km"].sum(),
                "path_km": group["path_km"].sum(),
                "fitted": group["sourced_km"].sum() / group["path_km"].sum() if enough else np.nan,
                "median_ratio": group["ratio"].median(),
                "min_ratio": group["ratio"].min(),
                "max_ratio": group["ratio"].max(),
                "applied": applied,
            }
        )
    return pd.DataFrame(rows).sort_values(["mode", "country"]).reset_index(drop=True)
