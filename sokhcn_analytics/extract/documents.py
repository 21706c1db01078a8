"""Reading a narrative report file into numbered paragraphs and footnotes.

One reader per format (.txt/.md, .docx, .pdf); each returns a :class:`Document`: body
paragraphs with the line (or paragraph number) they start on, and footnotes keyed by their
marker number. Footnote references in the body are written as superscript digits
(``¹ ²``) whatever the source used (``[1]``, ``[^1]``, a Word footnote reference), so the
extractor sees one convention. Problems are raised as :class:`InputError` with a reason.
"""
from __future__ import annotations

import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from sokhcn_analytics.core.errors import InputError, Problem
from sokhcn_analytics.extract.textlines import Paragraph, continues, hard_wrapped, reflow

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_TO_SUPER = str.maketrans("0123456789", SUPERSCRIPTS)
_FROM_SUPER = str.maketrans(SUPERSCRIPTS, "0123456789")
TEXT_SUFFIXES = (".txt", ".md", ".markdown")
SUFFIXES = (*TEXT_SUFFIXES, ".docx", ".pdf")

# a footnote body line: "¹ Trong đó: …", "[1] Trong đó: …", "[^1]: Trong đó: …"
_FOOTNOTE_LINE = re.compile(r"^\s*(?:([⁰¹²³⁴⁵⁶⁷⁸⁹]+)\s*|\[\^?(\d{1,3})\]:?\s+)(?=\S)")
# a reference in running text written as [1] or [^1] (not at line start)
_BRACKET_REF = re.compile(r"(?<=\S)\[\^?(\d{1,3})\]")
# Vietnamese legacy look-alikes and invisible characters that break phrase matching
_CLEAN = str.maketrans({"Ð": "Đ", "ð": "đ", "\u00a0": " ", "\u202f": " ", "\t": " ",
                        "\u200b": None, "\ufeff": None, "\u00ad": None})


@dataclass(frozen=True)
class Footnote:
    marker: str  # "1", "2" …
    line: int
    text: str  # starts with the marker as a superscript: "¹ Trong đó: …"


@dataclass
class Document:
    path: str
    paragraphs: list[Paragraph]
    footnotes: dict[str, Footnote] = field(default_factory=dict)


# TCVN3 (ABC), the 8-bit encoding of the old .VnTime fonts: each Vietnamese letter is one
# Latin-1 character ("th¸ng" is "tháng"). Upper case came from a second font on the same codes,
# so capitals come back as small letters; the extractor matches case-insensitively.
_TCVN3 = "µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\u00adõøö÷ùúýûüþ¡¢§£¤¥¦"
_TCVN3_TO_UNICODE = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂĐÊÔƠƯ"
_FROM_TCVN3 = str.maketrans(_TCVN3, _TCVN3_TO_UNICODE)
# letters only Unicode Vietnamese has (outside Latin-1): a text with them is not TCVN3
_UNICODE_ONLY = re.compile("[ăđơưĂĐƠƯ\u0300-\u0323\u1ea0-\u1ef9]")
_COMMON_WORDS = ("tháng", "năm", "báo cáo", "nhiệm vụ", "thực hiện", "kết quả", "được", "của", "và", "các")


def looks_like_tcvn3(text: str) -> bool:
    """Whether ``text`` is Vietnamese typed in TCVN3 and read as Latin-1 ("th¸ng n¨m"): it has
    none of the letters only Unicode has, and common words appear once converted, clearly more
    than as it stands (Windows-1258 read as Latin-1 keeps some words, "và", "tháng", intact)."""
    if _UNICODE_ONLY.search(text):
        return False

    def common_words(candidate: str) -> int:
        candidate = candidate.lower()
        return sum(candidate.count(word) for word in _COMMON_WORDS)

    converted = common_words(text.translate(_FROM_TCVN3))
    return converted >= 3 and converted > 2 * common_words(text)


def from_tcvn3(text: str) -> str:
    """TCVN3 text (as Latin-1 characters) in Unicode."""
    return text.translate(_FROM_TCVN3)


