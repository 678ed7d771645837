"""The audit log read back: the newest entries, and each entry as a sentence for the officer.

app/audit.py only appends (every service records there, so it imports none of them);
reading the log needs the names and labels of every feature (project roles, evaluator kinds,
settings, account roles), so it sits here above them all.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import sqlite_utils

from app.evaluation.projects import ROLES
from app.evaluation.rubrics import EVALUATOR_KINDS
from app.i18n import N_, _
from app import audit
from app.register.accounts import ROLE_LABELS, Role, User
from app.register.permissions import Action, require
from app.register.settings import SETTINGS
from app.training.events import FIELDS as TRAINING_FIELDS
from app.wareki import format_wareki


def recent(db: sqlite_utils.Database, user: User, limit: int = 200) -> list[dict[str, Any]]:
    """Newest entries first, for the settings screen (administrator: the log names every personnel change)."""
    require(user, Action.AUDIT_VIEW)
    return list(db.query("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", [limit]))


# -- the log as sentences ------------------------------------------------------------------------
# The log keeps ids and codes (they stay true when names change); the officer reads sentences that name
# people, projects and units by name. Names are resolved now, so a renamed unit shows its current name.

class _Names:
    """Ids in log entries to names, each looked up once per batch of entries."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db
        self._cache: dict[tuple[str, object], str] = {}

    def _one(self, kind: str, key: object, sql: str) -> str:
        if key is None or key == "":
            return ""
        if (kind, key) not in self._cache:
            try:
                row = self._db.execute(sql, [key]).fetchone()
            except Exception:  # noqa: BLE001 - a table of an older data format: show the id instead
                row = None
            self._cache[kind, key] = str(row[0]) if row and row[0] is not None else f"#{key}"
        return self._cache[kind, key]

    def staff(self, staff_id: object) -> str:
        return self._one("staff", staff_id, "SELECT family_name || ' ' || given_name FROM staff WHERE id = ?")

    def external(self, rater_id: object) -> str:
        return self._one("external", rater_id, "SELECT name FROM external_raters WHERE id = ?")

    def evaluator(self, key: object) -> str:
        """"s19" is staff member 19, "e2" external rater 2 (evaluations.Evaluator.key)."""
        text = str(key or "")
        if text[:1] == "s" and text[1:].isdigit():
            return self.staff(int(text[1:]))
        if text[:1] == "e" and text[1:].isdigit():
            return self.external(int(text[1:]))
        return text

    def project(self, project_id: object) -> str:
        return self._one("project", project_id, "SELECT name FROM projects WHERE id = ?")

    def unit(self, unit_id: object) -> str:
        """部 課 係 of a unit, joined by spaces (its current name)."""
        if unit_id is None:
            return ""
        if ("unit", unit_id) not in self._cache:
            parts: list[str] = []
            current: object = unit_id
            while current is not None and len(parts) < 4:
                row = self._db.execute("SELECT parent_id, name FROM org_units WHERE id = ?", [current]).fetchone()
                if row is None:
                    break
                parts.insert(0, row[1])
                current = row[0]
            self._cache["unit", unit_id] = " ".join(parts) or f"#{unit_id}"
        return self._cache["unit", unit_id]

    def position(self, position_id: object) -> str:
        return self._one("position", position_id, "SELECT name FROM positions WHERE id = ?")

    def login(self, user_id: object) -> str:
        return self._one("login", user_id, "SELECT login FROM users WHERE id = ?")

    def assignment(self, assignment_id: object) -> dict[str, Any]:
        """Who rated whom, in which project and perspective ({} when the assignment was removed)."""
        if ("assignment", assignment_id) not in self._cache:
            row = self._db.execute(
                "SELECT a.project_id, a.target_staff_id, a.evaluator_staff_id, a.evaluator_external_id, p.name "
                "FROM evaluation_assignments a LEFT JOIN template_perspectives p ON p.id = a.perspective_id "
                "WHERE a.id = ?", [assignment_id]).fetchone() if assignment_id is not None else None
            self._cache["assignment", assignment_id] = json.dumps(list(row) if row else [])
        values = json.loads(self._cache["assignment", assignment_id])
        if not values:
            return {}
        project_id, target, staff_id, external_id, perspective = values
        return {"project": self.project(project_id), "target": self.staff(target), "perspective": perspective or "",
                "evaluator": self.staff(staff_id) if staff_id is not None else self.external(external_id)}

    def certification(self, cert_id: object) -> dict[str, str]:
        row = self._db.execute(
            "SELECT c.staff_id, c.certificate_no, l.name FROM certifications c "
            "LEFT JOIN scheme_levels l ON l.id = c.level_id WHERE c.id = ?", [cert_id]).fetchone() \
            if cert_id is not None else None
        if row is None:
            return {"name": "", "number": "", "level": ""}
        return {"name": self.staff(row[0]), "number": row[1], "level": row[2] or ""}

    def level(self, code: object) -> str:
        """The level's name as certified (the code is stable across scheme versions)."""
        return self._one("level", code, "SELECT name FROM scheme_levels WHERE code = ? ORDER BY id DESC LIMIT 1")


