"""Import a large generated OSM extract: time and peak memory of corridors.osm.from_osm.

Writes a grid of roads (every road a way through many nodes, so simplification has
work to do) plus rail lines crossing it, across a CN/RU border at the grid's middle
meridian, to a temporary ``.osm`` file, then imports it.

Run: ``.venv/bin/python benchmarks/bench_osm.py [--nodes 200000] [--trace]``

Measured 2026-11 on the project machine (200,000 nodes, 15.7 MB .osm): see the
issue 8 closing note; most of the time is osmnx's XML reading and ``simplify_graph``.
"""

from __future__ import annotations

import argparse
import math
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

import geopandas as gpd
import shapely

from corridors import osm


def write_extract(path: Path, n_nodes: int, *, step: int = 10, rail_lines: int = 8) -> dict:
    """Write a road grid of about `n_nodes` nodes (junction every `step` nodes) plus rail."""
    side = int(math.sqrt(n_nodes * step / 2))  # nodes lie on every step-th row and column
    lon0, lat0, spacing = 129.5, 42.3, 0.002
    ids = 0
    lines: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6">']
    grid: dict[tuple[int, int], int] = {}

    def node(lon: float, lat: float, tags: str = "") -> int:
        nonlocal ids
        ids += 1
        lines.append(f'<node id="{ids}" lat="{lat:.7f}" lon="{lon:.7f}">{tags}</node>')
        return ids

    for i in range(side):
        for j in range(side):
            if i % step == 0 or j % step == 0:
                grid[(i, j)] = node(lon0 + i * spacing, lat0 + j * spacing)
    way = 0

    def add_way(refs: list[int], tags: dict[str, str]) -> None:
        nonlocal way
        way += 1
        nds = "".join(f'<nd ref="{r}"/>' for r in refs)
        kv = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
        lines.append(f'<way id="{way}">{nds}{kv}</way>')

    classes = ["primary", "secondary", "tertiary", "residential"]
    for i in range(0, side, step):
        add_way([grid[(i, j)] for j in range(side)], {"highway": classes[(i // step) % 4]})
        add_way([grid[(j, i)] for j in range(side)], {"highway": classes[(i // step + 1) % 4]})
    for r in range(rail_lines):
        lat = lat0 + (r + 0.5) * side * spacing / rail_lines
        refs = [
            node(
                lon0 + k * spacing * 0.9,
                lat + 0.0003,
                f'<tag k="railway" v="station"/><tag k="name" v="Station {r}-{k}"/>'
                if k % 200 == 0
                else "",
            )
            for k in range(int(side / 0.9))
        ]
        add_way(refs, {"railway": "rail", "usage": "main" if r % 2 else "branch"})
    lines.append("</osm>")
    path.write_text("\n".join(lines), encoding="utf-8")
    border = lon0 + side * spacing / 2
    return {"nodes": ids, "ways": way, "border_lon": border, "side": side}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=200_000)
    parser.add_argument(
        "--trace", action="store_true", help="Also trace Python allocations (about 2x slower)."
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "grid.osm"
        start = time.perf_counter()
        info = write_extract(path, args.nodes)
        size_mb = path.stat().st_size / 1e6
        print(
            f"wrote {path.name}: {info['nodes']:,} nodes, {info['ways']:,} ways, "
            f"{size_mb:.1f} MB in {time.perf_counter() - start:.1f} s"
        )
        b = info["border_lon"]
        countries = gpd.GeoDataFrame(
            {"country": ["CN", "RU"]},
            geometry=[shapely.box(100, 0, b, 80), shapely.box(b, 0, 180, 80)],
            crs="EPSG:4326",
        )
        if args.trace:
            tracemalloc.start()
        start = time.perf_counter()
        net = osm.from_osm(path, countries=countries)
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] if args.trace else 0
        tracemalloc.stop()
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        traced = f"peak traced Python memory {peak / 1e6:.0f} MB; " if args.trace else ""
        borders = sum(1 for _, d in net.graph.nodes(data=True) if d["kind"] == "border")
        print(
            f"import: {elapsed:.1f} s; {net.graph.number_of_nodes():,} places "
            f"({borders} border crossings), {len(net.link_ids()):,} links; "
            f"{traced}max RSS {rss_mb:.0f} MB"
        )


if __name__ == "__main__":
    main()
