"""corridors: multimodal transport corridor networks for the Greater Tumen Region.

Load the built-in network, then ask network questions of it:

>>> import corridors
>>> net = corridors.load_gtr()
>>> net.resolve("zarubino")
'zarubino_port'
>>> corridors.route(net, "Hunchun", "Zarubino", modes=["road"]).crossings
['hunchun_kraskino']

The flow of the package is ``io → network → engine → analyses → maps/report → cli``:
:mod:`corridors.schema` (table columns), :mod:`corridors.io` (read / write, validation),
:mod:`corridors.network` (the Network: building and checks apart from editing),
:mod:`corridors.engine` (the compiled state graph and its searches), the analyses
:mod:`corridors.routing` and :mod:`corridors.reach`, and :mod:`corridors.synthetic`.
Note that ``corridors.reach`` is the function; its package is ``corridors.reach`` in
``sys.modules`` (``from corridors.reach import hinterlands`` works as usual).
"""

from corridors import costs, engine, io, network, routing, synthetic
from corridors._errors import CorridorsError, DataError, NoRouteError, UnknownPlaceError
from corridors.costs import Parameters
from corridors.datasets import load_gtr
from corridors.io import read_network, write_geopackage, write_graphml, write_network
from corridors.network import Network
from corridors.reach import accessibility, hinterlands, isochrones, reach
from corridors.routing import Route, alternatives, assign, od_matrix, route

__all__ = [
    "CorridorsError",
    "DataError",
    "Network",
    "NoRouteError",
    "Parameters",
    "Route",
    "UnknownPlaceError",
    "accessibility",
    "alternatives",
    "assign",
    "costs",
    "engine",
    "hinterlands",
    "io",
    "isochrones",
    "load_gtr",
    "network",
    "od_matrix",
    "reach",
    "read_network",
    "route",
    "routing",
    "synthetic",
    "write_geopackage",
    "write_graphml",
    "write_network",
]
