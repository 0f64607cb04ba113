"""Output folders replaced as a whole: a stage folder switched in with one atomic rename.

A folder written by :func:`replaced_folder` (the report's ``--out``, the tables of
``scenario run --out``) looks like this::

    out/
      report.html -> .corridors-current/report.html   (one link per output, made once)
      maps        -> .corridors-current/maps
      .corridors-current -> .corridors-v-<pid>-XXXX   (the switch)
      .corridors-v-<pid>-XXXX/                        (one complete set of outputs)
      .corridors.lock

Every run writes a new version folder, then renames a new ``.corridors-current``
link over the old one: a single atomic step, so ``out/report.html``,
``out/maps/*.png`` and the rest always come from one complete run. A killed or
failed run leaves the previous outputs as they were; its stage folder is removed
(or, after ``kill -9``, by the next run). A lock serializes the switches of two runs
on one folder, and the last to finish wins, whole.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from corridors._errors import OutputError
from corridors.io.atomic import _alive, output_error

__all__ = ["CURRENT", "VERSION_PREFIX", "current_folder", "link_into", "replaced_folder"]

#: The link naming the complete version in use.
CURRENT = ".corridors-current"

#: Name prefix of version (and stage) folders; the writing process's id follows.
VERSION_PREFIX = ".corridors-v-"

_LOCK = ".corridors.lock"

#: Stage folders of the report before versioned outputs (``tempfile`` names).
_LEGACY_STAGE = ".report-"


def current_folder(out: str | os.PathLike[str]) -> Path:
    """Return the folder holding the outputs now in use in `out`.

    Parameters
    ----------
    out
        An output folder.

    Returns
    -------
    pathlib.Path
        ``out/.corridors-current`` when it exists, else `out` itself (a folder
        written before outputs were versioned, or not written yet).
    """
    out = Path(out)
    current = out / CURRENT
    return current if current.exists() else out


def link_into(source: Path, target: Path) -> None:
    """Put a file of the previous outputs into the stage (a hard link, else a copy).

    Parameters
    ----------
    source
        An existing file.
    target
        Its place in the stage folder (parent folders are created).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    """Hold the folder's lock (an ``flock`` on ``out/.corridors.lock``)."""
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    handle = os.open(out / _LOCK, flags, 0o644)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # releases the lock


def _version_pid(name: str) -> int | None:
    """Return the process id in a version folder's name (None if not one)."""
    if not name.startswith(VERSION_PREFIX):
        return None
    pid = name[len(VERSION_PREFIX) :].split("-")[0]
    return int(pid) if pid.isdigit() else None


def _clean(out: Path) -> None:
    """Remove version folders that are not in use and whose run has ended."""
    try:
        current = os.readlink(out / CURRENT)
    except OSError:
        current = None
    with contextlib.suppress(OSError):
        for entry in os.scandir(out):
            if entry.name.startswith(_LEGACY_STAGE) and entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)  # left by an older corridors
                continue
            pid = _version_pid(entry.name)
            if pid is None or entry.name == current or not entry.is_dir(follow_symlinks=False):
                continue
            if pid == os.getpid() or not _alive(pid):
                shutil.rmtree(entry.path, ignore_errors=True)


def _is_ours(path: Path) -> bool:
    """Return whether `path` is a link into ``.corridors-current``."""
    try:
        return os.readlink(path).split(os.sep)[0] == CURRENT
    except OSError:
        return False


def _publish(out: Path, names: Iterable[str], stage: Path) -> None:
    """Switch `stage` in and make ``out/<name>`` links for each of its outputs."""
    names = sorted(names)
    pending = []
    for name in names:  # links for new names first: they dangle until the switch
        entry = out / name
        if not os.path.lexists(entry):
            os.symlink(f"{CURRENT}/{name}", entry)
        elif not _is_ours(entry):
            pending.append(entry)  # an output written before versioning
    temp = out / f"{CURRENT}.{os.getpid()}.tmp"
    with contextlib.suppress(FileNotFoundError):
        temp.unlink()
    os.symlink(stage.name, temp)
    os.replace(temp, out / CURRENT)  # the switch: one atomic rename
    for entry in pending:  # once per folder: outputs of an older corridors
        link = out / f".{entry.name}.{os.getpid()}.link"
        os.symlink(f"{CURRENT}/{entry.name}", link)
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        os.replace(link, entry)
    for entry in out.iterdir():  # links to outputs the new version no longer has
        if entry.name not in names and _is_ours(entry) and entry.name != CURRENT:
            entry.unlink()


@contextlib.contextmanager
def replaced_folder(out: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a stage folder; on success make it the outputs of `out` in one atomic switch.

    Parameters
    ----------
    out
        The output folder users open; created if needed.

    Yields
    ------
    pathlib.Path
        An empty, private stage folder inside `out`. Write every output there (the
        previous outputs are in :func:`current_folder`).

    Raises
    ------
    OutputError
        If `out` is a file or cannot be written (one line).
    """
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f"{VERSION_PREFIX}{os.getpid()}-", dir=out))
    except (FileExistsError, NotADirectoryError):
        raise OutputError(f"{out}: is a file; expected a folder for the outputs") from None
    except OSError as error:
        raise output_error(error, out) from None
    os.chmod(stage, 0o755)  # outputs are for reading: like any folder the user makes
    try:
        yield stage
        names = [p.name for p in stage.iterdir()]
        with _locked(out):
            _publish(out, names, stage)
    except OutputError:
        _discard(out, stage)
        raise
    except OSError as error:
        _discard(out, stage)
        raise output_error(error, out) from None
    except BaseException:
        _discard(out, stage)
        raise
    _clean(out)


def _discard(out: Path, stage: Path) -> None:
    """Remove the stage of a failed run, unless the switch to it happened."""
    with contextlib.suppress(OSError):
        if os.readlink(out / CURRENT) == stage.name:
            return
    shutil.rmtree(stage, ignore_errors=True)
