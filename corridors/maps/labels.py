"""Place labels: which places to label and where (greedy placement in display space).

Each label tries eight positions around its place and is dropped if every one
overlaps another label, a place marker, the legend, the scale bar or the frame.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.transforms import offset_copy

from corridors.maps.figure import _MAPS, _MapInfo
from corridors.maps.projection import to_map_crs
from corridors.maps.style import _LABEL_STYLE, KIND_STYLE, _halo

if TYPE_CHECKING:
    from matplotlib.backend_bases import RendererBase

    from corridors.network import Network


_LABEL_PRIORITY = ("city", "port", "border", "terminal", "park", "airport")


_AUTO_LABEL_KINDS = ("city", "port", "border")


def _label_candidates(
    net: Network, places: gpd.GeoDataFrame, labels: str | Iterable[str] | None
) -> gpd.GeoDataFrame:
    if labels is None or len(places) == 0:
        return places.iloc[0:0]
    if isinstance(labels, str) and labels in ("auto", "all"):
        kinds = _AUTO_LABEL_KINDS if labels == "auto" else _LABEL_PRIORITY
        chosen = places[places["kind"].isin(kinds)].copy()
    elif isinstance(labels, str):
        msg = f"labels = {labels!r}; expected 'auto', 'all', None, or a list of place ids or names"
        raise ValueError(msg)
    else:
        ids = [net.resolve(name) for name in labels]
        chosen = places[places.index.isin(ids)].copy()
    degree = pd.Series(dict(net.graph.degree(chosen.index)), dtype=float)
    chosen["_rank"] = chosen["kind"].map({k: i for i, k in enumerate(_LABEL_PRIORITY)})
    chosen["_degree"] = degree.reindex(chosen.index).fillna(0)
    chosen["_throughput"] = chosen["throughput"].fillna(0) if "throughput" in chosen else 0
    return chosen.sort_values(
        ["_rank", "_degree", "_throughput", "name"], ascending=[True, False, False, True]
    )


def _renderer(ax: Axes) -> RendererBase:
    canvas = ax.figure.canvas
    if hasattr(canvas, "get_renderer"):
        return canvas.get_renderer()
    return ax.figure._get_renderer()  # type: ignore[attr-defined]


def _overlaps(box: np.ndarray, boxes: np.ndarray) -> bool:
    if len(boxes) == 0:
        return False
    return bool(
        np.any(
            (box[0] < boxes[:, 2])
            & (box[2] > boxes[:, 0])
            & (box[1] < boxes[:, 3])
            & (box[3] > boxes[:, 1])
        )
    )


def _marker_boxes(ax: Axes, info: _MapInfo) -> tuple[np.ndarray, np.ndarray]:
    """Display-space boxes around every place marker, and their centres."""
    scale = ax.figure.dpi / 72.0
    boxes, centres = [], []
    for xy, size in info.markers:
        pix = ax.transData.transform(xy)
        r = math.sqrt(size) / 2 * scale
        boxes.append(np.column_stack([pix - r, pix + r]))
        centres.append(pix)
    if not boxes:
        return np.empty((0, 4)), np.empty((0, 2))
    return np.vstack(boxes), np.vstack(centres)


_OFFSETS = (  # direction (dx, dy), horizontal and vertical alignment
    ((1, 0), "left", "center"),
    ((-1, 0), "right", "center"),
    ((0, 1), "center", "bottom"),
    ((0, -1), "center", "top"),
    ((0.75, 0.75), "left", "bottom"),
    ((0.75, -0.75), "left", "top"),
    ((-0.75, 0.75), "right", "bottom"),
    ((-0.75, -0.75), "right", "top"),
)


def _positions(far: bool) -> list[tuple[float, tuple]]:
    """Label positions to try, nearest first: (distance multiplier, offset entry)."""
    return [
        (reach, offset) for reach in ((1.0, 2.2, 3.5) if far else (1.0,)) for offset in _OFFSETS
    ]


def _place_labels(ax: Axes, candidates: gpd.GeoDataFrame, info: _MapInfo) -> list[str]:
    """Greedy label placement in display space; return the ids labelled.

    `candidates` has ``name`` (the text), ``kind`` (its style) and point geometry,
    most important first; an optional ``_marker`` column gives the area (pt²) of
    the marker each label keeps clear of (default: the kind's marker), and an
    optional ``_far`` column lets a label move up to 3.5 times farther out when the
    eight positions next to its point are taken (labels of links rather than places).
    """
    renderer = _renderer(ax)
    frame = ax.get_window_extent(renderer)
    frame_box = np.array([frame.x0, frame.y0, frame.x1, frame.y1])
    markers, centres = _marker_boxes(ax, info)
    taken = [np.asarray(a.get_window_extent(renderer).extents) for a in info.obstacles]
    placed: list[str] = []
    projected = to_map_crs(candidates.geometry)
    pad = 1.5 * ax.figure.dpi / 72.0
    margin = np.array([-pad, -pad, pad, pad])
    for place_id, point in projected.items():
        kind = candidates.at[place_id, "kind"]
        style = _LABEL_STYLE.get(kind, _LABEL_STYLE["city"])
        centre = ax.transData.transform((point.x, point.y))
        own = np.all(np.isclose(centres, centre), axis=1)
        others = markers[~own]
        size = candidates.at[place_id, "_marker"] if "_marker" in candidates else None
        gap = math.sqrt(size if size else KIND_STYLE[kind]["size"]) / 2 + 2.5
        text = ax.text(
            point.x,
            point.y,
            str(candidates.at[place_id, "name"]),
            zorder=5,
            path_effects=_halo(),
            clip_on=False,
            **style,
        )
        far = "_far" in candidates and bool(candidates.at[place_id, "_far"])
        for reach, ((dx, dy), ha, va) in _positions(far):
            text.set_transform(
                offset_copy(
                    ax.transData,
                    fig=ax.figure,
                    x=dx * gap * reach,
                    y=dy * gap * reach,
                    units="points",
                )
            )
            text.set_ha(ha)
            text.set_va(va)
            box = np.asarray(text.get_window_extent(renderer).extents) + margin
            inside = (box[:2] >= frame_box[:2]).all() and (box[2:] <= frame_box[2:]).all()
            if inside and not _overlaps(box, np.array(taken)) and not _overlaps(box, others):
                taken.append(box)
                placed.append(str(place_id))
                info.obstacles.append(text)  # labels placed later keep clear of it
                break
        else:
            text.remove()
    return placed


def _label_places(
    ax: Axes, net: Network, place_ids: Iterable[str], *, kinds_first: bool = True
) -> list[str]:
    """Label the given places (highest priority first), avoiding overlaps."""
    ids = list(dict.fromkeys(place_ids))
    if not ids:
        return []
    places = net.places.loc[[p for p in ids if p in net.places.index]]
    candidates = _label_candidates(net, places, list(places.index))
    if not kinds_first:
        candidates = candidates.loc[[p for p in ids if p in candidates.index]]
    return _place_labels(ax, candidates, _MAPS[ax])


def _overlay_labels(
    ax: Axes, net: Network, labels: str | Iterable[str] | None, auto: Iterable[str]
) -> list[str]:
    """Label the overlay's own places (``"auto"``), none (None), or the places named."""
    if labels is None:
        return []
    if isinstance(labels, str):
        if labels != "auto":
            msg = f"labels = {labels!r}; expected 'auto', None, or a list of place ids or names"
            raise ValueError(msg)
        return _label_places(ax, net, auto)
    return _label_places(ax, net, [net.resolve(p) for p in labels])
