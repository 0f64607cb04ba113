"""What every report section shares: the run context and the section record."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from corridors.network import Network

__all__: list[str] = []


@dataclasses.dataclass
class _Section:
    """What one section of the report produced.

    ``findings`` is the section's main table; ``blocks`` are further titled tables
    shown after it; ``facts`` are results the key findings at the top of the report
    are written from (see :mod:`corridors.report.findings`).
    """

    key: str
    title: str
    text: str = ""
    findings: pd.DataFrame | None = None
    maps: dict[str, Any] = dataclasses.field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = dataclasses.field(default_factory=dict)
    layers: dict[str, gpd.GeoDataFrame] = dataclasses.field(default_factory=dict)
    captions: dict[str, str] = dataclasses.field(default_factory=dict)
    error: str | None = None
    blocks: list[tuple[str, pd.DataFrame]] = dataclasses.field(default_factory=list)
    facts: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class _Context:
    net: Network
    scenarios: tuple[str | os.PathLike[str], ...]
    failure_runs: int
    cache: dict[str, Any] = dataclasses.field(default_factory=dict)


def _round(frame: pd.DataFrame, digits: int = 1) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].round(digits)
    return out


def _name(net: Network, place: Any) -> str:
    if isinstance(place, str) and place in net.places.index:
        return str(net.places.at[place, "name"])
    return "" if place is None or (isinstance(place, float) and np.isnan(place)) else str(place)


def _scenario_folder() -> Path:
    from corridors.datasets import gtr_data_dir

    return gtr_data_dir().parent / "scenarios"


def _scenario_files(scenarios: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Paths of scenario files; a bare name is looked up in ``data/scenarios``."""
    out = []
    for item in scenarios:
        path = Path(item)
        if not path.suffix:
            path = _scenario_folder() / f"{item}.toml"
        out.append(path)
    return out


TUMEN_EXTENT: tuple[float, float, float, float] = (128.5, 134.0, 41.3, 45.5)
"""The Tumen River area (lon_min, lon_max, lat_min, lat_max), degrees: the zoom maps,
where the region map has to drop dense labels."""
