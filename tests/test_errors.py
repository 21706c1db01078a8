"""One vocabulary of errors: every reason code a member of errors.Reason, every exception class in
errors.py, and the command line showing the reason after the message."""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from sokhcn_analytics.cli.main import main
from sokhcn_analytics.core.errors import InputError, Problem, Reason

PACKAGE = Path(__file__).resolve().parents[1] / "sokhcn_analytics"
# a reason given as a string: Problem("x", …), _problem(path, "x", …), sheet.problem("x", …), reason="x"
_REASON_LITERAL = re.compile(r'(?:\bProblem\(|_problem\(\w+, |\.problem\(|\breason\s*=\s*)"([a-z_]+)"')


def _sources():
    return {f.relative_to(PACKAGE).as_posix(): f.read_text(encoding="utf-8") for f in sorted(PACKAGE.rglob("*.py"))}


def test_every_reason_the_package_gives_is_in_the_one_vocabulary():
    given = {(name, code) for name, text in _sources().items() for code in _REASON_LITERAL.findall(text)}
    assert len(given) > 30  # the pattern still finds them
    unknown = sorted((name, code) for name, code in given if code not in set(Reason))
    assert not unknown, f"reasons missing from errors.Reason: {unknown}"


def test_synonyms_are_merged():
    codes = {r.value for r in Reason}
    assert {"invalid_period", "empty_file"} <= codes and not {"bad_period", "empty_report"} & codes
    for name, text in _sources().items():
        assert '"bad_period"' not in text and '"empty_report"' not in text, name


def test_every_exception_class_of_the_package_is_in_errors_py():
    for name, text in _sources().items():
        if name == "core/errors.py":
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef):
                bases = {ast.unparse(b) for b in node.bases}
                assert not any(b.endswith(("Error", "Exception")) or b in ("BrowserNotFound",) for b in bases), (
                    f"{name}: exception class {node.name} belongs in errors.py")


def test_a_reason_is_a_plain_string_for_comparisons_and_json():
    assert Reason.NO_DATA == "no_data" and f"{Reason.NO_DATA}" == "no_data"
    assert json.dumps({"reason": Reason.EMPTY_FILE}) == '{"reason": "empty_file"}'
    assert InputError(Problem(Reason.NOT_A_NUMBER, "không phải số")).reasons == ["not_a_number"]


def test_the_command_line_shows_the_reason_after_the_message(shipped_store, tmp_path, capsys):
    assert main(["summary", "--processed", str(tmp_path / "none")]) == 1
    assert capsys.readouterr().err.rstrip().endswith("[store_missing]")
    assert main(["report", "--period", "2018-05", "--data", str(shipped_store), "--out", str(tmp_path / "r")]) == 1
    err = capsys.readouterr().err
    assert "Không có số liệu cho kỳ 2018-05" in err and err.rstrip().endswith("[no_data]")


def test_each_problem_of_a_refused_build_shows_its_reason(tmp_path, capsys):
    raw = tmp_path / "raw"
    (raw / "workbooks").mkdir(parents=True)
    (raw / "workbooks" / "2021-01_a.xlsx").write_bytes(b"")
    (raw / "workbooks" / "2021-02_b.xlsx").write_bytes(b"not a zip at all")
    assert main(["build", "--raw", str(raw), "--processed", str(tmp_path / "p")]) == 1
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip().startswith(("-", "Lỗi"))]
    reasons = re.findall(r"\[([a-z_]+)\]$", "\n".join(lines), re.M)
    assert "empty_file" in reasons and all(r in set(Reason) for r in reasons), lines
