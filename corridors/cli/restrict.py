"""Routing restrictions as network views: ``--modes`` and ``--include-suspended`` for analyses.

Analyses that compare two networks (scenario comparisons, closure impacts) take no
mode filter of their own; the command line applies one by handing them the same
restricted view of both networks.
"""

from __future__ import annotations

from typing import Any

import click

__all__ = ["routing_view", "suspended_opt"]

suspended_opt = click.option(
    "--include-suspended", is_flag=True, help="Also use suspended links and places."
)


def routing_view(net: Any, modes: list[str] | None, include_suspended: bool) -> Any:
    """Return `net` as routes see it under ``--modes`` and ``--include-suspended``.

    Links of other modes are closed (``closed = True``, as a closure would) and
    suspended places and links become existing, in a copy; every analysis of the
    comparison then sees the same restriction on both sides. The modes are checked
    as routes check them (:func:`corridors.routing.restrictions`).
    """
    if not modes and not include_suspended:
        return net
    from corridors._errors import DataError
    from corridors.routing import restrictions

    try:
        chosen = restrictions(net, modes=modes).modes if modes else None
    except DataError as error:
        raise DataError(f"--modes: {error}") from None
    view = net.copy()
    if chosen is not None:  # one pass over the edges, like resilience.close_region
        for _, _, data in view.graph.edges(data=True):
            if data["mode"] not in chosen:
                data["closed"] = True
        view.touch()
    if include_suspended:
        links = view.links
        for link in links.index[links["status"] == "suspended"]:
            view.update_link(link, {"status": "existing"}, where="--include-suspended")
        places = view.places
        for place in places.index[places["status"] == "suspended"]:
            view.update_place(place, {"status": "existing"}, where="--include-suspended")
    return view