def _status_description(name: str, a: dict) -> str:
    """「山田 花子: 休職 (令和8年1月10日から令和8年6月30日まで)」 and the like, from a staff.status entry."""
    if a.get("status") == "retired" and a.get("retired_on") == a.get("on"):
        return _("{name}: set to retired (last day {day}).").format(name=name, day=_day(a.get("on")))
    if a.get("until"):
        return _("{name}: set on leave from {day} until {until}.").format(name=name, day=_day(a.get("on")),
                                                                          until=_day(a.get("until")))
    if a.get("status") == "leave" or a.get("leave_from") == a.get("on"):
        return _("{name}: set on leave from {day}.").format(name=name, day=_day(a.get("on")))
    return _("{name}: back in service from {day}.").format(name=name, day=_day(a.get("on")))


def _day(value: object) -> str:
    """令和9年4月1日 for an ISO date; anything else as it is (a log line must never fail to show)."""
    try:
        return format_wareki(date.fromisoformat(str(value)))
    except (TypeError, ValueError):
        return "" if value is None else str(value)


def _value(value: object) -> str:
    if value is None or value == "":
        return _("(empty)")
    if isinstance(value, (list, tuple)):
        return "、".join(map(str, value))
    return str(value)


_STAFF_FIELDS = {"staff_no": N_("Staff no."), "family_name": N_("Family name"), "given_name": N_("Given name"),
                 "family_reading": N_("Family name reading"), "given_reading": N_("Given name reading"),
                 "hire_date": N_("Hire date")}


def _changes(before: dict, after: dict, labels: dict[str, str] | None = None) -> str:
    """「姓: 山田 → 山本、採用日: …」 for the keys that changed."""
    parts = []
    for key, new in after.items():
        label = _(labels[key]) if labels and key in labels else key
        old = before.get(key)
        shown = (lambda v: _day(v)) if key.endswith(("_date", "_on")) else _value
        parts.append(_("{field}: {before} → {after}").format(field=label, before=shown(old), after=shown(new)))
    return "、".join(parts)


def _seat(names: _Names, side: dict) -> str:
    return " ".join(p for p in (names.unit(side.get("unit_id")), names.position(side.get("position_id"))) if p) or \
        _("(none)")


def _source_note(source: object) -> str:
    return {"paper": _(" Entered from a paper form."), "excel": _(" Read from an Excel sheet.")}.get(str(source), "")


def _role(code: object) -> str:
    return _(ROLES[code]) if code in ROLES else _value(code)


def _setting_label(key: object) -> str:
    setting = SETTINGS.get(str(key))
    return _(setting.label) if setting else str(key)


def _setting_value(key: object, value: object, names: _Names) -> str:
    if key == "digital_section_id" and value is not None:
        return names.unit(value)
    if isinstance(value, dict) and "sha256" in value:
        return _("an image")
    if key == "certificate_body" and isinstance(value, str) and len(value) > 40:
        return value[:40] + "…"
    return _value(value)


def _sentence(names: _Names, e: dict[str, Any], before: dict, after: dict) -> str | None:
    """The sentence for one entry, or None when the action has none (then the label and details are shown)."""
    action, eid = e["action"], e.get("entity_id")
    a, b = after, before
    describe = _SENTENCES.get(action.split(".", 1)[0])
    return describe(names, e, action, eid, a, b) if describe else None


