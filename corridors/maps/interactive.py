"""Interactive maps (:func:`explore`): folium (Leaflet) maps without web tiles.

The basemap is drawn from the offline coastlines of :mod:`corridors.basemap`; with
``self_contained=True`` the Leaflet library is inlined from the ``xstatic-leaflet``
package so the HTML works offline.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import shapely

from corridors import basemap
from corridors.costs import MODES
from corridors.io import atomic_path
from corridors.maps.frame import _basemap_bbox
from corridors.maps.network_map import _link_status
from corridors.maps.projection import _fit_extent
from corridors.maps.style import BASEMAP_STYLE, KIND_STYLE, MODE_STYLE, STATUS_STYLE, _lighten

if TYPE_CHECKING:
    import folium

    from corridors.network import Network


_POPUP_LINK_FIELDS = (
    "from",
    "to",
    "mode",
    "status",
    "length_km",
    "time_h",
    "cost_usd_teu",
    "gauge_mm",
    "corridors",
    "capacity",
    "capacity_unit",
    "source",
    "confidence",
    "notes",
)


_POPUP_PLACE_FIELDS = (
    "name",
    "kind",
    "country",
    "modes",
    "status",
    "countries",
    "dwell_road_h",
    "dwell_rail_h",
    "gauge_break",
    "port_type",
    "throughput",
    "throughput_unit",
    "regime",
    "industries",
    "area_km2",
    "source",
    "confidence",
    "notes",
)


_LAYER_NAMES = {
    "rail": "Rail links",
    "road": "Road links",
    "sea": "Sea lanes",
    "air": "Air links",
    "city": "Cities",
    "port": "Ports",
    "border": "Border crossings",
    "park": "Industrial parks / zones",
    "terminal": "Inland terminals",
    "airport": "Airports",
}


def _popup_frame(frame: gpd.GeoDataFrame, fields: Sequence[str]) -> gpd.GeoDataFrame:
    """Return the id, the given fields (when present) as JSON-safe text, and the geometry."""
    columns = [c for c in fields if c in frame.columns]
    out = frame[columns].copy()
    for column in columns:
        values = out[column]
        if pd.api.types.is_float_dtype(values):
            values = values.round(1)
        out[column] = values.map(lambda v: "" if v is None or v is pd.NA or v != v else str(v))
    out.insert(0, "id", frame.index.astype(str))
    return gpd.GeoDataFrame(out, geometry=frame.geometry.to_crs("EPSG:4326"), crs="EPSG:4326")


def _link_style(feature: dict[str, Any]) -> dict[str, Any]:
    props = feature["properties"]
    style = MODE_STYLE.get(props["mode"], MODE_STYLE["road"])
    status = STATUS_STYLE.get(props.get("draw_status", "existing"), STATUS_STYLE["existing"])
    dash = {"sea": "8 5", "air": "2 5"}.get(props["mode"])
    if props.get("draw_status", "existing") != "existing":
        dash = "6 5" if props["draw_status"] == "planned" else "2 4"
    return {
        "color": mcolors.to_hex(_lighten(style["color"], status["lighten"])),
        "weight": style["linewidth"] + 1,
        "dashArray": dash,
        "opacity": 0.95,
    }


def _basemap_layer(bounds: tuple[float, ...]) -> folium.FeatureGroup:
    import folium

    frame_ll = (bounds[0] - 8, bounds[1] - 6, bounds[2] + 8, bounds[3] + 6)
    bbox = _basemap_bbox(tuple(float(b) for b in frame_ll))  # type: ignore[arg-type]
    land = basemap.land(bbox, resolution="l")
    land["geometry"] = land.geometry.simplify(0.01)
    group = folium.FeatureGroup(name="Coastlines and borders", control=True)
    folium.GeoJson(
        land[["geometry"]],
        style_function=lambda _: {
            "fillColor": BASEMAP_STYLE["land"],
            "fillOpacity": 1.0,
            "color": BASEMAP_STYLE["coast"],
            "weight": 0.8,
        },
        interactive=False,
    ).add_to(group)
    folium.GeoJson(
        basemap.borders(bbox, resolution="l")[["geometry"]],
        style_function=lambda _: {
            "color": BASEMAP_STYLE["border"],
            "weight": 1.2,
            "dashArray": "6 3 2 3",
        },
        interactive=False,
    ).add_to(group)
    return group


def _inline_leaflet(m: folium.Map) -> None:
    """Replace the Map's CDN scripts and stylesheets by an inlined Leaflet."""
    import branca.element

    try:
        import xstatic.pkg.leaflet as xleaflet
    except ImportError as exc:
        msg = (
            "self_contained=True needs the xstatic-leaflet package "
            "(pip install xstatic-leaflet), which ships Leaflet's JS and CSS"
        )
        raise ImportError(msg) from exc
    folder = Path(xleaflet.BASE_DIR)
    js = (folder / "leaflet.js").read_text(encoding="utf-8")
    css = (folder / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(match: re.Match[str]) -> str:
        image = folder / match.group(1)
        encoded = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{encoded})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, css)
    m.default_js = []
    m.default_css = []
    header = m.get_root().header
    header.add_child(branca.element.Element(f"<style>{css}</style>"), name="leaflet_css")
    script = js.replace("</script", "<\\/script")
    header.add_child(branca.element.Element(f"<script>{script}</script>"), name="leaflet_js")


