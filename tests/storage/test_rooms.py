"""The store's house stays walkable: no import circles between storage's modules, no product file
longer than a newcomer can read, and every room says what lives in it."""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
# The front ends have their own owners; this test holds the store to the limit.
PRODUCT = ("storage",)
MAX_LINES = 450


def _cycles(graph: grimp.ImportGraph, modules: set[str]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each one an import circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module) & modules:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_circle_between_storage_modules():
    graph = grimp.build_graph("storage")
    modules = {m for m in graph.modules if m == "storage" or m.startswith("storage.")}
    assert _cycles(graph, modules) == []


def test_no_product_file_over_the_limit():
    too_long = {
        str(path.relative_to(ROOT)): lines
        for package in PRODUCT
        for path in (ROOT / package).rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}


def test_every_room_says_what_lives_in_it():
    rooms = [p.parent for p in (ROOT / "storage").glob("*/__init__.py") if p.parent.name != "migrations"]
    assert len(rooms) >= 6
    for room in rooms:
        doc = ast.get_docstring(ast.parse((room / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "\n" not in doc, f"storage/{room.name}/__init__.py: a one-line docstring"


def test_every_storage_module_has_its_place_in_the_layers_contract():
    """A new module or room at the top of storage must be placed in the house, not beside it."""
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"][
        "contracts"
    ]
    (layers,) = [c["layers"] for c in contracts if c["type"] == "layers"]
    placed = {name.strip() for layer in layers for name in re.split(r"[|:]", layer)}
    top = {
        f"storage.{path.stem if path.is_file() else path.name}"
        for path in (ROOT / "storage").iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").exists()
    }
    assert top - placed == {"storage.migrations"}  # migrations import nothing from storage


def test_importing_the_package_api_loads_no_room():
    code = "import storage, sys; print(sorted(m for m in sys.modules if m.startswith('storage.')))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert loaded.stdout.strip() == "[]"


def test_every_name_of_the_package_api_resolves():
    import storage

    assert set(storage.__all__) <= set(dir(storage))
    missing = [name for name in storage.__all__ if getattr(storage, name, None) is None]
    assert missing == []


def test_every_cli_command_runs_a_function_that_exists():
    from storage.admin import cli

    parser = cli.build_parser()
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for name, sub in commands.choices.items():
        handler = cli._handler(sub.get_default("handler"))
        assert callable(handler), name


def test_no_storage_import_hides_inside_a_function():
    """An import inside a function hides an arrow from the drawing (and usually dodges a circle)."""
    hidden = []
    for path in (ROOT / "storage").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for inner in ast.walk(node):
                    names = [inner.module or ""] if isinstance(inner, ast.ImportFrom) else []
                    names += [a.name for a in inner.names] if isinstance(inner, ast.Import) else []
                    if any(n == "storage" or n.startswith("storage.") for n in names):
                        hidden.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    assert hidden == []
