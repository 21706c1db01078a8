"""``sokhcn init``: a department's project made from nothing, never overwriting; the settings file it
makes is refused by the draft until every "[cần điền]" mark is filled; every error that asks for a
settings file says how to make one."""
from __future__ import annotations

from pathlib import Path

import pytest

from sokhcn_analytics.cli.main import main
from sokhcn_analytics.core import paths
from sokhcn_analytics.core.errors import InputError
from sokhcn_analytics.core.project import STARTER_DIR, UNFILLED, init_project
from sokhcn_analytics.draft import compose as draft

REPO = Path(__file__).resolve().parents[1]
FULL = dict(name="Sở Khoa học và Công nghệ tỉnh Thái Nguyên", signer="Nguyễn Văn A", center="Trung tâm Ứng dụng",
            recipients=["UBND tỉnh (b/c);", "Lưu: VT."])


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_init_makes_the_folders_and_files_a_project_needs(tmp_path):
    done = init_project(tmp_path, "so-khcn-thu", **FULL)
    for folder in ("data/raw/workbooks", "data/raw/reports", "data/processed", "notebooks"):
        assert (tmp_path / folder).is_dir(), folder
    assert not any((tmp_path / "data" / "processed").iterdir())
    assert sorted(_files(tmp_path)) == [".gitignore", "data/orgs/so-khcn-thu.yml", "notebooks/README.md"]
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8").split("\n")[1:3] == ["data/processed/", "reports/"]
    assert "thay cho notebook đi kèm gói" in (tmp_path / "notebooks" / "README.md").read_text(encoding="utf-8")
    assert done.unfilled == [] and len(done.created) == 3 and done.kept == []


def test_init_twice_keeps_every_file(tmp_path, capsys):
    assert main(["init", str(tmp_path), "--org", "so-khcn-thu"]) == 0
    (tmp_path / "data" / "orgs" / "so-khcn-thu.yml").write_text("place: Của tôi\n", encoding="utf-8")
    before = _files(tmp_path)
    capsys.readouterr()
    assert main(["init", str(tmp_path), "--org", "so-khcn-thu", "--signer", "Khác"]) == 1
    err = capsys.readouterr().err
    assert err.count(str(tmp_path.resolve())) == 3 and "[project_exists]" in err
    assert main(["init", str(tmp_path), "--org", "so-khcn-thu", "--force"]) == 0
    assert _files(tmp_path) == before


def test_init_of_a_second_unit_adds_only_its_settings_file_with_force(tmp_path):
    init_project(tmp_path, "don-vi-a")
    done = init_project(tmp_path, "don-vi-b", force=True)
    assert [p.name for p in done.created] == ["don-vi-b.yml"] and len(done.kept) == 2


def test_init_refuses_an_org_code_that_cannot_name_a_file(tmp_path, capsys):
    assert main(["init", str(tmp_path), "--org", "Sở KH"]) == 1
    assert "[bad_org]" in capsys.readouterr().err and not any(tmp_path.iterdir())


def test_init_says_which_entries_are_left_to_fill(tmp_path, capsys):
    assert main(["init", str(tmp_path), "--org", "so-khcn-thu", "--signer", "A"]) == 0
    out = capsys.readouterr().out
    assert "center, recipients, units.center" in out and "signer.name" not in out


@pytest.fixture
def orgs(tmp_path, monkeypatch) -> Path:
    monkeypatch.setattr(paths, "orgs_dir", lambda: tmp_path / "data" / "orgs")
    return tmp_path


def test_the_draft_refuses_a_settings_file_with_unfilled_marks_naming_the_key(orgs):
    init_project(orgs, "so-khcn-thu", **{**FULL, "signer": None})
    with pytest.raises(InputError) as caught:
        draft.load_org_settings("so-khcn-thu")
    assert caught.value.reason == "org_settings_unfilled" and caught.value.problems[0].value == ["signer.name"]
    assert "signer.name" in str(caught.value) and "so-khcn-thu.yml" in str(caught.value)


def test_a_filled_settings_file_from_init_drafts(orgs):
    init_project(orgs, "so-khcn-thu", **FULL)
    settings = draft.load_org_settings("so-khcn-thu")
    assert settings["signer"]["name"] == "Nguyễn Văn A" and UNFILLED not in str(settings)
    assert {s.unit for s in draft.load_sections()} <= set(settings["units"])


def test_every_error_that_asks_for_a_settings_file_names_sokhcn_init(orgs):
    with pytest.raises(draft.SokhcnError) as caught:
        draft.load_org_settings("so-khcn-moi")
    assert caught.value.reason == "org_settings_missing" and "sokhcn init --org so-khcn-moi" in str(caught.value)
    folder = orgs / "data" / "orgs"
    folder.mkdir(parents=True)
    (folder / "don-vi-a.yml").write_text("issuing_body: UBND TỈNH A\n", encoding="utf-8")
    (folder / "don-vi-b.yml").write_text("issuing_body: [không đóng\n", encoding="utf-8")
    for org in ("don-vi-a", "don-vi-b"):
        with pytest.raises(InputError) as caught:
            draft.load_org_settings(org)
        assert caught.value.reason == "bad_org_settings" and f"sokhcn init --org {org}" in str(caught.value)
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "sokhcn_analytics").rglob("*.py"))
    assert "hãy chép data/orgs" not in sources


def test_demo_data_writes_the_illustrative_units_settings_and_keeps_one_already_there(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("SOKHCN_ROOT", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(paths, "PACKAGE_DIR", tmp_path / "site-packages" / "sokhcn_analytics")  # as installed
    assert main(["demo-data", "--start", "2021-12"]) == 0
    settings = tmp_path / "data" / "orgs" / "minh-hoa.yml"
    assert settings.read_bytes() == (REPO / "data" / "orgs" / "minh-hoa.yml").read_bytes()
    settings.write_text("# của tôi\n", encoding="utf-8")
    assert main(["demo-data", "--start", "2021-12"]) == 0
    assert settings.read_text(encoding="utf-8") == "# của tôi\n"


def test_the_shipped_illustrative_settings_are_the_checkouts():
    assert (STARTER_DIR / "minh-hoa.yml").read_bytes() == (REPO / "data" / "orgs" / "minh-hoa.yml").read_bytes()
