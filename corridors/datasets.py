"""The built-in Greater Tumen Region network."""

from __future__ import annotations

import os
from pathlib import Path

from corridors._errors import DataError
from corridors.io import read_network
from corridors.network import Network

__all__ = ["gtr_data_dir", "load_gtr"]


def gtr_data_dir() -> Path:
    """Return the folder of the built-in Greater Tumen tables (``data/gtr``).

    The ``CORRIDORS_DATA`` environment variable, if set, names a folder holding
    ``gtr/`` and takes precedence over the copy next to the package.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    DataError
        If the folder cannot be found.
    """
    root = os.environ.get("CORRIDORS_DATA")
    candidates = [Path(root) / "gtr"] if root else []
    candidates.append(Path(__file__).resolve().parents[1] / "data" / "gtr")
    for folder in candidates:
        if (folder / "places.csv").exists():
            return folder
    tried = ", ".join(str(c) for c in candidates)
    raise DataError(
        f"the built-in Greater Tumen data was not found (tried {tried}); install corridors "
        "from its source tree (pip install -e .) or set CORRIDORS_DATA to the data folder"
    )


def load_gtr() -> Network:
    """Load the built-in Greater Tumen Region network.

    Parks, ports, border crossings, cities and airports of NE China, Primorye,
    Mongolia, the Koreas and Japan's west coast, joined by rail, road, sea and
    air links; every row carries its source (see ``data/gtr/README.md``).

    Returns
    -------
    Network
        A new network on each call (edit it freely).

    Examples
    --------
    >>> import corridors
    >>> net = corridors.load_gtr()
    >>> net.resolve("Hunchun")
    'hunchun'
    >>> sorted(net.links["mode"].unique())
    ['air', 'rail', 'road', 'sea']
    """
    return read_network(gtr_data_dir(), name="Greater Tumen Region")
