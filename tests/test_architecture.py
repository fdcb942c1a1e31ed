"""The shape of the code: no import cycles, no oversized files or functions.

The layer contract itself is import-linter's (pyproject.toml, run by .ci/run); these are the
rules it does not check.
"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "storage")
MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 80

# Known offenders, each to be split; an entry that no longer offends fails the test, so the
# list can only shrink.
OVERSIZED_FILES: set[str] = set()
OVERSIZED_FUNCTIONS: set[str] = set()


def sources() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "versions" not in path.parts  # generated migrations
    )


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm: the components with more than one module (import cycles)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert strongly_connected(graph) == [["a", "b", "c"]]
    assert strongly_connected({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_between_modules() -> None:
    imports = grimp.build_graph(*PACKAGES)
    graph = {
        module: {
            target
            for target in imports.find_modules_directly_imported_by(module)
            if target.split(".")[0] in PACKAGES
        }
        for module in imports.modules
        if module.split(".")[0] in PACKAGES
    }
    assert strongly_connected(graph) == []


def function_lengths(path: Path) -> dict[str, int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = path.relative_to(ROOT).as_posix()
    return {
        f"{name}:{node.name}": (node.end_lineno or node.lineno) - node.lineno + 1
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def test_no_file_over_the_limit() -> None:
    sizes = {
        path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in sources()
    }
    over = {name for name, lines in sizes.items() if lines > MAX_FILE_LINES}
    assert over - OVERSIZED_FILES == set(), "split these files"
    assert OVERSIZED_FILES - over == set(), "no longer oversized: remove from the list"


def test_no_function_over_the_limit() -> None:
    lengths: dict[str, int] = {}
    for path in sources():
        lengths.update(function_lengths(path))
    over = {name for name, lines in lengths.items() if lines > MAX_FUNCTION_LINES}
    assert over - OVERSIZED_FUNCTIONS == set(), "split these functions"
    assert OVERSIZED_FUNCTIONS - over == set(), "no longer oversized: remove from the list"


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_error_guards_around_our_modules(package: str) -> None:
    """`try: from handlers... except ImportError` hides a cycle instead of removing it."""
    offenders = []
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Try):
                continue
            guards = {
                getattr(handler.type, "id", None) for handler in node.handlers if handler.type
            }
            ours = any(
                isinstance(stmt, ast.ImportFrom) and (stmt.module or "").split(".")[0] in PACKAGES
                for stmt in ast.walk(node)
            )
            if ours and guards & {"ImportError", "ModuleNotFoundError"}:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
