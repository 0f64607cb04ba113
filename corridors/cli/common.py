"""Options and helpers shared by every ``corridors`` command (each defined once)."""

from __future__ import annotations

import errno
import functools
import logging
import math
import os
import socket
import sys
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pandas as pd

from corridors import _validate as v
from corridors._errors import CorridorsError, DataError, OutputError

__all__ = [
    "CONFIRM_RUNS",
    "HOURS",
    "KM",
    "MAP_SUFFIXES",
    "USD",
    "Failure",
    "Finite",
    "assignment_opt",
    "by_opt",
    "check_corridor",
    "check_writable",
    "confirm_size",
    "describe",
    "format_opt",
    "guard",
    "handle_errors",
    "load_network",
    "logger",
    "map_opt",
    "map_path_check",
    "modes_opt",
    "network_opt",
    "output_opt",
    "parallel_opts",
    "parse_fractions",
    "parse_point",
    "place_spec",
    "planned_opt",
    "split_list",
    "yes_opt",
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
    """Add ``-o/--output FILE`` (CSV, written atomically; checked before any work)."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        callback=_writable,
        help="Also write the table to this CSV file.",
    )(function)


def check_writable(path: Path, option: str) -> None:
    """Refuse an output path that cannot be written, before any work starts.

    Parameters
    ----------
    path
        The output file.
    option
        The option it was given to, for the message.

    Raises
    ------
    Failure
        Exit code 3: the target is not a regular file (a device, FIFO, socket,
        folder or link), or its folder cannot be created or written.
    """
    from corridors.io.atomic import check_target

    try:
        check_target(path)
    except OutputError as error:
        raise Failure(f"{option}: {error}", OutputError.exit_code) from None
    folder = path.parent.absolute()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise Failure(f"{option} {path}: {folder} is a file, not a folder", OutputError.exit_code)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise Failure(
            f"{option} {path}: folder {folder} is not writable; choose another path",
            OutputError.exit_code,
        )


def _writable(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """Check an output option's path (click callback)."""
    if value is not None:
        check_writable(value, "/".join(param.opts))
    return value


#: File formats :func:`corridors.maps.save` writes, by suffix.
MAP_SUFFIXES = (".png", ".svg", ".pdf")


def map_path_check(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """Check a map path: a known format, and a writable place (click callback)."""
    if value is None:
        return value
    if value.suffix.lower() not in MAP_SUFFIXES:
        raise click.BadParameter(
            f"{str(value)!r} has suffix {value.suffix or '(none)'!r}; expected "
            f"{', '.join(MAP_SUFFIXES)} (e.g. map.png)",
            param_hint="/".join(param.opts),
        )
    check_writable(value, "/".join(param.opts))
    return value


class Finite(click.ParamType):
    """A finite number in plain digits within bounds (``nan``, ``inf``, ``1_0`` refused).

    Parameters
    ----------
    low, high
        Inclusive bounds (``None``: unbounded).
    unit
        Unit shown in messages.
    low_open
        Exclude `low` itself.
    """

    name = "number"

    def __init__(
        self, low: float | None, high: float | None, unit: str, *, low_open: bool = False
    ) -> None:
        self.low, self.high, self.unit, self.low_open = low, high, unit, low_open

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        """Parse and check one value."""
        if isinstance(value, float):
            return value
        try:
            number = v._number(str(value))
        except v.FieldError as error:
            self.fail(f"{value!r}; {error} ({self.unit})", param, ctx)
        too_low = self.low is not None and (
            number <= self.low if self.low_open else number < self.low
        )
        if too_low or (self.high is not None and number > self.high):
            above = "above" if self.low_open else "at least"
            self.fail(
                f"{value!r}; expected a number {above} {self.low:g} and at most "
                f"{self.high:g} ({self.unit})",
                param,
                ctx,
            )
        return number


#: Time budgets (hours): above 0, at most a year.
HOURS = Finite(0, 8760, "hours", low_open=True)

#: Money budgets (USD per TEU).
USD = Finite(0, 1e7, "USD per TEU")

#: Distances (km): above 0, at most half the Earth's circumference.
KM = Finite(0, 20_000, "km", low_open=True)


def parse_point(text: str, option: str = "--point") -> tuple[float, float]:
    """Read ``LON,LAT`` in decimal degrees.

    Parameters
    ----------
    text
        The option value.
    option
        The option's name, for messages.

    Returns
    -------
    tuple of float
        Longitude and latitude.

    Raises
    ------
    click.BadParameter
        If it is not two numbers within -180..180 and -90..90.
    """
    parts = text.split(",")
    try:
        if len(parts) != 2:
            raise v.FieldError("expected two numbers")
        return v.parse_lon(parts[0]), v.parse_lat(parts[1])
    except v.FieldError as error:
        raise click.BadParameter(
            f"{text!r}: {error}; expected LON,LAT in degrees such as 130.36,42.87",
            param_hint=option,
        ) from None


def parse_fractions(text: str, option: str = "--fractions") -> list[float]:
    """Read comma-separated shares, each above 0 and at most 1.

    Parameters
    ----------
    text
        The option value, e.g. ``"0.05,0.1"``.
    option
        The option's name, for messages.

    Returns
    -------
    list of float

    Raises
    ------
    click.BadParameter
        If the list is empty or a share is not a number in (0, 1].
    """
    shares = []
    for part in [p.strip() for p in text.split(",") if p.strip()]:
        try:
            share = v._number(part)
        except v.FieldError:
            share = math.nan
        if not 0 < share <= 1:
            raise click.BadParameter(
                f"{part!r} in {text!r}; expected shares above 0 and at most 1, like 0.05,0.1",
                param_hint=option,
            )
        shares.append(share)
    if not shares:
        raise click.BadParameter(
            f"{text!r}; expected one or more shares like 0.05,0.1", param_hint=option
        )
    return shares


#: Simulation runs above which a command asks before starting (or needs --yes).
CONFIRM_RUNS = 100_000


def yes_opt(function: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--yes`` (start a large run without asking)."""
    return click.option(
        "--yes",
        "-y",
        "yes",
        is_flag=True,
        help=f"Do not ask before more than {CONFIRM_RUNS:,} runs.",
    )(function)


def confirm_size(runs: int, what: str, yes: bool) -> None:
    """Ask before a very large run; refuse it without a terminal unless ``--yes``.

    Parameters
    ----------
    runs
        Number of simulations the command would make.
    what
        How they are counted, e.g. ``"--runs 10000 x 5 fractions"``.
    yes
        ``--yes`` was given.

    Raises
    ------
    Failure
        Exit code 2 when the run is refused.
    """
    if runs <= CONFIRM_RUNS or yes:
        return
    size = f"{runs:,} simulation runs ({what}); at a few ms each that is hours of work"
    if sys.stdin.isatty() and click.confirm(f"{size}. Start?", default=False, err=True):
        return
    raise Failure(f"{size}; lower --runs, or add --yes to start it anyway", 2)


def load_network(network_path: Path | None) -> Any:
    """Load the network at `network_path`, or the built-in one."""
    from corridors.datasets import load_gtr
    from corridors.io import read_network

    net = load_gtr() if network_path is None else read_network(network_path)
    logger.info("network %s: %s", network_path or "built-in Greater Tumen", net)
    return net


class Failure(click.ClickException):
    """A failure shown as one ``Error: ...`` line on stderr, with its own exit code.

    Parameters
    ----------
    message
        What failed, naming the file (line, field) or option, and the fix.
    exit_code
        The exit code (see :data:`corridors._errors.EXIT_CODES`).
    """

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG}


def _one_line(text: str) -> str:
    """Collapse whitespace so that a message fits on one line."""
    return " ".join(str(text).split())


def describe(error: BaseException, verbose: int = 0) -> tuple[str, int]:
    """Return the one-line message and the exit code for an error that stopped a command.

    Parameters
    ----------
    error
        What was raised.
    verbose
        ``-v`` count: with ``-v`` a :class:`DataError` lists every problem (capped).

    Returns
    -------
    tuple of (str, int)
        The message (without the ``Error:`` prefix) and the exit code.
    """
    if isinstance(error, KeyboardInterrupt):
        return "interrupted (Ctrl-C); existing outputs were left as they were", 130
    if isinstance(error, DataError):
        return (str(error) if verbose else _one_line(error.first_line())), error.exit_code
    if isinstance(error, CorridorsError):
        return _one_line(str(error)), error.exit_code
    if isinstance(error, OSError):
        name = error.filename or ""
        reason = error.strerror or str(error)
        if error.errno in _WRITE_ERRNOS:
            fix = "free some space or write elsewhere (-o / --out)"
            return _one_line(f"{name}: {reason}; {fix}"), OutputError.exit_code
        if error.errno in (errno.EACCES, errno.EPERM):
            fix = "check the file's permissions, or choose another path"
            return _one_line(f"{name}: {reason}; {fix}"), OutputError.exit_code
        return _one_line(f"{name}: {reason}" if name else reason), 1
    if isinstance(error, MemoryError):
        return "out of memory; use a smaller network, fewer runs or fewer workers", 1
    if isinstance(error, RecursionError):
        return "input nested too deeply to read; check the file's structure", 1
    message = f"internal error: {type(error).__name__}: {error}"
    return _one_line(f"{message} (rerun with -vv for the traceback and report it)"), 70


def _verbosity(context: click.Context | None = None) -> int:
    """Return the ``-v`` count of the running command (0 outside a command)."""
    context = context or click.get_current_context(silent=True)
    root = context.find_root().obj if context is not None else None
    return int(root.get("verbose", 0)) if isinstance(root, dict) else 0


def guard(run: Callable[[], Any], context: click.Context | None = None) -> Any:
    """Run `run` behind the CLI's error boundary.

    Every failure becomes one ``Error: ...`` line on stderr and a distinct exit
    code (:data:`corridors._errors.EXIT_CODES`); ``-vv`` re-raises to show the
    traceback. Ctrl-C exits with code 130.

    Parameters
    ----------
    run
        The work, without arguments.
    context
        The click context holding the ``-v`` count (default: the current one).

    Returns
    -------
    object
        What `run` returns.
    """
    try:
        return run()
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise
    except (Exception, KeyboardInterrupt) as error:
        verbose = _verbosity(context)
        if verbose >= 2:
            raise  # -vv: the traceback
        message, code = describe(error, verbose)
        raise Failure(message, code) from None


def handle_errors(function: Callable[..., Any]) -> Callable[..., Any]:
    """Put a command behind the CLI's error boundary (see :func:`guard`)."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        """Run the command behind the error boundary."""
        return guard(lambda: function(*args, **kwargs))

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
    """Add ``--map FILE`` (also draw a map; PNG, SVG or PDF by suffix; checked first)."""
    return click.option(
        "--map",
        "map_path",
        type=click.Path(dir_okay=False, path_type=Path),
        callback=map_path_check,
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
        "--scheduler",
        callback=_scheduler,
        help="Dask scheduler address (tcp://host:8786) to run the tasks on.",
    )(function)
    return click.option(
        "--workers",
        type=click.IntRange(min=1, max=1024),
        default=1,
        show_default=True,
        help="Local worker processes.",
    )(function)


#: Seconds to wait for a scheduler's port to accept a connection.
SCHEDULER_TIMEOUT_S = 3.0


def _scheduler(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Check a scheduler address: ``tcp://host:port``, and reachable (click callback)."""
    if not value:
        return value
    parsed = urllib.parse.urlsplit(value if "://" in value else f"tcp://{value}")
    try:
        port = parsed.port
    except ValueError:
        port = None
    if parsed.scheme not in ("tcp", "tls") or not parsed.hostname or port is None:
        raise click.BadParameter(
            f"{value!r}; expected a Dask scheduler address such as tcp://127.0.0.1:8786",
            param_hint="--scheduler",
        )
    try:
        with socket.create_connection((parsed.hostname, port), timeout=SCHEDULER_TIMEOUT_S):
            pass
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise Failure(
            f"--scheduler {value}: cannot connect within {SCHEDULER_TIMEOUT_S:g} s ({reason}); "
            "start one with `dask scheduler` or check the address",
            4,
        ) from None
    return value