def _account_sentence(names: _Names, e: dict[str, Any], action: str, eid: Any, a: dict,
                      b: dict) -> str | None:
    """Accounts and logins."""
    if action == "user.create":
        text = _("Created the account {login} ({role}).").format(login=a.get("login", ""), role=_role_label(a.get("role")))
        return text + (_(" It belongs to {name}.").format(name=names.staff(a["staff_id"])) if a.get("staff_id") else "")
    if action == "user.login":
        return _("Logged in.")
    if action == "user.login_failed":
        if a.get("unknown_login"):
            return _("A login with a name no account has failed (the name is not recorded).")
        if a.get("disabled"):
            return _("A login as {login} failed (the account is disabled).").format(login=e["actor"])
        return _("A login as {login} failed (wrong password).").format(login=e["actor"])
    if action == "user.password_reset":
        return _("Set a temporary password for {login}.").format(login=names.login(eid))
    if action == "user.password_change":
        return _("Changed their own password.")
    if action == "user.unlock":
        return _("Cleared {n} failed logins of {login}.").format(
            n=b.get("failures", ""), login=names.login(eid) if eid else "?")
    if action == "user.recovery_code":
        return _("Issued a new recovery code for {login}.").format(login=names.login(eid))
    if action == "user.recover":
        return _("Replaced the password of {login} with the recovery code (the code is used up).").format(
            login=names.login(eid))
    if action == "user.recover_failed":
        return _("A recovery code for {login} was refused.").format(login=e["actor"])
    if action in ("user.enable", "user.disable"):
        return (_("Enabled the account {login}.") if action == "user.enable" else
                _("Disabled the account {login}.")).format(login=names.login(eid))
    if action == "user.link_staff":
        if a.get("staff_id") is None:
            return _("Removed the staff link of the account {login}.").format(login=names.login(eid))
        return _("Linked the account {login} to {name}.").format(login=names.login(eid), name=names.staff(a["staff_id"]))
    return None


def _register_sentence(names: _Names, e: dict[str, Any], action: str, eid: Any, a: dict,
                       b: dict) -> str | None:
    """The register file: settings, demo, backup and restore, import mappings, seals."""
    if action == "setting.change":
        return _("Changed 「{setting}」: {before} → {after}.").format(
            setting=_setting_label(eid), before=_setting_value(eid, b.get("value"), names),
            after=_setting_value(eid, a.get("value"), names))
    if action == "demo.load":
        return _("Created the demo town: {staff} staff in {units} units.").format(staff=a.get("staff"), units=a.get("units"))
    if action == "database.backup":
        return _("Wrote a backup to {file}.").format(file=a.get("file", ""))
    if action == "database.restore":
        return _("Restored the register from {source}; the previous one was kept as {kept}.").format(
            source=a.get("source", ""), kept=_value(b.get("kept")))
    if action == "import.mapping_saved":
        return _("Saved which column of the import file holds what ({n} columns).").format(n=len(a))
    if action == "seal.takeover":
        return _("This PC (key {fingerprint}) took over the register sealed on another PC and vouched for its "
                 "{n} sealed rows.").format(fingerprint=a.get("fingerprint", ""), n=sum((a.get("from") or {}).values()))
    return None


def _staff_sentence(names: _Names, e: dict[str, Any], action: str, eid: Any, a: dict,
                    b: dict) -> str | None:
    """Staff and the organisation tree."""
    if action == "staff.import":
        return _("Imported {file} (effective {day}): {added} new, {updated} corrected, {transferred} transfers, "
                 "{retired} retired.").format(file=a.get("file", ""), day=_day(a.get("effective_date")),
                                               added=a.get("added", 0), updated=a.get("updated", 0),
                                               transferred=a.get("transferred", 0), retired=a.get("retired", 0))
    if action == "staff.create":
        return _("Added {name} (staff no. {no}).").format(
            name=f"{a.get('family_name', '')} {a.get('given_name', '')}".strip(), no=a.get("staff_no", ""))
    if action == "staff.update":
        return _("Corrected {name}: {changes}.").format(name=names.staff(eid), changes=_changes(b, a, _STAFF_FIELDS))
    if action == "staff.transfer":
        return _("Transferred {name} from {before} to {after} on {day}.").format(
            name=names.staff(eid), before=_seat(names, b), after=_seat(names, a), day=_day(a.get("from")))
    if action == "staff.retire":
        return _("{name} retired (last day {day}).").format(name=names.staff(eid), day=_day(a.get("retired_on")))
    if action == "staff.status":
        return _status_description(names.staff(eid), a)
    if action == "staff.export":
        return _("Exported the staff register to {file} ({rows} rows).").format(file=a.get("file", ""), rows=a.get("rows"))
    if action == "org.create":
        return _("Created the unit {name}.").format(name=a.get("name", ""))
    if action == "org.rename":
        return _("Renamed {before} to {after} from {day}.").format(before=b.get("name", ""), after=a.get("name", ""),
                                                                   day=_day(a.get("from")))
    if action == "org.merge":
        return _("Merged {before} into {after} from {day}.").format(before=b.get("name", ""), after=a.get("into", ""),
                                                                    day=_day(a.get("from")))
    if action == "org.split":
        return _("Split {before} into {after} from {day}.").format(before=b.get("name", ""), after=_value(a.get("into")),
                                                                   day=_day(a.get("from")))
    if action == "org.abolish":
        return _("Abolished {name} (last day {day}).").format(name=b.get("name", ""), day=_day(a.get("until")))
    return None


