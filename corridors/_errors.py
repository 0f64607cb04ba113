"""Exceptions raised by corridors.

Every exception derives from :class:`CorridorsError` and also from the builtin
that fits it, so callers can catch either.
"""

from __future__ import annotations

__all__ = [
    "CorridorsError",
    "DataError",
    "NoRouteError",
    "UnknownPlaceError",
]


class CorridorsError(Exception):
    """Base class of every error raised by corridors."""


class DataError(CorridorsError, ValueError):
    """Input data (a file, a table, a parameter) is invalid.

    Parameters
    ----------
    problems
        One message per problem found; each names the file, row, field, the
        value found and what was expected.
    """

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        if len(self.problems) == 1:
            message = self.problems[0]
        else:
            listed = "\n".join(f"  - {p}" for p in self.problems)
            message = f"{len(self.problems)} problems found:\n{listed}"
        super().__init__(message)


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
