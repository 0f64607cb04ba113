"""Atomic writes: a temporary file moved into place only when the write succeeds."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_path"]


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to `path`; move it into place only on success.

    Parameters
    ----------
    path
        The final output file. Its folder is created if needed.

    Yields
    ------
    pathlib.Path
        Where to write. If the block raises, the temporary file is removed and
        any existing `path` is left untouched.
    """
    final = Path(path)
    final.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(
        prefix=f".{final.name}.", suffix=final.suffix, dir=final.parent
    )
    os.close(handle)
    temp = Path(temp_name)
    temp.unlink()
    try:
        yield temp
        os.replace(temp, final)
    finally:
        if temp.exists():
            temp.unlink()
