"""Properties of the extractor over generated numbers and traps."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sokhcn_analytics.extract.extractor import extract_indicators, parse_report, unrecognised
from sokhcn_analytics.core.vnformat import format_number

HEAD = "Kết quả thực hiện nhiệm vụ tháng 04 năm 2022\nI. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG 04\n"

day, month, year = st.integers(1, 28), st.integers(1, 12), st.integers(1990, 2030)
traps = st.one_of(
    st.builds(lambda d, m, y: f"ngày {d:02d}/{m}/{y}", day, month, year),
    st.builds(lambda d, m, y: f"ngày {d} tháng {m:02d} năm {y}", day, month, year),
    st.builds(lambda n, y, kind: f"số {n}/{y}/{kind}", st.integers(1, 3000), year,
              st.sampled_from(["QĐ-UBND", "TT-BKHCN", "NĐ-CP"])),
    st.builds(lambda n, kind: f"Văn bản số {n}/{kind}", st.integers(1, 3000),
              st.sampled_from(["BC-SKHCN", "QĐ-TTg", "KH-UBND", "CV-ĐL"])),
    st.builds(lambda y: f"ISO 9001:{y}", year),
    st.builds(lambda n, y: f"TCVN {n}:{y}", st.integers(1000, 13000), year),
    st.builds(lambda a, b: f"giai đoạn {a}-{b}", year, year),
    st.builds(lambda y: f"năm {y}", year),
    st.builds(lambda a, b: f"ĐT: 0209.{a:04d}.{b:03d}", st.integers(0, 9999), st.integers(0, 999)),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(traps, min_size=1, max_size=6))
def test_traps_never_become_figures_or_unrecognised_quantities(pieces):
    rep = parse_report(HEAD + "Thực hiện " + "; ".join(pieces) + ".")
    assert extract_indicators(rep).empty
    assert unrecognised(rep).empty


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 5_000_000), st.booleans(), st.lists(traps, max_size=3))
def test_any_written_number_reads_back_among_traps(n, leading_zero, pieces):
    written = f"{n:02d}" if leading_zero and n < 10 else format_number(n)
    rep = parse_report(HEAD + "Theo " + ", ".join(pieces) + f"; thử nghiệm {written} mẫu vật liệu xây dựng.")
    df = extract_indicators(rep)
    assert df[["indicator", "value"]].values.tolist() == [["material_samples_tested", float(n)]]
