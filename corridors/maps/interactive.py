"""Interactive maps (:func:`explore`): folium (Leaflet) maps without web tiles.

The basemap is drawn from the offline coastlines of :mod:`corridors.basemap`; with
``self_contained=True`` the Leaflet library is inlined from the ``xstatic-leaflet``
package so the HTML works offline. Every text that comes from the data (ids, names,
notes, sources) is HTML-escaped before it reaches the page: Leaflet tooltips and
popups insert their content as HTML.
"""

from __future__ import annotations

import base64
import html
import os
import re
from collections.abc import Iterable, Sequence
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


def _text(value: Any) -> str:
    """Return a cell as HTML-escaped text ("" for missing values)."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def _popup_frame(frame: gpd.GeoDataFrame, fields: Sequence[str]) -> gpd.GeoDataFrame:
    """Return the id, the given fields (when present) as escaped text, and the geometry.

    Parameters
    ----------
    frame
        Places or links.
    fields
        The columns to keep (those missing are skipped).

    Returns
    -------
    geopandas.GeoDataFrame
        In EPSG:4326; every value a string, HTML-escaped (floats rounded to 0.1),
        since Leaflet popups and tooltips insert them as HTML.
    """
    columns = [c for c in fields if c in frame.columns]
    out = frame[columns].copy()
    for column in columns:
        values = out[column]
        if pd.api.types.is_float_dtype(values):
            values = values.round(1)
        out[column] = values.map(_text)
    out.insert(0, "id", [_text(i) for i in frame.index])
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


_LABEL_KINDS = ("city", "port", "border")  # labelled by default, in this priority


_PAGE_CSS = """
.leaflet-container.leaflet-container {{background: {sea};}}
.corridors-label {{display: inline-block; white-space: nowrap; font: 11px/1.2 "DejaVu Sans",
  Arial, sans-serif; color: #1a1a1a; text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff;
  pointer-events: none;}}
