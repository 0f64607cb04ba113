"""One executor interface for parallel work: serial, local processes, or Dask.

Analyses that split into independent tasks (criticality, failure simulations)
take ``executor=``: ``None`` runs serially in this process; any
:class:`concurrent.futures.Executor` runs the chunks there, including
``ProcessPoolExecutor`` and a Dask cluster's ``client.get_executor()``.
:func:`executor_from_options` builds one from the CLI's ``--workers`` /
``--scheduler``. Results never depend on the executor: tasks are pure functions
of their arguments, and random draws are seeded per task item.

Chunks are sized from the executor's real worker count (a Dask cluster's
threads, as its scheduler reports them), and on Dask the shared data (compiled
graph, baseline trees) is broadcast once to every worker, not pickled into
every task.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any, TypeVar

from corridors._errors import ServiceError

__all__ = [
    "broadcast",
    "executor_from_options",
    "map_chunks",
    "progress_bar",
    "show_progress",
    "task_threads",
    "worker_count",
]

#: Seconds to wait for a Dask scheduler to answer.
CONNECT_TIMEOUT_S = 5.0

T = TypeVar("T")
R = TypeVar("R")


def progress_bar(**kwargs: Any) -> Any:
    """Return a tqdm progress bar: a notebook widget where ipywidgets exists, else text.

    ``tqdm.auto`` warns (``TqdmWarning: IProgress not found``) when imported in a
    Jupyter kernel without ipywidgets, so it is used only when ipywidgets is installed.

    Parameters
    ----------
    **kwargs
        Arguments of :class:`tqdm.tqdm` (``total``, ``desc``, ``disable``, ...).

    Returns
    -------
    tqdm.tqdm
        The bar (use it as a context manager, call ``update``).
    """
    if importlib.util.find_spec("ipywidgets") is None:
        from tqdm.std import tqdm
    else:
        from tqdm.auto import tqdm
    return tqdm(**kwargs)


def show_progress(progress: bool | None) -> bool:
    """Return whether to draw a progress bar: ``None`` means "only on a terminal".

    Parameters
    ----------
    progress
        ``True`` / ``False`` to force, ``None`` to draw only when stderr is a TTY.

    Returns
    -------
    bool
    """
    if progress is None:
        return sys.stderr.isatty()
    return progress


def _dask_client(executor: Executor | None) -> Any:
    """Return the Dask client behind ``client.get_executor()`` (None for other executors)."""
    client = getattr(executor, "_client", None)
    return client if client is not None and hasattr(client, "scatter") else None


def worker_count(executor: Executor | None) -> int:
    """Return how many tasks `executor` runs at once.

    Parameters
    ----------
    executor
        ``None`` (serial), a :class:`concurrent.futures.Executor`, or a Dask
        client's executor.

    Returns
    -------
    int
        1 when serial; a Dask cluster's total worker threads as its scheduler
        reports them now; a pool's ``max_workers``; else this machine's CPU count.
    """
    if executor is None:
        return 1
    client = _dask_client(executor)
    if client is not None:
        return max(1, sum(client.nthreads().values()))
    return getattr(executor, "_max_workers", None) or os.cpu_count() or 1


def broadcast(executor: Executor | None, shared: Any) -> Any:
    """Send `shared` to every worker once; return what tasks should be given instead.

    Parameters
    ----------
    executor
        Where the tasks run.
    shared
        Data every task needs.

    Returns
    -------
    object
        On Dask, a future of `shared` replicated on every worker (tasks receive
        the object itself); otherwise `shared` unchanged.
    """
    client = _dask_client(executor)
    if client is None:
        return shared
    return client.scatter([shared], broadcast=True, hash=False)[0]


def task_threads(executor: Executor | None) -> int | None:
    """Return the threads a task's compiled searches may use.

    Parameters
    ----------
    executor
        Where the tasks run (``None``: serially in this process).

    Returns
    -------
    int or None
        ``None`` (every core) when serial; 1 on an executor, whose workers
        already share the cores.
    """
    return None if executor is None else 1


def _chunks(items: Sequence[T], n_chunks: int) -> list[Sequence[T]]:
    n_chunks = max(1, min(n_chunks, len(items)))
    size, extra = divmod(len(items), n_chunks)
    out, start = [], 0
    for index in range(n_chunks):
        stop = start + size + (1 if index < extra else 0)
        out.append(items[start:stop])
        start = stop
    return [c for c in out if len(c)]


def map_chunks(
    function: Callable[[Any, Sequence[T]], list[R]],
    shared: Any,
    items: Sequence[T],
    *,
    executor: Executor | None = None,
    chunks_per_worker: int = 4,
    max_chunk: int | None = None,
    progress: bool | None = False,
    description: str = "",
) -> list[R]:
    """Apply ``function(shared, chunk)`` to chunks of `items`; return the results in order.

    Parameters
    ----------
    function
        A module-level function (picklable) returning one result per item of its chunk.
    shared
        Data every task needs (e.g. compiled arrays): broadcast once per worker
        on Dask, sent with each chunk to other executors.
    items
        The work items.
    executor
        ``None`` for serial; otherwise any :class:`concurrent.futures.Executor`.
    chunks_per_worker
        Chunks per worker, to balance load (workers from :func:`worker_count`).
    max_chunk
        Largest number of items in one chunk (e.g. to bound a task's memory).
    progress
        Progress bar: ``True``, ``False`` or ``None`` (only on a terminal).
    description
        Label of the progress bar.

    Returns
    -------
    list
        ``function``'s results for every item, in the order of `items`.
    """
    if not len(items):
        return []
    bar = progress_bar(
        total=len(items), desc=description, disable=not show_progress(progress), leave=False
    )
    with bar:
        at_least = -(-len(items) // max_chunk) if max_chunk else 1
        if executor is None:
            results: list[R] = []
            for chunk in _chunks(items, max(at_least, min(len(items), 20))):
                results.extend(function(shared, chunk))
                bar.update(len(chunk))
            return results
        chunks = _chunks(items, max(at_least, worker_count(executor) * chunks_per_worker))
        sent = broadcast(executor, shared)
        futures = [executor.submit(function, sent, chunk) for chunk in chunks]
        results = []
        try:
            for future, chunk in zip(futures, chunks, strict=True):
                results.extend(future.result())
                bar.update(len(chunk))
        except BaseException:  # Ctrl-C or a failed task: drop the outstanding tasks
            for future in futures:
                future.cancel()
            raise
        return results


@contextlib.contextmanager
def executor_from_options(
    workers: int | None = None, scheduler: str | None = None
) -> Iterator[Executor | None]:
    """Yield the executor the CLI options ask for, and shut it down afterwards.

    Parameters
    ----------
    workers
        Local worker processes (``None`` or 1: serial).
    scheduler
        Address of a Dask scheduler (``tcp://host:8786``); needs ``distributed``.

    Yields
    ------
    concurrent.futures.Executor or None
        ``None`` means serial.

    Raises
    ------
    ImportError
        If a scheduler is given and dask.distributed is not installed.
    ServiceError
        If the scheduler does not answer within :data:`CONNECT_TIMEOUT_S`.

    Notes
    -----
    On Ctrl-C (``KeyboardInterrupt``) the outstanding tasks are cancelled and local
    worker processes are terminated at once, so none is left running.
    """
    if scheduler:
        from distributed import Client

        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT_S)
        except Exception as error:  # OSError, TimeoutError, or a service that is not Dask
            raise ServiceError(
                f"--scheduler {scheduler}: no Dask scheduler answered within "
                f"{CONNECT_TIMEOUT_S:g} s ({type(error).__name__}); start one with "
                "`dask scheduler` or check the address (tcp://host:8786)"
            ) from None
        try:
            yield client.get_executor()
        finally:
            client.close()
        return
    if workers and workers > 1:
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_ignore_interrupts)
        try:
            yield pool
        except BaseException:  # Ctrl-C: stop the workers now, leave no orphans
            _stop(pool)
            raise
        pool.shutdown()
        return
    yield None


def _ignore_interrupts() -> None:
    """Let Ctrl-C reach only the main process, which then stops the workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel a process pool's tasks and end its worker processes within a second."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=1.0)
        if process.is_alive():
            process.kill()
            process.join(timeout=1.0)
    # let the pool's manager thread see its dead workers and close its wake-up pipe now:
    # otherwise the interpreter's exit hook may write to that half-closed pipe and print
    # a BrokenPipeError traceback after the one-line message
    manager = getattr(pool, "_executor_manager_thread", None)
    if manager is not None:
        manager.join(timeout=2.0)
