"""The participant survey of a training event: a few questions answered 1–5, and a comment.

Like 石巻's 講演会, a town hands out a short questionnaire after an event and types the answers into
a sheet. Here: the event's questions (at most five, ``set_questions``), the answers read from that
sheet (CSV or .xlsx: one row per respondent, a column per question headed by its text or by
Q1/問1/設問1 …, and コメント), previewed and imported all or nothing with errors naming the file,
row and column, and the results per question: the mean, the number of answers, how many gave each
of 1–5, and the comments. Answers are anonymous: a response names no person, and the results never
show one respondent's row.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import sqlite_utils

from app import audit
from app.db import transaction
from app.errors import UserError
from app.i18n import N_, _
from app.register.accounts import User
from app.register.permissions import Action, require
from app.staff.importer import ImportRefused, RowError
from app.tabular import MAX_LISTED_ERRORS, Table, read_table, shorten, unprotect_cell
from app.text import norm_header, safe_normalise

MAX_QUESTIONS = 5
MAX_QUESTION, MAX_COMMENT = 200, 2000
DEFAULT_QUESTIONS = (
    N_("Overall, how satisfied are you with this event?"),
    N_("Was the content easy to understand?"),
    N_("Will the content be useful in your work?"),
    N_("Would you like to take part in a similar event again?"),
)
COMMENT_HEADERS = ("コメント", "自由記述", "自由意見", "感想", "ご意見", "意見", "comment", "comments")
_NUMBERED = re.compile(r"^(?:q|問|設問|質問|no\.?)?(\d)$")


# -- questions ------------------------------------------------------------------------------------

def event_title(db: sqlite_utils.Database, event_id: int) -> str:
    row = db.execute("SELECT title FROM training_events WHERE id = ?", [event_id]).fetchone()
    if row is None:
        raise UserError(_("No training event with id {id}.").format(id=event_id))
    return row[0]


def questions(db: sqlite_utils.Database, user: User, event_id: int) -> list[dict]:
    """The event's questions in order (id, position, text)."""
    require(user, Action.SURVEYS_VIEW)
    event_title(db, event_id)
    return list(db.query("SELECT id, position, text FROM survey_questions WHERE event_id = ? ORDER BY position",
                         [event_id]))


def response_count(db: sqlite_utils.Database, event_id: int) -> int:
    return db.execute("SELECT count(*) FROM survey_responses WHERE event_id = ?", [event_id]).fetchone()[0]


def set_questions(db: sqlite_utils.Database, user: User, event_id: int, texts: list[str]) -> None:
    """Set the questions (1–5). Once answers are in, the wording may change but not their number."""
    require(user, Action.SURVEYS_EDIT)
    texts = [safe_normalise(t) for t in texts if t and t.strip()]
    if not 1 <= len(texts) <= MAX_QUESTIONS:
        raise UserError(_("A survey has from 1 to {n} questions.").format(n=MAX_QUESTIONS))
    if any(len(t) > MAX_QUESTION for t in texts):
        raise UserError(_("A question is longer than {n} characters.").format(n=MAX_QUESTION))
    if len({norm_header(t) for t in texts}) != len(texts):
        raise UserError(_("Two questions have the same text."))
    with transaction(db):
        before = [q["text"] for q in questions(db, user, event_id)]
        if response_count(db, event_id) and len(before) != len(texts):
            raise UserError(_("Answers to this survey are already in; the wording can change, the number of "
                              "questions ({n}) cannot.").format(n=len(before)))
        for position, text in enumerate(texts, start=1):
            if position <= len(before):
                db.execute("UPDATE survey_questions SET text = ? WHERE event_id = ? AND position = ?",
                           [text, event_id, position])
            else:
                db.execute("INSERT INTO survey_questions (event_id, position, text) VALUES (?, ?, ?)",
                           [event_id, position, text])
        db.execute("DELETE FROM survey_questions WHERE event_id = ? AND position > ?", [event_id, len(texts)])
        audit.record(db, user.login, "survey.questions", "training_events", event_id, {"questions": before},
                     {"questions": texts})


