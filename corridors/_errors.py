"""Exceptions raised by corridors.

Every exception derives from :class:`CorridorsError` and also from the builtin
that fits it, so callers can catch either. Each class carries the exit code the
``corridors`` command ends with when it stops on that error (see :data:`EXIT_CODES`).
"""

from __future__ import annotations

__all__ = [
    "EXIT_CODES",
    "CorridorsError",
    "DataError",
    "NoRouteError",
    "OutputError",
    "ServiceError",
    "UnknownPlaceError",
]

#: Exit codes of the ``corridors`` command (also listed in README.md).
EXIT_CODES: dict[str, int] = {
    "success": 0,
    "bad input data, or a question the network cannot answer": 1,
    "bad command line (an option value, a missing argument)": 2,
    "an output cannot be written (permission, disk full, not a regular file)": 3,
    "a service is unreachable (Dask scheduler)": 4,
    "internal error (a bug: please report it with the -vv traceback)": 70,
    "interrupted (Ctrl-C)": 130,
}

#: Most problems a :class:`DataError` message lists; the rest are counted.
MAX_LISTED = 20


class CorridorsError(Exception):
    """Base class of every error raised by corridors."""

    exit_code = 1


class DataError(CorridorsError, ValueError):
    """Input data (a file, a table, a parameter) is invalid.

    Parameters
    ----------
    problems
        One message per problem found; each names the file, row, field, the
        value found and what was expected.
    """

    def __init__(self, problems: list[str] | str, *, more: int = 0) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.more = more
        total = len(self.problems) + more
        if total == 1:
            message = self.problems[0]
        else:
            shown = self.problems[:MAX_LISTED]
            listed = "\n".join(f"  - {p}" for p in shown)
            rest = total - len(shown)
            tail = f"\n  ... and {rest} more" if rest else ""
            counted = f"{total} problems" if not more else f"at least {total} problems"
            message = f"{counted} found:\n{listed}{tail}"
        super().__init__(message)

    def first_line(self) -> str:
        """Return the first problem, with how many more there are (the CLI's one line).

        Returns
        -------
        str
            E.g. ``"places.csv, line 3 (...): lon = 'abc'; ... (and 4 more problems)"``.
        """
        rest = len(self.problems) + self.more - 1
        if rest <= 0:
            return self.problems[0]
        plural = "s" if rest > 1 else ""
        at_least = "at least " if self.more else ""
        return f"{self.problems[0]} (and {at_least}{rest} more problem{plural}; -v lists them)"


class UnknownPlaceError(CorridorsError, KeyError):
    """A place name or id matches no place of the network.

    Parameters
    ----------
    name
        What the user typed.
    suggestions
        Close matches (place names or ids), best first.
    """

    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown place {name!r}.{hint}")

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class NoRouteError(CorridorsError, LookupError):
    """No route joins two places under the given restrictions."""


class OutputError(CorridorsError, OSError):
    """An output cannot be written: permission, disk full, or a target that is not a file."""

    exit_code = 3


class ServiceError(CorridorsError, ConnectionError):
    """A service the run needs (a Dask scheduler) cannot be reached or failed."""

    exit_code = 4
