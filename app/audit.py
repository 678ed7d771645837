"""Append-only audit log: who did what, when, with the row before and after.

The table refuses UPDATE and DELETE by trigger; this module only appends, and
is called inside the same transaction as the change it records. Every service
records here, so it imports none of them: the log is read back (as sentences
that name people, projects and settings) by app/overview/audit_log.py.
"""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from app.i18n import N_, _

# Readable names for the actions the log records (msgids; translate where shown).
ACTION_LABELS = {
    "user.create": N_("Account created"),
    "user.login": N_("Logged in"),
    "user.login_failed": N_("Login failed"),
    "user.password_reset": N_("Password changed"),
    "user.password_change": N_("Own password changed"),
    "user.unlock": N_("Failed logins cleared"),
    "user.recovery_code": N_("Recovery code issued"),
    "user.recover": N_("Password replaced with the recovery code"),
    "user.recover_failed": N_("Recovery code refused"),
    "user.enable": N_("Account enabled"),
    "user.disable": N_("Account disabled"),
    "setting.change": N_("Setting changed"),
    "demo.load": N_("Demo data created"),
    "database.backup": N_("Backup written"),
    "database.restore": N_("Restored from backup"),
    "import.mapping_saved": N_("Import columns saved"),
    "staff.import": N_("Staff imported"),
    "staff.create": N_("Staff added"),
    "staff.update": N_("Staff corrected"),
    "staff.transfer": N_("Staff transferred"),
    "staff.retire": N_("Staff retired"),
    "staff.status": N_("Employment status set"),
    "staff.export": N_("Register exported"),
    "org.create": N_("Unit created"),
    "org.rename": N_("Unit renamed"),
    "org.merge": N_("Units merged"),
    "org.split": N_("Unit split"),
    "org.abolish": N_("Unit abolished"),
    "user.link_staff": N_("Account linked to staff member"),
    "template.create": N_("Evaluation template created"),
    "template.version": N_("Evaluation template revised"),
    "project.create": N_("Project created"),
    "project.update": N_("Project changed"),
    "project.realisation": N_("Degree of realisation decided"),
    "project.member_add": N_("Project member added"),
    "project.member_role": N_("Project role changed"),
    "project.member_remove": N_("Project member removed"),
    "project.members_import": N_("Project members imported"),
    "project.session_add": N_("Session recorded"),
    "project.session_remove": N_("Session removed"),
    "project.attendance": N_("Attendance changed"),
    "project.outcome_field": N_("Outcome field defined or changed"),
    "project.outcome_values": N_("Project outcome figures changed"),
    "project.external_add": N_("External rater added to project"),
    "project.external_remove": N_("External rater removed from project"),
    "external.create": N_("External rater registered"),
    "evaluation.assign": N_("Evaluator assigned"),
    "evaluation.unassign": N_("Evaluator assignment removed"),
    "evaluation.save": N_("Evaluation saved as draft"),
    "evaluation.submit": N_("Evaluation submitted"),
    "evaluation.reopen": N_("Evaluation reopened"),
    "evaluation.sheets_export": N_("Evaluation sheets exported"),
    "evaluation.sheets_import": N_("Evaluation sheets imported"),
    "scheme.create": N_("Certification scheme created"),
    "scheme.version": N_("Certification scheme revised"),
    "certification.approve": N_("Certified"),
    "certification.record_past": N_("Earlier certification entered"),
    "certification.import": N_("Earlier certifications imported"),
    "certification.revoke": N_("Certification revoked"),
    "certification.reissue": N_("Certificate re-issued"),
    "certification.export": N_("Register of certified staff exported"),
    "certificate.print": N_("Certificates printed"),
    "seal.takeover": N_("Register taken over from another PC"),
    "skill.catalogue_create": N_("Skill catalogue created"),
    "skill.catalogue_version": N_("Skill catalogue revised"),
    "skill.record": N_("Staff skills recorded"),
    "skill.sheets_export": N_("Skill self-assessment sheets written"),
    "training.create": N_("Training event recorded"),
    "training.update": N_("Training event changed"),
    "training.remove": N_("Training event deleted"),
    "training.attendance": N_("Training attendance changed"),
    "training.import": N_("Training attendance imported"),
    "qualification.catalogue_add": N_("Qualification added to the catalogue"),
    "qualification.catalogue_edit": N_("Qualification in the catalogue changed"),
    "qualification.catalogue_retire": N_("Qualification retired or restored in the catalogue"),
    "qualification.add": N_("Staff qualification entered"),
    "qualification.edit": N_("Staff qualification corrected"),
    "qualification.remove": N_("Staff qualification removed"),
    "qualification.import": N_("Staff qualifications imported"),
    "survey.questions": N_("Survey questions set"),
    "survey.import": N_("Survey answers imported"),
    "target.set": N_("Target set"),
    "target.remove": N_("Target removed"),
    "designation.role_add": N_("Designation role added"),
    "designation.add": N_("Staff member designated"),
    "designation.remove": N_("Designation removed"),
    "skill_demand.add": N_("Skill demand added"),
    "skill_demand.change": N_("Skill demand changed"),
    "skill_demand.remove": N_("Skill demand removed"),
}


def record(
    db: sqlite_utils.Database,
    actor: str,
    action: str,
    entity: str | None = None,
    entity_id: object = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Append one entry. Never pass secrets (password hashes are stripped here too)."""

    def dump(row: dict[str, Any] | None) -> str | None:
        if row is None:
            return None
        clean = {k: v for k, v in row.items() if k != "password_hash"}
        return json.dumps(clean, ensure_ascii=False, sort_keys=True, default=str)

    db.execute(
        "INSERT INTO audit_log (actor, action, entity, entity_id, before_json, after_json) VALUES (?, ?, ?, ?, ?, ?)",
        [actor, action, entity, None if entity_id is None else str(entity_id), dump(before), dump(after)],
    )


def action_label(action: str) -> str:
    """The translated name of an action code; unknown codes are shown as they are."""
    label = ACTION_LABELS.get(action)
    return _(label) if label else action
