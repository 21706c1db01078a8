"""Builders for the extraction test documents (a Word file with real footnotes, text encodings)."""
from __future__ import annotations

import unicodedata
from pathlib import Path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
FOOTNOTES_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"


def _footnote_ref(paragraph, number: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    align = OxmlElement("w:vertAlign")
    align.set(qn("w:val"), "superscript")
    rpr.append(align)
    run.append(rpr)
    ref = OxmlElement("w:footnoteReference")
    ref.set(qn("w:id"), str(number))
    run.append(ref)
    paragraph._p.append(run)


def _footnotes_xml(notes: dict[int, str]) -> bytes:
    from xml.sax.saxutils import escape

    body = [f'<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>',
            f'<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>']
    for number, text in notes.items():
        body.append(f'<w:footnote w:id="{number}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                    f'<w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {escape(text)}</w:t></w:r></w:p></w:footnote>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W_NS}">'
            + "".join(body) + "</w:footnotes>").encode("utf-8")


def write_docx(path: Path, blocks: list, footnotes: dict[int, str] | None = None) -> Path:
    """blocks: ("title"|"h1"|"h2"|"p", text) or ("table", rows). In a "p", "{fn1}" is a footnote reference."""
    import re

    import docx
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    document = docx.Document()
    for kind, content in blocks:
        if kind == "table":
            table = document.add_table(rows=len(content), cols=len(content[0]))
            for r, row in enumerate(content):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
            continue
        style = {"h1": "Heading 1", "h2": "Heading 2", "title": "Title"}.get(kind)
        paragraph = document.add_paragraph(style=style)
        for piece in re.split(r"(\{fn\d+\})", content):
            m = re.fullmatch(r"\{fn(\d+)\}", piece)
            if m:
                _footnote_ref(paragraph, int(m.group(1)))
            elif piece:
                run = paragraph.add_run(piece)
                run.bold = "36" in piece and kind == "p"
    if footnotes:
        part = Part(PackURI("/word/footnotes.xml"), FOOTNOTES_CT, _footnotes_xml(footnotes), document.part.package)
        document.part.relate_to(part, FOOTNOTES_RT)
    document.save(str(path))
    return path


def cp1258(text: str) -> bytes:
    """Vietnamese the way Windows-1258 stores it: base letters precomposed, tone marks combining."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        d = unicodedata.normalize("NFD", ch)
        shape = "".join(m for m in d[1:] if m in "\u0302\u0306\u031b")  # circumflex, breve, horn
        tone = "".join(m for m in d[1:] if m not in shape)
        out += (unicodedata.normalize("NFC", d[0] + shape) + tone).encode("cp1258", errors="replace")
    return bytes(out)


def tcvn3(text: str) -> str:
    """``text`` as typed in a .VnTime (TCVN3) font, as Latin-1 characters: each Vietnamese letter one
    character; capitals on the same code as the small letter (the upper-case font draws them);
    footnote superscripts as [n] (old documents had no such characters) and curly quotes straight."""
    from sokhcn_analytics.extract import documents

    table = {u: t for t, u in zip(documents._TCVN3, documents._TCVN3_TO_UNICODE)}
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in table:
            out.append(table[ch])
        elif ch.lower() in table:
            out.append(table[ch.lower()])
        elif ch in "¹²³⁴⁵⁶⁷⁸⁹":
            out.append(f"[{'¹²³⁴⁵⁶⁷⁸⁹'.index(ch) + 1}]")
        elif ch in "“”":
            out.append('"')
        else:
            out.append(ch)
    result = "".join(out)
    result.encode("latin-1")  # every character fits one byte, as in a TCVN3 file
    return result
