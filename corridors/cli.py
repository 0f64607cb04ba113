"""The ``corridors`` command: parse, call one public function, print or write.

Shared options are defined once (``network_opt``, ``format_opt``, ``output_opt``).
A :class:`~corridors._errors.CorridorsError` becomes one line on stderr and exit
code 1; ``-vv`` shows the traceback.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pandas as pd

from corridors import _validate as v
from corridors._errors import CorridorsError
from corridors.costs import MODES, PLACE_KINDS
from corridors.io import STATUSES

__all__ = ["main"]

logger = logging.getLogger("corridors")


# ---------------------------------------------------------------- shared options


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


def _load(network_path: Path | None) -> Any:
    """Load the network at `network_path`, or the built-in one."""
    from corridors.datasets import load_gtr
    from corridors.io import read_network

    return load_gtr() if network_path is None else read_network(network_path)


def _emit(frame: pd.DataFrame, as_json: bool, as_csv: bool, output: Path | None) -> None:
    """Print `frame` as text, JSON or CSV; also write it to `output` (atomically)."""
    if output is not None:
        from corridors.io import atomic_path

        with atomic_path(output) as temp:
            frame.to_csv(temp)
        logger.info("wrote %s", output)
    if as_json:
        click.echo(frame.reset_index().to_json(orient="records", force_ascii=False, indent=1))
    elif as_csv:
        click.echo(frame.to_csv(), nl=False)
    else:
        with pd.option_context(
            "display.width", 200, "display.max_rows", 500, "display.max_colwidth", 40
        ):
            click.echo(frame.to_string())


def _handle_errors(function: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a CorridorsError into one stderr line and exit code 1 (traceback with -vv)."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        """Run the command, translating corridors errors."""
        try:
            return function(*args, **kwargs)
        except CorridorsError as error:
            if logger.getEffectiveLevel() <= logging.DEBUG:
                raise
            raise click.ClickException(str(error)) from None

    return wrapper


def _check_corridor(corridor: str, named: pd.Series, table: pd.DataFrame | None) -> None:
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


# ---------------------------------------------------------------- the group


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More messages on stderr (-vv: debug).")
@click.option("-q", "--quiet", count=True, help="Fewer messages; no progress bars.")
@click.version_option(package_name="corridors")
@click.pass_context
def main(ctx: click.Context, verbose: int, quiet: int) -> None:
    """Multimodal transport corridors of the Greater Tumen Region.

    Routes, hinterlands, resilience and maps on a network of parks, ports,
    border crossings and rail / road / sea / air links.
    """
    level = max(logging.DEBUG, logging.WARNING - 10 * verbose + 10 * quiet)
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s", stream=sys.stderr)
    logger.setLevel(level)
    ctx.obj = {"quiet": quiet > 0}


@main.command()
@network_opt
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_handle_errors
def info(network_path: Path | None, as_json: bool) -> None:
    """Summarize a network: counts by kind, mode, country and corridor; km by mode."""
    summary = _load(network_path).summary()
    if as_json:
        click.echo(json.dumps(summary, indent=1, ensure_ascii=False))
        return
    click.echo(f"{summary['name']}: {summary['places']} places, {summary['links']} links")
    sections = [
        ("Places by kind", summary["places_by_kind"], ""),
        ("Places by country", summary["places_by_country"], ""),
        ("Links by mode", summary["links_by_mode"], ""),
        ("Length by mode", summary["km_by_mode"], " km"),
        ("Links by status", summary["links_by_status"], ""),
        ("Links by corridor", summary["links_by_corridor"], ""),
    ]
    for title, counts, unit in sections:
        click.echo(f"\n{title}:")
        width = max((len(str(k)) for k in counts), default=0)
        for key, count in counts.items():
            value = f"{count:,.0f}" if isinstance(count, float) else f"{count}"
            click.echo(f"  {key!s:<{width}}  {value:>9}{unit}")


PLACE_SHOWN = ["name", "kind", "country", "modes", "status", "lon", "lat"]
LINK_SHOWN = ["from", "to", "mode", "length_km", "time_h", "cost_usd_teu", "status", "corridors"]


@main.command()
@network_opt
@click.option(
    "--kind",
    type=click.Choice(PLACE_KINDS, case_sensitive=False),
    help="Only places of this kind.",
)
@click.option("--country", help="Only places in this country (ISO alpha-2, e.g. RU).")
@click.option("--all-columns", is_flag=True, help="Show every column.")
@format_opt
@output_opt
@_handle_errors
def places(
    network_path: Path | None,
    kind: str | None,
    country: str | None,
    all_columns: bool,
    as_json: bool,
    as_csv: bool,
    output: Path | None,
) -> None:
    """List places, optionally of one kind or country."""
    frame = _load(network_path).places.drop(columns="geometry")
    if kind:
        frame = frame[frame["kind"] == kind.lower()]
    if country:
        frame = frame[frame["country"] == country.upper()]
    _emit(frame if all_columns else frame[PLACE_SHOWN], as_json, as_csv, output)


@main.command()
@network_opt
@click.option(
    "--mode", type=click.Choice(MODES, case_sensitive=False), help="Only links of this mode."
)
@click.option("--corridor", help="Only links of this corridor (e.g. Primorye-2).")
@click.option(
    "--status",
    type=click.Choice(STATUSES, case_sensitive=False),
    help="Only links with this status.",
)
@click.option("--all-columns", is_flag=True, help="Show every column.")
@format_opt
@output_opt
@_handle_errors
def links(
    network_path: Path | None,
    mode: str | None,
    corridor: str | None,
    status: str | None,
    all_columns: bool,
    as_json: bool,
    as_csv: bool,
    output: Path | None,
) -> None:
    """List links, optionally of one mode, corridor or status."""
    net = _load(network_path)
    frame = net.links.drop(columns=["geometry", "via"])
    if mode:
        frame = frame[frame["mode"] == mode.lower()]
    if corridor:
        _check_corridor(corridor, frame["corridors"], net.corridors)
        wanted = corridor.casefold()
        frame = frame[
            frame["corridors"]
            .fillna("")
            .map(lambda text: wanted in {c.casefold() for c in text.split(";")})
        ]
    if status:
        frame = frame[frame["status"] == status.lower()]
    shown = frame if all_columns else frame[LINK_SHOWN]
    _emit(shown.round({"length_km": 1, "time_h": 2, "cost_usd_teu": 0}), as_json, as_csv, output)
