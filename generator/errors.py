"""The project's error types, the shape of a problem, and the one way problems are printed.

Problems are data: each names where it is (file, row, field), what kind it is
(a code of the catalogue in ``problems.py``) and a message. Code below the CLI
gathers them into an error instead of stopping at the first; ``report_lines``
turns an error into the lines ``ontrack`` and the preview print, one problem a
line, and the CLI exits 1. A warning (a problem whose kind is a warning) does
not stop a build; it is printed, and ``--strict`` makes it stop the build too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .problems import ProblemType, problem_type

#: How many problems are printed before the rest are only counted.
REPORT_LIMIT = 50


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input or the output, located as precisely as we can."""

    file: str
    row: int | None
    field: str | None
    code: str
    message: str

    def __post_init__(self) -> None:
        problem_type(self.code)  # an unregistered code is a bug: fail where it is made, not in a report

    @property
    def type(self) -> ProblemType:
        """The catalogue entry of this problem's code: its title, description, and whether it is a warning."""
        return problem_type(self.code)

    @property
    def warning(self) -> bool:
        return self.type.warning

    def __str__(self) -> str:
        parts = [self.file] if self.file else []
        if self.row is not None:
            parts.append(str(self.row))
        if self.field:
            parts.append(self.field)
        return ":".join(parts) + ": " + self.message if parts else self.message

    def as_tuple(self) -> tuple:
        """Flattened form, convenient in tests: (file, row, field, code)."""
        return (self.file, self.row, self.field, self.code)


def count(n: int, noun: str) -> str:
    """``1 problem``, ``2 problems``, ``1,200 problems``."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


class OntrackError(Exception):
    """Base class for every error the project raises on purpose: it carries the problems that stopped it.

    A plain sentence is one problem of the class's ``code`` (or the ``code`` given), located at ``file``;
    ``headline`` says in one line what did not happen, above the problems.
    """

    code = "usage"

    def __init__(self, problems: Iterable[Problem] | str, uncounted: int = 0, *, code: str | None = None,
                 file: str = "", headline: str = ""):
        if isinstance(problems, str):
            problems = [Problem(file, None, None, code or self.code, problems)]
        self.problems = list(problems)
        #: problems found but not kept one by one (a column wrong on every row)
        self.uncounted = uncounted
        self.headline = headline
        super().__init__(self._text())

    def _text(self) -> str:
        lines = self.lines()
        return f"{self.headline}:\n  " + "\n  ".join(lines) if self.headline else "\n".join(lines)

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


class InputError(OntrackError):
    """The input (config, content or data) has one or more problems."""

    code = "type"

    def _text(self) -> str:
        return f"{self.total} problem(s) in the input"


class BuildError(OntrackError):
    """The build could not finish (an invalid package, a locked output, a privacy breach, ...)."""

    code = "output-folder"


def report_lines(error: OntrackError, outcome: str = "") -> list[str]:
    """What ``ontrack`` prints for ``error``: its problems one a line, then what did not happen (``outcome``)."""
    if isinstance(error, InputError):
        return error.lines() + [f"{count(error.total, 'problem')} found{'; ' + outcome if outcome else ''}."]
    if error.headline:
        return [f"Error: {error.headline}:"] + [f"  {line}" for line in error.lines()]
    return [f"Error: {line}" for line in error.lines()]


def warning_lines(warnings: list[Problem], strict: bool = False) -> list[str]:
    """The warnings of a run, one a line; with ``strict``, they stopped it."""
    if not warnings:
        return []
    end = "; --strict makes them stop the build" if not strict else ""
    return [f"Warning: {w}" for w in warnings] + [f"{count(len(warnings), 'warning')}{end}."]


def raise_if(problems: list[Problem]) -> None:
    """Raise an ``InputError`` when ``problems`` is not empty."""
    if problems:
        raise InputError(problems)
