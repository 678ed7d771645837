"""Tests for app.wareki: era boundaries, strict parsing and fiscal years."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from app.wareki import (
    EraYear,
    era_of,
    fiscal_year,
    fiscal_year_range,
    format_era_year,
    format_fiscal_year,
    format_wareki,
    next_april_first,
    parse_date,
    parse_fiscal_year,
)

# (date, kanji, short) on both sides of every era change.
BOUNDARIES = [
    (date(1868, 1, 25), "明治元年1月25日", "M1.1.25"),
    (date(1912, 7, 29), "明治45年7月29日", "M45.7.29"),
    (date(1912, 7, 30), "大正元年7月30日", "T1.7.30"),
    (date(1926, 12, 24), "大正15年12月24日", "T15.12.24"),
    (date(1926, 12, 25), "昭和元年12月25日", "S1.12.25"),
    (date(1989, 1, 7), "昭和64年1月7日", "S64.1.7"),
    (date(1989, 1, 8), "平成元年1月8日", "H1.1.8"),
    (date(2019, 4, 30), "平成31年4月30日", "H31.4.30"),
    (date(2019, 5, 1), "令和元年5月1日", "R1.5.1"),
    (date(2025, 4, 1), "令和7年4月1日", "R7.4.1"),
]


@pytest.mark.parametrize(("d", "kanji", "short"), BOUNDARIES)
def test_format_boundaries(d: date, kanji: str, short: str) -> None:
    assert format_wareki(d) == kanji
    assert format_wareki(d, style="kanji") == kanji
    assert format_wareki(d, style="short") == short


@pytest.mark.parametrize(("d", "kanji", "short"), BOUNDARIES)
def test_parse_boundaries(d: date, kanji: str, short: str) -> None:
    assert parse_date(kanji) == d
    assert parse_date(short) == d


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(1912, 7, 29), EraYear("明治", "M", 45)),
        (date(1912, 7, 30), EraYear("大正", "T", 1)),
        (date(1926, 12, 24), EraYear("大正", "T", 15)),
        (date(1926, 12, 25), EraYear("昭和", "S", 1)),
        (date(1989, 1, 7), EraYear("昭和", "S", 64)),
        (date(1989, 1, 8), EraYear("平成", "H", 1)),
        (date(2019, 4, 30), EraYear("平成", "H", 31)),
        (date(2019, 5, 1), EraYear("令和", "R", 1)),
        (date(2025, 4, 1), EraYear("令和", "R", 7)),
    ],
)
def test_era_of(d: date, expected: EraYear) -> None:
    assert era_of(d) == expected


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2025, 4, 1), "令和7年"),
        (date(2019, 5, 1), "令和元年"),
        (date(2019, 4, 30), "平成31年"),
        (date(1989, 1, 8), "平成元年"),
        (date(1989, 1, 7), "昭和64年"),
    ],
)
def test_format_era_year(d: date, expected: str) -> None:
    assert format_era_year(d) == expected


def test_format_accepts_datetime() -> None:
    assert format_wareki(datetime(2019, 5, 1, 9, 30)) == "令和元年5月1日"
    assert era_of(datetime(2019, 4, 30, 23, 59)) == EraYear("平成", "H", 31)


@pytest.mark.parametrize("d", [date(1868, 1, 24), date(1800, 1, 1), date(1, 1, 1)])
def test_format_before_meiji_raises(d: date) -> None:
    with pytest.raises(ValueError):
        format_wareki(d)
    with pytest.raises(ValueError):
        era_of(d)
    with pytest.raises(ValueError):
        format_era_year(d)


def test_format_unknown_style_raises() -> None:
    with pytest.raises(ValueError):
        format_wareki(date(2025, 4, 1), style="long")


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


@pytest.mark.parametrize("style", ["kanji", "short"])
def test_round_trip_every_day(style: str) -> None:
    """Every day across the 昭和→平成 and 平成→令和 changes survives format→parse."""
    for d in _days(date(1988, 12, 1), date(2020, 1, 31)):
        text = format_wareki(d, style=style)
        assert parse_date(text) == d, text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-04-01", date(2024, 4, 1)),
        ("2024-4-1", date(2024, 4, 1)),
        ("2024/4/1", date(2024, 4, 1)),
        ("2024/04/01", date(2024, 4, 1)),
        ("2024.4.1", date(2024, 4, 1)),
        ("2024年4月1日", date(2024, 4, 1)),
        ("2024 年 4 月 1 日", date(2024, 4, 1)),
        ("20240401", date(2024, 4, 1)),
        ("  2024-04-01\n", date(2024, 4, 1)),
        ("2024-02-29", date(2024, 2, 29)),
        ("令和7年4月1日", date(2025, 4, 1)),
        ("令和 7 年 4 月 1 日", date(2025, 4, 1)),
        ("平成元年4月1日", date(1989, 4, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("R7.4.1", date(2025, 4, 1)),
        ("r7.4.1", date(2025, 4, 1)),
        ("R07/04/01", date(2025, 4, 1)),
        ("R7-4-1", date(2025, 4, 1)),
        ("R1.5.1", date(2019, 5, 1)),
        ("R7年4月1日", date(2025, 4, 1)),
        ("H31.4.30", date(2019, 4, 30)),
        ("h31.4.30", date(2019, 4, 30)),
        ("S64.1.7", date(1989, 1, 7)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("M45.7.29", date(1912, 7, 29)),
        ("T15.12.24", date(1926, 12, 24)),
        ("R6.2.29", date(2024, 2, 29)),
    ],
)
def test_parse_date_accepts(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和７年４月１日", date(2025, 4, 1)),
        ("Ｒ７．４．１", date(2025, 4, 1)),
        ("ｒ７．４．１", date(2025, 4, 1)),
        ("２０２４／０４／０１", date(2024, 4, 1)),
        ("２０２４－０４－０１", date(2024, 4, 1)),
        ("２０２４０４０１", date(2024, 4, 1)),
        ("２０２４年４月１日", date(2024, 4, 1)),
        ("\u3000令和\u3000７\u3000年\u3000４\u3000月\u3000１\u3000日\u3000", date(2025, 4, 1)),
        ("㍻31年4月30日", date(2019, 4, 30)),
        ("㋿元年5月1日", date(2019, 5, 1)),
    ],
)
def test_parse_date_full_width(text: str, expected: date) -> None:
    assert parse_date(text) == expected


MALFORMED = [
    "",
    "   ",
    "\u3000",
    "None",
    "null",
    "abc",
    "24/4/1",  # two-digit western year: which century?
    "24-04-01",
    "024/4/1",
    "0024-04-01",
    "2024-04-01x",  # trailing garbage
    "2024-04-01T00:00",
    "2024年4月1日です",
    "令和7年4月1日(火)",
    "R7.4.1.",
    "2024/04-01",  # mixed separators
    "2024/4",
    "2024年4月",
    "2024年4月1",
    "2024 04 01",
    "2024040",
    "202404011",
    "R7.4",
    "R.4.1",
    "X7.4.1",
    "R123.4.1",
    "令7年4月1日",
    "令和七年四月一日",  # kanji numerals are not accepted
    "2023-02-29",  # invalid day
    "2024-13-01",
    "2024-00-10",
    "2024-04-31",
    "2024-04-00",
    "R7.2.30",
    "R7.2.29",  # 2025 is not a leap year
    "令和7年2月30日",
    "令和0年1月1日",  # 0年
    "R0.5.1",
    "平成32年1月1日",  # past the era's end
    "H31.5.1",
    "S65.1.1",
    "S64.1.8",
    "T16.1.1",
    "M46.1.1",
    "平成元年1月7日",  # before the era's start (that day is 昭和64年)
    "H1.1.7",
    "令和元年4月30日",
    "R1.4.30",
    "昭和元年12月24日",
    "大正元年7月29日",
    "明治元年1月24日",
    "2024−04−01",  # U+2212 minus is not folded by NFKC
    "2024/4/1²",  # superscript must not become a digit
    "٢٠٢٤-04-01",  # Arabic-Indic digits
    "2024\n04\n01",
]


@pytest.mark.parametrize("text", MALFORMED)
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize("value", [None, 20240401, date(2024, 4, 1), b"2024-04-01"])
def test_parse_date_rejects_non_str(value: object) -> None:
    with pytest.raises(ValueError):
        parse_date(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("xyz", "日付として読めません: 'xyz'"),
        ("平成32年1月1日", "平成32年は存在しません（平成は31年4月30日まで）"),
        ("S65.1.1", "昭和65年は存在しません（昭和は64年1月7日まで）"),
        ("平成元年1月7日", "昭和64年1月7日"),
        ("令和元年4月30日", "平成31年4月30日"),
        ("R7.2.30", "令和7年2月は28日まで"),
        ("2023-02-29", "2023年2月は28日まで"),
        ("令和0年1月1日", "元年"),
    ],
)
def test_parse_date_error_messages(text: str, fragment: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_date(text)
    assert fragment in str(excinfo.value)


# --- fiscal years ---------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "fy"),
    [
        (date(2026, 3, 31), 2025),
        (date(2025, 4, 1), 2025),
        (date(2025, 3, 31), 2024),
        (date(2025, 12, 31), 2025),
        (date(2025, 1, 1), 2024),
        (date(2019, 4, 30), 2019),
        (date(2019, 5, 1), 2019),
        (datetime(2026, 3, 31, 23, 59), 2025),
    ],
)
def test_fiscal_year(d: date, fy: int) -> None:
    assert fiscal_year(d) == fy


@pytest.mark.parametrize(
    ("fy", "expected"),
    [
        (2025, (date(2025, 4, 1), date(2026, 3, 31))),
        (2019, (date(2019, 4, 1), date(2020, 3, 31))),
        (2023, (date(2023, 4, 1), date(2024, 3, 31))),
    ],
)
def test_fiscal_year_range(fy: int, expected: tuple[date, date]) -> None:
    assert fiscal_year_range(fy) == expected
    first, last = expected
    assert fiscal_year(first) == fy
    assert fiscal_year(last) == fy
    assert fiscal_year(first - timedelta(days=1)) == fy - 1
    assert fiscal_year(last + timedelta(days=1)) == fy + 1


@pytest.mark.parametrize(
    ("fy", "text"),
    [
        (2025, "令和7年度"),
        (2020, "令和2年度"),
        (2019, "令和元年度"),
        (2018, "平成30年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),
        (1926, "昭和元年度"),
        (1925, "大正14年度"),
        (1912, "大正元年度"),
        (1911, "明治44年度"),
    ],
)
def test_format_fiscal_year(fy: int, text: str) -> None:
    assert format_fiscal_year(fy) == text
    assert parse_fiscal_year(text) == fy


@pytest.mark.parametrize(
    ("text", "fy"),
    [
        ("令和7年度", 2025),
        ("R7年度", 2025),
        ("r7年度", 2025),
        ("2025年度", 2025),
        ("令和 7 年度", 2025),
        ("令和７年度", 2025),
        ("Ｒ７年度", 2025),
        ("２０２５年度", 2025),
        ("令和元年度", 2019),
        ("R1年度", 2019),
        ("平成31年度", 2019),  # the name FY2019 had when it began
        ("H30年度", 2018),
        ("大正15年度", 1926),
    ],
)
def test_parse_fiscal_year_accepts(text: str, fy: int) -> None:
    assert parse_fiscal_year(text) == fy


@pytest.mark.parametrize(
    "text",
    [
        "",
        "令和7年",
        "令和7",
        "R7",
        "2025",
        "25年度",
        "令和0年度",
        "平成32年度",
        "昭和64年度",  # FY1989 began in 平成
        "S65年度",
        "令和7年度予算",
        "令和7年4月1日",
        "FY2025",
    ],
)
def test_parse_fiscal_year_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_fiscal_year(text)


def test_parse_fiscal_year_rejects_none() -> None:
    with pytest.raises(ValueError):
        parse_fiscal_year(None)  # type: ignore[arg-type]


def test_format_fiscal_year_round_trips_modern_years() -> None:
    for fy in range(1912, 2060):
        assert parse_fiscal_year(format_fiscal_year(fy)) == fy


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2025, 4, 1), date(2025, 4, 1)),  # April 1 itself is returned
        (date(2025, 3, 31), date(2025, 4, 1)),
        (date(2025, 1, 1), date(2025, 4, 1)),
        (date(2025, 4, 2), date(2026, 4, 1)),
        (date(2025, 12, 31), date(2026, 4, 1)),
        (datetime(2025, 4, 1, 12, 0), date(2025, 4, 1)),
    ],
)
def test_next_april_first(d: date, expected: date) -> None:
    assert next_april_first(d) == expected


# --- messages, supported range, display that never fails --------------------


def test_error_messages_follow_the_ui_language():
    """Issue 12 item 24: the messages went out in Japanese whatever the language (no gettext)."""
    from app import i18n

    i18n.install("en")
    try:
        for text in ("xyz", "平成32年1月1日", "2023-02-29", "令和元年4月30日"):
            with pytest.raises(ValueError) as excinfo:
                parse_date(text)
            message = str(excinfo.value)
            assert "存在しません" not in message and "読めません" not in message, message
        with pytest.raises(ValueError, match="Not a fiscal year"):
            parse_fiscal_year("来年度")
    finally:
        i18n.install("ja")
    with pytest.raises(ValueError, match="日付として読めません"):
        parse_date("xyz")


@pytest.mark.parametrize("text", ["2027-04-01", "2027/4/1", "R9.4.1", "令和9年4月1日", "２０２７／４／１", "Ｒ９．４．１"])
def test_the_spellings_an_officer_types(text: str) -> None:
    assert parse_date(text) == date(2027, 4, 1)


def test_supported_range_is_one_pair_of_bounds() -> None:
    from app.wareki import SUPPORTED_FIRST, SUPPORTED_LAST, check_supported

    assert check_supported(SUPPORTED_FIRST) == date(1873, 1, 1)
    assert check_supported(SUPPORTED_LAST) == date(2200, 12, 31)
    with pytest.raises(ValueError, match="扱える日付の範囲外"):
        check_supported(date(1800, 1, 1))
    with pytest.raises(ValueError, match="1873年1月1日から2200年12月31日まで"):
        check_supported(date(2201, 1, 1))


@pytest.mark.parametrize(("stored", "shown"), [
    ("2027-04-01", "令和9年4月1日"), (date(2027, 4, 1), "令和9年4月1日"), ("1800-01-01", "1800-01-01"),
    (date(1800, 1, 1), "1800-01-01"), ("9999-12-31", "9999-12-31"), ("2027/13/01", "2027/13/01"),
    (None, ""), ("", "")])
def test_display_date_never_raises(stored, shown) -> None:
    from app.wareki import display_date

    assert display_date(stored) == shown


def test_written_in_era() -> None:
    from app.wareki import written_in_era

    assert written_in_era("R9.4.1") and written_in_era("令和９年４月１日")
    assert not written_in_era("2027-04-01") and not written_in_era("xyz")
