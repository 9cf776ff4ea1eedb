"""The canonical Table Schemas of the input data package.

These JSON files are the single source of truth: input checks, the schemas
written into published packages and the data dictionary all read them.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

HERE = Path(__file__).parent

#: The record-level input resources, in the order they are checked (code lists first).
INPUT_RESOURCES = ("programmes", "providers", "graduates")

#: The resources of an aggregated input, which counts per cell instead of records (same order rule).
AGGREGATED_RESOURCES = ("programmes", "providers", "graduate_counts", "programme_providers")


@cache
def _load(name: str) -> str:
    return (HERE / f"{name}.json").read_text(encoding="utf-8")


def table_schema(name: str) -> dict:
    """A fresh copy of the canonical Table Schema called ``name``."""
    return json.loads(_load(name))


def field_names(name: str) -> list[str]:
    return [f["name"] for f in table_schema(name)["fields"]]