def _tcvn3_warning(path) -> None:
    warnings.warn(f"{Path(str(path)).name}: đọc theo bảng mã TCVN3 (phông .VnTime); chữ in hoa trở thành chữ "
                  "thường; hãy chuyển báo cáo sang Unicode (Unikey: Ctrl+Shift+F6) để chắc chắn", UnicodeWarning,
                  stacklevel=4)


def superscript(number: str | int) -> str:
    return str(number).translate(_TO_SUPER)


def marker_number(marker: str) -> str:
    return marker.translate(_FROM_SUPER)


def clean_text(text: str) -> str:
    return unicodedata.normalize("NFC", text).translate(_CLEAN)


def _problem(path, reason: str, message: str, cell: str = "") -> InputError:
    return InputError(Problem(reason=reason, message=message, file=str(path), cell=cell))


def read_document(path) -> Document:
    """The paragraphs and footnotes of a report file, whatever its format."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise _problem(path, "unsupported_format",
                       f"định dạng '{suffix or '(không có)'}' chưa được hỗ trợ; hãy lưu báo cáo dưới dạng "
                       ".docx, .pdf (có lớp chữ), .txt hoặc .md")
    if not path.is_file():
        raise _problem(path, "file_not_found", "không tìm thấy tệp báo cáo; kiểm tra lại đường dẫn")
    if path.stat().st_size == 0:
        raise _problem(path, "empty_file", "tệp báo cáo rỗng; hãy lưu lại báo cáo có nội dung rồi chạy lại")
    reader = {".docx": _read_docx, ".pdf": _read_pdf}.get(suffix, _read_text)
    doc = reader(path)
    if not any(p.text.strip() for p in doc.paragraphs):
        raise _problem(path, "empty_file", "tệp báo cáo không có nội dung chữ; hãy kiểm tra lại tệp")
    return doc


# --- plain text and markdown -------------------------------------------------------------

def decode_text(data: bytes, path="") -> str:
    """Bytes of a text report as str: UTF-8 (BOM or not), UTF-16 with BOM; legacy code pages
    are decoded as TCVN3 when the text reads as Vietnamese that way, else best-effort as cp1258,
    with a warning either way."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if len(data) >= 4 and data[1::2].count(0) > len(data) // 4:  # UTF-16 LE without BOM
        return data.decode("utf-16-le", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        latin = data.decode("latin-1")
        if looks_like_tcvn3(latin):
            _tcvn3_warning(path)
            return from_tcvn3(latin)
        warnings.warn(f"{Path(str(path)).name}: không phải UTF-8, đọc thử theo bảng mã Windows-1258; "
                      "hãy lưu lại báo cáo dưới dạng UTF-8 để chắc chắn", UnicodeWarning, stacklevel=3)
        return data.decode("cp1258", errors="replace")


def _read_text(path: Path) -> Document:
    text = decode_text(path.read_bytes(), path)
    lines = text.splitlines()
    if hard_wrapped(lines):  # text saved from a PDF viewer or pdftotext: join the visual lines
        lines = reflow([line.strip() for line in lines])
    text = "\n".join(_pdf_footnotes(lines))  # such text also lost its superscripts
    return parse_text(text, str(path), markdown=path.suffix.lower() != ".txt")


def parse_text(text: str, path: str = "", markdown: bool = False) -> Document:
    """Split text into paragraphs (one per non-blank line) and footnote lines."""
    paragraphs, footnotes = [], {}
    for no, raw in enumerate(clean_text(text).splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        level = None
        if markdown:
            m = re.match(r"^(#{1,6})\s+(.*)$", line)
            if m:
                level, line = len(m.group(1)), m.group(2).strip()
        fn = _FOOTNOTE_LINE.match(line)
        if fn and level is None:
            number = fn.group(2) or marker_number(fn.group(1))
            body = line[fn.end():]
            footnotes.setdefault(number, Footnote(number, no, f"{superscript(number)} {body}"))
            continue
        line = _BRACKET_REF.sub(lambda m: superscript(m.group(1)), line)
        if level is None and paragraphs and continues(paragraphs[-1], line):
            paragraphs[-1] = Paragraph(paragraphs[-1].line, paragraphs[-1].text + " " + line, None)
            continue
        paragraphs.append(Paragraph(no, line, level))
    return Document(path, paragraphs, footnotes)


# --- Word ------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _run_text(element) -> str:
    """Text of a w:p (or any element), footnote references written as superscript numbers."""
    parts: list[str] = []
    _collect_text(element, parts)
    return "".join(parts)


def _collect_text(node, parts: list[str]) -> None:
    for child in node:
        tag = child.tag
        if not isinstance(tag, str) or tag == _MC_FALLBACK:  # comments; the copy of a text box
            continue
        if tag == _W + "t":
            parts.append(child.text or "")
        elif tag == _W + "tab":
            parts.append(" ")
        elif tag in (_W + "br", _W + "cr"):
            parts.append("\n")
        elif tag == _W + "footnoteReference":
            parts.append(superscript(child.get(_W + "id")))
        else:
            _collect_text(child, parts)


def _blocks(parent):
    """Body paragraphs and tables in order, including those inside content controls (w:sdt)."""
    for child in parent.iterchildren():
        if child.tag in (_W + "p", _W + "tbl"):
            yield child
        elif child.tag == _W + "sdt" and child.find(_W + "sdtContent") is not None:
            yield from _blocks(child.find(_W + "sdtContent"))


def _style_level(paragraph_el, styles: dict[str, str]) -> int | None:
    ppr = paragraph_el.find(_W + "pPr")
    style = ppr.find(_W + "pStyle") if ppr is not None else None
    name = styles.get(style.get(_W + "val"), "") if style is not None else ""
    m = re.match(r"(?i)heading\s*(\d)", name)
    return int(m.group(1)) if m else (0 if name.lower() == "title" else None)


def _require(module: str, package: str, path: Path):
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise _problem(path, "missing_dependency", f"cần thư viện {package} để đọc tệp này; hãy chạy: "
                       f"pip install {package}") from exc


def _read_docx(path: Path) -> Document:
    docx = _require("docx", "python-docx", path)
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several types for broken packages
        raise _problem(path, "unreadable_report",
                       f"không mở được tệp Word ({type(exc).__name__}); hãy mở bằng Word và lưu lại dạng .docx") from exc
    styles = {s.style_id: s.name for s in document.styles}
    legacy = looks_like_tcvn3("".join(document.element.body.itertext()))
    if legacy:  # a document typed in a .VnTime font
        _tcvn3_warning(path)
    clean = (lambda text: clean_text(from_tcvn3(text))) if legacy else clean_text
    paragraphs, number = [], 0
    for child in _blocks(document.element.body):
        if child.tag == _W + "p":
            number += 1
            for piece in _run_text(child).split("\n"):  # a soft break inside a sentence joins back
                line = clean(piece.strip())
                if line and paragraphs and paragraphs[-1].line == number and continues(paragraphs[-1], line):
                    paragraphs[-1] = Paragraph(number, paragraphs[-1].text + " " + line, paragraphs[-1].style_level)
                elif line:
                    paragraphs.append(Paragraph(number, line, _style_level(child, styles)))
        elif child.tag == _W + "tbl":
            for row in child.iterchildren(_W + "tr"):
                number += 1
                cells = _row_cells(row, clean)
                text = " | ".join(cells) if any(cells) else ""
                if text:
                    paragraphs.append(Paragraph(number, text.replace("\n", " ")))
    return Document(str(path), paragraphs, _docx_footnotes(document, number, clean))


def _row_cells(row, clean=clean_text) -> list[str]:
    """The cells of a table row, one per grid column: a cell spanning two columns is followed by an
    empty one and empty cells stay, so that a figure sits under its column's header."""
    cells = []
    for tc in row.iterchildren(_W + "tc"):
        span = tc.find(f"{_W}tcPr/{_W}gridSpan")
        cells += [clean(_run_text(tc)).strip()] + [""] * (int(span.get(_W + "val", 1)) - 1 if span is not None else 0)
    return cells


def _docx_footnotes(document, last_line: int, clean=clean_text) -> dict[str, Footnote]:
    from lxml import etree

    part = next((rel.target_part for rel in document.part.rels.values()
                 if rel.reltype.endswith("/footnotes") and not rel.is_external), None)
    if part is None:
        return {}
    root = etree.fromstring(part.blob, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    notes = {}
    for i, note in enumerate(root.iter(_W + "footnote"), start=1):
        number = note.get(_W + "id")
        if note.get(_W + "type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        text = " ".join(clean(_run_text(p)).strip() for p in note.iter(_W + "p")).strip()
        # Word repeats the reference mark inside the note; drop it, we add our own
        text = re.sub(r"^[⁰¹²³⁴⁵⁶⁷⁸⁹]+\s*", "", text)
        if text:
            notes[number] = Footnote(number, last_line + i, f"{superscript(number)} {text}")
    return notes


# --- PDF -------------------------------------------------------------------------------------


def _read_pdf(path: Path) -> Document:
    PdfReader = _require("pypdf", "pypdf", path).PdfReader
    try:
        reader = PdfReader(str(path))
        # layout mode: the default mode splits Vietnamese syllables at every stacked diacritic
        pages = [page.extract_text(extraction_mode="layout") or "" for page in reader.pages]
    except Exception as exc:
        raise _problem(path, "unreadable_report",
                       f"không đọc được tệp PDF ({type(exc).__name__}); hãy xuất lại PDF từ Word") from exc
    if not "".join(pages).strip():
        raise _problem(path, "no_text_layer",
                       "tệp PDF không có lớp chữ (bản quét); hãy dùng bản .docx gốc hoặc PDF xuất từ Word")
    text = "\n".join(pages)
    if looks_like_tcvn3(text):  # printed from a .VnTime font
        _tcvn3_warning(path)
        text = from_tcvn3(text)
    lines = _layout_tables(clean_text(text).splitlines())
    lines = [re.sub(r"\s{2,}", " ", line).strip() for line in lines]
    return parse_text("\n".join(_pdf_footnotes(reflow(lines))), str(path))


# --- PDF tables: layout mode keeps the columns as runs of spaces ---------------------------------

_LAID_CELL = re.compile(r"\S+(?: {1,2}\S+)*")  # words one or two spaces apart (justified text); cells part at 3+
# a figure, not the month or year of a header ("Thực hiện tháng 5", "Lũy kế 5 tháng", "Năm 2022")
_LAID_FIGURE = re.compile(r"(?i)(?<!\S)(?<!tháng )(?<!năm )(?<!quý )\d[\d.,]*%?(?!\S)(?! tháng)")


def _laid_cells(line: str) -> list[tuple[int, int]]:
    return [m.span() for m in _LAID_CELL.finditer(line)]


def _layout_tables(lines: list[str]) -> list[str]:
    """Table rows of a PDF page written as " | "-separated cells like the other readers' tables,
    each figure under the header cell it stands below ("Kế hoạch năm | Thực hiện tháng 5 | Lũy kế")."""
    out, i = [], 0
    while i < len(lines):
        j = i
        while j < len(lines) and (len(_laid_cells(lines[j])) >= 3 or j > i and _goes_on(lines, j)):
            j += 1
        out += _table_rows(lines[i:j]) if j - i >= 2 else [lines[i]]
        i = max(j, i + 1)
    return out


def _goes_on(lines: list[str], j: int) -> bool:
    """A line of the table with fewer cells: a header or label going on, before another row or
    indented under the last one ("Thử nghiệm mẫu vật liệu" / "xây dựng")."""
    line = lines[j]
    if not line.strip():
        return False
    return (j + 1 < len(lines) and len(_laid_cells(lines[j + 1])) >= 3) or len(line) - len(line.lstrip()) >= 4


def _column_of(span: tuple[int, int], header: list[tuple[int, int]]) -> int:
    overlap = [min(span[1], b) - max(span[0], a) for a, b in header]
    best = max(range(len(header)), key=lambda k: overlap[k])
    if overlap[best] > 0:
        return best
    middle = sum(span) / 2
    return min(range(len(header)), key=lambda k: abs(sum(header[k]) / 2 - middle))


def _is_data_row(line: str) -> bool:
    """A row of figures: numbered ("1   Kiểm định …"), two figures or more, or one that is no month
    or year (a header's "Lũy kế / 11 / tháng" leaves a lone 11)."""
    cells, figures = _laid_cells(line), _LAID_FIGURE.findall(line)
    if len(cells) < 3 or not figures:
        return False
    first = line[cells[0][0]:cells[0][1]]
    return _LAID_FIGURE.fullmatch(first) is not None or len(figures) >= 2 or not re.fullmatch(
        r"0?[1-9]|1[0-2]|(?:19|20)\d\d", figures[0])


def _table_header(head_lines: list[str]) -> tuple[list[tuple[int, int]], list[str]]:
    """Header cells of the line with most cells, with the words above and below them joined in."""
    base = max(range(len(head_lines)), key=lambda k: len(_laid_cells(head_lines[k])))
    header = _laid_cells(head_lines[base])
    names = [head_lines[base][a:b] for a, b in header]
    for k, line in enumerate(head_lines):
        for a, b in _laid_cells(line) if k != base else ():
            c = _column_of((a, b), header)
            names[c] = f"{line[a:b]} {names[c]}" if k < base else f"{names[c]} {line[a:b]}"
    return header, names


def _table_rows(block: list[str]) -> list[str]:
    data = [k for k, line in enumerate(block) if _is_data_row(line)]
    if not data or data[0] == 0:
        return block
    header, names = _table_header(block[: data[0]])
    figures = {k: [(m.span(), _column_of(m.span(), header)) for m in _LAID_FIGURE.finditer(block[k])] for k in data}
    counts = [sum(any(col == c for _, col in figures[k]) for k in data) for c in range(len(header))]
    label = next((c for c in range(len(header)) if counts[c] * 2 < len(data)), None)
    numeric = [c for c in range(len(header)) if label is not None and c > label and counts[c] * 2 >= len(data)]
    if not numeric:
        return block
    width, rows, spans = numeric[0], [], []
    for k in range(data[0], len(block)):
        line = block[k]
        if k not in figures:  # a label or unit cell going on below its row
            for a, b in _laid_cells(line) if rows else ():
                c = min(_column_of((a, b), spans), width - 1)
                rows[-1][c] = f"{rows[-1][c]} {line[a:b]}".strip()
            continue
        first = min((span[0] for span, col in figures[k] if col in numeric), default=len(line))
        spans = _laid_cells(line[:first]) or [(0, first)]
        prefix = [line[a:b] for a, b in spans]
        while len(prefix) > width:  # a label with wide spaces inside
            prefix[-2:], spans[-2:] = [" ".join(prefix[-2:])], [(spans[-2][0], spans[-1][1])]
        cells = {col: line[a:b] for (a, b), col in figures[k] if col in numeric}
        rows.append(prefix + [""] * (width - len(prefix)) + [cells.get(c, "") for c in numeric])
    return [" | ".join(names[:width] + [names[c] for c in numeric]), *(" | ".join(r) for r in rows)]


_PDF_NOTE = re.compile(r"^(\d{1,2}) (?=[^\W\d_])")


def _pdf_footnotes(lines: list[str]) -> list[str]:
    """PDF text loses superscripts: "chuyển tiếp¹" comes out "chuyển tiếp1", "2021²" as "20212",
    and the note as "1 Trong đó: …". Where notes numbered 1, 2, … exist and each number is found
    glued to a word (or a year) before it, write both as superscripts again."""
    lines = list(lines)
    expected, search_from = 1, (0, 0)
    for i, line in enumerate(lines):
        m = _PDF_NOTE.match(line)
        if not m or int(m.group(1)) != expected:
            continue
        n = m.group(1)
        glued = re.compile(rf"(?:(?<=[^\W\d_])|(?<=(?<!\d)(?:19|20)\d\d)){n}(?![\d])")
        spot = _find_glued(lines, glued, search_from, i)
        if spot is None:
            continue
        row, col = spot
        lines[row] = lines[row][:col] + superscript(n) + lines[row][col + len(n):]
        lines[i] = superscript(n) + line[len(n):]
        expected, search_from = expected + 1, (row, col + 1)
    return lines


def _find_glued(lines, glued, start, stop):
    row, col = start
    for r in range(row, stop):
        m = glued.search(lines[r], col if r == row else 0)
        if m:
            return r, m.start()
    return None