def default_questions() -> list[str]:
    return [_(q) for q in DEFAULT_QUESTIONS]


def write_answer_sheet(db: sqlite_utils.Database, user: User, event_id: int, path: Path) -> None:
    """A blank sheet to type the answers into: one column per question (headed by its text) and コメント."""
    from app.tabular import write_csv, write_xlsx

    headers = [q["text"] for q in questions(db, user, event_id)]
    if not headers:
        raise UserError(_("The event 「{title}」 has no survey questions yet; set them first.").format(
            title=event_title(db, event_id)))
    headers.append(COMMENT_HEADERS[0])
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        write_xlsx(path, headers, [], _("Answers"))
    else:
        write_csv(path, headers, [], "utf-8-sig")


# -- answers from a sheet -------------------------------------------------------------------------

@dataclass
class SurveyResponse:
    row: int
    answers: dict[int, int]  # question id -> 1..5
    comment: str


@dataclass
class SurveyImportPreview:
    file: str
    encoding: str
    event_id: int
    rows: int
    columns: dict[str, str] = field(default_factory=dict)  # question text (or 'comment') -> header of the file
    unused_headers: list[str] = field(default_factory=list)
    responses: list[SurveyResponse] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    errors_not_listed: int = 0

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.errors_not_listed

    def summary(self) -> dict:
        name = Path(self.file).name
        return {"rows": self.rows, "responses": len(self.responses),
                "comments": sum(1 for r in self.responses if r.comment),
                "errors": [{"file": name, **asdict(e)} for e in self.errors],
                "errors_not_listed": self.errors_not_listed}


def _match_columns(headers: list[str], asked: list[dict]) -> tuple[dict[int, int], int | None, list[str]]:
    """(question id -> column, comment column, unused headers): a header is a question's text or its number."""
    by_text = {norm_header(q["text"]): q["id"] for q in asked}
    by_number = {q["position"]: q["id"] for q in asked}
    comments = {norm_header(h) for h in COMMENT_HEADERS}
    columns: dict[int, int] = {}
    comment: int | None = None
    unused = []
    for index, header in enumerate(headers):
        key = norm_header(header)
        number = _NUMBERED.match(key)
        question = by_text.get(key) or (by_number.get(int(number.group(1))) if number else None)
        if question is not None and question not in columns:
            columns[question] = index
        elif key in comments and comment is None:
            comment = index
        elif header:
            unused.append(header)
    return columns, comment, unused


def preview_file(db: sqlite_utils.Database, user: User, event_id: int, path: Path,
                 encoding: str | None = None) -> SurveyImportPreview:
    """Read the sheet of answers and check every cell (nothing is written)."""
    require(user, Action.SURVEYS_EDIT)
    return prepare(db, user, event_id, read_table(Path(path), encoding))


def prepare(db: sqlite_utils.Database, user: User, event_id: int, table: Table) -> SurveyImportPreview:
    asked = questions(db, user, event_id)
    preview = SurveyImportPreview(str(table.path), table.encoding, event_id,
                                  sum(1 for r in table.rows if any(c.strip() for c in r)))
    if not asked:
        raise UserError(_("The event 「{title}」 has no survey questions yet; set them first.").format(
            title=event_title(db, event_id)))
    columns, comment, preview.unused_headers = _match_columns(table.headers, asked)
    texts = {q["id"]: q["text"] for q in asked}
    preview.columns = {texts[q]: table.headers[i] for q, i in columns.items()}
    if comment is not None:
        preview.columns["comment"] = table.headers[comment]
    if not columns:
        preview.errors.append(RowError(1, "", _("no column is headed by a question (its text, or Q1 … Q{n}; found: "
                                                "{headers})").format(
            n=len(asked), headers=shorten("、".join(h for h in table.headers if h), 200) or _("none"))))
        return preview
    errors = []
    for offset, raw in enumerate(table.rows):
        if any(cell.strip() for cell in raw):
            _read_row(table, table.first_data_row + offset, raw, columns, comment, preview.responses, errors)
    if not preview.responses and not errors:
        errors.append(RowError(table.first_data_row, "", _("the file has no answers")))
    if len(errors) > MAX_LISTED_ERRORS:
        preview.errors_not_listed = len(errors) - MAX_LISTED_ERRORS
        del errors[MAX_LISTED_ERRORS:]
    preview.errors = errors
    return preview


