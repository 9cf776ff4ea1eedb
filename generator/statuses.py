"""How far a country's graduate tracking is, defined once: codes, labels and colours.

Two vocabularies describe a country. The **national system** (``national_system``
in a profile's front matter) says whether a dedicated system tracks VET
graduates; the map of Europe colours countries by it. The **Timeline status**
(``timeline`` entries) is the stage of a policy measure in Cedefop's Timeline of
VET policies in Europe; the profile's timeline chart shows it year by year. The
two share colours where they mean the same stage, so a reader who learned the
map reads the timeline the same way: a running system and a measure in
implementation are both BLUE, a pilot or partial system and a measure in its
pilot both SKY_BLUE; Design, Completed and "no system" have colours of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from .i18n import N_
from .palette import BLUE, GREEN, GREY, ORANGE, PALE_GREY, PURPLE, SKY_BLUE


@dataclass(frozen=True)
class Status:
    """One status: its code as the content files write it, its label (a catalogue message) and colour."""

    code: str
    label: str
    colour: str
    pattern: str | None = None   # the map's hatch over the colour, so that no category is told by colour alone

    @property
    def css_class(self) -> str:
        """The map's class for a national system: system-runs, ..., system-unknown."""
        return f"system-{self.code or 'unknown'}"


#: What the map shows: whether a national system tracks VET graduates (CountryProfile.national_system).
NATIONAL_SYSTEMS = (
    Status("runs", N_("A national system runs"), BLUE),
    Status("partial", N_("Pilot, project or part of VET only"), SKY_BLUE, "hatch"),
    Status("general", N_("No dedicated system; general statistics only"), ORANGE, "dots"),
    Status("none", N_("None found in the sources consulted"), GREY, "crosshatch"),
)
#: A profile that does not say which national system its country has.
NOT_ASSESSED = Status("", N_("Not assessed"), PALE_GREY)
NATIONAL_SYSTEM = {s.code: s for s in (*NATIONAL_SYSTEMS, NOT_ASSESSED)}

#: A measure's stage in Cedefop's Timeline, in the order a system moves through them.
TIMELINE_STATUSES = (
    Status("Design", N_("Design"), PURPLE),
    Status("Pilot", N_("Pilot"), SKY_BLUE),
    Status("Implementation", N_("Implementation"), BLUE),
    Status("Completed", N_("Completed"), GREEN),
)
TIMELINE_STATUS = {s.code: s for s in TIMELINE_STATUSES}
#: What a country with no Timeline entry shows instead of a status.
NO_ENTRY = N_("No entry")


def map_stylesheet() -> str:
    """The CSS variables the map and its legend colour the national systems with (prepended to site.css)."""
    lines = [f"  --{s.css_class}: {s.colour.lower()};" for s in (*NATIONAL_SYSTEMS, NOT_ASSESSED)]
    return "/* The national systems' colours, written by ontrack from generator/statuses.py. */\n:root {\n" + \
        "\n".join(lines) + "\n}\n"
