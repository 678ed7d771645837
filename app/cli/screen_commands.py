"""Every action the screens offer, and the `dx-jinzai-cli` command that does the same.

Keys are the object names of the tool-bar actions, menu entries and buttons (what tests and
screenshots find them by); values are the commands, written as on the command line (sub-commands,
then an option where the action is one). A test builds the main window and refuses a named action
or button that is in neither table, a command the parser does not have, and one the README does not
list, so that a new button cannot arrive without its command.

Dialog buttons are not listed: they finish the action whose tool-bar entry opened the dialog.
"""

from __future__ import annotations

GUI_COMMANDS: dict[str, tuple[str, ...]] = {
    # File menu
    "file_new": ("init",),
    "file_backup": ("backup",),
    "file_restore": ("restore",),
    # 職員
    "staff_import": ("import-staff",),
    "staff_export": ("export-staff",),
    "staff_add": ("staff add",),
    "staff_edit": ("staff edit",),
    "staff_history": ("staff history", "staff show"),  # opens the person card on 所属の履歴
    # 組織
    "org_create": ("org create",),
    "org_rename": ("org rename",),
    "org_merge": ("org merge",),
    "org_split": ("org split",),
    "org_abolish": ("org abolish",),
    # プロジェクト
    "project_new": ("projects add",),
    "project_edit": ("projects edit", "projects status", "projects realise", "projects outcomes"),
    "overviewEdit": ("projects edit", "projects status", "projects realise", "projects outcomes"),
    "project_member_add": ("projects members add",),
    "project_member_role": ("projects members role",),
    "project_member_remove": ("projects members remove",),
    "project_member_import": ("projects import",),
    "project_session_add": ("projects sessions add",),
    "project_session_attendance": ("projects sessions attendance",),
    "project_session_remove": ("projects sessions remove",),
    "project_external_new": ("projects externals add --name",),
    "project_external_existing": ("projects externals add --rater",),
    "project_external_remove": ("projects externals remove",),
    # 研修・資格 (研修 tab)
    "training_add": ("training add",),
    "training_edit": ("training edit",),
    "training_attendance": ("training attendance",),
    "training_import": ("training import",),
    "training_remove": ("training remove",),
    # 成果の集計 (a dialog opened from プロジェクト: the sums, its chart saved, the town's own fields)
    "project_outcomes": ("outcomes summary", "outcomes chart", "outcomes fields list", "outcomes fields add",
                         "outcomes fields edit"),
    # 評価
    "evaluation_export_sheets": ("export-evaluation-sheets",),
    "evaluation_import_sheets": ("import-evaluation-sheets",),
    "assignment_suggest": ("assignments suggest --apply",),
    "assignment_add": ("assignments add",),
    "assignment_remove": ("assignments remove",),
    "assignment_reopen": ("ratings reopen",),
    # 評価票を開く (a paper form entered on the evaluator's behalf): the evaluator's sheet, filled and read in
    "assignment_enter": ("export-evaluation-sheets", "import-evaluation-sheets"),
    # 認定
    "preset_moka": ("schemes install",),
    "preset_hokkaido": ("schemes install",),
    "preset_blank": ("schemes install",),
    "switchScheme": ("settings set",),  # certification_scheme
    "editScheme": ("schemes export", "schemes import"),
    "importPastCertifications": ("certifications import",),
    "approveSelected": ("certify --staff-no",),
    "register_revoke": ("revoke",),
    "register_reissue": ("reissue",),
    "register_export": ("register export",),
    "register_path": ("register path",),
    # 認定証
    "certificateOutput": ("certificates",),
    "certificatePrint": ("certificates",),  # the PDF, printed from any viewer
    "ceremonyList": ("certificates --ceremony-list",),
    "saveCertificateSettings": ("settings set",),
    "chooseSeal": ("settings set",),  # certificate_seal_png FILE
    "removeSeal": ("settings set",),  # certificate_seal_png ""
    "reloadPrintLog": ("certificate-log",),
    "verifyButton": ("verify",),
    # ホーム (each tile opens the list behind it)
    "dashboardRefresh": ("dashboard",),
    "tile_levels": ("dashboard", "targets progress"),
    "tile_coverage": ("dashboard", "coverage"),
    "tile_waiting": ("dashboard",),
    "tile_expiring": ("dashboard", "qualifications expiring"),
    "tile_backup": ("dashboard",),
    "tile_check": ("dashboard", "check"),
    # スキル
    "skillPresetInstall": ("skills catalogue install",),
    "skillCatalogueEdit": ("skills catalogue export", "skills catalogue import"),
    "skillRecord": ("skills add",),
    "skillImport": ("skills import",),
    "skillSheets": ("skills sheets",),
    "skillDerive": ("skills derive",),
    "skillOwnSave": ("skills add --source",),  # with --as LOGIN: one's own level, source self
    # 目標・配置
    "targetSet": ("targets set",),
    "targetRemove": ("targets remove",),
    "coverageDesignate": ("designations add",),
    "designationAdd": ("designations add",),
    "designationRemove": ("designations remove",),
    "designationRoleAdd": ("designations role-add",),
    # レポート
    "savePdf": ("report",),   # report NAME --year FY --out FILE.pdf
    "saveXlsx": ("report",),  # report NAME --year FY --out FILE.xlsx
    # 設定
    "saveMunicipality": ("settings set",),
    "positionsButton": ("positions list", "positions move"),
    "reviseTemplate": ("templates export", "templates import"),
    "copyTemplate": ("templates export", "templates import"),
    "addAccount": ("user add",),
    "toggleAccount": ("user disable", "user enable"),
    "setPassword": ("user passwd", "user reset-password"),
    "unlockAccount": ("user unlock",),
    "newRecoveryCode": ("user recovery-code",),
    "linkAccount": ("user link",),
    "chooseBackupFolder": ("settings set",),  # backup_folder
    "saveBackupFolder": ("settings set",),
    # The set-up guide and the start screen's checklist of what is still missing
    "openSetupGuide": ("settings missing",),
    "settingsSetupGuide": ("settings missing",),
    "missing_municipality": ("settings set",),  # municipality_name
    "missing_issuer": ("settings set",),  # mayor_title, mayor_name
    "missing_fiscal_year": ("settings set",),  # first_fiscal_year
    "missing_scheme": ("schemes install",),
    "missing_accounts": ("user add",),
    "missing_past_certifications": ("certifications import",),
}