.corridors-label-port {{color: #12406f; font-style: italic;}}
.corridors-label-border {{color: #3a3a3a; font-size: 10px;}}
.corridors-label-city {{font-weight: bold;}}
.corridors-legend {{position: absolute; left: 10px; bottom: 64px; z-index: 1000;
  background: rgba(255, 255, 255, 0.92); border: 1px solid #bbb; border-radius: 4px;
  padding: 6px 9px; font: 12px/1.35 "DejaVu Sans", Arial, sans-serif; color: #222;}}
.corridors-legend b {{display: block; margin-top: 3px;}}
.corridors-legend svg {{vertical-align: middle; margin-right: 5px;}}
"""


def _dash(mode: str, status: str) -> str:
    """Return the SVG/Leaflet dash pattern of a link of this mode and status."""
    if status != "existing":
        return "6 5" if status == "planned" else "2 4"
    return {"sea": "8 5", "air": "2 5"}.get(mode, "")


def _legend_html(links: pd.DataFrame, places: pd.DataFrame) -> str:
    """Return the legend box: link modes and statuses drawn, kinds of place drawn."""
    rows = ["<b>Links</b>"]
    statuses = set(links["draw_status"])
    for mode in [m for m in MODES if (links["mode"] == m).any()]:
        style = MODE_STYLE[mode]
        rows.append(
            _legend_line(style["color"], style["linewidth"] + 1, _dash(mode, "existing"))
            + html.escape(style["label"])
        )
    for status in ("planned", "suspended"):
        if status in statuses:
            color = mcolors.to_hex(_lighten("#333333", STATUS_STYLE[status]["lighten"]))
            rows.append(
                _legend_line(color, 2.5, _dash("road", status))
                + html.escape(STATUS_STYLE[status]["label"])
            )
    kinds = [k for k in KIND_STYLE if (places["kind"] == k).any()]
    if kinds:
        rows.append("<b>Places</b>")
    for kind in kinds:
        color = KIND_STYLE[kind]["color"]
        swatch = (
            '<svg width="28" height="14"><circle cx="14" cy="7" r="6" '
            f'fill="{color}" stroke="white" stroke-width="1.5"/></svg>'
        )
        rows.append(swatch + html.escape(KIND_STYLE[kind]["label"]))
    body = "".join(r if r.startswith("<b>") else f"<div>{r}</div>" for r in rows)
    return f'<div class="corridors-legend" id="corridors-legend">{body}</div>'


def _legend_line(color: str, width: float, dash: str) -> str:
    """Return an SVG line sample for the legend."""
    return (
        f'<svg width="28" height="10"><line x1="1" y1="5" x2="27" y2="5" stroke="{color}" '
        f'stroke-width="{width:g}" stroke-dasharray="{dash}"/></svg>'
    )


def _label_candidates(
    net: Network, places: gpd.GeoDataFrame, labels: str | Iterable[str] | None
) -> gpd.GeoDataFrame:
    """Return the places to label, most important first (kind, then degree)."""
    if labels is None:
        return places.iloc[0:0]
    if isinstance(labels, str):
        if labels != "auto":
            msg = f"labels = {labels!r}; expected 'auto', None, or a list of place ids or names"
            raise ValueError(msg)
        chosen = places[places["kind"].isin(_LABEL_KINDS)]
    else:
        chosen = places.loc[[net.resolve(name) for name in labels]]
    degree = pd.Series(dict(net.graph.degree(chosen.index)), dtype=float)
    order = pd.DataFrame(
        {
            "rank": chosen["kind"].map({k: i for i, k in enumerate(_LABEL_KINDS)}).fillna(9),
            "degree": -degree.reindex(chosen.index).fillna(0),
            "name": chosen["name"].astype(str),
        },
        index=chosen.index,
    )
    return chosen.loc[order.sort_values(["rank", "degree", "name"]).index]


def _label_layer(chosen: gpd.GeoDataFrame) -> folium.FeatureGroup:
    """Return a layer of place names (escaped), in priority order for decluttering."""
    import folium

    group = folium.FeatureGroup(name="Place names", show=True)
    points = chosen.geometry.to_crs("EPSG:4326")
    for place_id, point in points.items():
        kind = _text(chosen.at[place_id, "kind"])
        name = _text(chosen.at[place_id, "name"])
        icon = folium.DivIcon(
            html=f'<div class="corridors-label corridors-label-{kind}">{name}</div>',
            icon_size=(0, 0),
            icon_anchor=(-8, 7),
            class_name="corridors-label-icon",
        )
        folium.Marker([point.y, point.x], icon=icon, interactive=False).add_to(group)
    return group


_DECLUTTER_JS = """
(function (map, names) {
    function declutter() {
        var taken = [];
        names.eachLayer(function (marker) {
            var el = marker.getElement();
            if (!el || !el.firstChild) { return; }
            var label = el.firstChild, at = map.latLngToContainerPoint(marker.getLatLng());
            var r = {left: at.x + 8, top: at.y - 7};
            r.right = r.left + label.offsetWidth;
            r.bottom = r.top + label.offsetHeight;
            var hit = taken.some(function (t) {
                return r.left < t.right && r.right > t.left &&
                    r.top < t.bottom && r.bottom > t.top;
            });
            label.style.visibility = hit ? "hidden" : "visible";
            if (!hit) { taken.push(r); }
        });
    }
    map.on("zoomend moveend overlayadd resize", declutter);
    map.whenReady(declutter);
    window.addEventListener("load", declutter);
})(MAP, NAMES);
"""  # hides place names overlapping a more important one (labels come in priority order)


def _declutter(m: folium.Map, names: folium.FeatureGroup) -> folium.MacroElement:
    """Return the element running :data:`_DECLUTTER_JS` on `m`; add it to `m` last."""
    import folium
    from folium.template import Template

    element = folium.MacroElement()
    script = _DECLUTTER_JS.replace("MAP", m.get_name()).replace("NAMES", names.get_name())
    element._template = Template(f"{{% macro script(this, kwargs) %}}{script}{{% endmacro %}}")
    return element


def explore(
    net: Network,
    *,
    path: str | os.PathLike[str] | None = None,
    self_contained: bool = False,
    labels: str | Iterable[str] | None = "auto",
    legend: bool = True,
) -> folium.Map:
    """Return an interactive Leaflet map of a network (one layer per mode, km in popups).

    The map has no web tiles: coastlines and borders are drawn from the offline
    basemap. Links form one layer per mode and places one layer per kind, with place
    names on a layer of their own, all listed in a layer control; a legend explains
    the line styles and markers. Names that would overlap a more important one are
    hidden until zoomed in. Clicking a link or place shows its attributes (lengths in
    km, times in hours, costs in USD per TEU); every text from the data is
    HTML-escaped.

    Parameters
    ----------
    net
        The network.
    path
        If given, also write the map to this HTML file (atomically).
    self_contained
        Inline Leaflet (from the xstatic-leaflet package) instead of linking CDN
        scripts and stylesheets, so the map, in a notebook or saved, works offline.
    labels
        ``"auto"``: names of cities, ports and border crossings; None: no names; or
        place ids / names to label.
    legend
        Draw the legend box (bottom left).

    Returns
    -------
    folium.Map
        Displays itself in Jupyter.

    Raises
    ------
    ImportError
        If `self_contained` is set and xstatic-leaflet is not installed.
    ValueError
        For another `labels` string.

    Examples
    --------
    >>> import corridors
    >>> from corridors import maps
    >>> m = maps.explore(corridors.load_gtr(), self_contained=True)
    >>> html = m.get_root().render()
    >>> "corridors-legend" in html and "Place names" in html and "cdn" not in html
    True
    """
    import folium

    links = net.links.copy()
    links["draw_status"] = _link_status(links)
    places = net.places
    chosen = _label_candidates(net, places, labels)
    bounds = shapely.total_bounds(
        np.concatenate([links.geometry.to_numpy(), places.geometry.to_numpy()])
    )
    m = folium.Map(tiles=None, control_scale=True, prefer_canvas=False)
    m.get_root().header.add_child(
        folium.Element(f"<style>{_PAGE_CSS.format(sea=BASEMAP_STYLE['sea'])}</style>"),
        name="corridors_css",
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
    names = _label_layer(chosen).add_to(m) if len(chosen) else None
    if legend:
        m.get_root().html.add_child(folium.Element(_legend_html(links, places)))
    folium.LayerControl(collapsed=False).add_to(m)
    lon_min, lon_max, lat_min, lat_max = _fit_extent(places)  # far ends (Moscow) off view
    m.fit_bounds([[lat_min, lon_min], [lat_max, lon_max]])
    if names is not None:
        _declutter(m, names).add_to(m)
    if self_contained:
        _inline_leaflet(m)
    if path is not None:
        html_text = m.get_root().render()
        with atomic_path(path) as temp:
            temp.write_text(html_text, encoding="utf-8")
    return m
