"""The package's layout holds: no import circle, no import from a stage to a later one, a model that writes nothing.

The stages are those of generator/ARCHITECTURE.md, in the order ``build.build`` runs them. Every module of
``generator/`` must be placed in one, so a new module is placed on purpose; imports inside functions
count as much as those at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "generator"

#: Each stage and the modules (or packages, with everything under them) that belong to it, in build order.
#: "common" is what every stage may use; "run" holds what calls the stages (the build, the preview, the CLI) and the
#: maintainers' and publishers' tools beside them.
STAGES = {
    "common": ("errors", "problems", "paths", "i18n", "palette", "statuses", "codelists", "schemas", "config", "cache",
               "grouping", "definitions", "prose"),
    "load": ("inputs", "validate", "validate_counts"),
    "aggregate": ("indicators", "counts"),
    "disclose": ("disclosure", "precision", "identities", "attack"),
    "publish": ("publish",),
    "model": ("figures", "words", "model", "site", "programme_pages", "country_pages", "text_pages", "directory",
              "crosscountry", "charts"),
    "render": ("render", "guide", "reports", "search", "maps"),
    "write": ("writer", "audit"),
    "run": ("__init__", "build", "incremental", "serve", "cli", "scaffold", "catalogue", "synthetic", "upstream", "spark",
            "survey", "questionnaire"),
}
ORDER = list(STAGES)


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def _imports() -> dict[str, set[str]]:
    """Each module of the package and the modules of the package it imports (anywhere in the file)."""
    files = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = [p for p in package.split(".") if p and p != "__init__"]
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                for alias in node.names:  # "from . import x" names a module; "from .x import y" a module or a name
                    submodule = f"{target}.{alias.name}".lstrip(".")
                    found.add(submodule if submodule in files else target)
        found &= set(files) - {name}
        graph[name] = found
    return graph


def _stage(module: str) -> str:
    top = module.split(".")[0]
    return next(stage for stage, members in STAGES.items() if top in members)


def test_every_module_has_a_stage():
    unplaced = [m for m in _imports() if not any(m.split(".")[0] in members for members in STAGES.values())]
    assert unplaced == [], f"place these modules in a stage of STAGES (and generator/ARCHITECTURE.md): {unplaced}"


def test_no_import_points_to_a_later_stage():
    later = [(m, _stage(m), t, _stage(t)) for m, targets in _imports().items() for t in targets
             if ORDER.index(_stage(t)) > ORDER.index(_stage(m))]
    assert later == []


def test_no_import_circle():
    graph = _imports()
    circles, state = [], {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                circles.append(trail[trail.index(target):] + [target])
            elif target not in state:
                visit(target, trail + [target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert circles == []


def test_the_model_stage_writes_no_file():
    """The site model's modules make pages only: no file is opened, written or packed there."""
    writing = {"open", "write_bytes", "write_text", "mkdir", "csv_bytes", "zip_bytes", "to_csv", "dataset_jsonld"}
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module(path)
        if _stage(module) != "model" or module.startswith("charts"):
            continue  # the chart package's SVG drawing keeps its cache files (the render stage calls it)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
                if name in writing:
                    found.append(f"{module}:{node.lineno}: {name}")
    assert found == []
