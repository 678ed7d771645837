"""A demo participant survey: the usual four questions and about thirty answers for the demo town's lecture.

石巻's 講演会 handed out a questionnaire; the demo does the same for its first 講演会 (kind 'lecture'),
so that the survey screen shows a mean, a distribution and comments. Without a lecture (the demo's
training events not loaded) nothing is added.
"""

from __future__ import annotations

import random

import sqlite_utils

from app.db import transaction
from app.demo.officer import officer as demo_officer
from app.training import surveys

COMMENTS = ["具体例が多く分かりやすかった", "自分の課でも試してみたい", "時間が短く感じた", "資料を事前に配ってほしい",
            "生成AIの使い方をもっと知りたい", "他の自治体の事例が参考になった"]


def load_survey(db: sqlite_utils.Database, actor: str, seed: int = 1) -> int:
    """Questions and answers for the first lecture; returns the number of responses (0 without a lecture)."""
    row = db.execute("SELECT id FROM training_events WHERE kind = 'lecture' ORDER BY starts_on, id LIMIT 1").fetchone()
    if row is None:
        return 0
    event, rng, officer = row[0], random.Random(seed), demo_officer(actor)
    with transaction(db):
        surveys.set_questions(db, officer, event, surveys.default_questions())
        asked = [q["id"] for q in surveys.questions(db, officer, event)]
        responses = []
        for number in range(30):
            answers = {q: rng.choice((2, 3, 4, 4, 4, 5, 5)) for q in asked if rng.random() > 0.05}
            comment = rng.choice(COMMENTS) if rng.random() < 0.3 else ""
            responses.append(surveys.SurveyResponse(number + 2, answers, comment))
        preview = surveys.SurveyImportPreview("デモ_アンケート回答.xlsx", "xlsx", event, len(responses),
                                              responses=responses)
        surveys.commit(db, officer, preview)
    return len(responses)
