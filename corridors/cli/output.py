"""How table-printing commands print and write: text, ``--csv``, ``--json``, ``-o``.

Every table a command prints can be printed as CSV (``--csv``) or JSON records
(``--json``: valid JSON, missing values are ``null``, never ``NaN``) and written
to a CSV file (``-o FILE``) with its provenance in the sidecar ``FILE.meta.json``
(corridors version, network and scenario hashes, seed, runs, parameters; see
:mod:`corridors.provenance`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import click
import pandas as pd

from corridors.cli.common import format_opt, logger, output_opt
from corridors.provenance import json_safe, provenance, write_csv

__all__ = ["dumps", "emit", "meta", "table_opts"]


def table_opts(function: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--json``, ``--csv`` and ``-o/--output FILE``."""
    return format_opt(output_opt(function))


def dumps(payload: Any) -> str:
    """Return `payload` as indented, valid JSON (NaN and missing values as ``null``)."""
    return json.dumps(json_safe(payload), indent=1, ensure_ascii=False, allow_nan=False)


def meta(net: Any, analysis: str, **parameters: Any) -> dict[str, Any]:
    """Return the provenance record of a command's output.

    Parameters
    ----------
    net
        The input network.
    analysis
        The command's name.
    **parameters
        The command's options; ``seed``, ``runs`` and ``scenario`` are recorded in
        their own fields, the others under ``parameters``.
    """
    seed = parameters.pop("seed", None)
    runs = parameters.pop("runs", None)
    scenario = parameters.pop("scenario", None)
    return provenance(
        net, analysis=analysis, scenario=scenario, seed=seed, runs=runs, parameters=parameters
    )


def emit(
    frame: pd.DataFrame,
    as_json: bool,
    as_csv: bool,
    output: Path | None,
    record: Mapping[str, Any] | None = None,
) -> None:
    """Print `frame` as text, JSON records or CSV; also write it to `output` with provenance.

    Parameters
    ----------
    frame
        The table (its index is printed and written as columns when named).
    as_json, as_csv
        Print JSON records / CSV instead of an aligned text table.
    output
        Also write the table to this CSV file (atomically) and `record` to
        ``<output>.meta.json``.
    record
        Provenance (:func:`meta`); None writes no sidecar.
    """
    if output is not None:
        write_csv(frame, output, record)
        logger.info("wrote %s", output)
    if as_json:
        table = frame.reset_index() if _named_index(frame) else frame
        click.echo(dumps(table.to_dict(orient="records")))
    elif as_csv:
        click.echo(frame.to_csv(), nl=False)
    else:
        with pd.option_context(
            "display.width", 200, "display.max_rows", 500, "display.max_colwidth", 40
        ):
            click.echo(frame.to_string())


def _named_index(frame: pd.DataFrame) -> bool:
    return any(name is not None for name in frame.index.names) or not isinstance(
        frame.index, pd.RangeIndex
    )
