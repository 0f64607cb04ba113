"""Safe writes: a file appears whole, or the old one stays; nothing but regular files replaced.

:func:`atomic_path` writes into a private stage folder created inside the target's
folder (``mkdir`` is exclusive, like ``O_EXCL``, and the folder is ``0700``, so no
one can plant a link in it) and then renames the file over the target in one
step. The target is checked first and again just before the rename: a device, a
FIFO, a socket, a folder or a symbolic link is refused (the link is not followed).
Stage folders left by killed runs are removed by the next write into that folder.
Disk-full and permission errors become one :class:`~corridors._errors.OutputError`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from corridors._errors import CorridorsError, OutputError

__all__ = [
    "STAGE_PREFIX",
    "atomic_path",
    "check_target",
    "clean_stale",
    "make_stage",
    "output_error",
]

#: Name prefix of stage folders; the writing process's id follows.
STAGE_PREFIX = ".corridors-stage-"

_KINDS = {
    stat.S_IFCHR: "character device",
    stat.S_IFBLK: "block device",
    stat.S_IFIFO: "FIFO (named pipe)",
    stat.S_IFSOCK: "socket",
}


def check_target(path: str | os.PathLike[str]) -> None:
    """Refuse an output path that exists and is not a regular file.

    Parameters
    ----------
    path
        Where a file will be written. The last component is not followed if it is
        a symbolic link.

    Raises
    ------
    OutputError
        If `path` is a symbolic link, a folder, a device, a FIFO or a socket.
    """
    target = Path(path)
    try:
        mode = os.lstat(target).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return  # not there yet (the folder check says why it cannot be made)
    except OSError as error:
        raise output_error(error, target) from None
    if stat.S_ISREG(mode):
        return
    if stat.S_ISLNK(mode):
        reason = "is a symbolic link; corridors does not write through links: give the real path"
    elif stat.S_ISDIR(mode):
        reason = "is a folder; expected a file name"
    else:
        kind = _KINDS.get(stat.S_IFMT(mode), "special file")
        reason = f"is a {kind}, not a regular file; corridors replaces only regular files"
    raise OutputError(f"{target}: {reason}")


def output_error(error: OSError, path: Path) -> OutputError:
    """Return the one-line OutputError for an OSError met while writing `path`.

    Parameters
    ----------
    error
        What the operating system said.
    path
        The output being written.

    Returns
    -------
    OutputError
    """
    reason = error.strerror or str(error)
    if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        fix = "free some space or write elsewhere"
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = "check the folder's permissions, or write elsewhere"
    else:
        fix = "check the path, or write elsewhere"
    return OutputError(f"{path}: cannot write ({reason}); {fix}")


def _alive(pid: int) -> bool:
    """Return whether a process with id `pid` exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def clean_stale(folder: str | os.PathLike[str], prefix: str = STAGE_PREFIX) -> list[Path]:
    """Remove stage folders in `folder` whose writing process no longer runs.

    Parameters
    ----------
    folder
        A folder outputs are written into.
    prefix
        Name prefix of the stage folders (followed by ``<pid>-``).

    Returns
    -------
    list of pathlib.Path
        The folders removed.
    """
    removed = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if not entry.name.startswith(prefix) or not entry.is_dir(follow_symlinks=False):
                continue
            pid = entry.name[len(prefix) :].split("-")[0]
            if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
                shutil.rmtree(entry.path, ignore_errors=True)
                removed.append(Path(entry.path))
    return removed


def make_stage(folder: Path, prefix: str = STAGE_PREFIX) -> Path:
    """Create a private stage folder ``<prefix><pid>-XXXX`` in `folder` (created if needed).

    Parameters
    ----------
    folder
        Where the outputs go.
    prefix
        Name prefix of the stage folder.

    Returns
    -------
    pathlib.Path
        The new, empty folder (mode 0700).

    Raises
    ------
    OutputError
        If `folder` cannot be created or written.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        clean_stale(folder, prefix)
        return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=folder))
    except FileExistsError:
        raise OutputError(f"{folder}: is a file; expected a folder for the outputs") from None
    except NotADirectoryError:
        raise OutputError(f"{folder}: a part of this path is a file, not a folder") from None
    except OSError as error:
        raise output_error(error, folder) from None


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to `path`; move it into place only on success.

    Parameters
    ----------
    path
        The final output file. Its folder is created if needed. An existing target
        must be a regular file (not a link, device, FIFO, socket or folder).

    Yields
    ------
    pathlib.Path
        Where to write (inside a private stage folder in the target's folder). If
        the block raises, the stage is removed and any existing `path` is left
        untouched.

    Raises
    ------
    OutputError
        For a target that is not a regular file, a folder that cannot be written,
        a full disk, or a permission error (one line naming the path).
    """
    final = Path(path)
    check_target(final)
    stage = make_stage(final.parent)
    try:
        temp = stage / final.name
        try:
            yield temp
            check_target(final)  # again: the target may have changed meanwhile
            os.replace(temp, final)
        except CorridorsError:
            raise
        except OSError as error:
            raise output_error(error, final) from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)
