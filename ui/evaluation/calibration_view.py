"""Rater calibration: each rater's mean and spread against all raters, with lenient/severe/flat flags.

The administrator sees every rater (評価者の傾向); an evaluator sees only their
own lines (自分の評価傾向), explained in sentences, because a bare "−0.8" tells
a busy section chief nothing. Which lines and figures are visible is decided
by evaluation_summary.calibration for the logged-in user.
"""

from __future__ import annotations

import sqlite_utils
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGroupBox,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.evaluation import summary
from app.evaluation import ratings
from app.register.accounts import User
from app.evaluation.summary import LENIENCY_THRESHOLD, MIN_FOR_FLAT, MIN_PEERS_FOR_COMPARISON, RaterStats
from app.evaluation.ratings import Evaluator
from app.i18n import _
from ui.evaluation.tables import ATTENTION, TintedTableModel, fit_columns, tinted_table

SAME_THRESHOLD = 0.25  # below this difference the sentence says "about the same"


def _number(value: float | None, signed: bool = False, precise: bool = True) -> str:
    """Two decimals, or one for the figures an evaluator gets to PUBLIC_STEP (more digits would be noise)."""
    if value is None:
        return "—"
    digits = 2 if precise else 1
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def legend() -> str:
    return _("Lenient: the rater's average is at least {points} points above the average of all raters of the "
             "perspective. Severe: at least {points} points below. Same score for everyone: the rater rated at "
             "least {n} members and gave every one of them the same score on every criterion. Only submitted "
             "evaluations count.").format(points=f"{LENIENCY_THRESHOLD:.2f}", n=MIN_FOR_FLAT)


def explain(stats: RaterStats) -> list[str]:
    """Plain sentences for one of the user's own calibration lines."""
    sentences = [_("You rated {n} members from this perspective. Your average score is {mean}; the spread of your "
                   "ratings (standard deviation) is {spread} — 0 means you gave everyone the same.").format(
        n=stats.rated, mean=_number(stats.mean), spread=_number(stats.spread))]
    if stats.peers_mean is None:
        sentences.append(_("The average of all raters is shown once every evaluator of a project has submitted this "
                           "perspective and at least {n} raters rated it there: before that, the way it changes would "
                           "reveal the others' ratings.").format(n=MIN_PEERS_FOR_COMPARISON))
    elif stats.difference is None:
        sentences.append(_("You are the only rater of this perspective so far, so there is nothing to compare with."))
    elif abs(stats.difference) < SAME_THRESHOLD:
        sentences.append(_("The average of all raters is {peers}: your scores are about the same as theirs.").format(
            peers=_number(stats.peers_mean, precise=stats.precise)))
    elif stats.difference > 0:
        sentences.append(_("The average of all raters is {peers}: your scores are {diff} points higher.").format(
            peers=_number(stats.peers_mean, precise=stats.precise),
            diff=_number(abs(stats.difference), precise=stats.precise)))
    else:
        sentences.append(_("The average of all raters is {peers}: your scores are {diff} points lower.").format(
            peers=_number(stats.peers_mean, precise=stats.precise),
            diff=_number(abs(stats.difference), precise=stats.precise)))
    if "lenient" in stats.flags:
        sentences.append(_("Flagged as lenient: your scores are clearly higher than the other raters'. Please check "
                           "them once more against the written description of each score."))
    if "severe" in stats.flags:
        sentences.append(_("Flagged as severe: your scores are clearly lower than the other raters'. Please check "
                           "them once more against the written description of each score."))
    if "flat" in stats.flags:
        sentences.append(_("Flagged: you gave every member the same score on every criterion. Please check whether "
                           "the descriptions really fit everyone equally."))
    if not stats.flags:
        sentences.append(_("Nothing stands out."))
    return sentences