def explore(
    net: Network,
    *,
    path: str | os.PathLike[str] | None = None,
    self_contained: bool = False,
) -> folium.Map:
    """Return an interactive Leaflet map of a network (one layer per mode, km in popups).

    The map has no web tiles: coastlines and borders are drawn from the offline
    basemap. Links form one layer per mode and places one layer per kind, listed in
    a layer control; clicking a link or place shows its attributes (lengths in km,
    times in hours, costs in USD per TEU).

    Parameters
    ----------
    net
        The network.
    path
        If given, also write the map to this HTML file (atomically).
    self_contained
        Inline Leaflet (from the xstatic-leaflet package) instead of linking CDN
        scripts and stylesheets, so the map, in a notebook or saved, works offline.

    Returns
    -------
    folium.Map

    Raises
    ------
    ImportError
        If `self_contained` is set and xstatic-leaflet is not installed.
    """
    import folium

    links = net.links.copy()
    links["draw_status"] = _link_status(links)
    places = net.places
    bounds = shapely.total_bounds(
        np.concatenate([links.geometry.to_numpy(), places.geometry.to_numpy()])
    )
    m = folium.Map(tiles=None, control_scale=True, prefer_canvas=False)
    m.get_root().header.add_child(
        folium.Element(
            f"<style>.leaflet-container.leaflet-container {{background: {BASEMAP_STYLE['sea']};}}"
            "</style>"
        ),
        name="sea_colour",
    )
    _basemap_layer(tuple(bounds)).add_to(m)
    for mode in MODES:
        subset = links[links["mode"] == mode]
        if subset.empty:
            continue
        frame = _popup_frame(subset, (*_POPUP_LINK_FIELDS, "draw_status"))
        group = folium.FeatureGroup(name=_LAYER_NAMES[mode], show=True)
        fields = [c for c in frame.columns if c not in ("geometry", "draw_status")]
        folium.GeoJson(
            frame,
            style_function=_link_style,
            highlight_function=lambda _: {"weight": 6, "opacity": 1.0},
            popup=folium.GeoJsonPopup(fields=fields, localize=False),
            tooltip=folium.GeoJsonTooltip(fields=["id"], labels=False),
        ).add_to(group)
        group.add_to(m)
    for kind, style in KIND_STYLE.items():
        subset = places[places["kind"] == kind]
        if subset.empty:
            continue
        frame = _popup_frame(subset, _POPUP_PLACE_FIELDS)
        group = folium.FeatureGroup(name=_LAYER_NAMES[kind], show=True)
        folium.GeoJson(
            frame,
            marker=folium.CircleMarker(radius=6, fill=True, fill_opacity=0.95, weight=1.5),
            style_function=lambda _, c=style["color"]: {"fillColor": c, "color": "white"},
            popup=folium.GeoJsonPopup(fields=[c for c in frame.columns if c != "geometry"]),
            tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
        ).add_to(group)
        group.add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    lon_min, lon_max, lat_min, lat_max = _fit_extent(places)  # far ends (Moscow) off view
    m.fit_bounds([[lat_min, lon_min], [lat_max, lon_max]])
    if self_contained:
        _inline_leaflet(m)
    if path is not None:
        html = m.get_root().render()
        with atomic_path(path) as temp:
            temp.write_text(html, encoding="utf-8")
    return m
