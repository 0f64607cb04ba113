"""corridors: multimodal transport corridor networks for the Greater Tumen Region.

Load the built-in network, then ask network questions of it:

>>> import corridors
>>> net = corridors.load_gtr()
>>> net.resolve("zarubino")
'zarubino_port'
"""

from corridors import costs, io, network
from corridors._errors import CorridorsError, DataError, NoRouteError, UnknownPlaceError
from corridors.costs import Parameters
from corridors.datasets import load_gtr
from corridors.io import read_network, write_geopackage, write_graphml, write_network
from corridors.network import Network

__all__ = [
    "CorridorsError",
    "DataError",
    "Network",
    "NoRouteError",
    "Parameters",
    "UnknownPlaceError",
    "costs",
    "io",
    "load_gtr",
    "network",
    "read_network",
    "write_geopackage",
    "write_graphml",
    "write_network",
]