def _rules_sentence(names: _Names, e: dict[str, Any], action: str, eid: Any, a: dict,
                    b: dict) -> str | None:
    """Evaluation templates and certification schemes."""
    if action in ("template.create", "template.version", "scheme.create", "scheme.version"):
        text = {"template.create": _("Created the evaluation template {name} (version {version})."),
                "template.version": _("Revised the evaluation template {name} (version {version})."),
                "scheme.create": _("Created the certification scheme {name} (version {version})."),
                "scheme.version": _("Revised the certification scheme {name} (version {version}).")}[action]
        return text.format(name=a.get("name", ""), version=a.get("version", ""))
    return None


def _project_sentence(names: _Names, e: dict[str, Any], action: str, eid: Any, a: dict,
                      b: dict) -> str | None:
    """Projects, their members, sessions and external raters."""
    if action == "project.create":
        return _("Created the project {name}.").format(name=a.get("name", ""))
    if action in ("project.update", "project.realisation"):
        return _("Changed the project {project}: {changes}.").format(project=names.project(eid), changes=_changes(b, a))
    if action == "project.member_add":
        return _("Added {name} to {project} as {role}.").format(name=names.staff(a.get("staff_id")),
                                                                project=names.project(eid), role=_role(a.get("role")))
    if action == "project.member_role":
        return _("Changed the role of {name} in {project}: {before} → {after}.").format(
            name=names.staff(a.get("staff_id")), project=names.project(eid), before=_role(b.get("role")),
            after=_role(a.get("role")))
    if action == "project.member_remove":
        return _("Removed {name} from {project}.").format(name=names.staff(b.get("staff_id")), project=names.project(eid))
    if action == "project.members_import":
        return _("Imported the members of {project} from {file}: {added} added, {roles} roles changed.").format(
            project=names.project(eid), file=a.get("file", ""), added=a.get("added", 0), roles=a.get("roles", 0))
    if action == "project.session_add":
        return _("Recorded the session 「{title}」 of {project} on {day} ({n} attended).").format(
            title=a.get("title", ""), project=names.project(eid), day=_day(a.get("held_on")), n=a.get("attendees", 0))
    if action == "project.session_remove":
        return _("Removed the session 「{title}」 of {project}.").format(title=b.get("title", ""),
                                                                       project=names.project(eid))
    if action == "project.attendance":
        return _("Changed who attended a session of {project} ({n} attended).").format(
            project=names.project(eid), n=len(a.get("attendees") or []))
    if action in ("project.external_add", "project.external_remove"):
        side = a if action == "project.external_add" else b
        text = (_("Added the external rater {name} to {project}.") if action == "project.external_add" else
                _("Removed the external rater {name} from {project}."))
        return text.format(name=names.external(side.get("external_rater_id")), project=names.project(eid))
    if action == "external.create":
        return _("Registered the external rater {name} ({organisation}).").format(
            name=a.get("name", ""), organisation=a.get("organisation", ""))
    return None


def _evaluation_sentence(names: _Names, e: dict[str, Any], action: str, eid: Any, a: dict,
                         b: dict) -> str | None:
    """Assignments, ratings and sheets."""
    if action == "evaluation.assign":
        kind = a.get("kind")
        return _("Assigned {evaluator} ({kind}) to rate {target} in {project}.").format(
            evaluator=names.evaluator(a.get("evaluator")), target=names.staff(a.get("target")),
            kind=_(EVALUATOR_KINDS[kind]) if kind in EVALUATOR_KINDS else _value(kind),
            project=names.assignment(eid).get("project") or _("(removed)"))
    if action == "evaluation.unassign":
        evaluator = names.staff(b["evaluator_staff_id"]) if b.get("evaluator_staff_id") is not None else \
            names.external(b.get("evaluator_external_id"))
        return _("Removed the assignment of {evaluator} to rate {target}.").format(
            evaluator=evaluator, target=names.staff(b.get("target_staff_id")))
    if action in ("evaluation.save", "evaluation.submit", "evaluation.reopen"):
        who = names.assignment(eid)
        if not who:
            return None
        text = {"evaluation.save": _("Saved a draft of the rating of {target} ({perspective}) by {evaluator}."),
                "evaluation.submit": _("Submitted the rating of {target} ({perspective}) by {evaluator}."),
                "evaluation.reopen": _("Reopened the rating of {target} ({perspective}) by {evaluator}: {reason}.")}[action]
        return text.format(reason=a.get("reason", ""), **who) + _source_note(a.get("source"))
    if action == "evaluation.sheets_export":
        return _("Wrote {n} evaluation sheets for {project}.").format(n=a.get("files", 0), project=names.project(eid))
    if action == "evaluation.sheets_import":
        return _("Read the evaluation sheet {file} of {evaluator} for {project}.").format(
            file=a.get("file", ""), evaluator=names.evaluator(a.get("evaluator")), project=names.project(eid))
    return None


