"""Qt's own words (file dialogs, buttons) and its calendar in the UI language, whatever the system says.

An officer's PC may run with an English system locale (a shared or freshly imaged machine) while
the app is in Japanese: without this, file dialogs said 「Look in:」 and the calendar 「November 2026」,
Mon…Sun. Qt's Japanese catalogue (qtbase_ja.qm, shipped with PySide6 and kept in the bundle by
installer/dx-jinzai.spec) covers most of Qt; a few newer Qt strings it lacks are translated here
through our own gettext catalogue.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app.i18n import N_, _

log = logging.getLogger("dx_jinzai")

# The Qt locale of each UI language: month and day names, the first day of the week, number formats.
QT_LOCALES = {
    "ja": (QLocale.Language.Japanese, QLocale.Country.Japan),
    "en": (QLocale.Language.English, QLocale.Country.UnitedStates),
}

# (Qt context, Qt source text) -> our msgid (the same English), for strings qtbase_ja.qm lacks.
_MISSING_FROM_QT = {
    ("QFileDialog", "&Look in:"): N_("&Look in:"),
    ("QFileDialog", "Files of &type:"): N_("Files of &type:"),
    ("QAbstractFileIconProvider", "Folder"): N_("Folder"),
    ("QAbstractFileIconProvider", "File Folder"): N_("File Folder"),
    ("QAbstractFileIconProvider", "File"): N_("File"),
    ("QAbstractFileIconProvider", "Drive"): N_("Drive"),
    ("QFileSystemModel", "%1 File"): N_("%1 File"),
}


class _MissingQtStrings(QTranslator):
    """Answers only the few Qt strings that Qt's own Japanese catalogue leaves in English."""

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str | None:
        msgid = _MISSING_FROM_QT.get((context, source))
        return _(msgid) if msgid else None  # None is a null QString: "not mine", ask the next one

    def isEmpty(self) -> bool:  # noqa: N802 (Qt's name): an empty translator is not installed
        return False


def qt_translations_dir() -> Path:
    """Where Qt's .qm files are: QLibraryInfo's answer, which the PySide6 wheel and the bundle both set."""
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))


def install_qt_translations(app: QCoreApplication, language: str) -> None:
    """Set Qt's default locale for the UI language and, for Japanese, load Qt's Japanese strings.

    Must run before the first widget is made: widgets take the default locale when created.
    """
    QLocale.setDefault(QLocale(*QT_LOCALES.get(language, QT_LOCALES["ja"])))
    if language == "en":
        return
    # Translators installed later are asked first: Qt's catalogue answers, this one fills its gaps.
    app.installTranslator(_MissingQtStrings(app))
    translator = QTranslator(app)
    folder = qt_translations_dir()
    if translator.load(QLocale(*QT_LOCALES[language]), "qtbase", "_", str(folder)):
        app.installTranslator(translator)
        log.info("Qt's own strings from %s", translator.filePath())
    else:  # the bundle checks (installer/smoke_test.py) look for this line
        log.warning("Qt's translations qtbase_%s.qm not found in %s", language, folder)
