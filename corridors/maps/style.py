"""Map styles shared by every map: basemap colours, mode and status line styles, place markers.

One style (:data:`MODE_STYLE`, :data:`STATUS_STYLE`, :data:`KIND_STYLE`,
:data:`BASEMAP_STYLE`) is used by the network map and every overlay, so overlays
match the network map; the palettes :data:`ROUTE_COLORS`, :data:`PORT_COLORS` and
:data:`CHANGE_STYLE` colour routes, port catchments and scenario or closure changes.
Line widths are in points, marker sizes in pt².
"""

from __future__ import annotations

from typing import Any

import matplotlib.colors as mcolors
import numpy as np
from matplotlib import patheffects
from matplotlib.font_manager import FontProperties
from matplotlib.path import Path as MplPath
from matplotlib.textpath import TextPath

BASEMAP_STYLE: dict[str, Any] = {
    "sea": "#dce9f2",
    "land": "#f3f0e8",
    "coast": "#8fa9bf",
    "coast_width": 0.45,
    "lake": "#dce9f2",
    "border": "#6e6e6e",
    "border_width": 0.8,
    "border_style": (0, (5, 1.5, 1, 1.5)),
    "graticule": "#9fb2c2",
    "graticule_width": 0.35,
    "text": "#333333",
    "muted": "#6b6b6b",
    "font_size": 8.0,
}
"""Basemap colours: sea (background), land, coast outline, lakes, country borders
(dash-dot line), graticule, and text colours (main, muted) with the base font size (pt)."""


MODE_STYLE: dict[str, dict[str, Any]] = {
    "rail": {
        "label": "Rail",
        "color": "#7f1d1d",
        "linestyle": "-",
        "linewidth": 2.4,
        "overlay": {"color": "white", "linestyle": (0, (3, 3)), "linewidth": 1.0},
        "zorder": 3.4,
    },
    "road": {
        "label": "Road",
        "color": "#e08a00",
        "linestyle": "-",
        "linewidth": 1.6,
        "overlay": None,
        "zorder": 3.3,
    },
    "sea": {
        "label": "Sea lane",
        "color": "#1d5fa6",
        "linestyle": (0, (6, 3)),
        "linewidth": 1.3,
        "overlay": None,
        "zorder": 3.1,
    },
    "air": {
        "label": "Air",
        "color": "#7d5aa8",
        "linestyle": (0, (1, 2)),
        "linewidth": 1.1,
        "overlay": None,
        "zorder": 3.2,
    },
}
"""Line style per mode of an existing link: legend ``label``, ``color``, ``linestyle``,
``linewidth`` (pt), an optional ``overlay`` line drawn on top (rail: white dashes,
the usual railway symbol) and ``zorder``. Rail is solid with white ticks, road solid,
sea dashed, air dotted."""


STATUS_STYLE: dict[str, dict[str, Any]] = {
    "existing": {"label": "Existing", "lighten": 0.0, "linestyle": None},
    "planned": {"label": "Planned", "lighten": 0.5, "linestyle": (0, (3, 2))},
    "suspended": {"label": "Suspended / closed", "lighten": 0.55, "linestyle": (0, (1, 1.5))},
}
"""How a link's status changes its mode style: ``lighten`` (0 = mode colour, 1 = white)
and the ``linestyle`` that replaces the mode's (None keeps it). Planned links are
lighter and dashed, suspended or closed ones lighter and dotted; neither gets the rail
overlay."""


def _glyph_marker(char: str) -> MplPath:
    """Return a marker path of one DejaVu Sans glyph, centred on the origin."""
    path = TextPath((0, 0), char, size=1, prop=FontProperties(family="DejaVu Sans"))
    (x0, y0), (x1, y1) = path.get_extents().get_points()
    vertices = path.vertices - [(x0 + x1) / 2, (y0 + y1) / 2]
    return MplPath(vertices, path.codes)


