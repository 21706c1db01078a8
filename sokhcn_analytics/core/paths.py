"""Every path the package uses, derived from one root.

The root is ``$SOKHCN_ROOT`` if set, else the nearest folder upward from the working folder
that holds ``data/raw``, else the checkout holding the package — so the same code works from a
clone, from JupyterLab (whose working folder is ``notebooks/``), from the monthly job and
from an install without ``-e`` run in the department's data folder. Notebooks travel with the
package; a project's own ``notebooks/`` overrides them by name (:func:`notebook_path`).
Nothing here imports the rest of the package.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]


def project_root() -> Path:
    """``$SOKHCN_ROOT``; else the nearest folder holding ``data/raw``, from the working folder
    upward; else the checkout holding the package (the working folder when the package is
    installed, not checked out)."""
    env = os.environ.get("SOKHCN_ROOT")
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "data" / "raw").is_dir():
            return folder
    checkout = PACKAGE_DIR.parent
    return checkout if (checkout / "pyproject.toml").is_file() else here


def raw_dir() -> Path:
    return project_root() / "data" / "raw"


def processed_dir() -> Path:
    return project_root() / "data" / "processed"


def reports_dir() -> Path:
    return project_root() / "reports"


def notebooks_dir() -> Path:
    """The project's own notebooks (they override the shipped ones of the same name)."""
    return project_root() / "notebooks"


def orgs_dir() -> Path:
    """Per-org settings (names, place, signer) used to draft the monthly report."""
    return project_root() / "data" / "orgs"


def shipped_notebooks_dir() -> Path:
    """The notebooks shipped inside the package."""
    return PACKAGE_DIR / "reports" / "notebooks"


def notebook_path(name: str) -> Path | None:
    """The notebook ``name`` (without ``.ipynb``): the project's own ``notebooks/<name>.ipynb`` if
    present, else the copy shipped in the package; ``None`` when neither has it."""
    for folder in (notebooks_dir(), shipped_notebooks_dir()):
        path = folder / f"{name}.ipynb"
        if path.is_file():
            return path
    return None


# the catalogs and wording, each beside the stage that reads it
CATALOG_CSV = PACKAGE_DIR / "core" / "indicators.csv"
LABELS_CSV = PACKAGE_DIR / "core" / "labels.csv"
PHRASINGS_CSV = PACKAGE_DIR / "extract" / "phrasings.csv"
HINTS_CSV = PACKAGE_DIR / "extract" / "indicator_hints.csv"
WORDING_CSV = PACKAGE_DIR / "extract" / "wording.csv"
DRAFT_SENTENCES_CSV = PACKAGE_DIR / "draft" / "draft_sentences.csv"
DRAFT_SECTIONS_CSV = PACKAGE_DIR / "draft" / "draft_sections.csv"
TEMPLATES_DIR = PACKAGE_DIR / "reports" / "templates"