# スキル → 需要と充足 (ui/skills/heat_map_tab.py): the heat map tab's own controls, joined to GUI_COMMANDS below.
SKILL_MAP_COMMANDS: dict[str, tuple[str, ...]] = {
    "skillDemandAdd": ("skills demand add",),
    "skillDemandEdit": ("skills demand edit",),
    "skillDemandRemove": ("skills demand remove",),
    "skillMapExport": ("skills map --out",),
}
GUI_COMMANDS.update(SKILL_MAP_COMMANDS)

# Named controls that only change what a screen shows, or leave it: no command is needed.
VIEW_CONTROLS: frozenset[str] = frozenset({
    "file_open",      # which register: every command takes --db FILE
    "file_exit", "help_about",
    "status_all", "status_eligible", "status_near", "status_not_yet",  # 認定候補 filters (eligibility --all)
    "tickAll", "selectAllCertificates",  # selection helpers
    "discardMunicipality", "discardCertificateSettings",  # undo typing not yet saved
    "unlockButton", "switchUserButton",  # the idle lock's own login (a command says who it is with --as)
    "emptyHintButton",  # an empty list's hint opens the screen or dialog of the step it names, mapped above
})


# 研修・資格 → 資格 (ui/training/qualifications_tab.py) and the survey of a training event: the 研修・資格 page
# holds the tab when lanes are merged; these then join GUI_COMMANDS (the window test finds the buttons only then).
# "trainingSurvey" is the button of the 研修 tab that opens SurveyDialog for the chosen event.
TRAINING_TAB_COMMANDS: dict[str, tuple[str, ...]] = {
    "qualificationAdd": ("qualifications add",),
    "qualificationEdit": ("qualifications edit",),
    "qualificationRemove": ("qualifications remove",),
    "qualificationImport": ("qualifications import",),
    "catalogueAdd": ("qualifications catalogue add",),
    "catalogueEdit": ("qualifications catalogue edit",),
    "catalogueRetire": ("qualifications catalogue retire",),
    "trainingSurvey": ("surveys questions", "surveys sheet", "surveys import", "surveys results"),
}


GUI_COMMANDS.update(TRAINING_TAB_COMMANDS)  # the 研修・資格 page holds the 資格 tab and the survey button


def commands() -> set[str]:
    """Every command the tables name."""
    return {command for table in (GUI_COMMANDS, TRAINING_TAB_COMMANDS, SKILL_MAP_COMMANDS) for entry in table.values()
            for command in entry}
