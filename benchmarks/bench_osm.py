"""OSM import at regional size: corridors.osm.from_osm against osmnx.graph_from_xml.

Writes synthetic extracts with osmium's writer: a road grid (one way per street
between junctions, a few nodes between), rail lines across a CN/RU border at the
grid's middle meridian with stations every few km, and buildings (closed 5-node ways,
as most ways of a real extract are) that no mode keeps. Every measurement runs in a
fresh process, so its peak RSS (``ru_maxrss``) is its own.

Three measurements:

1. **osmnx comparison** on a ~50 MB-class ``.osm`` (and the same data as ``.osm.pbf``):
   wall time and peak RSS of ``osmnx.graph_from_xml`` against ``from_osm``.
2. **Scaling**: peak RSS of ``from_osm`` on extracts with 1x, 2x, 4x the kept ways and
   the same number of buildings; the RSS growth per kept way.
3. **Large** (``--big``, run it once): a 1,000,000-way ``.osm.pbf``.

Run: ``.venv/bin/python -m benchmarks.bench_osm [--side 140] [--big]``

Measured 2026-11-30 on the project machine (2 cores shared with other jobs, so times
are noisy; ``--big``):

- 49 MB ``.osm`` (496,948 nodes, 119,004 ways of which 39,004 rail/road):
  ``osmnx.graph_from_xml`` 295 s, 1,983 MB peak RSS; ``from_osm`` 63 s, 495 MB on the
  ``.osm`` (4.7x faster, 0.25 of the memory) and 54 s, 467 MB on the ``.osm.pbf``
  (5.5x, 0.24). An interpreter with the imports alone peaks at 279 MB.
- Scaling: 9,702 / 19,072 / 39,004 kept ways (80,000 buildings each): 275 / 336 /
  473 MB, i.e. 6.6 then 7.0 KB more per kept way (linear).
- 1,000,090 ways (319,440 rail/road, 4,164,188 nodes): 315 s, 2,200 MB peak RSS,
  319,796 links.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LON0, LAT0 = 129.6, 42.3
SPACING = 0.004  # degrees between grid junctions (~330 m)
INNER = 4  # nodes between two junctions


def write_extract(path: Path, side: int, buildings: int, *, rail_lines: int = 6) -> dict:
    """Write a `side` x `side` road grid, rail lines and `buildings` building ways.

    Parameters
    ----------
    path
        Output file; the suffix picks the format (``.osm``, ``.osm.pbf``).
    side
        Junctions per side of the road grid (about ``2 side**2`` road ways).
    buildings
        Closed building ways (kept by no mode).
    rail_lines
        East-west rail lines across the border.

    Returns
    -------
    dict
        Counts (nodes, ways, kept ways) and the border meridian.
    """
    import osmium
    from osmium.osm.mutable import Node, Way

    writer = osmium.SimpleWriter(str(path), overwrite=True)
    nodes = ways = 0
    pending: list[Way] = []

    def node(lon: float, lat: float, tags: dict[str, str] | None = None) -> int:
        nonlocal nodes
        nodes += 1
        writer.add_node(Node(id=nodes, location=(lon, lat), tags=tags or {}))
        return nodes

    def way(refs: list[int], tags: dict[str, str]) -> None:
        nonlocal ways
        ways += 1
        pending.append(Way(id=ways, nodes=refs, tags=tags))

    classes = ["primary", "secondary", "tertiary", "residential", "residential", "service"]
    grid = {
        (i, j): node(LON0 + i * SPACING, LAT0 + j * SPACING)
        for i in range(side)
        for j in range(side)
    }
    for i in range(side):
        for j in range(side):
            for di, dj in ((1, 0), (0, 1)):
                if i + di >= side or j + dj >= side:
                    continue
                x0, y0 = LON0 + i * SPACING, LAT0 + j * SPACING
                refs = [grid[(i, j)]]
                for k in range(1, INNER + 1):
                    t = k / (INNER + 1)
                    refs.append(node(x0 + t * di * SPACING, y0 + t * dj * SPACING + 1e-5 * k))
                refs.append(grid[(i + di, j + dj)])
                line = j if di else i
                tags = {"highway": classes[line % len(classes)]}
                if line % 7 == 3:
                    tags["oneway"] = "yes"
                way(refs, tags)
    kept = ways
    width = (side - 1) * SPACING
    for r in range(rail_lines):
        lat = LAT0 + (r + 0.5) * width / rail_lines + 1e-4
        count = int(width / (SPACING / 2))
        refs = []
        for k in range(count):
            tags = {"railway": "station", "name": f"Station {r}-{k}"} if k % 25 == 0 else None
            refs.append(node(LON0 + k * SPACING / 2 + 1e-4, lat, tags))
        for start in range(0, count - 1, 20):  # one way per 20 segments
            way(refs[start : start + 21], {"railway": "rail", "usage": "main"})
    kept = ways
    per_row = max(1, int(math.sqrt(buildings)))
    size = SPACING / 10
    for b in range(buildings):
        x = LON0 + (b % per_row) * width / per_row + SPACING / 3
        y = LAT0 + (b // per_row) * width / per_row + SPACING / 3
        ring = [node(x, y), node(x + size, y), node(x + size, y + size), node(x, y + size)]
        way([*ring, ring[0]], {"building": "yes"})
    for item in pending:
        writer.add_way(item)
    writer.close()
    return {
        "nodes": nodes,
        "ways": ways,
        "kept_ways": kept,
        "border_lon": LON0 + width / 2,
        "mb": path.stat().st_size / 1e6,
    }


def _child(kind: str, path: str, border: float) -> None:
    """Run one import in this process and print its time and peak RSS as JSON."""
    import geopandas as gpd
    import shapely

    start = time.perf_counter()
    if kind == "osmnx":
        import osmnx as ox

        graph = ox.graph_from_xml(path)
        counts = {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}
    else:
        from corridors import osm

        countries = gpd.GeoDataFrame(
            {"country": ["CN", "RU"]},
            geometry=[shapely.box(100, 0, border, 80), shapely.box(border, 0, 180, 80)],
            crs="EPSG:4326",
        )
        net = osm.from_osm(path, countries=countries)
        counts = {"nodes": net.graph.number_of_nodes(), "links": len(net.link_ids())}
    elapsed = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"s": elapsed, "rss_mb": rss, **counts}))


def _run(kind: str, path: Path, border: float) -> dict:
    """Run :func:`_child` in a fresh interpreter; return its measurement."""
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path), str(border)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _baseline() -> float:
    """Peak RSS (MB) of an interpreter that only imports corridors.osm."""
    code = (
        "import resource, corridors.osm, geopandas, osmnx;"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env
    )
    return float(out.stdout)


def main() -> None:
    """Run the measurements (see module notes) and print them."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--side", type=int, default=140, help="grid side of the 50 MB extract")
    parser.add_argument("--buildings", type=int, default=80_000)
    parser.add_argument("--big", action="store_true", help="also the 1,000,000-way extract")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], args.child[1], float(args.child[2]))
        return
    base = _baseline()
    print(f"interpreter with corridors.osm, geopandas, osmnx imported: {base:.0f} MB")
    with tempfile.TemporaryDirectory() as folder:
        xml = Path(folder) / "region.osm"
        info = write_extract(xml, args.side, args.buildings)
        pbf = Path(folder) / "region.osm.pbf"
        write_extract(pbf, args.side, args.buildings)
        print(
            f"1. extract: {info['nodes']:,} nodes, {info['ways']:,} ways "
            f"({info['kept_ways']:,} rail/road), {info['mb']:.0f} MB .osm, "
            f"{pbf.stat().st_size / 1e6:.0f} MB .osm.pbf"
        )
        theirs = _run("osmnx", xml, info["border_lon"])
        for label, path in (("osm", xml), ("pbf", pbf)):
            ours = _run("ours", path, info["border_lon"])
            print(
                f"   from_osm(.{label}) {ours['s']:.1f} s, {ours['rss_mb']:.0f} MB peak RSS "
                f"({ours['links']:,} links) vs osmnx.graph_from_xml {theirs['s']:.1f} s, "
                f"{theirs['rss_mb']:.0f} MB: {theirs['s'] / ours['s']:.1f}x faster, "
                f"{ours['rss_mb'] / theirs['rss_mb']:.2f} of the memory"
            )
        print("2. scaling (same buildings, more kept ways), .osm.pbf:")
        rows = []
        for factor in (1, 2, 4):
            side = int(args.side / 2 * math.sqrt(factor))
            path = Path(folder) / f"scale{factor}.osm.pbf"
            meta = write_extract(path, side, args.buildings)
            ours = _run("ours", path, meta["border_lon"])
            rows.append((meta["kept_ways"], ours["rss_mb"]))
            print(
                f"   {meta['kept_ways']:>9,} kept ways of {meta['ways']:,}: {ours['s']:.1f} s, "
                f"{ours['rss_mb']:.0f} MB peak RSS"
            )
        (k0, r0), (k1, r1), (k2, r2) = rows
        print(
            f"   growth per kept way: {(r1 - r0) / (k1 - k0) * 1024:.1f} KB (1x->2x), "
            f"{(r2 - r1) / (k2 - k1) * 1024:.1f} KB (2x->4x)"
        )
        if args.big:
            path = Path(folder) / "big.osm.pbf"
            side = 400
            meta = write_extract(path, side, 1_000_000 - 2 * side * (side - 1) - 150)
            ours = _run("ours", path, meta["border_lon"])
            print(
                f"3. {meta['ways']:,} ways ({meta['kept_ways']:,} rail/road), {meta['nodes']:,} "
                f"nodes, {meta['mb']:.0f} MB .osm.pbf: {ours['s']:.0f} s, "
                f"{ours['rss_mb']:.0f} MB peak RSS, {ours['links']:,} links"
            )


if __name__ == "__main__":
    main()
