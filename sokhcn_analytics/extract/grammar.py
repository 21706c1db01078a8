"""A small grammar for the figures no phrasing claims: a number (with an optional qualifier such as
"hơn", "gần", "khoảng") bound to a noun head and an action, in either order ("kiểm tra 15 cơ sở",
"số cơ sở được kiểm tra: 15", "15 cơ sở đã được kiểm tra"). The indicator is the one whose wording
hints (``indicator_hints.csv``) fit best; a figure that fits no indicator, or two equally, is left
unrecognised, never guessed. Money is read in đồng. The vocabulary (qualifiers, money scales, words
that make a number a name or a grade) is ``wording.csv``.

>>> text = "Trong tháng, kiểm tra 15 cơ sở kinh doanh xăng dầu"
>>> read_figure(text, text.index("15"))
('establishments_inspected', 15.0, '')
>>> text = "phát hiện 4 cơ sở vi phạm, xử phạt hơn 12,5 triệu đồng"
>>> read_figure(text, text.index("12,5"))
('fines_vnd', 12500000.0, '>')
>>> read_figure("Đoàn 35 tổ chức kiểm tra", 5) is None
True
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from sokhcn_analytics.core import catalog, paths
from sokhcn_analytics.extract.wording import _NUM, fold
from sokhcn_analytics.core.vnformat import parse_number, amount_in_dong

WORDING_CSV = paths.WORDING_CSV

_CLAUSE_STOP = re.compile(r"[;!?\n]\s|(?<!\.)\.\s|[;!?\n]|\.$|\|\|")  # "áp kế,... tại": an ellipsis goes on  # where the words governing a number stop
_PHRASE_STOP = re.compile(r"[,;:.()\[\]!?\n\"“”]|\s(?:và|với|tại|cho|của|trong|theo|để|nhằm|đạt|gồm|bao gồm)\s|\s(?=\d)")
_NUMBER_AT = re.compile(r"(?:\*\*|\*|__|_)?(?P<n>" + _NUM + r")(?:\*\*|\*|__|_)?")
_BEFORE_WINDOW, _PHRASE_WINDOW = 110, 70


@dataclass(frozen=True)
class Reading:
    """What the grammar read around one number."""

    indicator: str  # "" when no indicator fits clearly
    value: float
    approx: str  # ">", "<", "~" or ""
    start: int  # where the quote starts and ends, in the text given
    end: int


def _alternation(words) -> str:
    return "|".join(re.escape(fold(w)).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """kind → [(words, value)] from ``wording.csv``."""
    out: dict[str, list] = {}
    with open(WORDING_CSV, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["kind"], []).append((tuple(w for w in row["words"].split("|") if w), row["value"]))
    return out


@lru_cache(maxsize=1)
def _patterns() -> dict:
    v = vocabulary()
    approx = [(re.compile(rf"(?i)(?<!\w)(?:{_alternation(words)})[^\S\n]*$"), value) for words, value in v["approx"]]
    money = [(re.compile(rf"(?i)[^\S\n]*(?:{_alternation(words)})(?!\w)"), value) for words, value in v["money"]]
    never_before = re.compile(rf"(?i)(?<!\w)(?:{_alternation(v['never_before'][0][0])})[^\S\n]*[:.]?[^\S\n]*$")
    never_after = re.compile(rf"(?i)^[^\S\n]*(?:{_alternation(v['never_after'][0][0])})(?!\w)")
    classifier = re.compile(rf"(?i)^(?:{_alternation(v['classifier'][0][0])})\s+")
    hints = {code: {f: (re.compile(rf"(?i)(?<!\w)(?:{_alternation(h[f])})(?!\w)") if h[f] else None)
                    for f in catalog.HINT_FIELDS} | {"within": h["within"], "actions_set": {fold(a).lower() for a in h["actions"]}}
             for code, h in catalog.hints().items()}
    words = _alternation({a for h in catalog.hints().values() for a in h['actions']})
    all_actions = re.compile(rf"(?i)(?<!\w)(?:{words})(?!\w)")
    # "15 cơ sở đã được kiểm tra", "24 mẫu được lấy", "6 cơ sở bị xử phạt": the action after the noun
    passive = re.compile(rf"(?i)(?<!\w)(?:đã|được|bị|đang)\s+(?:được\s+|bị\s+)?({words})(?!\w)")
    not_action = re.compile(rf"(?i)(?:{_alternation(v['not_action'][0][0])})(?!\w)")
    money_label = re.compile(rf"(?i)(?<!\w)(?:{_alternation(v['money_label'][0][0])})(?:\s+(?:là|lên tới|lên đến))?[^\S\n]*"
                             rf"(?:(?:{'|'.join(_alternation(w) for w, _ in v['approx'])})[^\S\n]*)?$")
    joined = re.compile(rf"(?i)(?<!\w)(?:{_alternation(v['joined'][0][0])})(?!\w)")
    place_lead = re.compile(rf"(?i)(?<!\w)(?:{_alternation(v['place_lead'][0][0])})[^\S\n]*$")
    return {"place_lead": place_lead, "money_label": money_label, "joined": joined, "passive": passive, "not_action": not_action, "approx": approx, "money": money, "never_before": never_before, "never_after": never_after,
            "classifier": classifier, "hints": hints, "actions": all_actions}


def _sentence_start(text: str, pos: int, floor: int) -> int:
    """Where the sentence holding ``pos`` starts (no window): after the last sentence stop."""
    stops = list(_CLAUSE_STOP.finditer(text, floor, pos))
    return stops[-1].end() if stops else floor


def _clause_before(text: str, pos: int, floor: int) -> int:
    """Where the clause holding ``pos`` starts: after the last sentence stop, at most a window back."""
    lo = max(floor, pos - _BEFORE_WINDOW)
    stops = list(_CLAUSE_STOP.finditer(text, lo, pos))
    return stops[-1].end() if stops else lo


@lru_cache(maxsize=4)
def breakdown_words(kind: str = "breakdown") -> re.Pattern:
    """The words that open the breakdown of a total ("trong đó", "gồm" …) or an itemised list ("cụ thể"),
    from ``wording.csv``."""
    return re.compile(rf"(?i)(?<!\w)(?:{_alternation(vocabulary()[kind][0][0])})(?!\w)")


def has_action(text: str) -> bool:
    """Whether ``text`` (folded) holds an action word of the hints ("kiểm định", "xử phạt" …)."""
    return any(not _patterns()["not_action"].match(text, m.start()) for m in _patterns()["actions"].finditer(text))


def _nearest_action(before: str) -> str | None:
    """The action closest before the number ("kiểm tra 15 cơ sở, xử phạt 3 cơ sở": xử phạt for 3)."""
    found = [m for m in _patterns()["actions"].finditer(before) if not _patterns()["not_action"].match(before, m.start())]
    if not found:
        return None
    last_end = max(m.end() for m in found)
    return min((m for m in found if m.end() == last_end), key=lambda m: m.start()).group().lower()


def _noun_phrase(text: str, pos: int, limit: int) -> str:
    hi = min(limit, pos + _PHRASE_WINDOW)
    # "nhiệm vụ khoa học và công nghệ cấp tỉnh", "dự án, nhiệm vụ cấp quốc gia": one phrase
    window = _patterns()["joined"].sub(lambda j: re.sub(r"[,\s]", "_", j.group()), text[pos:hi])
    stop = _PHRASE_STOP.search(window)
    stop_at = pos + stop.start() if stop else hi
    return text[pos: stop_at]


def _money(text: str, pos: int) -> tuple[float, int] | None:
    for rx, scale in _patterns()["money"]:
        m = rx.match(text, pos)
        if m:
            return scale, m.end()
    return None


def _approx(before: str) -> str:
    for rx, value in _patterns()["approx"]:
        if rx.search(before):
            return value
    return ""


def never_a_figure(text: str, start: int, end: int, floor: int = 0) -> bool:
    """A number that names, dates, grades or numbers something ("Đoàn 35", "RON 95", "5-11", "năm 2022",
    "tăng 15%", "trang 3"), or stands alone on a line (a page counter)."""
    number = text[start:end].strip("*_")
    before, after = text[max(floor, start - 25): start], text[end: end + 12]
    if re.fullmatch(r"(?:19|20)\d\d", number) or re.match(r"\s*(?:[-–/]\s*\d|-\w|\.\s*\w|/\s*[A-ZĐ])", after):
        return True
    if re.search(r"(?i)(?:ngày|tháng|năm|số|quý|điều|khoản|mục|điểm|chương|phần|phụ lục|giai đoạn|ISO|TCVN|QCVN|"
                 r"[A-ZĐ]{2,}-|\d[-–/.]|lần thứ)[:.]?\s*[*_]*$", before):
        return True
    if _patterns()["never_before"].search(before) or _patterns()["never_after"].match(after):
        return True
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start: line_end if line_end != -1 else len(text)]
    return not re.search(r"[^\W\d_]{2,}", line.replace(number, ""))  # a line with no words: page furniture


def _fits(hint: dict, noun: str, verb: str | None, label: str, context: str) -> float:
    """The hint's score for this reading: 0 when it does not fit."""
    if hint["nouns"] is None or not hint["nouns"].match(noun) and not hint["nouns"].search(label):
        return 0
    if hint["actions"] is not None:
        if verb is None or fold(verb).lower() not in hint["actions_set"]:
            return 0
    elif hint["qualifiers"] is None:
        return 0
    if hint["qualifiers"] is not None and not hint["qualifiers"].search(context):
        return 0
    if hint["excludes"] is not None and hint["excludes"].search(context):
        return 0
    return 1 + (2 if hint["qualifiers"] is not None else 0) + (len(verb or "") / 100)


