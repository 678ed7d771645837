"""集計結果: per member and perspective the combined rating, or 「評価者数不足」/「未提出の評価あり」.

Viewers and the administrator see the combined figures (evaluation_summary.summary), viewers under
its publication rule (only sealed groups, rounded, no rater count); the administrator also sees
what viewers are shown. The rater counts, the spread between raters and the individual scores are
the administrator's only, and individual scores appear only after a deliberate click.
"""

from __future__ import annotations

import sqlite_utils
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QGroupBox, QLabel, QSplitter, QVBoxLayout, QWidget

from app.evaluation import summary
from app.evaluation import ratings
from app.evaluation import projects
from app.evaluation import rubrics
from app.register.accounts import User
from app.i18n import _
from ui.evaluation.tables import ATTENTION, MUTED, TintedTableModel, fit_columns, kind_label, status_label, tinted_table
from ui.widgets.dialog_parts import ERROR_COLOUR

SPREAD_ATTENTION = 1.0  # raters this far apart (standard deviation) deserve a look
PUBLIC_COLUMN = 5  # the administrator's 「閲覧者への表示」
SPREAD_COLUMN = 8  # the administrator's last column


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


class ResultsView(QWidget):
    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self._project_id: int | None = None
        self.rule = QLabel()
        self.rule.setObjectName("aggregationRule")
        self.rule.setWordWrap(True)
        columns = [
            (_("Staff no."), lambda r: r["staff_no"]),
            (_("Name"), lambda r: r["name"]),
            (_("Perspective"), lambda r: r["perspective"]),
            (_("Result"), lambda r: r["display"]),
        ]
        if user.is_admin:
            columns += [
                (_("Raters"), lambda r: _("{n} (min. {min})").format(n=r["raters"], min=r["min_raters"])),
                (_("Shown to viewers"), lambda r: r["public_display"]),
                (_("Lowest"), lambda r: _number(r["lowest"])),
                (_("Highest"), lambda r: _number(r["highest"])),
                (_("Spread between raters"), lambda r: _number(r["spread"])),
            ]
        self.model = TintedTableModel(columns, self._tint, self)
        self.view = tinted_table(self.model, "summaryTable")
        self.view.doubleClicked.connect(self._show_card)

        self.show_individual = QCheckBox(_("Show individual scores (administrator only: who gave which score)"))
        self.show_individual.setObjectName("showIndividual")
        self.show_individual.setVisible(user.is_admin)
        self.show_individual.toggled.connect(self._toggle_individual)
        self.individual_box = QGroupBox(_("Individual scores — confidential, administrator only"))
        self.individual_box.setObjectName("individualBox")
        self.individual_model = TintedTableModel([
            (_("Member rated"), lambda r: r["target"]),
            (_("Perspective"), lambda r: r["perspective"]),
            (_("Evaluator"), lambda r: r["evaluator"]),
            (_("Rated as"), kind_label),
            (_("Criterion"), lambda r: r["criterion"]),
            (_("Score"), lambda r: r["score"]),
            (_("State"), status_label),
            (_("Comment"), lambda r: (r["comment"] or "").replace("\n", " ")),
        ], parent=self)
        self.individual_view = tinted_table(self.individual_model, "individualTable")
        warning = QLabel(_("These scores show who gave which rating. Do not show or hand them to anyone else; "
                           "the published figures are the results above."))
        warning.setObjectName("individualWarning")
        warning.setWordWrap(True)
        warning.setStyleSheet(f"color: {ERROR_COLOUR}; font-weight: bold;")
        box_layout = QVBoxLayout(self.individual_box)
        box_layout.addWidget(warning)
        box_layout.addWidget(self.individual_view)
        self.individual_box.hide()

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(self.individual_box)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.rule)
        layout.addWidget(self.show_individual)
        layout.addWidget(splitter, 1)

    @staticmethod
    def _tint(row: dict, column: int):
        if row["value"] is None or (column == PUBLIC_COLUMN and row["public_value"] is None):
            return MUTED
        if row["spread"] is not None and row["spread"] >= SPREAD_ATTENTION and column == SPREAD_COLUMN:
            return ATTENTION
        return None

    def _show_card(self, index) -> None:
        """The member's card, on their results across projects where the role may see them."""
        from ui.overview.person_card import open_person_card, staff_id_at

        open_person_card(self, self._db, self._user, staff_id_at(self.view, index), tab="evaluations")

    def set_project(self, project_id: int | None) -> None:
        self._project_id = project_id
        self.reload()

    def reload(self) -> None:
        if self._project_id is None:
            self.rule.setText(_("There are no projects yet."))
            self.model.set_records([])
            self.individual_model.set_records([])
            return
        project = projects.project(self._db, self._project_id)
        template = rubrics.load_template(self._db, project["template_id"])
        minimums = "・".join(_("{perspective} {n}").format(perspective=p.name, n=p.min_raters)
                            for p in template.perspectives)
        self.rule.setText(_(
            "Combined by the {rule} of each rater's average, on the template 「{template}」 version {version}. "
            "Only submitted evaluations count. Minimum raters per perspective: {minimums}; below it the result "
            "reads 「{insufficient}」 so that no single rating can be read back.").format(
            rule=_(rubrics.AGGREGATIONS[template.aggregation]), template=template.name, version=template.version,
            minimums=minimums, insufficient=_(summary.INSUFFICIENT)) + "\n" + _(
            "Viewers see a result only once every evaluator assigned to that member and perspective has "
            "submitted (until then 「{outstanding}」), to one decimal and without the number of raters, so that "
            "no new rating can be worked out from how the figure changes.").format(
            outstanding=_(summary.OUTSTANDING)))
        members = projects.members(self._db, self._user, self._project_id)
        order = {m["staff_id"]: index for index, m in enumerate(members)}
        people = {m["staff_id"]: m for m in members}
        spreads = {}
        if self._user.is_admin:
            spreads = {(s.target_staff_id, s.perspective_id): s
                       for s in summary.member_spread(self._db, self._user, self._project_id)}
        records = []
        for row in summary.summary(self._db, self._user, self._project_id):
            person = people.get(row.target_staff_id)
            spread = spreads.get((row.target_staff_id, row.perspective_id))
            records.append({
                "staff_id": row.target_staff_id,
                "order": order.get(row.target_staff_id, len(order)),
                "staff_no": person["staff_no"] if person else "",
                "name": person["name"] if person else ratings.evaluator_name(
                    self._db, ratings.Evaluator(staff_id=row.target_staff_id)),
                "perspective": row.perspective, "display": row.display, "value": row.value,
                "public_display": row.public_display, "public_value": row.public_value, "raters": row.raters, "min_raters": row.min_raters,
                "lowest": spread.lowest if spread else None, "highest": spread.highest if spread else None,
                "spread": spread.spread if spread else None,
            })
        records.sort(key=lambda r: r["order"])  # stable: perspectives stay in template order
        self.model.set_records(records)
        fit_columns(self.view, 180)
        self._toggle_individual(self.show_individual.isChecked())

    def _toggle_individual(self, shown: bool) -> None:
        """Individual scores are read only while the toggle is on, and forgotten when it is turned off."""
        shown = shown and self._user.is_admin and self._project_id is not None
        if shown:
            self.individual_model.set_records(ratings.individual_ratings(self._db, self._user, self._project_id))
            fit_columns(self.individual_view, 160)
        else:
            self.individual_model.set_records([])
        self.individual_box.setVisible(shown)
