"""Tests for corridors.maps: static maps (PNG/SVG/PDF), atomic saving, folium maps."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import io
import re
from pathlib import Path

import geopandas as gpd
import matplotlib as mpl
import matplotlib.colors as mcolors
import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

import corridors
from corridors import maps

TINY = Path(__file__).parent / "data" / "tiny"
A4 = (11.69, 8.27)


@pytest.fixture(scope="module")
def net():
    return corridors.io.read_network(TINY)


def read_png(path, dpi):
    image = mpimg.imread(path)
    assert image.shape[:2] == (int(A4[1] * dpi), int(A4[0] * dpi))  # matplotlib truncates
    flat = image.reshape(-1, image.shape[2])
    assert len(np.unique(flat[:: max(1, len(flat) // 20000)], axis=0)) > 10  # not one colour
    return image


def legend_labels(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def place_labels(ax, net):
    names = set(net.places["name"])
    return [t for t in ax.texts if t.get_text() in names]


def test_base_map_renders_png(tmp_path):
    ax = maps.base_map(resolution="l")
    path = maps.save(ax, tmp_path / "base.png", dpi=100)
    assert path == tmp_path / "base.png"
    image = read_png(path, 100)
    centre = image[image.shape[0] // 2, image.shape[1] // 2, :3]  # NE China: land colour
    land = np.array([int(maps.BASEMAP_STYLE["land"][i : i + 2], 16) for i in (1, 3, 5)]) / 255
    assert np.allclose(centre, land, atol=0.02)


def test_base_map_frame_holds_extent():
    extent = (125.0, 135.0, 40.0, 46.0)
    ax = maps.base_map(extent=extent, resolution="c", north_arrow=False)
    corners = gpd.GeoSeries(
        [shapely.Point(x, y) for x in extent[:2] for y in extent[2:]], crs="EPSG:4326"
    )
    xs, ys = maps.to_map_crs(corners).x, maps.to_map_crs(corners).y
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert (xs >= x0).all()
    assert (xs <= x1).all()
    assert (ys >= y0).all()
    assert (ys <= y1).all()
    assert not ax.get_autoscale_on()
    texts = [t.get_text() for t in ax.texts]
    assert maps.SOURCE_NOTE in texts
    assert any(t.endswith("km") for t in texts)  # scale bar
    assert any(re.fullmatch(r"\d+°E", t) for t in texts)
    assert any(re.fullmatch(r"\d+°N", t) for t in texts)


def test_base_map_on_given_axes():
    fig = Figure(figsize=(6, 4))
    ax = fig.add_subplot()
    assert maps.base_map(ax=ax, resolution="c") is ax


@pytest.mark.parametrize("extent", [(135, 125, 40, 46), (125, 135, 40), (125, 135, 40, 95)])
def test_bad_extent_is_refused(extent):
    with pytest.raises(ValueError, match="extent"):
        maps.base_map(extent=extent)


def test_plot_network_renders_png_with_legend_and_labels(net, tmp_path):
    ax = maps.plot_network(net, title="Tiny network")
    read_png(maps.save(ax.figure, tmp_path / "net.png", dpi=80), 80)
    labels = legend_labels(ax)
    for expected in ("Rail", "Road", "Sea lane", "Planned", "City", "Port", "Border crossing"):
        assert expected in labels
    assert "Industrial park / zone" in labels
    assert "Air" not in labels  # no air link in the tiny network
    texts = {t.get_text() for t in place_labels(ax, net)}
    assert {"Changchun", "Busan", "Vladivostok"} <= texts
    assert "Hunchun Park" not in texts  # "auto" labels cities, ports and crossings
    assert ax.get_title(loc="left") == "Tiny network"


def test_labels_do_not_overlap(net):
    ax = maps.plot_network(net, labels="all", extent=maps.GTR_EXTENT)
    renderer = ax.figure.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in place_labels(ax, net)]
    assert len(boxes) >= 4
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)


def test_plot_network_filters_modes_and_status(net):
    ax = maps.plot_network(net, modes=["sea"], include_planned=False, labels=None)
    labels = legend_labels(ax)
    assert "Sea lane" in labels
    assert "Rail" not in labels
    assert "Planned" not in labels
    assert place_labels(ax, net) == []


def test_plot_network_labels_chosen_places(net):
    ax = maps.plot_network(net, labels=["hunchun", "Zarubino"])
    assert sorted(t.get_text() for t in place_labels(ax, net)) == ["Hunchun", "Zarubino"]


def test_plot_network_bad_options(net):
    with pytest.raises(ValueError, match="modes"):
        maps.plot_network(net, modes=["ferry"])
    with pytest.raises(ValueError, match="labels"):
        maps.plot_network(net, labels="some")
    with pytest.raises(corridors.UnknownPlaceError):
        maps.plot_network(net, labels=["Atlantis"])


def test_plot_network_on_base_map(net):
    ax = maps.base_map(extent=(124, 133, 34, 45), resolution="l")
    limits = ax.get_xlim(), ax.get_ylim()
    assert maps.plot_network(net, ax=ax) is ax
    assert (ax.get_xlim(), ax.get_ylim()) == limits


def test_save_svg_and_pdf(net, tmp_path):
    ax = maps.plot_network(net, labels=None)
    svg = maps.save(ax, tmp_path / "net.svg")
    pdf = maps.save(ax, tmp_path / "net.pdf")
    assert b"<svg" in svg.read_bytes()[:2000]
    assert pdf.read_bytes().startswith(b"%PDF")


def test_save_refuses_unknown_suffix(tmp_path):
    ax = maps.base_map(resolution="c")
    with pytest.raises(ValueError, match=r"\.jpeg"):
        maps.save(ax, tmp_path / "map.jpeg")
    assert list(tmp_path.iterdir()) == []


def test_failed_save_keeps_earlier_file(tmp_path, monkeypatch):
    ax = maps.base_map(resolution="c")
    path = tmp_path / "map.png"
    path.write_bytes(b"earlier map")

    def broken(*args, **kwargs):
        Path(args[0]).write_bytes(b"half written")
        raise RuntimeError("disk full")

    monkeypatch.setattr(ax.figure, "savefig", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        maps.save(ax, path)
    assert path.read_bytes() == b"earlier map"
    assert [p.name for p in tmp_path.iterdir()] == ["map.png"]


def test_to_map_crs():
    points = gpd.GeoSeries([shapely.Point(125, 42)], crs="EPSG:4326")
    projected = maps.to_map_crs(points)
    assert projected.crs == maps.MAP_CRS
    assert projected.iloc[0].x == pytest.approx(0, abs=1e-6)  # lon_0 = 125E, lat_0 = 42N
    assert projected.iloc[0].y == pytest.approx(0, abs=1e-6)
    with pytest.raises(ValueError, match="no CRS"):
        maps.to_map_crs(gpd.GeoSeries([shapely.Point(125, 42)]))


def test_style_covers_every_mode_and_kind():
    assert set(maps.MODE_STYLE) == set(corridors.costs.MODES)
    assert set(maps.KIND_STYLE) == set(corridors.costs.PLACE_KINDS)
    styles = {(s["color"], str(s["linestyle"])) for s in maps.MODE_STYLE.values()}
    assert len({c for c, _ in styles}) == len(maps.MODE_STYLE)  # distinct colours
    assert len({(s["linestyle"], s["overlay"] is None) for s in maps.MODE_STYLE.values()}) == 4


def test_explore_has_one_layer_per_mode(net, tmp_path):
    folium = pytest.importorskip("folium")
    path = tmp_path / "net.html"
    m = maps.explore(net, path=path)
    assert isinstance(m, folium.Map)
    html = path.read_text(encoding="utf-8")
    modes = set(net.links["mode"])
    groups = [c for c in m._children.values() if isinstance(c, folium.FeatureGroup)]
    names = [g.layer_name for g in groups]
    mode_layers = [n for n in names if n in {"Rail links", "Road links", "Sea lanes", "Air links"}]
    assert len(mode_layers) == len(modes) == 3
    for name in mode_layers:
        assert f'"{name}"' in html
    assert "Ports" in names
    assert "Zarubino" in html  # popups carry attributes
    assert "tile.openstreetmap" not in html  # no web tiles


def test_explore_self_contained_has_no_remote_assets(net, tmp_path):
    pytest.importorskip("xstatic.pkg.leaflet")
    path = tmp_path / "net.html"
    maps.explore(net, path=path, self_contained=True)
    html = path.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=[\"']?https?:", html)
    assert not re.search(r"<link[^>]+href=[\"']?https?:", html)
    assert "L.map(" in html
    assert "Leaflet 1.9.3" in html or "leaflet" in html.lower()
    assert "url(images/" not in html  # Leaflet's CSS images are inlined


# ---------------------------------------------------------------- overlays


@pytest.fixture(scope="module")
def gtr():
    return corridors.load_gtr()


def test_plot_route_with_alternatives(gtr, tmp_path):
    routes = corridors.alternatives(gtr, "Harbin", "Busan", k=2, weight="generalized")
    ax = maps.plot_route(gtr, routes, title="Harbin to Busan")
    read_png(maps.save(ax, tmp_path / "route.png", dpi=60), 60)
    labels = [label.replace("\n", " ") for label in legend_labels(ax)]
    assert labels[0] == "Routes Harbin → Busan (by generalized)"  # the ends, once
    for i, found in enumerate(routes, start=1):
        via = ", ".join(gtr.places.loc[found.crossings, "name"]) or "no border crossing"
        assert labels[i].startswith(f"{i}. via {via} ({', '.join(found.modes)})")
    assert "Border crossing passed" in labels
    texts = {t.get_text() for t in ax.texts}
    assert {"Harbin", "Busan"} <= texts
    for crossing in {c for r in routes for c in r.crossings}:
        assert gtr.places.at[crossing, "name"] in texts or len(texts) > 3


def test_plot_route_single_and_bad_input(net):
    found = corridors.route(net, "Changchun", "Busan", weight="time")
    ax = maps.plot_route(net, found, route_labels=["fastest"], labels=None)
    assert "fastest" in legend_labels(ax)
    with pytest.raises(ValueError, match="empty"):
        maps.plot_route(net, [])
    with pytest.raises(ValueError, match="route_labels"):
        maps.plot_route(net, found, route_labels=["a", "b"])


def test_plot_isochrones(net, tmp_path):
    iso = corridors.isochrones(net, "Hunchun", bands=(6, 24), modes=["rail", "road"])
    ax = maps.plot_isochrones(net, iso, origin="Hunchun", title="Isochrones")
    read_png(maps.save(ax, tmp_path / "iso.png", dpi=60), 60)
    labels = legend_labels(ax)
    assert any(label.startswith("≤ 6 h") for label in labels)
    assert "Origin" in labels
    with pytest.raises(ValueError, match="band"):
        maps.plot_isochrones(net, iso.drop(columns="band"))


def test_plot_hinterlands_colours_ports_and_marks_contestable(gtr, tmp_path):
    result = corridors.hinterlands(gtr)
    ax = maps.plot_hinterlands(gtr, result, contestable=0.1, title="Hinterlands")
    read_png(maps.save(ax, tmp_path / "hinterlands.png", dpi=60), 60)
    labels = legend_labels(ax)
    served = result.ports[result.ports["places"] > 0]
    for name in served["name"]:
        assert any(label.startswith(f"{name}:") for label in labels)
    if (result.places["margin_share"] < 0.1).any():
        assert any(label.startswith("Contestable") for label in labels)


def fake_criticality(net, *, points=False):
    frame = net.places[net.places["kind"] == "border"] if points else net.links
    values = np.linspace(0, 100, len(frame))
    return gpd.GeoDataFrame(
        {
            "name": [f"element {i}" for i in range(len(frame))],
            "pairs_disconnected": [0] * (len(frame) - 1) + [2],
            "delta_total": values,
        },
        geometry=frame.geometry.to_numpy(),
        index=frame.index,
        crs="EPSG:4326",
    )


@pytest.mark.parametrize("points", [False, True])
def test_plot_criticality_lists_top_elements(net, tmp_path, points):
    crit = fake_criticality(net, points=points)
    ax = maps.plot_criticality(net, crit, top=3, title="Criticality")
    read_png(maps.save(ax, tmp_path / "crit.png", dpi=60), 60)
    labels = legend_labels(ax)
    assert labels[0].startswith("Most critical")
    ranked = [label for label in labels if label.startswith("element")]
    hit = (crit["delta_total"] > 0) | (crit["pairs_disconnected"] > 0)
    assert len(ranked) == min(3, hit.sum())
    numbers = [t.get_text() for t in ax.texts if t.get_text().isdigit()]
    assert "1" in numbers
    with pytest.raises(ValueError, match="delta_total"):
        maps.plot_criticality(net, crit.drop(columns="delta_total"))


def test_plot_criticality_on_resilience_output(net):
    resilience = pytest.importorskip("corridors.resilience")
    crit = resilience.criticality(net)
    ax = maps.plot_criticality(net, crit, top=5)
    assert ax.get_legend() is not None


def closed_copy(net):
    closed = net.copy()
    closed.graph.nodes["kraskino_border"]["closed"] = True
    closed.touch()
    return closed


def test_plot_closure_impact_with_assignments(net, tmp_path):
    closed = closed_copy(net)
    flows = pd.DataFrame(
        {
            "orig": ["hunchun_park"] * 2,
            "dest": ["zarubino_port", "busan_port"],
            "demand": [10.0, 5.0],
        }
    )
    before, after = corridors.assign(net, flows), corridors.assign(closed, flows)
    ax = maps.plot_closure_impact(net, closed, (before, after), title="Closure")
    read_png(maps.save(ax, tmp_path / "closure.png", dpi=60), 60)
    labels = legend_labels(ax)
    assert "Closed crossing" in labels
    assert "Kraskino crossing" in {t.get_text() for t in ax.texts}
    with pytest.raises(TypeError, match="Impact"):
        maps.plot_closure_impact(net, closed, "nothing")


def test_plot_closure_impact_with_impact(gtr):
    resilience = pytest.importorskip("corridors.resilience")
    closed = resilience.close_borders(gtr, ("CN", "RU"))
    result = resilience.impact(gtr, closed, od=("park", ["zarubino_port", "dalian_port"]))
    ax = maps.plot_closure_impact(gtr, closed, result, extent=(128.5, 134, 41.3, 45.5))
    labels = legend_labels(ax)
    assert "Closed crossing" in labels
    assert "More traffic" in labels


def test_link_changes_and_plot_scenario(net, tmp_path):
    upgraded = net.copy()
    upgraded.graph.edges["changchun", "hunchun", "changchun-hunchun-rail"]["speed_kph"] = 120.0
    upgraded.graph.edges["hunchun", "changchun", "changchun-hunchun-rail"]["speed_kph"] = 120.0
    upgraded.touch()
    changes = maps.link_changes(net, upgraded)
    assert list(changes.index) == ["changchun-hunchun-rail"]
    assert changes.at["changchun-hunchun-rail", "change"] == "upgraded"
    ax = maps.plot_scenario(net, upgraded, None, title="Faster rail")
    read_png(maps.save(ax, tmp_path / "scenario.png", dpi=60), 60)
    assert "Upgraded link (1)" in legend_labels(ax)


def test_plot_failure_curves(tmp_path):
    rng = np.random.default_rng(0)
    rows = [
        {
            "run": r,
            "fraction": f,
            "connected_share": 1 - f * rng.uniform(1, 3),
            "efficiency": 1 - f * rng.uniform(1, 2),
            "mean_value": 1000 * (1 + f),
        }
        for f in (0.01, 0.05, 0.1, 0.2)
        for r in range(10)
    ]
    ax = maps.plot_failure_curves(pd.DataFrame(rows), title="Failures")
    read_png(maps.save(ax, tmp_path / "curves.png", dpi=60), 60)
    labels = legend_labels(ax)
    assert "OD pairs still connected" in labels
    assert "Network efficiency" in labels
    with pytest.raises(ValueError, match="fraction"):
        maps.plot_failure_curves(pd.DataFrame({"run": [0]}))


# ---------------------------------------------------------------- what users see


def lab(color):
    """CIELAB (D65) of an sRGB colour, for perceptual colour differences."""
    rgb = np.array(mcolors.to_rgb(color))
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = (
        np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
        @ linear
        / np.array([0.95047, 1.0, 1.08883])
    )
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def legend_fits(ax):
    fig = ax.figure
    box = ax.get_legend().get_window_extent(fig.canvas.get_renderer())
    return box.x0 >= 0 and box.y0 >= 0 and box.x1 <= fig.bbox.width and box.y1 <= fig.bbox.height


def test_maps_display_inline_in_jupyter(net):
    formatters = pytest.importorskip("IPython.core.formatters")
    ax = maps.plot_network(net, labels=None)
    formatter = formatters.DisplayFormatter()
    for shown in (ax, ax.figure):
        data, _ = formatter.format(shown)
        png = data["image/png"]
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        image = mpimg.imread(io.BytesIO(png), format="png")
        assert image.shape[:2] == (int(A4[1] * 100), int(A4[0] * 100))
    assert isinstance(maps.plot_values(net, net.links["time_h"]), Axes)


def test_route_colours_are_twelve_distinct(gtr):
    colours = maps.ROUTE_COLORS
    assert len(colours) >= 12
    points = [lab(c) for c in colours[:12]]
    gaps = [np.linalg.norm(a - b) for i, a in enumerate(points) for b in points[i + 1 :]]
    assert min(gaps) > 15  # clearly different at a glance (CIE76 ΔE)
    pairs = [("Harbin", "Busan"), ("Changchun", "Zarubino"), ("Ulaanbaatar", "Tianjin")] * 4
    routes = [corridors.route(gtr, a, b) for a, b in pairs]
    ax = maps.plot_route(gtr, routes, route_labels=[f"route {i}" for i in range(12)])
    handles = ax.get_legend().legend_handles[1:13]
    assert len({mcolors.to_hex(h.get_color()) for h in handles}) == 12
    assert legend_fits(ax)


def test_long_legend_labels_wrap_and_fit(net, gtr):
    long = "Changchun FAW and New Area logistics park (bonded) to the Port of Zarubino"
    found = corridors.route(net, "Changchun", "Busan")
    ax = maps.plot_route(net, [found, found], route_labels=[long, long + " again"])
    assert legend_fits(ax)
    labels = legend_labels(ax)
    assert labels[1].replace("\n", " ") == long  # wrapped, never cut
    assert max(len(line) for label in labels for line in label.split("\n")) <= 40
    crit = fake_criticality(net, points=True)
    crit["name"] = [f"{n} Central Railway Station Freight Terminal" for n in crit["name"]]
    ax = maps.plot_criticality(net, crit, top=3)
    assert legend_fits(ax)
    text = " ".join(label.replace("\n", " ") for label in legend_labels(ax))
    assert "…" not in text
    assert "Central Railway Station Freight Terminal" in text


def test_routes_sharing_links_are_drawn_side_by_side(net):
    found = corridors.route(net, "Changchun", "Busan")
    ax = maps.plot_route(net, [found, found], labels=None)
    colours = [mcolors.to_rgba(c) for c in maps.ROUTE_COLORS[:2]]
    lines = {}
    for collection in ax.collections:
        if isinstance(collection, LineCollection) and len(collection.get_colors()) == 1:
            colour = tuple(collection.get_colors()[0])
            if colour in colours and colour not in lines:
                lines[colour] = np.vstack(collection.get_segments())
    to_pt = 72.0 / ax.figure.dpi
    first, second = (ax.transData.transform(lines[c]) * to_pt for c in colours)
    other = shapely.LineString(second)
    gaps = [other.distance(shapely.Point(p)) for p in first]  # points, on the page
    expected = (4.2 + 3.4) / 2 + 1.0  # half of each line width plus a 1 pt gap
    assert np.median(gaps) == pytest.approx(expected, rel=0.1)


def test_plot_values_colours_places_with_a_colour_bar_clear_of_the_legend(net):
    values = pd.Series({"hunchun_park": 3.0, "zarubino_port": 9.0, "busan_port": np.nan})
    ax = maps.plot_values(net, values, label="test value (h)", cmap="viridis")
    bar = ax.corridors_colorbar
    assert bar.ax.get_xlabel() == "test value (h)"
    assert (bar.norm.vmin, bar.norm.vmax) == (3.0, 9.0)
    renderer = ax.figure.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    colour_bar = bar.ax.get_tightbbox(renderer)
    assert not legend.overlaps(colour_bar)
    assert colour_bar.x1 <= ax.figure.bbox.width
    assert "no value (1)" in legend_labels(ax)
    points = [c for c in ax.collections if len(c.get_offsets()) == 3][-1]  # drawn last
    faces = {tuple(np.round(f, 3)) for f in points.get_facecolors()}
    viridis = mpl.colormaps["viridis"]
    assert tuple(np.round(viridis(0.0), 3)) in faces
    assert tuple(np.round(viridis(1.0), 3)) in faces
    assert tuple(np.round(mcolors.to_rgba("#b5b5b5"), 3)) in faces
    texts = {t.get_text() for t in ax.texts}
    assert {"Zarubino 9", "Hunchun Park 3"} <= texts
    with pytest.raises(ValueError, match="place id or a link id"):
        maps.plot_values(net, pd.Series({"nowhere": 1.0}))
    with pytest.raises(ValueError, match="column"):
        maps.plot_values(net, pd.DataFrame({"a": [1.0]}, index=["busan_port"]))
    inside = maps.plot_values(net, net.links["time_h"], ax=maps.base_map(resolution="c"))
    assert inside.corridors_colorbar.ax in inside.child_axes


def test_plot_scenario_zooms_to_changes_and_labels_magnitudes(gtr):
    added = gtr.copy()
    added.add_link(
        {
            "id": "posyet_port-zarubino_port-road",
            "from": "posyet_port",
            "to": "zarubino_port",
            "mode": "road",
            "length_km": 40,
            "source": "test",
        }
    )
    ax = maps.plot_scenario(gtr, added, None, min_change=1e9)
    x0, x1 = ax.get_xlim()
    assert (x1 - x0) < 500_000  # metres: a few hundred km, not the whole region
    labels = [t.get_text() for t in ax.texts]
    time_h = added.links.loc["posyet_port-zarubino_port-road", "time_h"]
    assert f"new road: 40 km, {time_h:.1f} h" in labels
    slower = gtr.copy()
    slower.update_place("manzhouli_zabaikalsk", {"gauge_change_h": 48})
    ax = maps.plot_scenario(gtr, slower, None, min_change=1e9)
    default = gtr.params.border.gauge_change_h
    expected = f"Manzhouli-Zabaikalsk: gauge change {default:.1f} → 48.0 h"
    assert expected in [t.get_text() for t in ax.texts]
    assert "Place changed (1)" in legend_labels(ax)


def test_explore_has_legend_names_and_escapes_data(net, tmp_path):
    hostile = net.copy()
    name = '<img src=x onerror="alert(1)">Zarubino</script>'
    hostile.update_place("zarubino_port", {"name": name, "notes": name})
    path = tmp_path / "map.html"
    maps.explore(hostile, path=path, self_contained=True)
    html = path.read_text(encoding="utf-8")
    assert name not in html
    assert "&lt;img src=x onerror=" in html.replace("\\u0026", "&").replace("\\u003c", "<")
    assert 'id="corridors-legend"' in html
    assert html.count("corridors-label corridors-label-") == (
        hostile.places["kind"].isin(["city", "port", "border"]).sum()
    )
    assert "Place names" in html
    none = maps.explore(net, labels=None, legend=False).get_root().render()
    assert "corridors-label corridors-label-" not in none
    assert 'id="corridors-legend"' not in none
    with pytest.raises(ValueError, match="labels"):
        maps.explore(net, labels="everything")
