"""Writing the report's files: maps, tables, the GeoPackage and the manifest.

Files are written into a stage folder inside the output folder, which
:func:`corridors.report.runner.run_report` then switches in as a whole; the manifest
(``.report-manifest.json``) records which files and layers each section wrote, so
that a failed section keeps its earlier outputs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from corridors.io.folders import link_into
from corridors.provenance import SIDECAR_SUFFIX, write_csv
from corridors.report.sections import _Section

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__: list[str] = []

_DPI = 150
_MANIFEST = ".report-manifest.json"


def _save_figure(ax: Axes, path: Path) -> None:
    from corridors import maps

    maps.save(ax, path, dpi=_DPI)
    ax.figure.clf()


def _plain(frame: pd.DataFrame | gpd.GeoDataFrame) -> pd.DataFrame | gpd.GeoDataFrame:
    """Return a frame GeoPackage drivers accept: text columns for lists, dicts and objects."""
    out = frame.copy()
    geometry = out.geometry.name if isinstance(out, gpd.GeoDataFrame) else None
    for column in out.columns:
        if column == geometry:
            continue
        values = out[column]
        if values.dtype == object or isinstance(values.dtype, pd.CategoricalDtype):
            out[column] = values.map(
                lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
            )
        elif pd.api.types.is_bool_dtype(values):
            out[column] = values.astype("Float64").astype(float)  # 1 / 0, NaN if missing
    return out


def _write_section(sec: _Section, stage: Path) -> dict[str, list[str]]:
    """Write a section's maps and tables into the staging folder; return its file list."""
    files = []
    for name, ax in sec.maps.items():
        rel = f"maps/{name}.png"
        _save_figure(ax, stage / rel)
        files.append(rel)
    record = sec.facts.get("provenance")  # each table's sidecar <name>.csv.meta.json
    for name, table in sec.tables.items():
        rel = f"tables/{name}.csv"
        (stage / "tables").mkdir(parents=True, exist_ok=True)
        write_csv(table, stage / rel, record)
        files += [rel, rel + SIDECAR_SUFFIX] if record is not None else [rel]
    return {"files": files, "layers": list(sec.layers)}


def _write_geopackage(
    target: Path,
    stage: Path,
    sections: list[_Section],
    kept: dict[str, dict[str, list[str]]],
) -> list[str]:
    """Write every layer to the stage GeoPackage; kept layers come from `target` (the old one)."""
    import pyogrio

    temp = stage / "corridors.gpkg"
    written = []
    for sec in sections:
        for name, layer in sec.layers.items():
            frame = _plain(layer)
            if isinstance(frame, gpd.GeoDataFrame):
                frame.to_file(temp, layer=name, driver="GPKG")
            else:
                pyogrio.write_dataframe(frame, temp, layer=name, driver="GPKG")
            written.append(name)
    if target.is_file():
        for entry in kept.values():
            for name in entry.get("layers", []):
                if name in written:
                    continue
                try:
                    old = gpd.read_file(target, layer=name)
                except Exception:  # an old layer that is gone stays gone
                    continue
                old.to_file(temp, layer=name, driver="GPKG")
                written.append(name)
    if not written and target.is_file():
        link_into(target, temp)
    return written


def _read_manifest(out: Path) -> dict[str, dict[str, list[str]]]:
    path = out / _MANIFEST
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