def _certification_sentence(names: _Names, e: dict[str, Any], action: str, eid: Any, a: dict,
                            b: dict) -> str | None:
    """Certifications and certificates."""
    if action in ("certification.approve", "certification.record_past"):
        text = (_("Certified {name} as {level} (certificate {number}; approved by {approver}).")
                if action == "certification.approve" else
                _("Entered the earlier certification of {name} as {level} (certificate {number})."))
        return text.format(name=names.staff(a.get("staff_id")), level=names.level(a.get("level")),
                           number=a.get("number", ""), approver=a.get("approver", ""))
    if action == "certification.import":
        return _("Imported {n} earlier certifications (台帳導入前) from {file}.").format(
            n=a.get("certifications", 0), file=a.get("file", ""))
    if action == "certification.revoke":
        return _("Revoked the certification of {name} as {level} ({number}) on {day}: {reason}.").format(
            day=_day(a.get("on")), reason=a.get("reason", ""), **names.certification(eid))
    if action == "certification.reissue":
        return _("Re-issued certificate {number} of {name} (re-issue no. {count}): {reason}.").format(
            count=a.get("count", ""), reason=a.get("reason", ""), **names.certification(eid))
    if action == "certification.export":
        return _("Exported the register of certified staff to {file} ({rows} rows).").format(
            file=a.get("file", ""), rows=a.get("rows"))
    if action == "certificate.print":
        return _("Printed {n} certificates.").format(n=a.get("count", 0))
    return None


def _training_sentence(names: _Names, e: dict[str, Any], action: str, eid: Any, a: dict,
                       b: dict) -> str | None:
    """Training events and their attendance (研修・資格)."""
    if action == "training.create":
        return _("Recorded the training event 「{title}」 ({day}).").format(title=a.get("title", ""), day=_day(a.get("starts_on")))
    if action == "training.update":
        changes = {k: v for k, v in a.items() if k != "title" or b.get("title") != v}
        return _("Changed the training event 「{title}」: {changes}.").format(
            title=a.get("title", ""), changes=_changes(b, changes, TRAINING_FIELDS) or _("(no change)"))
    if action == "training.remove":
        return _("Deleted the training event 「{title}」 ({day}) and its attendance of {n}.").format(
            title=b.get("title", ""), day=_day(b.get("starts_on")), n=b.get("attendees", 0))
    if action == "training.attendance":
        return _("Changed who attended the training event {id}: {added} added, {removed} removed ({n} attended).").format(
            id=eid, added=len(a.get("added", [])), removed=len(b.get("removed", [])), n=a.get("attendees", 0))
    if action == "training.import":
        return _("Imported the attendance of the training event {id} from {file} ({n} rows).").format(
            id=eid, file=a.get("file", ""), n=a.get("rows", 0))
    return None


_RECORD_FIELDS = {"obtained_on": N_("Obtained on"), "expires_on": N_("Expires on"), "note": N_("Evidence note")}


