"""The administrative form of a report (Nghị định 30/2020/NĐ-CP, phụ lục I) with python-docx.

:func:`render` lays out what :mod:`sokhcn_analytics.draft.compose` composed: A4 page and margins, Times New Roman body
text justified with a first-line indent, the two-column header as a borderless table (the
superior body above the department in bold; the national motto above its underlined
slogan; the number left blank for the clerk; place and date in italics), ``BÁO CÁO`` and the
subject, the body lines, the closing sentence, then ``Nơi nhận:`` beside the signature block.
Placeholders are highlighted; illustrative drafts carry the banner in the page header, so
every page says the figures are made up. Page numbers stand at the top from page 2.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from sokhcn_analytics.draft.footnotes import Footnotes

FONT = "Times New Roman"
BODY_PT = 14
HEADER_PT = 13  # the header's mixed-case lines: the slogan (tiêu ngữ), place and date, number
HEADER_CAPS_PT = 12  # its capitals (decree: 12-13): the national name fits one line of its column at 12
PAGE_MM = (210, 297)  # A4
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
HEADER_COLUMNS_MM = (70, 95)  # the two header columns, 165 mm of text width in all, no inner cell margins
RULE_PT = 0.75  # the short rules under the department and under the slogan: a solid hairline
RULE_GAP_PT = 5  # the rule's empty line: the rule stands this far below the line above
# Relative widths (in em) of Times New Roman bold by kind of character, to size a rule to the text
# above it without the font at hand; measured on Liberation Serif Bold (the same metrics), ±5 %.
EM_WIDTH = {"upper": 0.72, "lower": 0.5, "space": 0.25, "punct": 0.33, "other": 0.5}
DEPARTMENT_RULE_SHARE = 0.4  # decree: 1/3 to 1/2 of the department's line; the slogan's rule is as long as it
PLACEHOLDER_COLOUR = WD_COLOR_INDEX.YELLOW


@dataclass(frozen=True)
class Note:
    """A footnote cited where it stands in a line."""

    text: str


@dataclass(frozen=True)
class Line:
    """One paragraph of the body: ``part`` (I., II.), ``section`` (1., 2.), ``figure`` or ``placeholder``;
    ``pieces`` are text and :class:`Note`."""

    kind: str
    pieces: tuple

    @property
    def text(self) -> str:
        return "".join(p for p in self.pieces if isinstance(p, str))


@dataclass(frozen=True)
class Form:
    """The words of the form around the body, all from the org's settings and labels.csv."""

    issuing_body: str
    department: str
    motto: str
    slogan: str
    number: str
    place_date: str
    title: str
    subject: tuple[str, ...]  # lines of the subject, one line break between them
    intro: str
    closing: str
    recipients_label: str
    recipients: tuple[str, ...]
    signer_title: str
    signer_name: str
    banner: str | None = None  # illustrative data: on every page
    lines: tuple[Line, ...] = field(default=())


def render(form: Form):
    """A python-docx ``Document`` of the report."""
    doc = Document()
    _page(doc, form.banner)
    _styles(doc)
    notes = Footnotes(doc, size_pt=12, font=FONT)
    _header_table(doc, form)
    _centered(doc, [(form.title, True)], space_before=12)
    _centered(doc, [("\n".join(form.subject), True)], space_after=12)
    doc.add_paragraph(form.intro)
    for line in form.lines:
        _line(doc, notes, line)
    doc.add_paragraph(form.closing)
    _signature(doc, form)
    return doc


# --- page, styles ------------------------------------------------------------------------------

def _page(doc, banner: str | None) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance = section.footer_distance = Mm(10)
    section.different_first_page_header_footer = True  # the page number starts on page 2
    for header, number in ((section.first_page_header, False), (section.header, True)):
        paragraph = _plain(header.paragraphs[0])
        if number:
            _page_number(paragraph)
        if banner:
            run = paragraph.add_run(("\n" if number else "") + banner)
            run.bold, run.font.size = True, Pt(11)
            run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)


def _page_number(paragraph) -> None:
    """A PAGE field: Word shows the page's number."""
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        run = paragraph.add_run()
        run.font.size = Pt(BODY_PT)
        if kind:
            run.element.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): kind}))
        else:
            instr = OxmlElement("w:instrText", {"{http://www.w3.org/XML/1998/namespace}space": "preserve"})
            instr.text = f" {text} "
            run.element.append(instr)


def _styles(doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    fmt = normal.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = Cm(1.27)
    fmt.space_before, fmt.space_after = Pt(0), Pt(6)
    fmt.line_spacing = 1.15
    rpr = normal.element.find(qn("w:rPr"))  # made by the font settings above; w:lang comes last in it
    rpr.append(OxmlElement("w:lang", {qn("w:val"): "vi-VN"}))  # so that Word checks the spelling in Vietnamese
    for name in ("Header", "Footer"):
        doc.styles[name].font.name = FONT


def _plain(paragraph, align=WD_ALIGN_PARAGRAPH.CENTER, space_before: float = 0, space_after: float = 0):
    fmt = paragraph.paragraph_format
    fmt.alignment, fmt.first_line_indent = align, Pt(0)
    fmt.space_before, fmt.space_after = Pt(space_before), Pt(space_after)
    fmt.line_spacing = 1.0
    return paragraph


def _run(paragraph, text: str, size: float = BODY_PT, bold=False, italic=False, underline=False):
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)
    return run