def read_figure(text: str, pos: int, floor: int = 0, limit: int | None = None,
                inherited_verb: str | None = None) -> tuple[str, float, str] | None:
    """(indicator or "", value, approx) for the number at ``pos`` in ``text`` (folded or not); ``None``
    when it is never a figure. ``floor``/``limit`` bound the paragraph; ``inherited_verb`` is the action
    of the total a breakdown details."""
    r = read(fold(text), pos, floor, len(text) if limit is None else limit, inherited_verb)
    return None if r is None else (r.indicator, r.value, r.approx)


def read(text: str, pos: int, floor: int, limit: int, inherited_verb: str | None = None) -> Reading | None:
    """The grammar's reading of the number starting at ``pos`` of the folded ``text``."""
    m = _NUMBER_AT.match(text, pos)
    if not m or never_a_figure(text, m.start("n"), m.end("n"), floor):
        return None
    clause = _clause_before(text, m.start(), floor)
    before = text[clause: m.start()]
    head = _head(text, m, limit, before)
    if head is None:
        return None
    value, noun, noun_end, label = head
    after_verb = _patterns()["passive"].search(noun)
    verb = after_verb.group(1).lower() if after_verb else _nearest_action(before) or inherited_verb
    verb_at = before.lower().rfind(verb) if verb and not after_verb else -1
    # qualifiers and exclusions are read in this figure's own words: from its verb or the last list
    # comma ("28 nhiệm vụ cấp tỉnh, 3 nhiệm vụ cấp quốc gia": "cấp tỉnh" is not the 3's)
    # ("37 cơ sở được thanh tra": its own words follow it); a label's words all name it
    own = max(verb_at, before.rfind(",") + 1, before.rfind("(") + 1, before.rfind(" và ") + 1, 0)
    own = len(before) if after_verb else 0 if label else own
    indicator = _best(noun, verb, label, (verb or "") + " " + before[own:] + " " + noun)
    if not indicator and noun == "đồng" and _patterns()["money_label"].search(before):
        indicator = _far_money(text, m.start(), floor)  # "xử phạt … đối với 01 cơ sở … với số tiền 3,5 triệu"
    elif not indicator and not label and _patterns()["place_lead"].search(before):
        indicator = _far_place(text, m.start(), floor, noun)  # "Đoàn thanh tra chuyên đề … tại 39 doanh nghiệp"
    start = clause + verb_at if verb_at >= 0 else m.start()  # quoted from its verb, or from the number
    if label and indicator:
        start = clause + len(before) - len(before.lstrip())
    return Reading(indicator, value, _approx(before), start, max(noun_end, m.end()))


