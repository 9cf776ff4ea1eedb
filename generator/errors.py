"""The project's error types and the shape of a problem report.

Problems are data: each names where it is (file, row, field), what kind it is
(a short code) and a message. Code below the CLI gathers them into an
``InputError`` instead of stopping at the first; the CLI prints them one per
line and exits 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Iterable

#: How many problems are printed before the rest are only counted.
REPORT_LIMIT = 50


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can."""

    file: str
    row: int | None
    field: str | None
    code: str
    message: str

    def __str__(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(str(self.row))
        if self.field:
            parts.append(self.field)
        return ":".join(parts) + ": " + self.message

    def as_tuple(self) -> tuple:
        """Flattened form, convenient in tests: (file, row, field, code)."""
        return (self.file, self.row, self.field, self.code)


class OntrackError(Exception):
    """Base class for every error the project raises on purpose."""


class InputError(OntrackError):
    """The input (config, content or data) has one or more problems."""

    def __init__(self, problems: Iterable[Problem], uncounted: int = 0):
        self.problems = list(problems)
        #: problems found but not kept one by one (a column wrong on every row)
        self.uncounted = uncounted
        super().__init__(f"{self.total} problem(s) in the input")

    @property
    def total(self) -> int:
        return len(self.problems) + self.uncounted

    def lines(self, limit: int = REPORT_LIMIT) -> list[str]:
        """The problems as printable lines, the rest counted after ``limit``."""
        shown = [str(p) for p in self.problems[:limit]]
        rest = self.total - len(shown)
        if rest > 0:
            shown.append(f"... and {rest} more problem(s)")
        return shown


class BuildError(OntrackError):
    """The build could not finish (an invalid package, a locked output, ...)."""


def raise_if(problems: list[Problem]) -> None:
    """Raise an ``InputError`` when ``problems`` is not empty."""
    if problems:
        raise InputError(problems)
