"""Lines of plain text back into sentences: text saved from a PDF viewer (hard-wrapped at a margin)
and a line broken inside a sentence ("… đã kiểm tra" / "15 cơ sở …").
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Paragraph:
    line: int  # 1-based line (txt/md), paragraph number (docx) or running line (pdf)
    text: str
    style_level: int | None = None  # heading level given by the source (docx style, md #)


_SENTENCE_END = re.compile(r"[.:;!?/]$|\.\s*/\.$")
_BLOCK_START = re.compile(r"^(?:[IVXLC]+\.|\d+(?:\.\d+)*\.(?=\s)|[a-zđ]\)|[-–•+]\s|[⁰¹²³⁴⁵⁶⁷⁸⁹]|\[\d)")


def hard_wrapped(lines: list[str]) -> bool:
    """Many lines of about the same width, none long: paragraphs were wrapped at a margin."""
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    if len(lengths) < 20 or lengths[-1] > 160:
        return False
    full = lengths[int(len(lengths) * 0.9)]
    near_full = sum(1 for n in lengths if n >= 0.75 * full)
    # a report with many headings has fewer full lines; lines going on in lowercase tell the same
    going_on = sum(1 for line in lines if re.match(r"\s*[a-zà-ỹđ]{2,}\s", line) and not line.rstrip().endswith(":"))
    return near_full >= len(lengths) / 3 or (near_full >= len(lengths) / 4 and going_on >= 3)


def reflow(lines: list[str]) -> list[str]:
    """Join the visual lines of a PDF back into paragraphs: a line continues the previous one
    unless the previous ended a sentence or stopped short of the margin, or this one starts a
    heading, bullet or footnote.
    Joined lines leave blank lines behind so line numbers still point at the page text."""
    out: list[str] = []
    open_index = None
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    full = lengths[int(len(lengths) * 0.9)] if lengths else 0  # a full-width line of the page
    for line in lines:
        text = line.strip()
        if not text:
            open_index = None
            out.append("")
            continue
        if open_index is not None and not _BLOCK_START.match(text) and " | " not in text:
            out[open_index] += " " + text
            out.append("")
        else:
            out.append(text)
            open_index = len(out) - 1
        if _SENTENCE_END.search(text) or text.isupper() or len(text) < 0.75 * full or " | " in text:
            open_index = None
    return out


# a line broken inside a sentence: the next line goes on in lowercase, or is a number and its noun
_GOES_ON = re.compile(r"^(?![a-zđ][.)]\s)(?:[a-zà-ỹđ]|\d[\d.,]*\s+[a-zà-ỹđ])")
_NUMBERED = re.compile(r"^(?:[IVXLC]+[.)]|\d+(?:\.\d+)*\.?\s|[a-zđA-Z][.)]\s|#)")
_OPEN_END = re.compile(r"[a-zà-ỹđA-ZĐ0-9,]$")


def continues(previous: Paragraph, line: str) -> bool:
    """ "… đã kiểm tra" then "15 cơ sở kinh doanh …": one sentence across a line break."""
    return (previous.style_level is None and "|" not in line and "|" not in previous.text
            and bool(_OPEN_END.search(previous.text)) and bool(_GOES_ON.match(line))
            and not previous.text.isupper() and not _BLOCK_START.match(line) and len(previous.text) > 40
            and (len(previous.text) > 100 or not _NUMBERED.match(previous.text)))  # a heading ends its line
