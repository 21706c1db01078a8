"""Word footnotes for a python-docx document, which python-docx (1.2) cannot write itself.

A footnote is three things in a .docx package, made here with python-docx's documented OPC
classes only: the ``word/footnotes.xml`` part (an :class:`~docx.opc.part.XmlPart` holding the
notes, Word's two separator notes first), its relationship from the document part
(``relate_to``; the package writer lists its content type), and in the body a run holding a
``w:footnoteReference`` to the note's id. Word numbers the notes 1, 2, … in the order they
are cited; ids are given in that order, so the id is also the number a reader sees.

>>> from docx import Document
>>> doc = Document()
>>> notes = Footnotes(doc)
>>> notes.cite(doc.add_paragraph("Có 26 nhiệm vụ chuyển tiếp"), "Trong đó: 24 nhiệm vụ cấp tỉnh.")
1
>>> [text for _, text in notes.texts()]
['Trong đó: 24 nhiệm vụ cấp tỉnh.']
"""
from __future__ import annotations

from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt

PARTNAME = "/word/footnotes.xml"
# settings that the schema (CT_Settings) puts after w:footnotePr
_AFTER_FOOTNOTE_PR = {"endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema", "themeFontLang",
                      "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade",
                      "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults",
                      "doNotEmbedSmartTags", "decimalSymbol", "listSeparator"}
_SEPARATORS = (("-1", "separator", "w:separator"), ("0", "continuationSeparator", "w:continuationSeparator"))


class Footnotes:
    """The footnotes of one document: :meth:`cite` adds a note and its reference."""

    def __init__(self, document, size_pt: float = 12, font: str | None = None):
        self.document = document
        self._part: XmlPart | None = None
        self._size, self._font = size_pt, font
        self._text_style = self._ref_style = None

    def cite(self, paragraph, text: str) -> int:
        """Append a reference to a new footnote holding ``text`` at the end of ``paragraph``;
        the note's number (1, 2, …)."""
        part = self._footnotes_part()
        number = sum(1 for note in part.element.iterchildren(qn("w:footnote"))
                     if note.get(qn("w:type")) is None) + 1
        run = paragraph.add_run()
        run.style = self._ref_style
        run.element.append(OxmlElement("w:footnoteReference", {qn("w:id"): str(number)}))
        part.element.append(self._note(number, text))
        return number

    def texts(self) -> list[tuple[int, str]]:
        """(number, text) of every footnote written so far."""
        if self._part is None:
            return []
        return [(int(note.get(qn("w:id"))), "".join(t.text or "" for t in note.iter(qn("w:t"))).strip())
                for note in self._part.element.iterchildren(qn("w:footnote")) if note.get(qn("w:type")) is None]

    # --- the part and its styles ----------------------------------------------------------------

    def _footnotes_part(self) -> XmlPart:
        if self._part is None:
            seps = "".join(f'<w:footnote w:type="{kind}" w:id="{fid}"><w:p><w:pPr><w:spacing w:after="0"/></w:pPr>'
                           f'<w:r><{tag}/></w:r></w:p></w:footnote>' for fid, kind, tag in _SEPARATORS)
            element = parse_xml(f"<w:footnotes {nsdecls('w')}>{seps}</w:footnotes>")
            package = self.document.part.package
            self._part = XmlPart(PackURI(PARTNAME), CT.WML_FOOTNOTES, element, package)
            self.document.part.relate_to(self._part, RT.FOOTNOTES)
            self._declare_separators()
            self._add_styles()
        return self._part

    def _declare_separators(self) -> None:
        """``w:footnotePr`` in the settings names the separator notes, as Word writes it; it goes
        before the first setting the schema orders after it."""
        settings = self.document.settings.element
        if settings.find(qn("w:footnotePr")) is not None:
            return
        pr = parse_xml(f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>')
        later = next((child for child in settings if isinstance(child.tag, str)
                      and child.tag.rpartition("}")[2] in _AFTER_FOOTNOTE_PR), None)
        if later is not None:
            later.addprevious(pr)
        else:
            settings.append(pr)

    def _add_styles(self) -> None:
        styles = self.document.styles
        text = styles.add_style("Footnote Text", WD_STYLE_TYPE.PARAGRAPH)
        text.base_style = styles["Normal"]
        text.font.size = Pt(self._size)
        if self._font:
            text.font.name = self._font
        text.paragraph_format.first_line_indent = Pt(0)
        text.paragraph_format.space_after = Pt(0)
        ref = styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER)
        ref.font.superscript = True
        self._text_style, self._ref_style = text, ref

    def _note(self, number: int, text: str):
        note = OxmlElement("w:footnote", {qn("w:id"): str(number)})
        p = OxmlElement("w:p")
        ppr = OxmlElement("w:pPr")
        ppr.append(OxmlElement("w:pStyle", {qn("w:val"): self._text_style.style_id}))
        p.append(ppr)
        mark = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        rpr.append(OxmlElement("w:rStyle", {qn("w:val"): self._ref_style.style_id}))
        mark.append(rpr)
        mark.append(OxmlElement("w:footnoteRef"))
        body = OxmlElement("w:r")
        t = OxmlElement("w:t", {"{http://www.w3.org/XML/1998/namespace}space": "preserve"})
        t.text = " " + text  # lxml escapes it: a task's name cannot break the XML
        body.append(t)
        p.extend([mark, body])
        note.append(p)
        return note