def _read_row(table: Table, row_no: int, raw: list[str], columns: dict[int, int], comment: int | None,
              responses: list[SurveyResponse], errors: list[RowError]) -> None:
    answers: dict[int, int] = {}
    failed = False
    for question, index in columns.items():
        text = safe_normalise(unprotect_cell(raw[index]))
        if not text:
            continue  # a question left unanswered
        if text.isascii() and text.isdigit() and 1 <= int(text) <= 5:
            answers[question] = int(text)
        else:
            failed = True
            errors.append(RowError(row_no, table.headers[index], _("{value} is not an answer from 1 to 5").format(
                value=shorten(text))))
    note = unprotect_cell(raw[comment]).strip() if comment is not None else ""
    if len(note) > MAX_COMMENT:
        failed = True
        errors.append(RowError(row_no, table.headers[comment], _("the comment is longer than {n} characters").format(
            n=MAX_COMMENT)))
    if not failed and (answers or note):
        responses.append(SurveyResponse(row_no, answers, note))


def commit(db: sqlite_utils.Database, user: User, preview: SurveyImportPreview) -> dict:
    """Write every response of the preview in one transaction, or none."""
    require(user, Action.SURVEYS_EDIT)
    name = Path(preview.file).name
    if preview.errors:
        raise ImportRefused(_("The import has {n} errors; nothing was written.").format(n=preview.error_count))
    with transaction(db):
        if db.execute("SELECT 1 FROM survey_responses WHERE event_id = ? AND source_file = ?",
                      [preview.event_id, name]).fetchone():
            raise UserError(_("{file} was already imported for this event; nothing was imported again.").format(
                file=name))
        current = {q["id"] for q in questions(db, user, preview.event_id)}
        if any(set(r.answers) - current for r in preview.responses):
            raise UserError(_("The questions changed since the preview. Nothing was imported; check the file again."))
        for response in preview.responses:
            response_id = db.execute("INSERT INTO survey_responses (event_id, comment, source_file) VALUES (?, ?, ?)",
                                     [preview.event_id, response.comment, name]).lastrowid
            db.conn.executemany("INSERT INTO survey_answers (response_id, question_id, value) VALUES (?, ?, ?)",
                                [(response_id, q, v) for q, v in response.answers.items()])
        summary = {**preview.summary(), "imported": True}
        audit.record(db, user.login, "survey.import", "training_events", preview.event_id, None,
                     {"file": name, "responses": len(preview.responses)})
    return summary


# -- results --------------------------------------------------------------------------------------

def results(db: sqlite_utils.Database, user: User, event_id: int) -> dict:
    """Per question: mean (2 decimals, None without answers), answers, the 1–5 distribution; comments."""
    asked = questions(db, user, event_id)
    counts = {(q, v): n for q, v, n in db.execute(
        "SELECT a.question_id, a.value, count(*) FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id "
        "WHERE r.event_id = ? GROUP BY a.question_id, a.value", [event_id])}
    rows = []
    for q in asked:
        distribution = {v: counts.get((q["id"], v), 0) for v in range(1, 6)}
        answered = sum(distribution.values())
        mean = round(sum(v * n for v, n in distribution.items()) / answered, 2) if answered else None
        rows.append({"position": q["position"], "text": q["text"], "answers": answered, "mean": mean,
                     "distribution": distribution})
    comments = [c for (c,) in db.execute("SELECT comment FROM survey_responses WHERE event_id = ? AND comment != '' "
                                         "ORDER BY id", [event_id])]
    return {"event_id": event_id, "title": event_title(db, event_id), "responses": response_count(db, event_id),
            "questions": rows, "comments": comments}
