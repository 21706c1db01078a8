"""The environment the tests run in: every declared dependency pinned in the lock, within its bounds;
every module the package imports declared; Chromium present where the Makefile could install it."""
from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "sokhcn_analytics"
# import name → distribution name, where they differ
DISTRIBUTION = {"docx": "python-docx", "python_calamine": "python-calamine", "IPython": "ipython", "yaml": "pyyaml"}
# imported only inside ``try: … except ImportError`` for an extra; declared in that extra instead
OPTIONAL = {"ipywidgets": "lab"}
_PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def _project() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _pins(lock: str) -> dict[str, str]:
    """``{name: version}`` of the lock's lines whose markers hold on this interpreter."""
    env = default_environment()
    pins = {}
    for line in (REPO / lock).read_text(encoding="utf-8").splitlines():
        m = _PIN.match(line)
        if not m:
            continue
        name, version, marker = m.groups()
        if marker and not Requirement(f"x; {marker}").marker.evaluate(env):
            continue
        pins[canonicalize_name(name)] = version
    return pins


def _declared(extras=("dev", "pdf")) -> list[Requirement]:
    project = _project()
    reqs = [Requirement(r) for r in project["dependencies"]]
    for extra in extras:
        reqs += [Requirement(r) for r in project["optional-dependencies"][extra]]
    return reqs


def _check_lock(lock: str, extras) -> None:
    pins = _pins(lock)
    for req in _declared(extras):
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is declared in pyproject.toml but not in {lock}: run 'make lock'"
        assert req.specifier.contains(Version(pins[name]), prereleases=True), (
            f"{lock} pins {req.name}=={pins[name]}, outside '{req.specifier}': run 'make lock'")


def test_the_lock_pins_every_declared_dependency_within_its_bounds():
    _check_lock("requirements.lock", ("dev", "pdf"))


# whose internals or document XML the package leans on (core/compat.py, draft/): an upgrade past the
# next major is checked by hand before the bound is lifted
BOUNDED = ("papermill", "nbclient", "jupyter_client", "nbconvert", "nbformat", "ipykernel", "matplotlib",
           "ipywidgets", "python-docx")


def test_every_library_whose_internals_we_lean_on_has_an_upper_bound():
    declared = {canonicalize_name(r.name): r for r in _declared(extras=("dev", "pdf", "lab"))}
    for name in BOUNDED:
        req = declared[canonicalize_name(name)]
        assert any(s.operator in ("<", "<=", "~=", "==") for s in req.specifier), f"{name} has no upper bound"


def test_the_lab_lock_pins_every_declared_dependency_and_agrees_with_the_main_lock():
    _check_lock("requirements-lab.lock", ("dev", "pdf", "lab"))
    main, lab = _pins("requirements.lock"), _pins("requirements-lab.lock")
    assert {n: v for n, v in lab.items() if n in main} == main


def test_the_lock_has_a_hash_for_every_pin():
    text = (REPO / "requirements.lock").read_text(encoding="utf-8")
    for block in re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2]):
        assert "--hash=sha256:" in block, block.splitlines()[0]


def _imported_top_modules() -> set[str]:
    found = set()
    for file in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


def test_every_module_the_package_imports_is_a_declared_dependency():
    third_party = {m for m in _imported_top_modules()
                   if m not in sys.stdlib_module_names and m != "sokhcn_analytics"}
    assert {"pandas", "pyarrow", "papermill", "docx"} <= third_party  # the walk reaches every folder
    declared = {canonicalize_name(r.name) for r in _declared(extras=())}
    extras = _project()["optional-dependencies"]
    for module, extra in OPTIONAL.items():
        assert any(canonicalize_name(Requirement(r).name) == canonicalize_name(module) for r in extras[extra]), module
    missing = {m for m in third_party - set(OPTIONAL) if canonicalize_name(DISTRIBUTION.get(m, m)) not in declared}
    assert not missing, f"imported by the package but not in [project] dependencies: {sorted(missing)}"
    # the report runner hands kernels to nbclient: declared although only papermill imports it
    assert "nbclient" in declared
