"""The data dictionary: every resource and field, from the same Table Schemas the packages publish.

Nothing is described twice: a field's type, constraints and description come
from its Table Schema; the labels of its codes from the code lists the
published code-list resources are made from (ISCED-F fields, NACE sections,
geo names, indicator definitions, suppression reasons). The input schemas
(``generator/schemas/``) are listed too, for whoever prepares data for ontrack.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..codelists import EU_CODE, geo_codes, geo_name, isced_fields, nace_sections
from ..config import DisclosureOptions
from ..disclosure import REASONS
from ..definitions import DEFINITIONS, Definition
from ..schemas import INPUT_RESOURCES, table_schema
from .tables import UNIT_OF, PublishedTable

#: Units of published fields whose unit is fixed (Table Schema has no unit property; ours add one as an
#: extension where they can, and these cover the fields made in ``tables.py``).
FIELD_UNITS = {"ci_low": "percent", "ci_high": "percent", "base_rounded": "graduates", "months_after": "months",
               "value": "given in the unit column (" + ", ".join(sorted(set(UNIT_OF.values()))) + ")"}
#: Code-list resources: (code column, label column).
CODE_LISTS = {"geo": ("geo", "name"), "fields": ("code", "label"), "nace": ("code", "label"),
              "indicator_definitions": ("id", "label")}
#: Fields whose codes are those of a code list, by field name (input and published alike).
CODE_FIELDS = {"geo": "geo", "isced_f": "fields", "field": "fields", "nace_section": "nace",
               "indicator": "indicator_definitions", "suppression_reason": "suppression_reasons"}
#: More codes than this are linked to their code list rather than listed in the field's row.
MAX_INLINE_CODES = 40


@dataclass(frozen=True)
class Code:
    code: str
    label: str = ""


@dataclass(frozen=True)
class FieldEntry:
    name: str
    type: str
    required: bool
    unit: str
    description: str
    rules: tuple[str, ...]           # constraints other than the allowed codes, in words
    codes: tuple[Code, ...]          # allowed (or, for indicator ids, occurring) codes with labels
    code_list: str                   # resource holding the codes' labels, '' if none


@dataclass(frozen=True)
class ResourceEntry:
    name: str
    title: str
    description: str
    path: str                        # the CSV in the whole-site package; '' for inputs
    rows: int
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str], ...]   # (field, resource)
    fields: tuple[FieldEntry, ...]
    codes: tuple[Code, ...]          # for a code-list resource: its codes and labels


@dataclass(frozen=True)
class DataDictionary:
    published: tuple[ResourceEntry, ...]
    inputs: tuple[ResourceEntry, ...]
    definitions: tuple[Definition, ...]


def code_labels(min_base: int, min_n: int) -> dict[str, dict[str, str]]:
    """Labels of every code, by code list, from the same sources the published code lists are made from."""
    return {
        "geo": {g: geo_name(g) for g in (*geo_codes(), EU_CODE)},
        "fields": {c.code: c.label for c in isced_fields().values()},
        "nace": {c.code: c.label for c in nace_sections().values()},
        "indicator_definitions": {d.id: d.label for d in DEFINITIONS.values()},
        "suppression_reasons": {k: v.format(min_base=min_base, min_n_statistic=min_n) for k, v in REASONS.items()},
    }


def _rules(constraints: dict) -> tuple[str, ...]:
    words = {"minimum": "at least {}", "maximum": "at most {}", "minLength": "at least {} characters",
             "maxLength": "at most {} characters", "pattern": "matches {}", "unique": "unique"}
    return tuple(words[k].format(v) for k, v in constraints.items() if k in words and v is not False)


def _field(spec: dict, labels: dict[str, dict[str, str]], code_list: str, used: list[str] | None) -> FieldEntry:
    constraints = spec.get("constraints", {})
    known = labels.get(code_list, {})
    if used is not None:
        values = used
    else:
        values = [str(v) for v in constraints.get("enum", [])]
    codes = tuple(Code(v, known.get(v, "")) for v in values)
    if len(codes) > MAX_INLINE_CODES and code_list in CODE_LISTS:
        codes = ()
    return FieldEntry(name=spec["name"], type=spec.get("type", "string"), required=bool(constraints.get("required")),
                      unit=spec.get("unit") or FIELD_UNITS.get(spec["name"], ""),
                      description=spec.get("description", ""), rules=_rules(constraints), codes=codes,
                      code_list=code_list if code_list in CODE_LISTS else "")


def _resource(name: str, title: str, schema: dict, path: str, rows: int, labels: dict[str, dict[str, str]],
              used: dict[str, list[str]], own: tuple[Code, ...] = ()) -> ResourceEntry:
    keys = tuple((fk["fields"], fk["reference"]["resource"]) for fk in schema.get("foreignKeys", ()))
    # A code list's own key column is the list itself, not a reference to it.
    links = {} if name in CODE_LISTS else CODE_FIELDS
    fields = tuple(_field(spec, labels, links.get(spec["name"], ""), used.get(spec["name"]))
                   for spec in schema["fields"])
    primary = schema.get("primaryKey", ())
    return ResourceEntry(name, title, schema.get("description", ""), path, rows,
                         tuple([primary] if isinstance(primary, str) else primary), keys, fields, own)


def data_dictionary(tables: list[PublishedTable], disclosure: DisclosureOptions) -> DataDictionary:
    """The dictionary of the published resources (whole-site package) and of the input files."""
    labels = code_labels(disclosure.min_base, disclosure.min_n_statistic)
    published = []
    for table in tables:
        # An indicator table lists the ids it holds, with their labels: the reader sees what is in it.
        used = {"indicator": sorted(table.frame["indicator"].unique(), key=list(DEFINITIONS).index)} \
            if "indicator" in table.frame and table.name != "indicator_definitions" else {}
        own = ()
        if table.name in CODE_LISTS:
            code, label = CODE_LISTS[table.name]
            own = tuple(Code(c, v) for c, v in zip(table.frame[code].astype(str), table.frame[label].astype(str)))
        published.append(_resource(table.name, table.title, table.schema, f"data/{table.name}.csv",
                                   len(table.frame), labels, used, own))
    inputs = tuple(_resource(name, name, table_schema(name), "", 0, labels, {})
                   for name in INPUT_RESOURCES)
    return DataDictionary(tuple(published), inputs, tuple(DEFINITIONS.values()))
