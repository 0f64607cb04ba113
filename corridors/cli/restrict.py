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
    comparison then sees the same restriction on both sides.
    """
    if not modes and not include_suspended:
        return net
    from corridors._errors import DataError
    from corridors.costs import MODES

    unknown = sorted(set(modes or ()) - set(MODES))
    if unknown:
        raise DataError(
            f"--modes {','.join(unknown)}: unknown; expected some of {', '.join(MODES)}"
        )
    view = net.copy()
    links = view.links
    if modes:
        for link in links.index[~links["mode"].isin(modes) & ~links["closed"]]:
            view.close_link(link, where="--modes")
    if include_suspended:
        for link in links.index[links["status"] == "suspended"]:
            view.update_link(link, {"status": "existing"}, where="--include-suspended")
        places = view.places
        for place in places.index[places["status"] == "suspended"]:
            view.update_place(place, {"status": "existing"}, where="--include-suspended")
    return view
