"""What the 認定 screen shows, computed in the core: candidates with names, filters, counts, number previews."""

from __future__ import annotations

from datetime import date

import pytest

from app.certification import decisions
from app.certification import candidates
from app.staff import organisation
from app.certification import schemes
from app.register import settings
from app.register.accounts import Role, User
from app.certification.decisions import Approval
from app.demo.projects import load_certification_history, load_projects
from app.errors import UserError
from app.kana import gojuon_key
from tests.conftest import ADMIN_USER

DECIDED = date(2026, 6, 1)
OFFICER = User(0, "officer", "officer", Role.ADMIN)


@pytest.fixture
def town(demo_db):
    load_projects(demo_db, "test")
    load_certification_history(demo_db, "test")
    return demo_db


@pytest.fixture
def moka(town):
    return schemes.load_scheme(town, schemes.active_scheme_id(town))


def test_candidates_carry_names_and_sections_in_gojuon_order(town, moka):
    rows = candidates.candidate_rows(town, OFFICER, moka, DECIDED)
    keys = [(gojuon_key(r.reading.split("\u3000")[0])[0], gojuon_key(r.reading.split("\u3000")[1])[0]) for r in rows]
    assert keys == sorted(keys)
    row = next(r for r in rows if r.staff_no == "100274")
    assert (row.name, row.reading, row.level_name, row.status, row.unmet) == (
        "荒井\u3000一郎", "あらい\u3000いちろう", "DXアドバイザー", "near", 1)
    assert row.department and row.section and row.position
    # Retired staff are not candidates; everyone else has exactly one ladder level (Moka has no side track).
    active = town.execute("SELECT count(*) FROM staff WHERE status != 'retired'").fetchone()[0]
    assert len({r.staff_id for r in rows}) == len(rows) <= active


def test_filters_and_counts(town, moka):
    rows = candidates.candidate_rows(town, OFFICER, moka, DECIDED)
    ancestors = organisation.unit_ancestors(town)
    assert candidates.status_counts(rows) == {"eligible": 4, "near": 4, "not_yet": len(rows) - 8}
    choices = candidates.unit_choices(town)
    department_id, name, depth = next(c for c in choices if c[2] == 0)
    in_department = candidates.filter_candidates(rows, ancestors, unit_id=department_id)
    assert in_department and {r.department for r in in_department} == {name}
    section_id = next(c[0] for c in choices[choices.index((department_id, name, depth)) + 1:] if c[2] == 1)
    in_section = candidates.filter_candidates(rows, ancestors, unit_id=section_id)
    assert set(map(id, in_section)) <= set(map(id, in_department))
    experts = candidates.filter_candidates(rows, ancestors, level_code="expert", status="near")
    assert {r.staff_no for r in experts} == {"100151", "100261"}


def test_planned_numbers_are_the_numbers_approval_gives(town, moka, admin):
    rows = [r for r in candidates.candidate_rows(town, OFFICER, moka, DECIDED) if r.status == "eligible"]
    approvals = [Approval(r.staff_id, r.level_code) for r in reversed(rows)]  # order of selection does not matter
    planned = candidates.planned_numbers(town, moka, approvals, DECIDED)
    numbers = decisions.approve(town, admin, moka.id, approvals, DECIDED, "市長")
    assert [number for _approval, number in planned] == numbers
    by_number = dict(town.execute("SELECT certificate_no, staff_id FROM certifications WHERE fiscal_year = 2026"))
    assert [by_number[number] for number in numbers] == [a.staff_id for a, _number in planned]
    assert candidates.register_fiscal_years(town) == [2026, 2025, 2024, 2023]


def test_default_approver_comes_from_the_settings(db):
    # A fresh register has the title 市長 but no name: no approver, and a refusal that says where to set it.
    assert candidates.default_approver(db) == ""
    with pytest.raises(UserError, match="認定者"):
        candidates.require_approver(db)
    settings.set_value(db, "mayor_title", "真岡市長", ADMIN_USER)
    settings.set_value(db, "mayor_name", "山田 太郎", ADMIN_USER)
    assert candidates.default_approver(db) == "真岡市長 山田 太郎"
    assert candidates.require_approver(db) == "真岡市長 山田 太郎"
