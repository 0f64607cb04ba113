"""Read a network from a folder of tables, a GeoPackage or a GraphML file; write it as tables."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import pandas as pd

from corridors._errors import DataError
from corridors.io.atomic import atomic_path
from corridors.io.geopackage import _read_geopackage
from corridors.io.graphml import read_graphml
from corridors.io.params import _to_toml, read_params
from corridors.io.tables import TABLE_SUFFIXES, _cell_text, _read_table, read_corridors
from corridors.network import Network
from corridors.schema import LINK_COLUMNS, PLACE_COLUMNS

__all__ = ["read_network", "write_network"]


def _find_table(folder: Path, stem: str, required: bool = True) -> Path | None:
    """Return the ``{stem}.csv/.geojson/.gpkg`` file in `folder` (None if optional)."""
    for suffix in TABLE_SUFFIXES:
        candidate = folder / f"{stem}{suffix}"
        if candidate.exists():
            return candidate
    if required:
        names = ", ".join(f"{stem}{s}" for s in TABLE_SUFFIXES)
        raise DataError(f"{folder}: no {stem} table found; expected one of {names}")
    return None


def read_network(path: str | os.PathLike[str], *, name: str | None = None) -> Network:
    """Read a network from a folder of tables, a GeoPackage or a GraphML file.

    Parameters
    ----------
    path
        A folder holding ``places``, ``links`` (``.csv``/``.geojson``/``.gpkg``),
        ``params.toml`` and optionally ``corridors.csv``; or a ``.gpkg`` written by
        :func:`write_geopackage`; or a ``.graphml`` written by :func:`write_graphml`.
    name
        Network name; defaults to the folder or file name.

    Returns
    -------
    Network

    Raises
    ------
    DataError
        If any file is missing or invalid; nothing is built then.
    """
    path = Path(path)
    if path.suffix.lower() == ".graphml":
        return read_graphml(path)
    if path.suffix.lower() == ".gpkg":
        return _read_geopackage(path, name=name)
    if not path.is_dir():
        raise DataError(f"{path}: not found; expected a folder of tables, a .gpkg or a .graphml")
    places = _read_table(_find_table(path, "places"), PLACE_COLUMNS, "place")  # type: ignore[arg-type]
    links = _read_table(_find_table(path, "links"), LINK_COLUMNS, "link")  # type: ignore[arg-type]
    params = read_params(path / "params.toml")
    corridor_path = path / "corridors.csv"
    corridors = read_corridors(corridor_path) if corridor_path.exists() else None
    return Network.from_records(
        places, links, params, corridors=corridors, name=name or path.name, source=str(path)
    )


def write_network(net: Network, folder: str | os.PathLike[str]) -> Path:
    """Write a network as a folder of CSV tables and ``params.toml``, like ``data/gtr``.

    Parameters
    ----------
    net
        The network.
    folder
        Output folder, created if needed. Every table is written to a temporary file
        first and the files are moved into place only when all are written, so a
        failure leaves the earlier tables untouched.

    Returns
    -------
    pathlib.Path
        The folder.
    """
    folder = Path(folder)
    places = pd.DataFrame(net.places.reset_index()[list(PLACE_COLUMNS)])
    links = pd.DataFrame(net.links.reset_index()[list(LINK_COLUMNS)])
    links["via"] = links["via"].map(
        lambda pts: "; ".join(f"{x!r} {y!r}" for x, y in pts) if isinstance(pts, list) else ""
    )
    with contextlib.ExitStack() as stack:  # every file is written before any is replaced
        for frame, stem in ((places, "places"), (links, "links")):
            temp = stack.enter_context(atomic_path(folder / f"{stem}.csv"))
            frame.map(_csv_cell).to_csv(temp, index=False)
        if net.corridors is not None:
            temp = stack.enter_context(atomic_path(folder / "corridors.csv"))
            net.corridors.reset_index().to_csv(temp, index=False)
        temp = stack.enter_context(atomic_path(folder / "params.toml"))
        temp.write_text(_to_toml(net.params.to_dict()), encoding="utf-8")
    return folder


def _csv_cell(value: Any) -> str:
    """Return a frame value as the text :func:`read_network` reads back."""
    return _cell_text(value)