class OwnCalibrationView(QWidget):
    """自分の評価傾向: one card per perspective the user has rated."""

    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        intro = QLabel(_("How your submitted ratings compare with those of the other raters. Only your own figures "
                         "are shown; nobody else's ratings can be read from them.") + "\n" + legend())
        intro.setWordWrap(True)
        self.cards = QWidget()
        self.cards_layout = QVBoxLayout(self.cards)
        self.cards_layout.setContentsMargins(0, 0, 4, 0)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setWidget(self.cards)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(area, 1)
        self.lines: list[RaterStats] = []

    def reload(self) -> None:
        # The administrator's call returns every rater: keep only the user's own lines here.
        own = f"s{self._user.staff_id}"
        self.lines = [s for s in summary.calibration(self._db, self._user) if s.evaluator_key == own]
        while self.cards_layout.count():
            item = self.cards_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        if not self.lines:
            empty = QLabel(_("No submitted evaluations yet: your tendency is shown once you have submitted some."))
            empty.setWordWrap(True)
            self.cards_layout.addWidget(empty)
        for stats in self.lines:
            self.cards_layout.addWidget(self._card(stats))
        self.cards_layout.addStretch(1)

    def _card(self, stats: RaterStats) -> QGroupBox:
        card = QGroupBox(stats.perspective)
        card.setObjectName(f"ownCalibration_{stats.perspective_id}")
        layout = QVBoxLayout(card)
        figures = QLabel(_("Members rated {n} · your average {mean} · spread {spread} · all raters {peers} · "
                           "difference {diff}").format(n=stats.rated, mean=_number(stats.mean),
                                                       spread=_number(stats.spread),
                                                       peers=_number(stats.peers_mean, precise=stats.precise),
                                                       diff=_number(stats.difference, True, stats.precise)))
        figures.setWordWrap(True)
        figures.setStyleSheet("font-weight: bold;")
        layout.addWidget(figures)
        if stats.flags:
            flags = QLabel(stats.flag_text)
            flags.setObjectName("flags")
            flags.setStyleSheet(f"background: {ATTENTION.name()}; padding: 2px 6px; border-radius: 3px;")
            flags.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
            layout.addWidget(flags)
        text = QLabel("\n".join(explain(stats)))
        text.setObjectName("explanation")
        text.setWordWrap(True)
        layout.addWidget(text)
        return card

    def texts(self) -> list[str]:
        return [label.text() for label in self.cards.findChildren(QLabel)]


class CalibrationView(QWidget):
    """評価者の傾向 (administrator): every rater, flags highlighted."""

    def __init__(self, db: sqlite_utils.Database, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self._project_id: int | None = None
        self._names: dict[str, str] = {}
        note = QLabel(legend())
        note.setWordWrap(True)
        self.project_only = QCheckBox(_("Only the chosen project (otherwise every project)"))
        self.project_only.setObjectName("calibrationProjectOnly")
        self.project_only.toggled.connect(lambda _checked: self.reload())
        self.model = TintedTableModel([
            (_("Evaluator"), lambda s: self._name(s.evaluator_key)),
            (_("Perspective"), lambda s: s.perspective),
            (_("Members rated"), lambda s: s.rated),
            (_("Average"), lambda s: _number(s.mean)),
            (_("Spread"), lambda s: _number(s.spread)),
            (_("All raters"), lambda s: _number(s.peers_mean)),
            (_("Difference"), lambda s: _number(s.difference, signed=True)),
            (_("Flags"), lambda s: s.flag_text),
        ], lambda s, _column: ATTENTION if s.flags else None, self)
        self.view = tinted_table(self.model, "calibrationTable")
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.project_only)
        layout.addWidget(self.view, 1)

    def _name(self, key: str) -> str:
        if key not in self._names:
            name = ratings.evaluator_name(self._db, Evaluator.from_key(key))
            self._names[key] = name if key.startswith("s") else _("{name} (external)").format(name=name)
        return self._names[key]

    def set_project(self, project_id: int | None) -> None:
        self._project_id = project_id
        if self.project_only.isChecked():
            self.reload()

    def reload(self) -> None:
        self._names.clear()
        scope = self._project_id if self.project_only.isChecked() else None
        self.model.set_records(summary.calibration(self._db, self._user, scope))
        fit_columns(self.view, 200)