def _far_money(text: str, pos: int, floor: int) -> str:
    """The indicator of an amount named "số tiền …" by the nearest action of its sentence that fits an
    amount in đồng, however far ("xử phạt vi phạm hành chính đối với 01 cơ sở … với số tiền 3.500.000 đồng")."""
    sentence = text[_sentence_start(text, pos, floor): pos]
    found = [x for x in _patterns()["actions"].finditer(sentence) if not _patterns()["not_action"].match(sentence, x.start())]
    for action in sorted(found, key=lambda x: -x.end()):
        indicator = _best("đồng", action.group().lower(), "", action.group() + " đồng")
        if indicator:
            return indicator
    return ""


def _far_place(text: str, pos: int, floor: int, noun: str) -> str:
    """The indicator of a count of places ("tại 39 doanh nghiệp") by the nearest action of its
    sentence that can govern that noun, however far ("phân tích", "sản xuất" cannot govern a firm)."""
    sentence = text[_sentence_start(text, pos, floor): pos]
    found = [x for x in _patterns()["actions"].finditer(sentence) if not _patterns()["not_action"].match(sentence, x.start())]
    for action in sorted(found, key=lambda x: -x.end()):
        verb = action.group().lower()
        if any(h["nouns"] is not None and h["nouns"].match(noun) and fold(verb) in h["actions_set"]
               for h in _patterns()["hints"].values()):
            return _best(noun, verb, "", verb + " " + noun)
    return ""


