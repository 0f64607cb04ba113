"""Maps of corridor networks: static maps on an offline basemap, interactive HTML maps.

Static maps use matplotlib (any backend, Agg included) in a Lambert conformal conic
projection centred on Northeast Asia (:data:`MAP_CRS`), drawn over the GSHHG
coastlines and borders of :mod:`corridors.basemap`, so they need no network access.
One style (:data:`MODE_STYLE`, :data:`STATUS_STYLE`, :data:`KIND_STYLE`,
:data:`BASEMAP_STYLE`) is shared by every map, so overlays drawn later (routes,
isochrones, hinterlands, criticality) match the network map.

Typical use::

    import corridors
    from corridors import maps

    net = corridors.load_gtr()
    ax = maps.plot_network(net, title="Greater Tumen corridors")
    maps.save(ax, "gtr.png")
    maps.explore(net, path="gtr.html", self_contained=True)

Interactive maps are folium maps (Leaflet) without web tiles; the basemap is drawn
from the same offline coastlines. With ``self_contained=True`` the Leaflet library
is inlined from the `xstatic-leaflet` package so the HTML works offline.

The modules, each importing only those above it:

- :mod:`~corridors.maps.style`: colours, line styles, markers and palettes;
- :mod:`~corridors.maps.projection`: :data:`MAP_CRS`, :func:`to_map_crs` and extents;
- :mod:`~corridors.maps.figure`: new figures, drawing primitives, :func:`save`;
- :mod:`~corridors.maps.frame`: the basemap frame, :func:`base_map`;
- :mod:`~corridors.maps.legend` and :mod:`~corridors.maps.labels`: legends and
  place labels;
- :mod:`~corridors.maps.network_map`: :func:`plot_network`;
- :mod:`~corridors.maps.overlay`: what every overlay shares;
- one module per overlay family: :mod:`~corridors.maps.routes` (:func:`plot_route`),
  :mod:`~corridors.maps.reach` (:func:`plot_isochrones`, :func:`plot_hinterlands`),
  :mod:`~corridors.maps.resilience` (:func:`plot_criticality`,
  :func:`plot_closure_impact`, :func:`plot_failure_curves`) and
  :mod:`~corridors.maps.scenario` (:func:`link_changes`, :func:`plot_scenario`);
- :mod:`~corridors.maps.flows` (:func:`plot_flows`: equilibrium volumes and v/c);
- :mod:`~corridors.maps.observed`: :func:`plot_observed`, model against observed trips;
- :mod:`~corridors.maps.values`: :func:`plot_values`, places or links coloured by a
  number with a colour bar;
- :mod:`~corridors.maps.interactive`: folium maps, :func:`explore`.

Every static map is drawn on a :class:`~corridors.maps.figure.MapFigure`, which
Jupyter displays inline as a PNG (``ax`` or ``ax.figure`` as a cell's value), with any
backend and without ``%matplotlib inline``.
"""

from corridors.maps.figure import save
from corridors.maps.flows import plot_flows
from corridors.maps.frame import SOURCE_NOTE, base_map
from corridors.maps.interactive import explore
from corridors.maps.network_map import plot_network
from corridors.maps.observed import plot_observed
from corridors.maps.projection import GTR_EXTENT, MAP_CRS, to_map_crs
from corridors.maps.reach import plot_hinterlands, plot_isochrones
from corridors.maps.resilience import (
    _impact_order as _impact_order,  # compatibility: corridors.report ranks with it
)
from corridors.maps.resilience import (
    plot_closure_impact,
    plot_criticality,
    plot_failure_curves,
)
from corridors.maps.routes import plot_route
from corridors.maps.scenario import link_changes, plot_scenario
from corridors.maps.style import (
    BASEMAP_STYLE,
    CHANGE_STYLE,
    GLYPH_SCALE,
    KIND_STYLE,
    MODE_STYLE,
    PORT_COLORS,
    ROUTE_COLORS,
    STATUS_STYLE,
)
from corridors.maps.values import plot_values

__all__ = [
    "BASEMAP_STYLE",
    "CHANGE_STYLE",
    "GLYPH_SCALE",
    "GTR_EXTENT",
    "KIND_STYLE",
    "MAP_CRS",
    "MODE_STYLE",
    "PORT_COLORS",
    "ROUTE_COLORS",
    "SOURCE_NOTE",
    "STATUS_STYLE",
    "base_map",
    "explore",
    "link_changes",
    "plot_closure_impact",
    "plot_criticality",
    "plot_failure_curves",
    "plot_flows",
    "plot_hinterlands",
    "plot_isochrones",
    "plot_network",
    "plot_observed",
    "plot_route",
    "plot_scenario",
    "plot_values",
    "save",
    "to_map_crs",
]
