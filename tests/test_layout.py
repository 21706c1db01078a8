"""The folder tree is the architecture: each stage imports only the stages before it, no import
cycles, what crosses a folder line is public, modules small enough to read at once."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sokhcn_analytics"
# a stage may import the stages listed before it (and itself), never one after it
STAGES = ["core", "ingest", "extract", "store", "analysis", "plots", "reports", "draft", "explorer", "cli"]
ALLOWED = {
    "core": set(), "ingest": {"core"}, "extract": {"core"}, "store": {"core", "ingest", "extract"},
    "analysis": {"core", "store"}, "plots": {"core", "analysis"},
    "reports": {"core", "store", "analysis", "plots"},
    "draft": {"core", "extract", "store", "analysis"},
    "explorer": {"core", "store", "analysis", "plots"},
    "cli": set(STAGES) - {"cli"},
}
MAX_LINES = 500
MAX_TOP_MODULES = 6


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(module imported, names taken from it, line) for every import anywhere in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, [], node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}:{node.lineno}: relative import; write it absolute"
            found.append((node.module, [a.name for a in node.names], node.lineno))
    return found


def stage_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[0] == "sokhcn_analytics" else None


def test_the_stages_are_the_folders_named_here():
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    assert folders == set(STAGES)


def test_a_stage_imports_only_the_stages_before_it():
    wrong = []
    for name, path in modules().items():
        here = stage_of(name + ".x")
        for target, _, line in imports(path):
            there = stage_of(target + ".x") if target.startswith("sokhcn_analytics.") else None
            if here in ALLOWED and there and there != here and there not in ALLOWED[here]:
                wrong.append(f"{path.relative_to(PACKAGE)}:{line} ({here}) imports {target} ({there})")
    assert not wrong, "\n".join(wrong)


def test_no_private_name_crosses_a_folder_line():
    wrong = []
    for name, path in modules().items():
        for target, names, line in imports(path):
            if target.startswith("sokhcn_analytics.") and stage_of(target + ".x") != stage_of(name + ".x"):
                wrong += [f"{path.relative_to(PACKAGE)}:{line} takes {target}.{n}"
                          for n in names if n.startswith("_") and n != "__version__"]
    assert not wrong, "\n".join(wrong)


def test_no_private_attribute_of_another_folder_is_used():
    """``analysis._helper(…)`` through a module imported from another folder."""
    wrong = []
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        foreign = {a.asname or a.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                   and (node.module or "").startswith("sokhcn_analytics")
                   for a in node.names if stage_of(f"{node.module}.{a.name}.x") != stage_of(name + ".x")}
        wrong += [f"{path.relative_to(PACKAGE)}:{node.lineno} uses {node.value.id}.{node.attr}"
                  for node in ast.walk(tree) if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                  and node.value.id in foreign and node.attr.startswith("_") and not node.attr.startswith("__")]
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles():
    known = modules()

    def targets(module, names):  # "from a.b import c": the module a.b.c if there is one, else a.b
        return {f"{module}.{n}" if f"{module}.{n}" in known else module for n in names} if names else {module}

    graph = {name: {t for module, names, _ in imports(path) for t in targets(module, names) if t in known} - {name}
             for name, path in known.items()}
    state: dict[str, int] = {}

    def visit(node, stack):
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " → ".join(stack[stack.index(nxt):] + [nxt]))
            if nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])


@pytest.mark.parametrize("name", sorted(modules()))
def test_every_module_reads_at_once(name):
    lines = modules()[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{name} has {lines} lines"


def test_few_modules_at_the_top_of_the_package():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_MODULES, top