def _centered(doc, pieces, space_before: float = 0, space_after: float = 0) -> None:
    paragraph = _plain(doc.add_paragraph(), space_before=space_before, space_after=space_after)
    for text, bold in pieces:
        _run(paragraph, text, bold=bold)


# --- the two-column header -----------------------------------------------------------------------

def _header_table(doc, form: Form) -> None:
    """The two columns of Phụ lục I: the bodies on the left, the national name and slogan on the right,
    a short solid rule under the department and under the slogan, then number and place-date."""
    rows = (  # (text, size, bold, italic) for the left and the right cell
        ((form.issuing_body, HEADER_CAPS_PT, False, False), (form.motto, HEADER_CAPS_PT, True, False)),
        ((form.department, HEADER_CAPS_PT, True, False), (form.slogan, HEADER_PT, True, False)),
        ((form.number, HEADER_PT, False, False), (form.place_date, BODY_PT, False, True)),
    )
    table = _borderless_table(doc, len(rows))
    _no_cell_margins(doc.element.body.find(qn("w:tbl")))  # the document's first table
    for r, cells in enumerate(rows):
        for c, (text, size, bold, italic) in enumerate(cells):
            paragraph = _plain(table.cell(r, c).paragraphs[0], space_before=6 if r == 2 else 0)
            _run(paragraph, text, size, bold, italic)
    department, slogan = rows[1]
    _rule(table.cell(1, 0), HEADER_COLUMNS_MM[0], text_width_mm(*department[:2]), DEPARTMENT_RULE_SHARE)
    _rule(table.cell(1, 1), HEADER_COLUMNS_MM[1], text_width_mm(*slogan[:2]))


def text_width_mm(text: str, size_pt: float) -> float:
    """About how wide ``text`` prints in Times New Roman bold at ``size_pt`` (see :data:`EM_WIDTH`).

    >>> round(text_width_mm("Độc lập - Tự do - Hạnh phúc", 13))  # 56.0 mm measured in the font
    55
    """
    def kind(ch: str) -> str:
        if ch.isspace():
            return "space"
        if ch.isalpha():
            return "upper" if ch.isupper() else "lower"
        return "punct" if ch in "-.,:;/'" else "other"

    return sum(EM_WIDTH[kind(ch)] for ch in text) * size_pt * 25.4 / 72


def _rule(cell, cell_mm: float, text_mm: float, share: float = 1.0) -> None:
    """A short solid line centred in ``cell``, ``share`` of the text line above it (a text wider than
    the cell wraps: its line is the cell's width). An empty paragraph whose bottom border runs between
    its indents: Word and LibreOffice both draw a paragraph border; neither needs a drawing object."""
    length_mm = min(text_mm, cell_mm) * share
    paragraph = _plain(cell.add_paragraph())
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Mm((cell_mm - length_mm) / 2)
    fmt.line_spacing, fmt.line_spacing_rule = Pt(RULE_GAP_PT), WD_LINE_SPACING.EXACTLY
    mark = OxmlElement("w:rPr")  # the paragraph mark at 1 pt, so that the empty line stays thin
    mark.append(OxmlElement("w:sz", {qn("w:val"): "2"}))
    props = paragraph.paragraph_format.element.get_or_add_pPr()  # the public handle on the w:p element
    props.append(mark)
    borders = OxmlElement("w:pBdr")
    borders.append(OxmlElement("w:bottom", {qn("w:val"): "single", qn("w:sz"): str(int(RULE_PT * 8)),
                                            qn("w:space"): "0", qn("w:color"): "000000"}))
    props.insert_element_before(borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr")


def _no_cell_margins(tbl) -> None:
    """No inner left/right margin in the header's cells: each column's full width holds its line."""
    props = tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margins.append(OxmlElement(f"w:{side}", {qn("w:w"): "0", qn("w:type"): "dxa"}))
    props.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")  # schema order: Word checks it


def _borderless_table(doc, rows: int):
    table = doc.add_table(rows=rows, cols=2)  # the default table style draws no borders
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, HEADER_COLUMNS_MM):  # the grid: what LibreOffice lays out by
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, HEADER_COLUMNS_MM):
            cell.width = Mm(width)
    return table


# --- body ----------------------------------------------------------------------------------------

def _line(doc, notes: Footnotes, line: Line) -> None:
    paragraph = doc.add_paragraph()
    if line.kind in ("part", "section"):
        paragraph.paragraph_format.keep_with_next = True
    for piece in line.pieces:
        if isinstance(piece, Note):
            notes.cite(paragraph, piece.text)
            continue
        run = paragraph.add_run(piece)
        run.bold = line.kind in ("part", "section")
        if line.kind == "placeholder":
            run.italic = True
            run.font.highlight_color = PLACEHOLDER_COLOUR


def _signature(doc, form: Form) -> None:
    table = _borderless_table(doc, 1)
    left, right = table.cell(0, 0), table.cell(0, 1)
    _run(_plain(left.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT, space_before=12), form.recipients_label, 12,
         bold=True, italic=True)
    for name in form.recipients:
        _run(_plain(left.add_paragraph(), WD_ALIGN_PARAGRAPH.LEFT), f"- {name}", 11)
    _run(_plain(right.paragraphs[0], space_before=12), form.signer_title, bold=True)
    for _ in range(4):  # room for the signature and the seal
        _plain(right.add_paragraph())
    _run(_plain(right.add_paragraph()), form.signer_name, bold=True)
