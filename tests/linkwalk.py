"""Every link of every page of a reports folder, resolved on disk (shared by the index tests)."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name) is not None and not attrs[name].startswith("data:"):
                self.links.append(attrs[name])


def parse(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def broken_links(root: Path) -> list[str]:
    """``page: link (why)`` for each link that is absolute, leaves the folder or points at nothing."""
    root = root.resolve()
    bad, cache = [], {}
    for page in sorted(root.rglob("*.html")):
        here = cache.setdefault(page, parse(page))
        for link in here.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith("/"):
                bad.append(f"{page.relative_to(root)}: {link} (not relative)")
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if root not in target.parents and target != root:
                bad.append(f"{page.relative_to(root)}: {link} (outside the folder)")
            elif not target.is_file():
                bad.append(f"{page.relative_to(root)}: {link} (no such file)")
            elif parts.fragment and target.suffix == ".html" and \
                    unquote(parts.fragment) not in cache.setdefault(target, parse(target)).ids:
                bad.append(f"{page.relative_to(root)}: {link} (no such anchor)")
    return bad


def links_of(page: Path) -> list[str]:
    return parse(page).links
