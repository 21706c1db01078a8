"""The store's inputs: every workbook and report under the raw folder, and their fingerprints.

A build compares each input's sha256 with the one the manifest holds. Hashing all 4,080 files of a
national roll-up read 60 MB on every build, changed or not, so a file whose size, modification and
change times and inode are those the manifest recorded keeps its recorded sha256 (as git's index
does). The change time cannot be set back by copying tools (``cp -p`` and ``rsync -t`` keep the
modification time, not that), and a file touched less than :data:`RACY_NS` before the previous
fingerprinting began is always hashed again (a write in the same tick as that look would not show).
"""
from __future__ import annotations

import hashlib
import os
import stat
import time
from pathlib import Path

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
REPORT_SUFFIXES = (".txt", ".md", ".docx", ".pdf")
RACY_NS = 2_000_000_000


def list_inputs(raw: Path) -> list[tuple[str, str, list[int]]]:
    """``(path relative to raw, kind, its stat)`` of every source file under ``raw``, in a stable order
    (paths compared part by part; symbolic links to folders are not followed)."""
    out = []
    for folder, dirs, files in os.walk(raw):
        relative = Path(folder).relative_to(raw).parts
        for name in files:
            if name.startswith((".", "~$")):
                continue
            suffix = os.path.splitext(name)[1].lower()
            if suffix in WORKBOOK_SUFFIXES:
                kind = "workbook"
            elif suffix in REPORT_SUFFIXES and "reports" in relative:
                kind = "report"
            else:
                continue
            try:
                st = os.stat(os.path.join(folder, name))
            except OSError:  # a broken link, or gone meanwhile
                continue
            if stat.S_ISREG(st.st_mode):
                out.append(((*relative, name), kind, [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]))
    out.sort(key=lambda item: item[0])
    return [("/".join(parts), kind, st) for parts, kind, st in out]


def fingerprinted(raw: Path, listed: list, known: dict | None = None) -> tuple[list[dict], dict]:
    """``(inputs, record)``: every listed input with its kind and sha256, and what the manifest keeps to
    trust them next time (``known``: the previous manifest)."""
    known = known or {}
    sha = {i["source_file"]: i["sha256"] for i in known.get("inputs", [])}
    stats = known.get("stats") if isinstance(known.get("stats"), dict) else {}
    trusted_before = int(known.get("fingerprinted_at") or 0) - RACY_NS
    started = time.time_ns()
    inputs, seen = [], {}
    for name, kind, st in listed:
        same = stats.get(name) == st and max(st[1], st[2]) < trusted_before and name in sha
        inputs.append({"source_file": name, "kind": kind, "sha256": sha[name] if same else sha256_of(raw / name)})
        seen[name] = st
    return inputs, {"stats": seen, "fingerprinted_at": started}


def sha256_of(file: Path) -> str:
    h = hashlib.sha256()
    with open(file, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
