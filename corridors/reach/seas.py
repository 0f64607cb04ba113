"""Which sea a port lies on: the policy brief's four seas, from the port's coordinates.

The brief asks for land–sea corridors to ports on all four seas around the
Greater Tumen Region. :func:`sea_of` assigns a point to one of :data:`SEAS` by
the rules below (degrees, WGS 84), checked in order; the boundaries run through
open water or land between the ports of the built-in network, so every port
lands where the brief names it (DESIGN.md section 6):

1. **East Sea / Sea of Japan**: east of 128° E and north of 34.5° N (Primorye,
   Rason, the Korean east coast from Sokcho to Busan, the Japanese west coast).
2. **East China Sea**: south of 32.5° N (Shanghai, Ningbo).
3. **Bohai**: west of 122.3° E and north of 37.3° N (Tianjin, Jinzhou, Yingkou,
   and Dalian, counted with the Bohai rim as the brief does).
4. **Yellow Sea**: everything else (Dandong, Qingdao, Incheon, Pyeongtaek).

River ports (``port_type`` ``river``) lie on no sea: their sea is ``None``.
A network may override the rule for a port by giving it a ``sea`` column.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from corridors.network import Network

__all__ = ["SEAS", "port_seas", "sea_of"]

SEAS: tuple[str, ...] = ("Bohai", "Yellow Sea", "East China Sea", "East Sea / Sea of Japan")
"""The four seas of the policy brief, north-west to east."""


def sea_of(lon: float, lat: float) -> str:
    """Return the sea (one of :data:`SEAS`) of a coastal point.

    Parameters
    ----------
    lon, lat
        Longitude and latitude in degrees (WGS 84).

    Returns
    -------
    str
        The sea, by the rules of the module docstring.

    Examples
    --------
    >>> sea_of(131.08, 42.64)  # Zarubino
    'East Sea / Sea of Japan'
    >>> sea_of(117.78, 38.99)  # Tianjin
    'Bohai'
    """
    if lon > 128.0 and lat > 34.5:
        return SEAS[3]
    if lat < 32.5:
        return SEAS[2]
    if lon < 122.3 and lat > 37.3:
        return SEAS[0]
    return SEAS[1]


def port_seas(net: Network) -> pd.Series:
    """Return the sea of every port of a network (``None`` for river ports).

    Parameters
    ----------
    net
        The network.

    Returns
    -------
    pandas.Series
        Indexed by port id, named ``sea``; a ``sea`` column in the places table,
        where filled, wins over the coordinates.
    """
    ports = net.places[net.places["kind"] == "port"]
    seas = {}
    for port, row in ports.iterrows():
        given = row.get("sea")
        if isinstance(given, str) and given:
            seas[port] = given
        elif str(row.get("port_type", "")).lower() == "river":
            seas[port] = None
        else:
            seas[port] = sea_of(float(row["lon"]), float(row["lat"]))
    return pd.Series(seas, name="sea", dtype=object)
