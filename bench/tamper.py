"""Benchmark: verifying the audit chain and the seals of a register against bare hashlib over the same rows.

The register holds ``audit`` chained audit entries and ``ratings`` sealed rating rows (evaluation_scores),
written the way the app seals them (same canonical form, same key), so ``seal.verify`` finds it sound.
The bare figure reads the same rows and takes one SHA-256 of each: the least any verification must do.
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
from pathlib import Path

from app import seal
from app import seal_key
from app.db import connect, open_database
from app.demo.town import generate_town, load_town
from app.register.permissions import CLI_USER


def build_sealed_register(path: Path, audit: int, ratings: int, seed: int = 1) -> int:
    """Create the register; returns the number of sealed rows (audit entries + ratings)."""
    result = open_database(path)
    db = result.db
    load_town(db, generate_town(300, seed=seed), "bench")
    from app.evaluation import rubrics

    template_id = rubrics.ensure_preset(db, CLI_USER)
    criteria = [c.id for p in rubrics.load_template(db, template_id).perspectives for c in p.criteria]
    perspective = rubrics.load_template(db, template_id).perspectives[0].id
    conn: sqlite3.Connection = db.conn
    ring = seal_key.load(create=True)
    fp, key = ring.primary, ring.primary_key()
    rng = random.Random(seed)
    staff = [r[0] for r in conn.execute("SELECT id FROM staff ORDER BY id")]
    triggers = seal.expected_triggers()
    conn.execute("BEGIN")
    for name in triggers:  # written here in bulk with the same seals the triggers would make
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("INSERT INTO projects (id, name, fiscal_year, template_id) VALUES (1, 'ベンチ', 2025, ?)", [template_id])
    assignments, scores = [], []
    per = len(criteria)
    pairs = [(t, r) for t in staff for r in staff if t != r]
    rng.shuffle(pairs)
    for number in range(1, ratings // per + 2):
        target, rater = pairs[number]
        values = (number, 1, target, perspective, rater, None, "staff", "draft", None, "2026-01-01T00:00:00")
        assignments.append((*values, f"{fp}:{seal.mac(key, 'evaluation_assignments', values)}"))
        for criterion in criteria:
            if len(scores) < ratings:
                row = (number, criterion, rng.randint(1, 5), "")
                scores.append((*row, f"{fp}:{seal.mac(key, 'evaluation_scores', row)}"))
    conn.executemany("INSERT INTO evaluation_assignments (id, project_id, target_staff_id, perspective_id, "
                     "evaluator_staff_id, evaluator_external_id, evaluator_kind, status, submitted_at, updated_at, "
                     "seal) VALUES (?,?,?,?,?,?,?,?,?,?,?)", assignments)
    conn.executemany("INSERT INTO evaluation_scores (assignment_id, criterion_id, score, comment, seal) "
                     "VALUES (?,?,?,?,?)", scores)
    previous = conn.execute("SELECT value FROM seal_state WHERE name = ?", [seal.HEAD]).fetchone()[0]
    first = (conn.execute("SELECT max(id) FROM audit_log").fetchone()[0] or 0) + 1
    entries = []
    for number in range(first, first + audit):
        values = (number, "2026-01-01T10:00:00.000", "kanri", "evaluation.save", "evaluation_assignments",
                  str(number % 1000), None, '{"source": "screen"}')
        previous = seal.chain_hash(previous, values)
        entries.append((*values, previous, f"{fp}:{seal.mac(key, 'audit_log', (number, previous))}"))
    conn.executemany("INSERT INTO audit_log (id, at, actor, action, entity, entity_id, before_json, after_json, hash, "
                     "seal) VALUES (?,?,?,?,?,?,?,?,?,?)", entries)
    for sql in triggers.values():
        conn.execute(sql)
    conn.execute("UPDATE seal_state SET value = ?, number = ? WHERE name = ?", [previous, first + audit - 1, seal.HEAD])
    conn.execute("COMMIT")
    db.close()
    return audit + ratings


def runs(path: Path):
    """(ours, bare, close): seal.verify of the whole register; bare SHA-256 of every row of the same two tables.

    Both read the file through an open connection (opening and integrity_check are benchmarked elsewhere).
    """
    db = connect(path)

    def ours() -> None:
        found = seal.verify(db)
        assert found.ok, found.summary()[:3]

    def bare() -> None:
        sha = hashlib.sha256
        for row in db.conn.execute("SELECT id, at, actor, action, entity, entity_id, before_json, after_json, hash, "
                                   "seal FROM audit_log"):
            sha(repr(row).encode()).digest()
        for row in db.conn.execute("SELECT assignment_id, criterion_id, score, comment, seal FROM evaluation_scores"):
            sha(repr(row).encode()).digest()

    return ours, bare, db.close
