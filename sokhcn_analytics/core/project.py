"""A department's own project folder, made by ``sokhcn init``, and the unit's settings file.

    sokhcn init so-khcn-thai-nguyen --org so-khcn-thai-nguyen \\
        --name "Sở Khoa học và Công nghệ tỉnh Thái Nguyên" --signer "Nguyễn Văn A"

makes the folders the monthly job reads and writes (``data/raw/workbooks``, ``data/raw/reports``,
``data/processed``, ``data/orgs``, ``notebooks``) and three files from the templates in
``core/starter/``: ``data/orgs/<org>.yml`` (what the flags did not give is marked
:data:`UNFILLED`, and the draft refuses the file until every mark is replaced), ``notebooks/README.md``
and ``.gitignore``. An existing file is never overwritten: it is named and kept.

>>> settings_values("so-khcn-x", name="Sở Khoa học và Công nghệ tỉnh Thái Nguyên")["issuing_body"]
'UBND TỈNH THÁI NGUYÊN'
>>> unfilled({"place": UNFILLED, "signer": {"title": "GIÁM ĐỐC", "name": UNFILLED}, "recipients": ["a"]})
['place', 'signer.name']
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from sokhcn_analytics.core import catalog
from sokhcn_analytics.core.errors import Reason, SokhcnError

STARTER_DIR = Path(__file__).resolve().parent / "starter"
UNFILLED = "[cần điền]"
ORG_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}$")
FOLDERS = ("data/raw/workbooks", "data/raw/reports", "data/processed", "data/orgs", "notebooks")
# file of the project → its template in core/starter (the settings file is rendered, the others copied)
FILES = {"notebooks/README.md": "notebooks_README.md", ".gitignore": "gitignore"}
# "Sở Khoa học và Công nghệ tỉnh Thái Nguyên" → the department, and the province or city it serves
_LOCALITY = re.compile(r"^(?P<department>.+?)\s+(?P<locality>(?:tỉnh|thành phố)\s+(?P<place>.+))$", re.IGNORECASE)


@dataclass
class InitResult:
    root: Path
    settings: Path
    created: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    unfilled: list[str] = field(default_factory=list)


def check_org(org: str) -> str:
    """``org`` if it can name a file and a folder, else a ``bad_org`` error."""
    if not ORG_CODE.match(org or ""):
        raise SokhcnError(catalog.label("settings.bad_org", org=org), reason=Reason.BAD_ORG)
    return org


def settings_values(org: str, *, name: str | None = None, place: str | None = None, signer: str | None = None,
                    center: str | None = None, recipients=()) -> dict:
    """The values the settings template is filled with; :data:`UNFILLED` where nothing was given.

    ``name`` is the department's full name: "Sở Khoa học và Công nghệ tỉnh X" gives the names in
    the header (``UBND TỈNH X``, ``SỞ KHOA HỌC VÀ CÔNG NGHỆ``) and, unless ``place`` is given, the
    place before the date (a provincial body writes the province's name there).
    """
    values = dict(org=org, issuing_body=UNFILLED, department=UNFILLED, department_short=UNFILLED, place=UNFILLED,
                  center=center or UNFILLED, signer=signer or UNFILLED, recipients=list(recipients) or [UNFILLED])
    if name:
        m = _LOCALITY.match(name.strip())
        short = m["department"] if m else name.strip()
        values.update(department_short=short, department=short.upper())
        if m:
            values.update(issuing_body=f"UBND {m['locality'].upper()}", place=m["place"].strip())
    if place:
        values["place"] = place
    return values


def render_settings(values: dict) -> str:
    """``core/starter/org.yml`` filled with ``values``, every value quoted (a '[' or ':' stays text)."""
    quoted = {k: json.dumps(v, ensure_ascii=False) for k, v in values.items() if k not in ("org", "recipients")}
    recipients = "\n".join(f"  - {json.dumps(r, ensure_ascii=False)}" for r in values["recipients"])
    template = (STARTER_DIR / "org.yml").read_text(encoding="utf-8")
    return template.format(org=values["org"], recipients=recipients, **quoted)


def unfilled(settings, prefix: str = "") -> list[str]:
    """The keys (dotted, e.g. ``signer.name``) whose value still holds :data:`UNFILLED`."""
    if isinstance(settings, dict):
        return [k for key, value in settings.items() for k in unfilled(value, f"{prefix}{key}.")]
    if isinstance(settings, list):
        return [prefix[:-1]] if any(unfilled(v, prefix) for v in settings) else []
    return [prefix[:-1]] if isinstance(settings, str) and UNFILLED in settings else []


def init_project(root, org: str, *, force: bool = False, **given) -> InitResult:
    """Make the project at ``root`` for ``org`` (``given``: the flags of :func:`settings_values`).

    Nothing is overwritten. When a file is already there, nothing at all is written and a
    ``project_exists`` error names every such file, unless ``force``: then only the missing
    files are made and the others are listed in ``kept``.
    """
    root = Path(root).resolve()
    check_org(org)
    settings = root / "data" / "orgs" / f"{org}.yml"
    contents = {settings: render_settings(settings_values(org, **given))}
    contents.update({root / name: (STARTER_DIR / source).read_text(encoding="utf-8") for name, source in FILES.items()})
    kept = [path for path in contents if path.exists()]
    if kept and not force:
        raise SokhcnError(catalog.label("init.exists", count=len(kept), files=", ".join(map(str, kept))),
                          reason=Reason.PROJECT_EXISTS)
    for folder in FOLDERS:
        (root / folder).mkdir(parents=True, exist_ok=True)
    created = [path for path, text in contents.items() if path not in kept and write_new(path, text)]
    return InitResult(root, settings, created, kept, _unfilled_in(settings))


def _unfilled_in(path: Path) -> list[str]:
    """The marks left in a settings file; none said for one that does not parse (the draft will say why)."""
    import yaml

    try:
        return unfilled(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, UnicodeDecodeError):
        return []


def write_illustrative_settings(folder, orgs) -> tuple[list[Path], list[Path]]:
    """``<org>.yml`` of each illustrative unit in ``folder`` (the shipped ``minh-hoa.yml``), as
    (created, kept): a file already there is kept as it is."""
    text = (STARTER_DIR / "minh-hoa.yml").read_text(encoding="utf-8")
    created, kept = [], []
    for org in orgs:
        path = Path(folder) / f"{check_org(org)}.yml"
        (created if write_new(path, text) else kept).append(path)
    return created, kept


def write_new(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` whole (through a temporary file) unless ``path`` exists; whether it was written."""
    path = Path(path)
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8", newline="\n")
        if path.exists():  # made meanwhile by someone else: theirs stays
            return False
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return True
