"""Isolated islands: parks left with no surface route to any sea port, and what cut them off.

The brief's "isolated islands" are the parks that a closure, a failure or a
scenario leaves with no usable rail / road / sea route to any port that still has
ships (:func:`corridors.reach.sea_ports`). Each is named with its country and the
elements that cut it off: closed or suspended places and links on its former best
routes to the ports, and ports that lost their sea lanes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from corridors.engine import EDGE_LINK, compile_network, search
from corridors.network import Network
from corridors.reach import sea_ports
from corridors.routing import od_matrix, restrictions

__all__ = ["ISLAND_COLUMNS", "isolated_islands"]

#: Columns of an islands table (indexed by park id).
ISLAND_COLUMNS = ["name", "country", "cut_off_by"]


def _reaches_a_port(net: Network, parks: list[str], include_planned: bool) -> pd.Series:
    ports = sea_ports(net, include_planned=include_planned)
    if not ports or not parks:
        return pd.Series(False, index=pd.Index(parks))
    od = od_matrix(net, parks, ports, weight="distance", include_planned=include_planned)
    return od.drop(columns=[p for p in parks if p in od.columns]).notna().any(axis=1)


def isolated_islands(
    base: Network, changed: Network, *, include_planned: bool = False
) -> pd.DataFrame:
    """Return the parks that reach a sea port on `base` but none on `changed`.

    Parameters
    ----------
    base, changed
        The network before and after (a closure, a failure, a scenario).
    include_planned
        Use planned links and places (on both).

    Returns
    -------
    pandas.DataFrame
        Indexed by park id, with ``name``, ``country`` and ``cut_off_by`` (``; ``-joined
        names of what cut the park off, e.g. ``"Hunchun-Kraskino (closed)"``), sorted
        by country and name. Surface modes only (rail, road, sea).
    """
    parks = [p for p in base.select("park") if p in changed.graph]
    before = _reaches_a_port(base, parks, include_planned)
    after = _reaches_a_port(changed, parks, include_planned)
    cut = [p for p in parks if before.get(p, False) and not after.get(p, False)]
    if not cut:
        return pd.DataFrame(columns=ISLAND_COLUMNS, index=pd.Index([], name="id"))
    lost_ports = set(sea_ports(base, include_planned=include_planned)) - set(
        sea_ports(changed, include_planned=include_planned)
    )
    rows = {}
    for park in cut:
        places, links = _former_routes(base, park, include_planned)
        causes = _closed_places(changed, places, include_planned)
        causes += _closed_links(changed, links, include_planned)
        names = changed.graph.nodes
        causes += [f"{names[p]['name']} (no ships)" for p in sorted(lost_ports & places)]
        rows[park] = {
            "name": base.graph.nodes[park]["name"],
            "country": base.graph.nodes[park]["country"],
            "cut_off_by": "; ".join(dict.fromkeys(causes)) or "no usable route left",
        }
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=ISLAND_COLUMNS)
    frame.index.name = "id"
    return frame.sort_values(["country", "name"])


def _former_routes(net: Network, park: str, include_planned: bool) -> tuple[set[str], set[str]]:
    """Places and links of the park's best (distance) routes to every sea port on `net`."""
    graph = compile_network(net)
    index = graph.place_index
    mask = graph.edge_mask(restrictions(net, include_planned=include_planned))
    result = search(graph, [index[park]], weight="distance", mask=mask)
    places: set[str] = set()
    links: set[str] = set()
    for port in sea_ports(net, include_planned=include_planned):
        state = result.best_state(0, index[port])
        if state < 0 or port == park:
            continue
        path = np.asarray(result.edge_path(0, state), dtype=np.int64)
        places.update(graph.place_ids[graph.state_place[graph.edge_dst[path]]])
        is_link = graph.edge_kind[path] == EDGE_LINK
        links.update(graph.link_ids[graph.edge_link[path[is_link]]])
    return places, links


def _usable_status(status: str, include_planned: bool) -> bool:
    return status == "existing" or (include_planned and status == "planned")


def _closed_places(net: Network, places: set[str], include_planned: bool) -> list[str]:
    nodes = net.graph.nodes
    out = []
    for place in sorted(places, key=lambda p: nodes[p]["name"] if p in nodes else p):
        if place not in nodes:
            out.append(f"{place} (removed)")
        elif nodes[place]["closed"] or not _usable_status(nodes[place]["status"], include_planned):
            out.append(f"{nodes[place]['name']} (closed)")
    return out


def _closed_links(net: Network, links: set[str], include_planned: bool) -> list[str]:
    edges = {key: data for _, _, key, data in net.graph.edges(keys=True, data=True)}
    out = []
    for link in sorted(links):
        data = edges.get(link)
        if data is None:
            out.append(f"{link} (removed)")
        elif data["closed"] or not _usable_status(data["status"], include_planned):
            out.append(f"{link} (closed)")
    return out
