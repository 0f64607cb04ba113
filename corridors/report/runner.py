"""Running the report: every section in turn into a stage folder, then one atomic switch."""

from __future__ import annotations

import json
import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corridors.io.folders import current_folder, link_into, replaced_folder
from corridors.report.base import _scenario_folder
from corridors.report.document import _report_texts
from corridors.report.output import (
    _MANIFEST,
    _read_manifest,
    _write_geopackage,
    _write_section,
)
from corridors.report.sections import (
    _TITLES,
    DEFAULT_SCENARIOS,
    SECTIONS,
    _Context,
    _Section,
)

if TYPE_CHECKING:
    from corridors.network import Network

__all__ = ["run_report"]

logger = logging.getLogger(__name__)


def _run_section(
    key: str, function: Callable[[_Context], _Section], ctx: _Context
) -> tuple[_Section, str | None]:
    try:
        return function(ctx), None
    except Exception as error:  # one failing analysis must not stop the others
        message = f"{type(error).__name__}: {error}"
        logger.error("report section %r failed: %s", key, message)
        logger.debug("%s", traceback.format_exc())
        return _Section(key, _TITLES.get(key, key), error=message), message


def run_report(
    net: Network,
    out_dir: str | os.PathLike[str],
    *,
    scenarios: Sequence[str | os.PathLike[str]] | None = None,
    sections: Iterable[str] | None = None,
    failure_runs: int = 50,
    progress: bool = True,
) -> Path:
    """Run every analysis on a network and write maps, tables, a GeoPackage and a report.

    Parameters
    ----------
    net
        The network (e.g. :func:`corridors.load_gtr`).
    out_dir
        Output folder, created if needed. Written: ``maps/*.png`` (A4, 150 dpi),
        ``tables/*.csv``, ``corridors.gpkg``, ``report.md`` and ``report.html``.
    scenarios
        Scenario files (paths, or names of files in ``data/scenarios`` without
        ``.toml``); default those of :data:`DEFAULT_SCENARIOS` that exist.
    sections
        Keys of :data:`SECTIONS` to run (default all); the others are left as they are.
    failure_runs
        Runs per failed fraction in the failure simulation.
    progress
        Show a progress bar on stderr when it is a terminal.

    Returns
    -------
    pathlib.Path
        The ``report.html`` written.

    Raises
    ------
    ValueError
        For an unknown section key.

    Notes
    -----
    Everything is written to a new version folder inside `out_dir`, which then
    replaces the previous report as a whole with one atomic rename
    (:func:`corridors.io.folders.replaced_folder`): ``out/report.html`` and its maps
    and tables always come from one complete run, also when a run is killed or two
    runs overlap. A section that raises is logged at ERROR level (stderr), named in
    the report, and its earlier files and GeoPackage layers are kept.
    """
    from corridors.parallel import progress_bar as tqdm

    keys = [k for k, _ in SECTIONS]
    chosen = keys if sections is None else list(sections)
    unknown = [k for k in chosen if k not in keys]
    if unknown:
        msg = f"sections = {unknown!r}; expected some of {', '.join(keys)}"
        raise ValueError(msg)
    out = Path(out_dir)
    if scenarios is None:
        present = {p.stem for p in _scenario_folder().glob("*.toml")}
        scenarios = [s for s in DEFAULT_SCENARIOS if s in present]
    ctx = _Context(net, tuple(scenarios), failure_runs)
    with replaced_folder(out) as stage:
        previous = current_folder(out)
        _run(ctx, chosen, previous, stage, _read_manifest(previous), progress, tqdm)
    return out / "report.html"


def _run(
    ctx: _Context,
    chosen: list[str],
    previous: Path,
    stage: Path,
    old_manifest: dict[str, dict[str, list[str]]],
    progress: bool,
    tqdm: Any,
) -> None:
    show = progress and sys.stderr.isatty()
    done: list[_Section] = []
    failed: dict[str, str] = {}
    manifest: dict[str, dict[str, list[str]]] = {}
    bar = tqdm(total=len(chosen), desc="report", unit="section", disable=not show, leave=False)
    for key, function in SECTIONS:
        if key not in chosen:
            if key in old_manifest:
                manifest[key] = old_manifest[key]
            continue
        bar.set_postfix_str(key)
        sec, error = _run_section(key, function, ctx)
        if error is None:
            try:
                manifest[key] = _write_section(sec, stage)
            except Exception as write_error:
                error = f"{type(write_error).__name__}: {write_error}"
                logger.error("report section %r could not be written: %s", key, error)
                sec = _Section(key, sec.title, error=error)
        if error is not None:
            failed[key] = error
            manifest[key] = old_manifest.get(key, {"files": [], "layers": []})
        done.append(sec)
        bar.update()
    bar.close()
    good = [s for s in done if s.error is None]
    kept = {k: v for k, v in manifest.items() if k in failed or k not in chosen}
    for entry in kept.values():  # the earlier outputs of sections not rewritten
        for rel in entry.get("files", []):
            if (previous / rel).is_file() and not (stage / rel).exists():
                link_into(previous / rel, stage / rel)
    try:
        _write_geopackage(previous / "corridors.gpkg", stage, good, kept)
    except Exception as error:  # the maps, tables and report are still written
        failed["geopackage"] = f"{type(error).__name__}: {error}"
        logger.error("corridors.gpkg could not be written: %s", failed["geopackage"])
        if (previous / "corridors.gpkg").is_file():
            link_into(previous / "corridors.gpkg", stage / "corridors.gpkg")
    images = {}
    for sec in good:
        for name in sec.maps:
            images[name] = stage / "maps" / f"{name}.png"
    markdown, page = _report_texts(ctx.net, done, failed, images)
    (stage / "report.md").write_text(markdown, encoding="utf-8")
    (stage / "report.html").write_text(page, encoding="utf-8")
    manifest_text = json.dumps(manifest, indent=1, sort_keys=True)
    (stage / _MANIFEST).write_text(manifest_text, encoding="utf-8")
