"""Options and helpers shared by every ``corridors`` command (each defined once)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pandas as pd

from corridors import _validate as v
from corridors._errors import CorridorsError

__all__ = [
    "assignment_opt",
    "by_opt",
    "check_corridor",
    "format_opt",
    "handle_errors",
    "load_network",
    "logger",
    "map_opt",
    "modes_opt",
    "network_opt",
    "output_opt",
    "parallel_opts",
    "place_spec",
    "planned_opt",
    "split_list",
]

logger = logging.getLogger("corridors")


def network_opt(function: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--network PATH`` (default: the built-in Greater Tumen network)."""
    return click.option(
        "--network",
        "network_path",
        type=click.Path(path_type=Path),  # read_network says what is missing
        default=None,
        help="Network folder, .gpkg or .graphml (default: built-in Greater Tumen network).",
    )(function)


def format_opt(function: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--json`` / ``--csv`` (default: an aligned text table)."""
    function = click.option("--csv", "as_csv", is_flag=True, help="Print CSV.")(function)
    return click.option("--json", "as_json", is_flag=True, help="Print JSON records.")(function)


def output_opt(function: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``-o/--output FILE`` (CSV, written atomically)."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Also write the table to this CSV file.",
    )(function)


def load_network(network_path: Path | None) -> Any:
    """Load the network at `network_path`, or the built-in one."""
    from corridors.datasets import load_gtr
    from corridors.io import read_network

    return load_gtr() if network_path is None else read_network(network_path)


def handle_errors(function: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a CorridorsError into one stderr line and exit code 1 (traceback with -vv)."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        """Run the command, translating corridors errors."""
        try:
            return function(*args, **kwargs)
        except CorridorsError as error:
            context = click.get_current_context(silent=True)
            root = context.find_root().obj if context is not None else None
            if isinstance(root, dict) and root.get("verbose", 0) >= 2:
                raise  # -vv: the traceback
            raise click.ClickException(str(error)) from None

    return wrapper


def check_corridor(corridor: str, named: pd.Series, table: pd.DataFrame | None) -> None:
    """Refuse a corridor name that no link uses, suggesting close names.

    Parameters
    ----------
    corridor
        The name given to ``--corridor``.
    named
        The ``corridors`` column of the links table (``;``-separated names).
    table
        The network's corridors table, if any (index: name).
    """
    names = {c for text in named.dropna() for c in str(text).split(";") if c}
    if table is not None:
        names |= set(table.index)
    if corridor.casefold() in {n.casefold() for n in names}:
        return
    hint = v.close_matches(corridor, sorted(names), n=3)
    extra = f"; did you mean {', '.join(repr(h) for h in hint)}?" if hint else ""
    known = f" (known: {', '.join(sorted(names))})" if names and not hint else ""
    raise click.BadParameter(
        f"no corridor named {corridor!r}{extra}{known}", param_hint="--corridor"
    )


def split_list(text: str | None) -> list[str] | None:
    """Split a comma-separated option value (``None`` stays ``None``)."""
    return [p.strip() for p in text.split(",") if p.strip()] if text else None


def place_spec(text: str) -> str | list[str]:
    """Read a ``--from``/``--to`` value: a kind of place, or comma-separated places."""
    from corridors.costs import PLACE_KINDS

    return text if text in PLACE_KINDS else split_list(text) or []


def by_opt(default: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Return the ``--by WEIGHT`` option with the command's default weight."""
    from corridors.engine import WEIGHTS

    return click.option(
        "--by",
        "weight",
        type=click.Choice(list(WEIGHTS), case_sensitive=False),
        default=default,
        show_default=True,
        help="What to minimize: time (h), distance (km), cost (USD/TEU), generalized (USD/TEU).",
    )


def modes_opt(function: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--modes`` (modes allowed, comma-separated)."""
    return click.option(
        "--modes",
        help="Modes allowed, comma-separated (default rail,road,sea: container freight; "
        "name air, e.g. road,air, for air cargo).",
    )(function)


def season_opt(function: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--season`` (also use the links of one season)."""
    return click.option(
        "--season",
        help="Also use links that run only in this season (winter, spring, summer, autumn); "
        "by default seasonal links are left out.",
    )(function)


def port_spec(net: Any, text: str, **restrictions: Any) -> str | list[str]:
    """Resolve a --to / --ports value: ``port`` means the sea ports with ships."""
    from corridors.reach import sea_ports

    if text.strip().lower() == "port":
        return sea_ports(net, **restrictions)
    return place_spec(text)


def planned_opt(function: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--include-planned``."""
    return click.option("--include-planned", is_flag=True, help="Use planned links and places.")(
        function
    )


def map_opt(function: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--map FILE`` (also draw a map; PNG, SVG or PDF by suffix)."""
    return click.option(
        "--map",
        "map_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Also draw a map (PNG, SVG or PDF by suffix).",
    )(function)


def assignment_opt(function: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--assignment`` (free-flow all-or-nothing, or equilibrium with capacities)."""
    return click.option(
        "--assignment",
        type=click.Choice(["all-or-nothing", "equilibrium"]),
        default="all-or-nothing",
        show_default=True,
        help="Route demand at free-flow costs, or at user equilibrium with capacities and "
        "queues (demand: the OD table's, in TEU/year, or the built-in estimate).",
    )(function)


def parallel_opts(function: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--workers N`` and ``--scheduler ADDRESS`` (one meaning in every command)."""
    function = click.option(
        "--scheduler", help="Dask scheduler address (tcp://host:8786) to run the tasks on."
    )(function)
    return click.option(
        "--workers",
        type=click.IntRange(min=1),
        default=1,
        show_default=True,
        help="Local worker processes.",
    )(function)
