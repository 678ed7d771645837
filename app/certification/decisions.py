"""Approval, certificate numbers, revocation, re-issue and the register of certified staff (認定者名簿).

Numbers are sequential per fiscal year across the register and are allocated
inside the same transaction that records the decisions: a batch lands whole or
not at all, so a crash can neither skip nor repeat a number.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlite_utils

from app import audit
from app.certification import eligibility
from app.certification import schemes
from app.certification.numbers import certificate_number, number_parts, yearly_sequence
from app.register.accounts import User
from app.db import transaction
from app.errors import UserError
from app.i18n import N_, NC_, _, label, tr
from app.staff.organisation import unit_ancestors
from app.register.permissions import Action, allowed, require
from app.staff.directory import unit_names
from app.text import safe_normalise
from app.wareki import fiscal_year, format_fiscal_year, format_wareki

CERT_STATUSES = {"active": N_("Certified"), "revoked": N_("Revoked")}
# Where a certification comes from: decided in the register, or entered from the records kept before it.
SOURCE_DECISION, SOURCE_IMPORTED = "decision", "imported"
BEFORE_REGISTER = N_("Before the register")  # 台帳導入前: how history and eligibility mark an imported one
PAST_REASON = N_("Decided before the register was used")  # the reasons recorded with an imported decision
# Test seam: seconds to wait after each decision inside the approval transaction, so that a test
# can kill the process in the middle of a batch. Never set in normal use.
_PAUSE_ENV = "DX_JINZAI_APPROVAL_PAUSE"


def last_seq(db: sqlite_utils.Database, pattern: str, fy: int) -> int:
    """The highest sequence number used so far that a new number of ``fy`` continues from.

    Earlier certifications imported with their printed numbers count like any other: the
    sequence continues after the highest of them.
    """
    if yearly_sequence(pattern):
        return db.execute("SELECT coalesce(max(seq), 0) FROM certifications WHERE fiscal_year = ?", [fy]).fetchone()[0]
    return db.execute("SELECT coalesce(max(seq), 0) FROM certifications").fetchone()[0]


@dataclass(frozen=True)
class Approval:
    staff_id: int
    level_code: str


def approve(db: sqlite_utils.Database, user: User, scheme_id: int, approvals: list[Approval], decided_on: date,
            approver: str, override_reason: str = "") -> list[str]:
    """Certify the given people at the given levels; each must be eligible on ``decided_on``.

    Someone whose level was revoked and who meets every other requirement is certified at it again
    only from the day set at the revocation, or now with ``override_reason`` (kept with the decision).
    Returns the certificate numbers in the order allocated (level order, then reading).
    """
    require(user, Action.CERTIFY)
    approver = safe_normalise(approver)
    override_reason = safe_normalise(override_reason)
    if not approver:
        raise UserError(_("Enter who approves the certification (e.g. 市長)."))
    if not approvals:
        raise UserError(_("Select the people to certify."))
    if len(set(approvals)) != len(approvals):
        raise UserError(_("The same person and level is selected twice."))
    scheme = schemes.load_scheme(db, scheme_id)
    order = {level.code: i for i, level in enumerate(scheme.levels)}
    pause = float(os.environ.get(_PAUSE_ENV) or 0)
    with transaction(db):
        wanted = {(a.staff_id, a.level_code) for a in approvals}
        results = {(c.staff_id, c.level.code): c for c in eligibility.eligibility(
            db, user, scheme, decided_on, sorted({a.staff_id for a in approvals}))}
        refused = [key for key in sorted(wanted) if key not in results or not _may_certify(results[key], override_reason)]
        if refused:
            names = dict(db.execute("SELECT id, family_name || ' ' || given_name FROM staff"))
            listed = "、".join(f"{names.get(s, s)}({scheme.level(code).name if code in order else code})"
                              for s, code in refused[:10])
            if all(key in results and eligibility.only_revocation_unmet(results[key].results) for key in refused):
                raise UserError(_("{names}: this level was revoked before. To certify again before the day set "
                                  "at the revocation, enter the reason for the decision. Nothing was certified."
                                  ).format(names=listed))
            raise UserError(_("Not eligible on {date}: {names}. Nothing was certified.").format(
                date=format_wareki(decided_on), names=listed))
        readings = dict(db.execute("SELECT id, family_reading || given_reading || staff_no FROM staff"))
        fy = fiscal_year(decided_on)
        seq = last_seq(db, scheme.number_pattern, fy)
        numbers = []
        for staff_id, code in sorted(wanted, key=lambda k: (order[k[1]], readings.get(k[0], ""), k[0])):
            seq += 1
            number = certificate_number(scheme.number_pattern, fy, seq)
            _refuse_taken(db, number)
            candidate = results[(staff_id, code)]
            cert_id = db["certifications"].insert({
                "staff_id": staff_id, "scheme_id": scheme_id, "level_id": candidate.level.id,
                "scheme_family": scheme.family, "level_code": code, "decided_on": decided_on.isoformat(),
                "approver": approver, "fiscal_year": fy, "seq": seq, "certificate_no": number,
                "reasons_json": json.dumps([r.text for r in candidate.results], ensure_ascii=False),
                "override_reason": override_reason if candidate.status != "eligible" else "",
                "created_by": user.login}).last_pk
            audit.record(db, user.login, "certification.approve", "certifications", cert_id, None,
                         {"staff_id": staff_id, "level": code, "number": number, "approver": approver,
                          **({"override_reason": override_reason} if candidate.status != "eligible" else {})})
            numbers.append(number)
            if pause:
                time.sleep(pause)
    return numbers


def _may_certify(candidate: eligibility.Candidate, override_reason: str) -> bool:
    """Eligible, or held back only by an earlier revocation that the officer overrides with a reason."""
    return candidate.status == "eligible" or (bool(override_reason)
                                              and eligibility.only_revocation_unmet(candidate.results))


def record_past(db: sqlite_utils.Database, user: User, scheme_id: int, staff_id: int, level_code: str,
                decided_on: date, approver: str, certificate_no: str | None = None) -> str:
    """Enter a certification decided before the register was used (from the old Excel list).

    The engine is not asked: the decision was made on paper. The number is the one on the
    paper certificate, or the next one of that fiscal year when none is given. A file of them
    goes through ``past_certifications`` (preview, then all or nothing).
    """
    require(user, Action.CERTIFICATION_IMPORT)
    scheme = schemes.load_scheme(db, scheme_id)
    level = next((lv for lv in scheme.levels if lv.code == level_code), None)
    if level is None:
        raise UserError(_("The scheme has no level {code}.").format(code=level_code))
    approver = safe_normalise(approver)
    if not approver:
        raise UserError(_("Enter who approves the certification (e.g. 市長)."))
    with transaction(db):
        fy = fiscal_year(decided_on)
        if certificate_no:
            number = safe_normalise(certificate_no)
            try:
                seq, _written_year = number_parts(scheme.number_pattern, number)
            except ValueError as exc:
                raise UserError(_("The certificate number {number}: {problem}.").format(number=number, problem=exc)) \
                    from None
        else:
            seq = last_seq(db, scheme.number_pattern, fy) + 1
            number = certificate_number(scheme.number_pattern, fy, seq)
        _refuse_taken(db, number)
        if db.execute("SELECT 1 FROM certifications WHERE fiscal_year = ? AND seq = ?", [fy, seq]).fetchone():
            raise UserError(_("The serial number {seq} of {year} is already in the register.").format(
                seq=seq, year=format_fiscal_year(fy)))
        if db.execute("""SELECT 1 FROM certifications WHERE staff_id = ? AND scheme_family = ? AND level_code = ?
                         AND status = 'active'""", [staff_id, scheme.family, level_code]).fetchone():
            raise UserError(_("This person already holds {level}.").format(level=level.name))
        insert_past(db, user, scheme, level, staff_id, decided_on, approver, number, seq)
    return number


def insert_past(db: sqlite_utils.Database, user: User, scheme: schemes.SchemeSpec, level: schemes.LevelSpec,
                staff_id: int, decided_on: date, approver: str, number: str, seq: int,
                revoked_on: date | None = None, revoke_reason: str = "", file_name: str = "") -> int:
    """Write one earlier certification, marked 台帳導入前 (source 'imported'); the caller checked it and holds
    the transaction. A revoked one is written as revoked: certifiable again only by a decision with a reason.
    """
    cert_id = db["certifications"].insert({
        "staff_id": staff_id, "scheme_id": scheme.id, "level_id": level.id, "scheme_family": scheme.family,
        "level_code": level.code, "decided_on": decided_on.isoformat(), "approver": approver,
        "fiscal_year": fiscal_year(decided_on), "seq": seq, "certificate_no": number,
        "status": "revoked" if revoked_on else "active",
        "revoked_on": revoked_on.isoformat() if revoked_on else None,
        "revoke_reason": revoke_reason if revoked_on else None,
        "reasons_json": json.dumps([_(PAST_REASON)], ensure_ascii=False), "source": SOURCE_IMPORTED,
        "created_by": user.login}).last_pk
    audit.record(db, user.login, "certification.record_past", "certifications", cert_id, None,
                 {"staff_id": staff_id, "level": level.code, "number": number,
                  **({"revoked_on": revoked_on.isoformat(), "reason": revoke_reason} if revoked_on else {}),
                  **({"file": file_name} if file_name else {})})
    return cert_id


def decided_label(row: dict) -> str:
    """The day of a decision as history and the register show it: 和暦, with 「（台帳導入前）」 for an imported one."""
    day = format_wareki(date.fromisoformat(row["decided_on"]))
    if row.get("source") == SOURCE_IMPORTED:
        return _("{date} ({origin})").format(date=day, origin=_(BEFORE_REGISTER))
    return day


def _refuse_taken(db: sqlite_utils.Database, number: str) -> None:
    """A number already in the register (an imported one written like a new one) is refused, never repeated."""
    if db.execute("SELECT 1 FROM certifications WHERE certificate_no = ?", [number]).fetchone():
        raise UserError(_("The certificate number {number} is already in the register.").format(number=number))


def _by_number(db: sqlite_utils.Database, number: str) -> dict:
    row = next(db.query("SELECT * FROM certifications WHERE certificate_no = ?", [safe_normalise(number)]), None)
    if row is None:
        raise UserError(_("No certificate has the number {number}.").format(number=number))
    return row


def revoke(db: sqlite_utils.Database, user: User, number: str, reason: str, on: date,
           reeligible_from: date | None = None) -> None:
    """Withdraw a certification; the number is never reused and the decision stays on record.

    The person is not a candidate for the same level again at once: from ``reeligible_from``
    if the officer sets it, otherwise only by a decision with a reason (see ``approve``).
    """
    require(user, Action.CERTIFY)
    reason = safe_normalise(reason)
    if not reason:
        raise UserError(_("Enter the reason for the revocation."))
    with transaction(db):
        row = _by_number(db, number)
        if row["status"] == "revoked":
            raise UserError(_("{number} has already been revoked.").format(number=row["certificate_no"]))
        if on.isoformat() < row["decided_on"]:
            raise UserError(_("A certification cannot be revoked before it was decided."))
        if reeligible_from is not None and reeligible_from <= on:
            raise UserError(_("The day from which the level can be certified again must be after the revocation "
                              "({date}).").format(date=format_wareki(on)))
        again = reeligible_from.isoformat() if reeligible_from else None
        db.execute("""UPDATE certifications SET status = 'revoked', revoked_on = ?, revoke_reason = ?,
                      reeligible_from = ? WHERE id = ?""", [on.isoformat(), reason, again, row["id"]])
        audit.record(db, user.login, "certification.revoke", "certifications", row["id"], {"status": "active"},
                     {"status": "revoked", "reason": reason, "on": on.isoformat(), "reeligible_from": again})


def reissue(db: sqlite_utils.Database, user: User, number: str, reason: str, on: date) -> int:
    """Record a re-issue (lost or damaged certificate): same number, marked 再交付; returns the count."""
    require(user, Action.CERTIFY)
    reason = safe_normalise(reason)
    if not reason:
        raise UserError(_("Enter the reason for the re-issue."))
    with transaction(db):
        row = _by_number(db, number)
        if row["status"] != "active":
            raise UserError(_("A revoked certification cannot be re-issued."))
        db["certification_reissues"].insert({"certification_id": row["id"], "reissued_on": on.isoformat(),
                                             "reason": reason, "created_by": user.login})
        db.execute("UPDATE certifications SET reissues = reissues + 1 WHERE id = ?", [row["id"]])
        audit.record(db, user.login, "certification.reissue", "certifications", row["id"], None,
                     {"reason": reason, "on": on.isoformat(), "count": row["reissues"] + 1})
    return row["reissues"] + 1


def register(db: sqlite_utils.Database, user: User, level_code: str | None = None,
             fiscal_year_filter: int | None = None, section_id: int | None = None, include_revoked: bool = True,
             staff_id: int | None = None) -> list[dict]:
    """The register of certified staff with current section, newest decision first (administrator and viewer).

    Each decision keeps the reasons it was taken on, combined scores included: those only for
    the roles that may see the candidates and their reasons.
    """
    require(user, Action.REGISTER_VIEW)
    return _without_reasons(user, _register(db, level_code, fiscal_year_filter, section_id, include_revoked, staff_id))


def _without_reasons(user: User, rows: list[dict]) -> list[dict]:
    """The register's rows as ``user`` may see them: the recorded reasons (combined scores) are the administrator's."""
    if not allowed(user, Action.ELIGIBILITY_VIEW):
        for row in rows:
            row.pop("reasons_json", None)
    return rows


def _register(db: sqlite_utils.Database, level_code: str | None = None, fiscal_year_filter: int | None = None,
              section_id: int | None = None, include_revoked: bool = True,
              staff_id: int | None = None) -> list[dict]:
    today = date.today().isoformat()
    names = unit_names(db, today)
    where, params = ["1 = 1"], [today, today]
    if staff_id is not None:
        where.append("c.staff_id = ?")
        params.append(staff_id)
    if level_code:
        where.append("c.level_code = ?")
        params.append(level_code)
    if fiscal_year_filter:
        where.append("c.fiscal_year = ?")
        params.append(fiscal_year_filter)
    if not include_revoked:
        where.append("c.status = 'active'")
    rows = list(db.query(f"""
        SELECT c.id, c.certificate_no, c.staff_id, s.staff_no, s.family_name || ' ' || s.given_name AS name,
               s.family_reading || ' ' || s.given_reading AS reading, c.level_code, l.name AS level, c.scheme_family,
               cs.name AS scheme, cs.version AS scheme_version, c.decided_on, c.approver, c.fiscal_year, c.seq,
               c.status, c.revoked_on, c.revoke_reason, c.reeligible_from, c.override_reason, c.reissues,
               c.reasons_json, c.source, a.unit_id
        FROM certifications c JOIN staff s ON s.id = c.staff_id JOIN scheme_levels l ON l.id = c.level_id
        JOIN cert_schemes cs ON cs.id = c.scheme_id
        LEFT JOIN staff_assignments a ON a.staff_id = s.id AND a.is_primary = 1 AND a.valid_from <= ?
                                      AND (a.valid_to IS NULL OR a.valid_to >= ?)
        WHERE {' AND '.join(where)} ORDER BY c.fiscal_year DESC, c.seq DESC""", params))
    ancestors = unit_ancestors(db)
    for row in rows:
        parts = names.get(row["unit_id"], ())
        row["section"] = " ".join(p for p in parts if p)
        row["section_ids"] = sorted(ancestors.get(row["unit_id"], ()))
    if section_id is not None:
        rows = [r for r in rows if section_id in r["section_ids"]]
    return rows


def person_path(db: sqlite_utils.Database, user: User, staff_id: int) -> list[dict]:
    """A person's certifications in the order they were decided: their certification path.

    Everyone who may read the register sees the decisions; the reasons recorded with them
    (combined scores among them) only the administrator.
    """
    require(user, Action.REGISTER_VIEW)
    return _without_reasons(user, sorted(_register(db, staff_id=staff_id), key=lambda r: (r["decided_on"], r["seq"])))


REGISTER_HEADERS = [N_("Certificate no."), N_("Staff no."), N_("Name"), N_("Reading"), N_("Affiliation"), N_("Level"),
                    N_("Decided on"), N_("Approver"), NC_("certification", "Status"), N_("Revoked on"), N_("Reason for revocation"),
                    N_("Re-issues")]


def export_register(db: sqlite_utils.Database, path: Path, user: User, **filters) -> int:
    """Write the register to .xlsx or CSV (UTF-8 with BOM, for Excel); returns the number of rows."""
    from app.tabular import write_csv, write_xlsx

    require(user, Action.REGISTER_VIEW)
    path = Path(path)
    rows = register(db, user, **filters)
    table = [[r["certificate_no"], r["staff_no"], r["name"], r["reading"], r["section"], r["level"],
              format_wareki(date.fromisoformat(r["decided_on"])), r["approver"], label(CERT_STATUSES, r["status"]),
              format_wareki(date.fromisoformat(r["revoked_on"])) if r["revoked_on"] else "", r["revoke_reason"] or "",
              str(r["reissues"])] for r in rows]
    headers = [tr(h) for h in REGISTER_HEADERS]
    if path.suffix.lower() == ".xlsx":
        write_xlsx(path, headers, table, _("Certified staff"))
    else:
        write_csv(path, headers, table, "utf-8-sig")
    with transaction(db):
        audit.record(db, user.login, "certification.export", "certifications", None, None,
                     {"file": path.name, "rows": len(rows)})
    return len(rows)