KIND_STYLE: dict[str, dict[str, Any]] = {
    "city": {"label": "City", "marker": "o", "color": "#222222", "size": 34, "edge": "white"},
    "port": {
        "label": "Port",
        "marker": "o",
        "color": "#1d5fa6",
        "size": 95,
        "edge": "white",
        "glyph": _glyph_marker("⚓"),
    },
    "border": {
        "label": "Border crossing",
        "marker": "D",
        "color": "#f2b705",
        "size": 42,
        "edge": "#3a3a3a",
    },
    "park": {
        "label": "Industrial park / zone",
        "marker": "s",
        "color": "#2e8540",
        "size": 32,
        "edge": "white",
    },
    "terminal": {
        "label": "Inland terminal",
        "marker": "^",
        "color": "#8c510a",
        "size": 44,
        "edge": "white",
    },
    "airport": {
        "label": "Airport",
        "marker": "o",
        "color": "#6a3d9a",
        "size": 95,
        "edge": "white",
        "glyph": _glyph_marker("✈"),
    },
}
"""Marker per kind of place: legend ``label``, matplotlib ``marker``, fill ``color``,
``size`` (scatter area, pt²), ``edge`` colour, and an optional white ``glyph`` drawn
on the marker (ports: an anchor on a blue disc; airports: a plane on a purple disc).
Planned or suspended places are drawn half transparent."""


GLYPH_SCALE = 0.45
"""Area of a place's white glyph relative to its marker."""


_LABEL_STYLE: dict[str, dict[str, Any]] = {
    "city": {"fontsize": 8.5, "fontweight": "bold", "color": "#1a1a1a", "fontstyle": "normal"},
    "port": {"fontsize": 8.0, "fontweight": "normal", "color": "#12406f", "fontstyle": "italic"},
    "border": {"fontsize": 7.5, "fontweight": "normal", "color": "#3a3a3a", "fontstyle": "normal"},
    "park": {"fontsize": 7.0, "fontweight": "normal", "color": "#1f5e2c", "fontstyle": "normal"},
    "terminal": {
        "fontsize": 7.0,
        "fontweight": "normal",
        "color": "#5e3706",
        "fontstyle": "normal",
    },
    "airport": {
        "fontsize": 7.0,
        "fontweight": "normal",
        "color": "#4a2a6b",
        "fontstyle": "normal",
    },
}


_MODE_ORDER = ("sea", "air", "road", "rail")  # drawing order, bottom to top


_PLACE_DRAW_ORDER = ("park", "terminal", "airport", "border", "port", "city")  # bottom to top


ROUTE_COLORS: tuple[str, ...] = (
    "#d7191c",
    "#1a9641",
    "#7b3294",
    "#0571b0",
    "#e66101",
    "#008080",
    "#c51b7d",
    "#4d4d4d",
    "#8c510a",
    "#00b4d8",
    "#9a9a00",
    "#f768a1",
)
"""Colours of routes drawn by :func:`plot_route`, in order (best route first): twelve
distinct hues (red, green, purple, blue, orange, teal, magenta, grey, brown, sky,
olive, pink) before any repeats."""


CHANGE_STYLE: dict[str, dict[str, Any]] = {
    "new": {"label": "New link", "color": "#c51b7d", "linewidth": 3.6},
    "upgraded": {"label": "Upgraded link", "color": "#1a9641", "linewidth": 3.6},
    "closed": {"label": "Closed", "color": "#d7191c", "linewidth": 2.6},
    "more": {"label": "More traffic", "color": "#d7191c"},
    "less": {"label": "Less traffic", "color": "#2c7bb6"},
    "better": {"label": "Better", "color": "#1a9641"},
    "worse": {"label": "Worse", "color": "#d7191c"},
}
"""Colours (and widths, pt) of what scenario, closure and impact maps highlight."""


PORT_COLORS: tuple[str, ...] = (
    "#1f78b4",
    "#e31a1c",
    "#33a02c",
    "#ff7f00",
    "#6a3d9a",
    "#b15928",
    "#a6cee3",
    "#fb9a99",
    "#b2df8a",
    "#fdbf6f",
    "#cab2d6",
    "#01665e",
    "#8c510a",
    "#c51b7d",
    "#4d9221",
    "#5e3c99",
)
"""Catchment colours of :func:`plot_hinterlands`, one per port (largest catchment first)."""


_CONTEXT_LIGHTEN = 0.62


def _lighten(color: str, amount: float) -> tuple[float, float, float]:
    rgb = np.array(mcolors.to_rgb(color))
    return tuple(rgb + (1.0 - rgb) * amount)  # type: ignore[return-value]


def _halo(width: float = 2.5) -> list[patheffects.AbstractPathEffect]:
    return [patheffects.withStroke(linewidth=width, foreground="white", alpha=0.9)]