def _qualification_sentence(names: _Names, e: dict[str, Any], action: str, eid: Any, a: dict,
                            b: dict) -> str | None:
    """Staff qualifications and the catalogue (app.training.qualifications), participant surveys."""
    side = a or b
    if action in ("qualification.add", "qualification.edit", "qualification.remove"):
        text = {"qualification.add": _("Entered {qualification} of {name}, obtained on {day}."),
                "qualification.edit": _("Corrected {qualification} of {name}: {changes}."),
                "qualification.remove": _("Removed {qualification} of {name}, obtained on {day}.")}[action]
        return text.format(qualification=side.get("name", ""), name=names.staff(side.get("staff_id")),
                           day=_day(side.get("obtained_on")),
                           changes=_changes(b, {k: a[k] for k in b if k in a and a[k] != b[k]}, _RECORD_FIELDS))
    if action == "qualification.import":
        return _("Imported {n} staff qualifications from {file}.").format(n=a.get("qualifications", 0),
                                                                           file=a.get("file", ""))
    if action == "qualification.catalogue_add":
        return _("Added 「{name}」 to the qualification catalogue.").format(name=a.get("name", ""))
    if action == "qualification.catalogue_edit":
        return _("Changed 「{name}」 in the qualification catalogue.").format(name=a.get("name", ""))
    if action == "qualification.catalogue_retire":
        return (_("「{name}」 is retired: no longer offered for new records.") if a.get("retired") else
                _("「{name}」 is offered again for new records.")).format(name=a.get("name", ""))
    title = names._one("event", eid, "SELECT title FROM training_events WHERE id = ?")  # noqa: SLF001
    if action == "survey.questions":
        return _("Set the survey questions of 「{title}」 ({n} questions).").format(
            title=title, n=len(a.get("questions") or []))
    if action == "survey.import":
        return _("Imported {n} survey responses of 「{title}」 from {file}.").format(
            n=a.get("responses", 0), title=title, file=a.get("file", ""))
    return None
def _targets_sentence(names: _Names, e: dict[str, Any], action: str, eid: Any, a: dict,
                      b: dict) -> str | None:
    """Targets and designations (目標・配置)."""
    from app.targets.targets import KINDS
    from app.wareki import format_fiscal_year

    def role(role_id: object) -> str:
        return names._one("role", role_id, "SELECT name FROM designation_roles WHERE id = ?")

    def target(side: dict) -> str:
        year = format_fiscal_year(side["fiscal_year"]) if side.get("fiscal_year") else ""
        return f"{year} {_(KINDS.get(side.get('kind', ''), side.get('kind', '')))} {_value(side.get('value'))}".strip()

    if action == "target.set":
        return _("Set the target {target}.").format(target=target(a))
    if action == "target.remove":
        return _("Removed the target {target}.").format(target=target(b))
    if action == "designation.role_add":
        return _("Added the designation role {name}.").format(name=a.get("name", ""))
    side = a if action == "designation.add" else b
    text = {"designation.add": _("Designated {name} as {role} of {unit} for {year}."),
            "designation.remove": _("Removed {name} as {role} of {unit} for {year}.")}.get(action)
    if text is None:
        return None
    return text.format(name=names.staff(side.get("staff_id")), role=role(side.get("role_id")),
                       unit=names.unit(side.get("unit_id")), year=format_fiscal_year(side.get("fiscal_year") or 2000))


# Sentence writers by the action's prefix (user.*, staff.*, ...), one per feature.
_SENTENCES: dict[str, Callable[..., str | None]] = {
    "user": _account_sentence,
    "database": _register_sentence,
    "demo": _register_sentence,
    "import": _register_sentence,
    "seal": _register_sentence,
    "setting": _register_sentence,
    "org": _staff_sentence,
    "staff": _staff_sentence,
    "scheme": _rules_sentence,
    "template": _rules_sentence,
    "external": _project_sentence,
    "project": _project_sentence,
    "evaluation": _evaluation_sentence,
    "certificate": _certification_sentence,
    "certification": _certification_sentence,
    "training": _training_sentence,
    "qualification": _qualification_sentence,
    "survey": _qualification_sentence,
    "target": _targets_sentence,
    "designation": _targets_sentence,
}


def _role_label(role: object) -> str:
    try:
        return _(ROLE_LABELS[Role(role)])
    except (KeyError, ValueError):
        return _value(role)


def _loads(text: str | None) -> dict:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def describe(db: sqlite_utils.Database, entries: list[dict[str, Any]]) -> list[str]:
    """Each entry as a Japanese sentence naming people, projects and units (for 設定 → 操作記録).

    An action without a sentence of its own (one added later) shows its label and the recorded details.
    """
    names = _Names(db)
    sentences = []
    for entry in entries:
        before, after = _loads(entry.get("before_json")), _loads(entry.get("after_json"))
        try:
            text = _sentence(names, entry, before, after)
        except (KeyError, TypeError, ValueError):  # an entry written by an older version with other fields
            text = None
        if text is None:
            details = "、".join(f"{k}: {_value(v)}" for k, v in after.items())
            text = audit.action_label(entry["action"]) + (f"（{details}）" if details else "")
        sentences.append(text)
    return sentences