def _head(text: str, m: re.Match, limit: int, before: str) -> tuple[float, str, int, str] | None:
    """(value, noun head, where it ends, label) of a number: money in đồng; the words after it; the
    label before a colon ("Số cơ sở được kiểm tra: 15"); the cells before it in a table row."""
    value = parse_number(m.group("n"))
    money = _money(text, m.end())
    if money:
        return amount_in_dong(m.group("n"), money[0]), "đồng", money[1], before if re.search(r":[\s*_]*$", before) else ""
    rest = _patterns()["classifier"].sub("", text[m.end(): limit].lstrip(" *_"))
    in_cell = rest.startswith("|") and "|" in before  # a table row: the cells before name the figure
    if not rest[:1].isalpha() and not re.match(r"\s*[.;,)]|\s*$", rest) and not in_cell:
        return None
    if in_cell and (re.fullmatch(r"[\s|]*", before)  # the first cell: the row's number (TT)
                    or re.search(r"\d", before.split("|")[-2] if before.count("|") >= 2 else "")):
        return None  # or a figure after another of its row: another column's (plan, year to date)
    phrase = _noun_phrase(text, m.end(), limit)
    noun = _patterns()["classifier"].sub("", phrase.strip(" *_"))
    label = before if re.search(r":[\s*_]*$", before) or in_cell else ""
    return float(value), noun, m.end() + len(phrase.rstrip()), label


def _best(noun: str, verb: str | None, label: str, context: str) -> str:
    """The indicator whose hints fit best, or "" when none does or two fit equally."""
    scores = {code: _fits(hint, noun, verb, label, context) for code, hint in _patterns()["hints"].items()}
    best = sorted(((score, code) for code, score in scores.items() if score), reverse=True)
    return best[0][1] if best and (len(best) == 1 or best[0][0] > best[1][0]) else ""
