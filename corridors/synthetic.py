"""Reproducible synthetic multimodal networks for tests, benchmarks and scale runs.

:func:`network` lays out places at random, joins them by a planar road layer and
a sparser planar rail layer (minimum spanning tree plus a share of the other
Delaunay edges, so both are connected), splits the area into countries by
meridians, replaces a few border-crossing edges by border crossings (gauge break
where the two countries' gauges differ) and drops the others, and adds ports
on the southern edge joined by sea lanes.

The plain road networks of :func:`grid_roads`, :func:`delaunay_roads` and
:func:`ring_roads` (one country, one mode) have the shape of an OpenStreetMap
import and serve the engine's scale benchmarks; :func:`road_tables` gives their
rows before a network is built.
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy.sparse import coo_array
from scipy.sparse.csgraph import minimum_spanning_tree
from scipy.spatial import Delaunay

from corridors import _validate as v
from corridors.costs import BorderParams, ModeParams, Parameters, TransferParams
from corridors.network import Network
from corridors.schema import Record

__all__ = [
    "default_params",
    "delaunay_roads",
    "grid_roads",
    "network",
    "ring_roads",
    "road_network",
    "road_tables",
]

COUNTRIES = ("CN", "RU", "MN", "KR")


def default_params() -> Parameters:
    """Return plausible parameters for synthetic networks (all marked as assumptions).

    Returns
    -------
    corridors.costs.Parameters
        Speeds (km/h), costs (USD/TEU-km), detour factors, transfer and border defaults.
    """
    note = "assumption: synthetic network default"
    return Parameters(
        value_of_time_usd_teu_h=5.0,
        modes={
            "rail": ModeParams(35.0, 0.5, 1.25, {"RU": 30.0}, note),
            "road": ModeParams(55.0, 1.1, 1.3, {"CN": 65.0}, note),
            "sea": ModeParams(28.0, 0.15, 1.1, {}, note),
            "air": ModeParams(700.0, 20.0, 1.05, {}, note),
        },
        transfer={
            kind: TransferParams(h, fee, note)
            for kind, h, fee in (
                ("port", 24.0, 150.0),
                ("terminal", 6.0, 80.0),
                ("city", 8.0, 90.0),
                ("park", 4.0, 60.0),
                ("airport", 6.0, 300.0),
            )
        },
        border=BorderParams(24.0, 12.0, 24.0, 150.0, note),
        value_of_time_source=note,
    )


def _planar_edges(points: np.ndarray, extra_share: float, rng: np.random.Generator) -> np.ndarray:
    """MST of the Delaunay triangulation plus a random share of its other edges."""
    if len(points) < 2:
        return np.empty((0, 2), dtype=np.int64)
    if len(points) == 2:
        return np.array([[0, 1]])
    if len(points) == 3:
        return np.array([[0, 1], [1, 2], [0, 2]])
    tri = Delaunay(points)
    simplices = tri.simplices
    pairs = np.vstack([simplices[:, [0, 1]], simplices[:, [1, 2]], simplices[:, [0, 2]]])
    pairs = np.unique(np.sort(pairs, axis=1), axis=0)
    lengths = np.hypot(*(points[pairs[:, 0]] - points[pairs[:, 1]]).T)
    n = len(points)
    tree = minimum_spanning_tree(
        coo_array((lengths + 1e-12, (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    ).tocoo()
    in_tree = {(min(a, b), max(a, b)) for a, b in zip(tree.row, tree.col, strict=True)}
    keep = np.array([(a, b) in in_tree for a, b in pairs]) | (rng.random(len(pairs)) < extra_share)
    return pairs[keep]


def network(
    n_places: int = 1000,
    *,
    seed: int = 0,
    n_countries: int = 2,
    rail_share: float = 0.3,
    crossing_share: float = 0.1,
    n_ports: int | None = None,
    extra_edge_share: float = 0.5,
    params: Parameters | None = None,
) -> Network:
    """Build a reproducible road-like multimodal network.

    Parameters
    ----------
    n_places
        Number of ordinary places (parks, cities, terminals, ports); border
        crossings come on top.
    seed
        Random seed: the same arguments give the same network.
    n_countries
        Number of countries (1–4), in bands of longitude (CN, RU, MN, KR).
    rail_share
        Share of places on the rail layer.
    crossing_share
        Share of the edges cut by a border that become border crossings (at least
        one per border and mode where any edge crosses it); the others are dropped.
    n_ports
        Number of sea ports on the southern edge (default ``max(2, n_places // 500)``).
    extra_edge_share
        Share of the non-tree Delaunay edges kept in each layer.
    params
        Parameters (default :func:`default_params`).

    Returns
    -------
    Network
        Places span about 10° of longitude and 6° of latitude around 125°E, 43°N.

    Examples
    --------
    >>> net = network(200, seed=1)
    >>> net.summary()["places_by_kind"]["port"]
    2
    """
    if not 1 <= n_countries <= len(COUNTRIES):
        raise ValueError(f"n_countries = {n_countries}; expected 1 to {len(COUNTRIES)}")
    rng = np.random.default_rng(seed)
    lon = 120.0 + 10.0 * rng.random(n_places)
    lat = 40.0 + 6.0 * rng.random(n_places)
    cuts = np.quantile(lon, np.linspace(0, 1, n_countries + 1)[1:-1]) if n_countries > 1 else []
    country_index = np.searchsorted(cuts, lon)
    n_ports = max(2, n_places // 500) if n_ports is None else n_ports
    ports = set(np.argsort(lat)[:n_ports].tolist())
    on_rail = rng.random(n_places) < rail_share
    on_rail[list(ports)] = True
    kinds = np.where(
        rng.random(n_places) < 0.1,
        "park",
        np.where(rng.random(n_places) < 0.5, "city", "terminal"),
    )
    places: dict[str, dict] = {}
    for i in range(n_places):
        modes = ["rail"] if on_rail[i] else []
        modes.append("road")
        kind = "port" if i in ports else str(kinds[i])
        if kind == "port":
            modes.append("sea")
        places[f"p{i}"] = {
            "id": f"p{i}",
            "name": f"Place {i}",
            "kind": kind,
            "country": COUNTRIES[country_index[i]],
            "lon": float(lon[i]),
            "lat": float(lat[i]),
            "modes": ";".join(modes),
            "source": "synthetic",
        }
    links: list[dict] = []
    dropped: list[tuple[str, int, int]] = []
    for mode, members in (("road", np.arange(n_places)), ("rail", np.flatnonzero(on_rail))):
        pts = np.column_stack([lon[members], lat[members]])
        for a, b in _planar_edges(pts, extra_edge_share, rng):
            a, b = int(members[a]), int(members[b])
            same = country_index[a] == country_index[b]
            neighbours = abs(int(country_index[a]) - int(country_index[b])) == 1
            if same:
                _add_domestic_link(places, links, mode, a, b)
            elif neighbours and rng.random() < crossing_share:
                _add_crossing(places, links, mode, a, b)
            elif neighbours:
                dropped.append((mode, a, b))
    _add_sea_lanes(places, links, sorted(ports, key=lambda i: lon[i]))
    _ensure_crossings(places, links, dropped, lat)
    place_records = [Record(f"place {p['id']}", p) for p in places.values()]
    link_records = [Record(f"link {x['id']}", x) for x in links]
    return Network.from_records(
        place_records,
        link_records,
        params or default_params(),
        name=f"synthetic-{n_places}-{seed}",
        source="synthetic",
    )


def _gauge(country: str) -> str:
    return str(min(v.COUNTRY_GAUGES[country]))


def _add_domestic_link(places: dict, links: list, mode: str, a: int, b: int) -> None:
    link = {
        "id": f"p{a}-p{b}-{mode}",
        "from": f"p{a}",
        "to": f"p{b}",
        "mode": mode,
        "source": "synthetic",
    }
    if mode == "rail":
        link["gauge_mm"] = _gauge(places[f"p{a}"]["country"])
    links.append(link)


def _add_crossing(places: dict, links: list, mode: str, a: int, b: int) -> None:
    pa, pb = places[f"p{a}"], places[f"p{b}"]
    border_id = f"x{a}_{b}_{mode}"
    pair = "-".join(sorted((pa["country"], pb["country"])))
    gauge_break = mode == "rail" and _gauge(pa["country"]) != _gauge(pb["country"])
    share = 0.45 if mode == "rail" else 0.55  # rail and road crossings lie apart
    places[border_id] = {
        "id": border_id,
        "name": f"Crossing {a}-{b} {mode}",
        "kind": "border",
        "country": pa["country"],
        "countries": pair,
        "modes": mode,
        "lon": pa["lon"] + share * (pb["lon"] - pa["lon"]),
        "lat": pa["lat"] + share * (pb["lat"] - pa["lat"]),
        "gauge_break": gauge_break,
        "source": "synthetic",
    }
    for end in (a, b):
        link = {
            "id": f"p{end}-{border_id}",
            "from": f"p{end}",
            "to": border_id,
            "mode": mode,
            "source": "synthetic",
        }
        if mode == "rail":
            link["gauge_mm"] = _gauge(places[f"p{end}"]["country"])
        links.append(link)


def _ensure_crossings(
    places: dict, links: list, dropped: list[tuple[str, int, int]], lat: np.ndarray
) -> None:
    """Make sure every border has a road crossing (and a rail one if rail crosses it)."""
    have = {(p["countries"], p["modes"]) for p in places.values() if p["kind"] == "border"}
    for mode, a, b in sorted(dropped, key=lambda t: abs(lat[t[1]] - 43.0)):
        pair = "-".join(sorted((places[f"p{a}"]["country"], places[f"p{b}"]["country"])))
        if (pair, mode) not in have:
            _add_crossing(places, links, mode, a, b)
            have.add((pair, mode))


def _add_sea_lanes(places: dict, links: list, ports: list[int]) -> None:
    for a, b in itertools.pairwise(ports):
        pa, pb = places[f"p{a}"], places[f"p{b}"]
        via = [((pa["lon"] + pb["lon"]) / 2, min(pa["lat"], pb["lat"]) - 0.3)]
        links.append(
            {
                "id": f"p{a}-p{b}-sea",
                "from": f"p{a}",
                "to": f"p{b}",
                "mode": "sea",
                "via": via,
                "source": "synthetic",
            }
        )


# ---------------------------------------------------------------- plain road networks

#: Degrees of longitude / latitude per grid step (about 1 km at 43°N).
_STEP = 0.01


def road_tables(
    lon: np.ndarray,
    lat: np.ndarray,
    pairs: np.ndarray,
    speeds: np.ndarray | None = None,
) -> tuple[list[Record], list[Record]]:
    """Return place and link rows of a one-country road network (as read from tables).

    Parameters
    ----------
    lon, lat
        Coordinates of the places (degrees).
    pairs
        ``k × 2`` place indices of the links (from, to).
    speeds
        Speed of each link (km/h); ``None``: the parameter default.

    Returns
    -------
    places, links : list of Record
        Places ``n0, n1, ...`` (cities serving road, in CN); links ``l0, l1, ...``.
    """
    places = [
        Record(
            f"place n{i}",
            {
                "id": f"n{i}",
                "name": f"Node {i}",
                "kind": "city",
                "country": "CN",
                "lon": float(x),
                "lat": float(y),
                "modes": "road",
                "source": "synthetic",
            },
        )
        for i, (x, y) in enumerate(zip(lon, lat, strict=True))
    ]
    links = []
    for j, (a, b) in enumerate(np.asarray(pairs).tolist()):
        values = {"id": f"l{j}", "from": f"n{a}", "to": f"n{b}", "mode": "road"}
        if speeds is not None:
            values["speed_kph"] = float(speeds[j])
        values["source"] = "synthetic"
        links.append(Record(f"link l{j}", values))
    return places, links


def road_network(tables: tuple[list[Record], list[Record]], name: str) -> Network:
    """Build a network from :func:`road_tables` rows with :func:`default_params`.

    Parameters
    ----------
    tables
        Place and link rows.
    name
        Network name.

    Returns
    -------
    Network
    """
    places, links = tables
    return Network.from_records(places, links, default_params(), name=name, source="synthetic")


def grid_roads(
    rows: int = 300, cols: int = 300, *, seed: int = 0, jitter: float = 0.3
) -> tuple[list[Record], list[Record]]:
    """Rows of a jittered grid road network: ``rows × cols`` places, 4-neighbour links.

    Parameters
    ----------
    rows, cols
        Grid size (300 × 300: 90,000 places and 179,400 links).
    seed
        Random seed.
    jitter
        Largest displacement of a place, as a share of the grid step (about 1 km).

    Returns
    -------
    places, links : list of Record
        See :func:`road_tables`; speeds are the parameter default.
    """
    rng = np.random.default_rng(seed)
    r, c = np.divmod(np.arange(rows * cols), cols)
    lon = 125.0 + _STEP * (c + jitter * rng.uniform(-1, 1, rows * cols))
    lat = 43.0 + _STEP * (r + jitter * rng.uniform(-1, 1, rows * cols))
    node = np.arange(rows * cols).reshape(rows, cols)
    across = np.column_stack([node[:, :-1].ravel(), node[:, 1:].ravel()])
    down = np.column_stack([node[:-1, :].ravel(), node[1:, :].ravel()])
    return road_tables(lon, lat, np.vstack([across, down]))


def delaunay_roads(
    n_places: int = 50_000, *, seed: int = 0, extra_edge_share: float = 0.5
) -> tuple[list[Record], list[Record]]:
    """Rows of a Delaunay road network with per-link speeds.

    Parameters
    ----------
    n_places
        Number of places, uniform in a square of about 0.5° × 0.5° per 10,000 places.
    seed
        Random seed.
    extra_edge_share
        Share of the non-tree Delaunay edges kept (0.5: about 2 links per place).

    Returns
    -------
    places, links : list of Record
        See :func:`road_tables`; speeds drawn from 30, 50, 80 and 110 km/h.
    """
    rng = np.random.default_rng(seed)
    side = 0.5 * np.sqrt(n_places / 10_000)
    lon = 125.0 + side * rng.random(n_places)
    lat = 43.0 + side * rng.random(n_places)
    pairs = _planar_edges(np.column_stack([lon, lat]), extra_edge_share, rng)
    speeds = rng.choice([30.0, 50.0, 80.0, 110.0], size=len(pairs), p=[0.4, 0.3, 0.2, 0.1])
    return road_tables(lon, lat, pairs, speeds)


def ring_roads(
    n_links: int = 4_000, *, seed: int = 0, spur_share: float = 0.2, chord_share: float = 0.1
) -> tuple[list[Record], list[Record]]:
    """Rows of a ring road with dead-end spurs and chords across the ring.

    Parameters
    ----------
    n_links
        Total number of links.
    seed
        Random seed.
    spur_share, chord_share
        Shares of the links that are spurs (bridges to a dead end) and chords
        (shortcuts between two ring places).

    Returns
    -------
    places, links : list of Record
        See :func:`road_tables`; speeds drawn between 40 and 100 km/h.
    """
    rng = np.random.default_rng(seed)
    n_spurs, n_chords = int(n_links * spur_share), int(n_links * chord_share)
    n_ring = n_links - n_spurs - n_chords
    angle = 2 * np.pi * np.arange(n_ring) / n_ring
    radius = n_ring * _STEP / (2 * np.pi)
    anchor = rng.integers(0, n_ring, n_spurs)
    spur_angle = angle[anchor] + rng.uniform(-0.5, 0.5, n_spurs) / n_ring
    lon = np.r_[np.cos(angle), 0.9 * np.cos(spur_angle)] * radius + 125.0
    lat = np.r_[np.sin(angle), 0.9 * np.sin(spur_angle)] * radius + 43.0
    ring = np.column_stack([np.arange(n_ring), (np.arange(n_ring) + 1) % n_ring])
    spurs = np.column_stack([anchor, n_ring + np.arange(n_spurs)])
    a = rng.integers(0, n_ring, n_chords)
    b = (a + rng.integers(2, max(3, n_ring // 2), n_chords)) % n_ring
    pairs = np.vstack([ring, spurs, np.column_stack([a, b])])
    speeds = rng.uniform(40.0, 100.0, len(pairs)).round(1)
    return road_tables(lon, lat, pairs, speeds)
