"""Every path the package uses, derived from one root.

The root is the repository checkout (``SOKHCN_ROOT`` overrides it), so the same code
works from a clone, from JupyterLab and from the monthly job. Nothing here imports the
rest of the package.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def project_root() -> Path:
    """The project root: ``$SOKHCN_ROOT`` if set, else the checkout holding the package."""
    env = os.environ.get("SOKHCN_ROOT")
    return Path(env).resolve() if env else PACKAGE_DIR.parent


def raw_dir() -> Path:
    return project_root() / "data" / "raw"


def processed_dir() -> Path:
    return project_root() / "data" / "processed"


def reports_dir() -> Path:
    return project_root() / "reports"


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def orgs_dir() -> Path:
    """Per-org settings (names, place, signer) used to draft the monthly report."""
    return project_root() / "data" / "orgs"


CATALOG_CSV = PACKAGE_DIR / "indicators.csv"
LABELS_CSV = PACKAGE_DIR / "labels.csv"
PHRASINGS_CSV = PACKAGE_DIR / "phrasings.csv"
DRAFT_SENTENCES_CSV = PACKAGE_DIR / "draft_sentences.csv"
DRAFT_SECTIONS_CSV = PACKAGE_DIR / "draft_sections.csv"
