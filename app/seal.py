"""Tamper evidence: sealed records, a chained audit log, and the check that finds what was changed.

Why triggers and a connection function, not a ``seal()`` call in every service: every connection
the app opens (``db.connect``) registers ``dx_seal``/``dx_chain``, and triggers generated from
``SEALED`` call them on every insert and update. So every write path seals, including ones added
later, and nobody has to remember to. A write made with a plain SQLite tool fails ("no such function:
dx_seal"); to change data outside the app one has to drop the triggers, and ``verify`` reports both
the missing triggers and every row whose seal no longer matches.

A seal is ``<key fingerprint>:<HMAC-SHA256 of the row, 128 bits>``. The key is not in the register
(``app.seal_key``). The audit log is a hash chain (SHA-256 over the previous entry's hash and the
entry), each link sealed; ``seal_state`` keeps where the chain ends, so a cut-off tail is seen too.

Rows sealed on another PC (a restore there, a register carried over) are told apart from tampering by
the fingerprint stored in each seal: when a PC first opens a register whose rows carry other keys, it
vouches for them with its own key (``seal_witness``), so a later change to them is still detected;
what it cannot know is whether they were changed before it took the register over (import the other
PC's key for that: ``key import``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlite_utils

from app import audit, seal_key
from app.i18n import N_, _

# The sealed tables: primary key columns, then every sealed column (in this order, forever: the MAC is
# over these values). Columns added later are not sealed unless a migration extends a list and reseals.
SEALED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "settings": (("key",), ("key", "value", "updated_at")),
    "users": (("id",), ("id", "login", "display_name", "role", "password_hash", "staff_id", "active",
                        "failed_attempts", "created_at", "last_login_at", "must_change_password", "recovery_hash")),
    "evaluation_assignments": (("id",), ("id", "project_id", "target_staff_id", "perspective_id",
                                         "evaluator_staff_id", "evaluator_external_id", "evaluator_kind", "status",
                                         "submitted_at", "updated_at")),
    "evaluation_scores": (("assignment_id", "criterion_id"), ("assignment_id", "criterion_id", "score", "comment")),
    "certifications": (("id",), ("id", "staff_id", "scheme_id", "level_id", "scheme_family", "level_code",
                                 "decided_on", "approver", "fiscal_year", "seq", "certificate_no", "status",
                                 "revoked_on", "revoke_reason", "reissues", "reasons_json", "created_at",
                                 "created_by", "reeligible_from", "override_reason")),
    "certification_reissues": (("id",), ("id", "certification_id", "reissued_on", "reason", "created_by")),
    "certificate_prints": (("id",), ("id", "certification_id", "printed_at", "printed_by", "kind", "template",
                                     "file_name")),
    "seal_state": (("name",), ("name", "value", "number")),
    # The records certification now rests on (issue 15): who holds which qualification, who attended what.
    "staff_qualifications": (("id",), ("id", "staff_id", "name", "obtained_on", "note", "qualification_id",
                                       "expires_on", "source")),
    "training_attendance": (("event_id", "staff_id"), ("event_id", "staff_id", "hours", "source")),
}
# Tables sealed by a later migration than tamper_seal (its Python step, by migration name without the number):
# the tamper_seal step leaves them alone, since at that version they do not exist yet.
SEALED_LATER: dict[str, tuple[str, ...]] = {"requirements.sql": ("staff_qualifications", "training_attendance")}
APPEND_ONLY = {"certificate_prints"}  # no update trigger: updates are refused by their own trigger
AUDIT_COLUMNS = ("id", "at", "actor", "action", "entity", "entity_id", "before_json", "after_json")
HEAD = "audit_head"
KEY_PREFIX = "key:"
# Triggers that keep the register honest and must be present (the seal triggers are added to these).
PROTECTIVE_TRIGGERS = ("audit_log_no_update", "audit_log_no_delete", "audit_log_sealed_once",
                       "certificate_prints_no_update", "certificate_prints_no_delete", "certificate_prints_sealed_once",
                       "certifications_no_delete", "certifications_fixed_fields", "certifications_source_fixed",
                       "evaluation_scores_locked_update", "evaluation_scores_locked_insert",
                       "evaluation_scores_locked_delete")

TABLE_LABELS = {
    "settings": N_("settings"), "users": N_("accounts"), "evaluation_assignments": N_("evaluation assignments"),
    "evaluation_scores": N_("ratings"), "certifications": N_("certifications"),
    "certification_reissues": N_("certificate re-issues"), "certificate_prints": N_("certificate print log"),
    "seal_state": N_("seal state"), "audit_log": N_("audit log"), "sqlite_master": N_("triggers"),
    "staff_qualifications": N_("qualification records"), "training_attendance": N_("training attendance"),
}


# -- the MAC -----------------------------------------------------------------------------------

def canonical(table: str, values: tuple) -> bytes:
    """One unambiguous serialisation of a row: Python's repr of (table, values...) as UTF-8.

    SQLite hands the trigger and a SELECT the same stored types (None, int, float, str, bytes),
    whose repr is stable and cannot be confused across columns.
    """
    return repr((table, *values)).encode("utf-8", "surrogatepass")


class _Hmac:
    """HMAC-SHA256 with the key's inner and outer pads hashed once (RFC 2104, keys up to 64 bytes).

    The same value as ``hmac.digest(key, msg, "sha256")`` at under half the cost per row: verifying
    500,000 rows is mostly this call (issue 13 budget: ≤ 3 s).
    """

    def __init__(self, key: bytes) -> None:
        padded = key.ljust(64, b"\0") if len(key) <= 64 else hashlib.sha256(key).digest().ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in padded))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in padded))

    def __call__(self, message: bytes) -> str:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()[:16].hex()


_hmacs: dict[bytes, _Hmac] = {}


def _hmac(key: bytes) -> _Hmac:
    found = _hmacs.get(key)
    if found is None:
        found = _hmacs[key] = _Hmac(key)
    return found


def mac(key: bytes, table: str, values: tuple) -> str:
    """128 bits of HMAC-SHA256 over the row's canonical form, as hex."""
    return _hmac(key)(canonical(table, values))


def digests_equal(expected: str, given: object) -> bool:
    """Constant-time comparison of two hex digests as bytes.

    ``hmac.compare_digest`` raises TypeError for a str with non-ASCII characters, and a seal column or a
    returned sheet's signature cell may hold anything (３, 漢字): that is a mismatch, not a crash.
    """
    return hmac.compare_digest(str(expected).encode("utf-8"), str(given).encode("utf-8"))


def chain_hash(previous: str | None, values: tuple) -> str:
    return hashlib.sha256((previous or "").encode() + canonical("audit_log", values)).hexdigest()


def install(conn: sqlite3.Connection) -> None:
    """Register the sealing functions on a connection (db.connect does this for every connection)."""
    ring: list[seal_key.KeyRing] = []

    def key() -> tuple[str, bytes]:
        if not ring:
            ring.append(seal_key.load(create=True))
        return ring[0].primary, ring[0].primary_key()

    def dx_seal(table: str, *values: Any) -> str:
        fp, secret = key()
        return f"{fp}:{mac(secret, table, values)}"

    def dx_chain(previous: str | None, *values: Any) -> str:
        return chain_hash(previous, values)

    conn.create_function("dx_seal", -1, dx_seal, deterministic=True)
    conn.create_function("dx_chain", -1, dx_chain, deterministic=True)


# -- the triggers ------------------------------------------------------------------------------

def _where(pk: tuple[str, ...]) -> str:
    return " AND ".join(f"{c} = NEW.{c}" for c in pk)


def _table_triggers(table: str) -> dict[str, str]:
    pk, columns = SEALED[table]
    out = {}
    args = ", ".join(f"NEW.{c}" for c in columns)
    body = f"BEGIN UPDATE {table} SET seal = dx_seal('{table}', {args}) WHERE {_where(pk)}; END"
    out[f"seal_{table}_insert"] = f"CREATE TRIGGER seal_{table}_insert AFTER INSERT ON {table} {body}"
    if table not in APPEND_ONLY:
        out[f"seal_{table}_update"] = (f"CREATE TRIGGER seal_{table}_update AFTER UPDATE OF {', '.join(columns)} "
                                       f"ON {table} {body}")
    return out


def expected_triggers() -> dict[str, str]:
    """Name -> SQL of every seal trigger (generated from SEALED, compared by ``verify``)."""
    out = {}
    for table in SEALED:
        out.update(_table_triggers(table))
    args = ", ".join(f"NEW.{c}" for c in AUDIT_COLUMNS)
    out["seal_audit_log_insert"] = (
        "CREATE TRIGGER seal_audit_log_insert AFTER INSERT ON audit_log BEGIN "
        f"UPDATE audit_log SET hash = dx_chain((SELECT value FROM seal_state WHERE name = '{HEAD}'), {args}) "
        "WHERE id = NEW.id; "
        "UPDATE audit_log SET seal = dx_seal('audit_log', id, hash) WHERE id = NEW.id; "
        f"INSERT INTO seal_state (name, value, number) VALUES ('{HEAD}', "
        "(SELECT hash FROM audit_log WHERE id = NEW.id), NEW.id) "
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value, number = excluded.number; END")
    return out


def _normal(sql: str | None) -> str:
    return " ".join((sql or "").split())


def after_migration(conn: sqlite3.Connection) -> None:
    """Part of migration 0009 (same transaction): make the triggers, seal every row, start the chain.

    The tables sealed by a later migration (SEALED_LATER) are left to that migration's step.
    """
    later = {table for tables in SEALED_LATER.values() for table in tables}
    for name, sql in expected_triggers().items():
        if not any(name in (f"seal_{t}_insert", f"seal_{t}_update") for t in later):
            conn.execute(sql)
    secret_fp, secret = _primary()
    for table in SEALED:
        if table != "seal_state" and table not in later:
            _seal_rows(conn, table, secret_fp, secret)
    previous = ""
    updates = []
    for row in conn.execute(f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit_log ORDER BY id"):
        previous = chain_hash(previous, tuple(row))
        updates.append((previous, f"{secret_fp}:{mac(secret, 'audit_log', (row[0], previous))}", row[0]))
    conn.executemany("UPDATE audit_log SET hash = ?, seal = ? WHERE id = ?", updates)
    last = updates[-1][2] if updates else 0
    conn.execute("INSERT INTO seal_state (name, value, number) VALUES (?, ?, ?)", [HEAD, previous, last])
    _introduce(conn, secret_fp, last)


def _seal_rows(conn: sqlite3.Connection, table: str, secret_fp: str, secret: bytes) -> None:
    pk, columns = SEALED[table]
    rows = conn.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
    index = [columns.index(c) for c in pk]
    conn.executemany(f"UPDATE {table} SET seal = ? WHERE {' AND '.join(f'{c} = ?' for c in pk)}",
                     [(f"{secret_fp}:{mac(secret, table, tuple(r))}", *(r[i] for i in index)) for r in rows])


def seal_later_tables(migration: str):
    """The Python step of a migration that starts sealing more tables: their triggers, and every row sealed.

    Rows already there are sealed as they stand: a change made to them before this version is not told
    apart (as with every table when tamper_seal first sealed it).
    """
    def step(conn: sqlite3.Connection) -> None:
        secret_fp, secret = _primary()
        for table in SEALED_LATER[migration]:
            for sql in _table_triggers(table).values():
                conn.execute(sql)
            _seal_rows(conn, table, secret_fp, secret)
    return step


def _primary() -> tuple[str, bytes]:
    ring = seal_key.load(create=True)
    return ring.primary, ring.primary_key()


def _introduce(conn: sqlite3.Connection, fp: str, head: int) -> None:
    """Record that this key seals in this register from audit entry ``head`` on (seal_state 'key:<fp>')."""
    conn.execute("INSERT OR IGNORE INTO seal_state (name, value, number) VALUES (?, ?, ?)",
                 [KEY_PREFIX + fp, datetime.now().strftime("%Y-%m-%dT%H:%M:%S"), head])


# -- another PC's register ---------------------------------------------------------------------

@dataclass
class Takeover:
    """What happened when this PC first opened a register sealed elsewhere."""

    fingerprint: str
    foreign: dict[str, int]  # other key's fingerprint -> rows vouched for

    @property
    def rows(self) -> int:
        return sum(self.foreign.values())


def key_is_new(db: sqlite_utils.Database) -> bool:
    """True when this installation's key is new to a sealed register (then ``take_over`` runs). Cheap."""
    conn = db.conn
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'seal_state'").fetchone() is None:
        return False
    fp, _secret = _primary()
    return conn.execute("SELECT 1 FROM seal_state WHERE name = ?", [KEY_PREFIX + fp]).fetchone() is None


def take_over(db: sqlite_utils.Database, actor: str = "system") -> Takeover | None:
    """Introduce this installation's key to the register; the caller holds the write transaction.

    Rows sealed with other keys are vouched for with this key (seal_witness) and the takeover is
    logged; returns what was taken over (None when no row was sealed elsewhere). The store calls it
    on open (app.db.open_database) when ``key_is_new``.
    """
    conn = db.conn
    fp, secret = _primary()
    ring = seal_key.load()
    foreign: dict[str, int] = defaultdict(int)
    witnesses = []
    for table, pk, columns, row, seal in _sealed_rows(conn):
        row_fp = (seal or "").partition(":")[0]
        if seal and row_fp not in ring.keys:
            foreign[row_fp] += 1
            witnesses.append((table, _row_key(pk, columns, row),
                              f"{fp}:{mac(secret, 'seal_witness', (table, *row, seal))}"))
    conn.executemany("INSERT OR REPLACE INTO seal_witness (tbl, row_key, seal) VALUES (?, ?, ?)", witnesses)
    head = conn.execute("SELECT number FROM seal_state WHERE name = ?", [HEAD]).fetchone()
    _introduce(conn, fp, head[0] if head else 0)
    if foreign:
        audit.record(db, actor, "seal.takeover", "seal_state", fp, None, {"fingerprint": fp, "from": dict(foreign)})
    return Takeover(fp, dict(foreign)) if foreign else None


def _row_key(pk: tuple[str, ...], columns: tuple[str, ...], row: tuple) -> str:
    return repr(tuple(row[columns.index(c)] for c in pk))


def _sealed_rows(conn: sqlite3.Connection):
    """(table, pk, columns, values, seal) of every sealed row, audit entries as (id, hash)."""
    for table, (pk, columns) in SEALED.items():
        for row in conn.execute(f"SELECT {', '.join(columns)}, seal FROM {table}"):
            yield table, pk, columns, tuple(row[:-1]), row[-1]
    for row in conn.execute("SELECT id, hash, seal FROM audit_log"):
        yield "audit_log", ("id",), ("id", "hash"), (row[0], row[1]), row[2]


# -- the check ---------------------------------------------------------------------------------

@dataclass
class Problem:
    table: str
    row: str
    message: str

    def text(self) -> str:
        label = TABLE_LABELS.get(self.table)
        where = _(label) if label else self.table
        return _("{table} ({name}) row {row}: {problem}").format(table=where, name=self.table, row=self.row,
                                                                 problem=self.message)


@dataclass
class SealReport:
    """What ``verify`` found: problems (tampering), and rows it could not verify here."""

    fingerprint: str = ""
    verified: int = 0
    vouched: int = 0  # sealed on another PC, unchanged since this PC took the register over
    elsewhere: dict[str, int] = field(default_factory=dict)  # other key -> rows it cannot verify
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> list[str]:
        """Japanese lines for the CLI and the login warning, first problem first."""
        lines = [p.text() for p in self.problems[:20]]
        if len(self.problems) > 20:
            lines.append(_("… and {n} more problems.").format(n=len(self.problems) - 20))
        if self.vouched:
            lines.append(_("{n} rows were sealed on another PC; this PC vouched for them when it took the register "
                           "over, so any change since then is detected, but not a change made before.").format(
                n=self.vouched))
        for fp, count in self.elsewhere.items():
            lines.append(_("{n} rows are sealed with another installation's key ({fingerprint}); they cannot be "
                           "verified on this PC. Import that PC's key (key import) to verify them.").format(
                n=count, fingerprint=fp))
        return lines

    def as_dict(self) -> dict:
        return {"ok": self.ok, "fingerprint": self.fingerprint, "verified": self.verified, "vouched": self.vouched,
                "sealed_elsewhere": self.elsewhere,
                "problems": [{"table": p.table, "row": p.row, "message": p.message} for p in self.problems]}


def verify(db: sqlite_utils.Database) -> SealReport:
    """Check the chain, the seals, the triggers, score ranges and certificate number sequences (read-only)."""
    conn = db.conn
    ring = seal_key.load()
    report = SealReport(fingerprint=ring.primary)
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'seal_state'").fetchone() is None:
        return report  # an older data format: nothing is sealed yet (the version check reports it)
    problems = report.problems
    witness = {(t, k): s for t, k, s in conn.execute("SELECT tbl, row_key, seal FROM seal_witness")}
    last_by_key, adopted = _check_chain(conn, ring, report, witness)
    mine = ring.primary
    fast = _hmac(ring.keys[mine]) if mine else None
    for table, (pk, columns) in SEALED.items():
        index = [columns.index(c) for c in pk]
        prefix = (table,)
        verified = 0
        for row in conn.execute(f"SELECT {', '.join(columns)}, seal FROM {table}"):
            values, seal = row[:-1], row[-1]
            # The common case inline (sealed here, unchanged); everything else is sorted out by _check_row.
            if fast is not None and seal is not None and seal[:16] == mine and \
                    seal[17:] == fast(repr(prefix + values).encode("utf-8", "surrogatepass")):
                verified += 1
                continue
            key = ", ".join(str(values[i]) for i in index)
            _check_row(ring, report, table, key, values, seal,
                       witness.get((table, repr(tuple(values[i] for i in index)))), last_by_key, adopted)
        report.verified += verified
    _check_head(conn, ring, report)
    _check_ranges(conn, problems)
    _check_sequences(conn, problems)
    _check_triggers(conn, problems)  # last: the changed rows are what the officer must see first
    return report


def _check_row(ring: seal_key.KeyRing, report: SealReport, table: str, key: str, values: tuple, seal: str | None,
               witness: str | None, last_by_key: dict[str, int], adopted: dict[str, int]) -> None:
    fp, _sep, value = (seal or "").partition(":")
    if not seal:
        report.problems.append(Problem(table, key, _("has no seal: it was written outside the app.")))
        return
    if fp in ring.keys:
        if digests_equal(mac(ring.keys[fp], table, values), value):
            report.verified += 1
        else:
            report.problems.append(Problem(table, key, _("does not match its seal: it was changed outside the app.")))
        return
    if witness:
        w_fp, _sep, w_value = witness.partition(":")
        if w_fp in ring.keys and digests_equal(mac(ring.keys[w_fp], "seal_witness", (table, *values, seal)),
                                                     w_value):
            report.vouched += 1
        else:
            report.problems.append(Problem(table, key, _("was changed outside the app after this PC took the "
                                                         "register over.")))
        return
    taken_over = max((adopted[k] for k in ring.keys if k in adopted), default=None)
    if fp not in last_by_key and fp not in adopted:
        report.problems.append(Problem(table, key, _("carries a seal of a key that never wrote to this register: "
                                                     "it was written outside the app.")))
    elif taken_over is not None and last_by_key.get(fp, -1) <= taken_over:
        report.problems.append(Problem(table, key, _("carries another PC's seal, but that PC has written nothing "
                                                     "since this PC took the register over: it was changed outside "
                                                     "the app.")))
    else:
        report.elsewhere[fp] = report.elsewhere.get(fp, 0) + 1


def _check_triggers(conn: sqlite3.Connection, problems: list[Problem]) -> None:
    present = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    for name, sql in expected_triggers().items():
        if name not in present:
            problems.append(Problem("sqlite_master", name, _("the trigger is missing: it was dropped outside "
                                                             "the app.")))
        elif _normal(present[name]) != _normal(sql):
            problems.append(Problem("sqlite_master", name, _("the trigger was changed outside the app.")))
    for name in PROTECTIVE_TRIGGERS:
        if name not in present:
            problems.append(Problem("sqlite_master", name, _("the trigger is missing: it was dropped outside "
                                                             "the app.")))


def _check_chain(conn: sqlite3.Connection, ring: seal_key.KeyRing, report: SealReport,
                 witness: dict[tuple[str, str], str]) -> tuple[dict[str, int], dict[str, int]]:
    """Walk the audit chain; returns the last entry sealed by each key and where keys were introduced."""
    previous = ""
    last_by_key: dict[str, int] = {}
    keys = {fp: key for fp, key in ring.keys.items()}
    macs = {fp: _hmac(key) for fp, key in keys.items()}
    sha = hashlib.sha256
    broken = False
    last_fp, last_id = None, 0
    for row in conn.execute(f"SELECT {', '.join(AUDIT_COLUMNS)}, hash, seal FROM audit_log ORDER BY id"):
        values, stored, seal = row[:8], row[8], row[9]
        expected = sha(previous.encode() + repr(("audit_log",) + values).encode("utf-8", "surrogatepass")).hexdigest()
        fp, value = (seal[:16], seal[17:]) if seal else ("", "")
        if stored == expected and fp in macs and macs[fp](b"('audit_log', %d, '%s')" % (values[0], stored.encode())) \
                == value:
            report.verified += 1  # the common case: linked and sealed with a key this PC holds
            if fp != last_fp and last_fp is not None:
                last_by_key[last_fp] = last_id
            last_fp, last_id = fp, values[0]
            previous = stored
            continue
        if not broken and stored != expected:
            what = (_("has no chain link: it was written outside the app.") if not stored else
                    _("breaks the chain: this entry or the one before it was changed or removed outside the app."))
            report.problems.append(Problem("audit_log", str(values[0]), what))
            broken = True  # one break is enough; the rest would only repeat it
        if not seal:
            if not broken:
                report.problems.append(Problem("audit_log", str(values[0]), _("has no seal: it was written outside "
                                                                              "the app.")))
                broken = True
        elif fp in keys:
            if digests_equal(macs[fp](repr(("audit_log", values[0], stored)).encode()), value):
                report.verified += 1
            elif not broken:
                report.problems.append(Problem("audit_log", str(values[0]), _("does not match its seal: it was "
                                                                               "changed outside the app.")))
                broken = True
        elif ("audit_log", repr((values[0],))) in witness:
            w_fp, _sep, w_value = witness["audit_log", repr((values[0],))].partition(":")
            if w_fp in keys and digests_equal(mac(keys[w_fp], "seal_witness", ("audit_log", values[0], stored,
                                                                                    seal)), w_value):
                report.vouched += 1
            elif not broken:
                report.problems.append(Problem("audit_log", str(values[0]), _(
                    "was changed outside the app after this PC took the register over.")))
                broken = True
        else:
            report.elsewhere[fp] = report.elsewhere.get(fp, 0) + 1
        if fp != last_fp and last_fp is not None:
            last_by_key[last_fp] = last_id
        last_fp, last_id = fp, values[0]
        previous = stored or ""
    if last_fp is not None:
        last_by_key[last_fp] = last_id
    adopted = {}
    for name, number, seal in conn.execute("SELECT name, number, seal FROM seal_state WHERE name LIKE 'key:%'"):
        adopted[name[len(KEY_PREFIX):]] = number
    return last_by_key, adopted


def _check_head(conn: sqlite3.Connection, ring: seal_key.KeyRing, report: SealReport) -> None:
    head = conn.execute("SELECT value, number FROM seal_state WHERE name = ?", [HEAD]).fetchone()
    last = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone() or (0, "")
    if head is None:
        report.problems.append(Problem("seal_state", HEAD, _("the record of where the audit log ends is missing: "
                                                             "it was removed outside the app.")))
    elif (head[1], head[0]) != (last[0], last[1] or ""):
        report.problems.append(Problem("audit_log", str(head[1]), _(
            "the audit log should end with entry {expected}, but ends with entry {found}: entries were removed "
            "outside the app.").format(expected=head[1], found=last[0])))


def _check_ranges(conn: sqlite3.Connection, problems: list[Problem]) -> None:
    for assignment, criterion, score, low, high in conn.execute(
            "SELECT s.assignment_id, s.criterion_id, s.score, c.scale_min, c.scale_max FROM evaluation_scores s "
            "JOIN template_criteria c ON c.id = s.criterion_id WHERE s.score IS NOT NULL "
            "AND (typeof(s.score) != 'integer' OR s.score < c.scale_min OR s.score > c.scale_max)"):
        problems.append(Problem("evaluation_scores", f"{assignment}, {criterion}", _(
            "the score {score} is outside the scale {low}–{high}.").format(score=score, low=low, high=high)))


def _check_sequences(conn: sqlite3.Connection, problems: list[Problem]) -> None:
    """Every certificate number the audit log says was given is still in the register (a removed decision is not).

    Numbers are not expected to run 1..n: earlier certifications keep their numbers as printed, gaps
    and all, and a pattern without the year (第{連番:04}号) continues across fiscal years (issue 17).
    The sealed audit chain records each decision and each earlier certification entered with its
    number, so a row removed outside the app is missed by name; removing its audit entry as well
    breaks the chain, which is reported on its own.
    """
    missing = [number for (number,) in conn.execute(
        "SELECT number FROM (SELECT min(id) AS first, json_extract(after_json, '$.number') AS number FROM audit_log "
        "WHERE action IN ('certification.approve', 'certification.record_past') AND json_valid(after_json) "
        "GROUP BY number) WHERE number IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM certifications c WHERE c.certificate_no = number) ORDER BY first")]
    if missing:
        problems.append(Problem("certifications", "、".join(map(str, missing[:10])), _(
            "the certificate numbers {numbers} were given but are no longer in the register: a decision was "
            "removed outside the app.").format(numbers="、".join(map(str, missing[:10])))))


def row_verifies(db: sqlite_utils.Database, table: str, pk_values: tuple) -> bool:
    """True when one row's seal verifies here (by key or by this PC's witness): for ``verify`` of certificates."""
    pk, columns = SEALED[table]
    row = db.execute(f"SELECT {', '.join(columns)}, seal FROM {table} WHERE "
                     f"{' AND '.join(f'{c} = ?' for c in pk)}", list(pk_values)).fetchone()
    if row is None:
        return False
    values, seal = tuple(row[:-1]), row[-1] or ""
    ring = seal_key.load()
    fp, _sep, value = seal.partition(":")
    if fp in ring.keys:
        return digests_equal(mac(ring.keys[fp], table, values), value)
    witness = db.execute("SELECT seal FROM seal_witness WHERE tbl = ? AND row_key = ?",
                         [table, repr(tuple(pk_values))]).fetchone()
    if witness:
        w_fp, _sep, w_value = witness[0].partition(":")
        return w_fp in ring.keys and digests_equal(
            mac(ring.keys[w_fp], "seal_witness", (table, *values, seal)), w_value)
    return False


def describe_takeover(takeover: Takeover) -> str:
    return _("This register was sealed on another PC (key {keys}). This PC has vouched for its {n} sealed rows with "
             "its own key (fingerprint {fingerprint}): any change from now on is detected. Whether they were changed "
             "before they came here cannot be checked on this PC; import the other PC's key (key import) to "
             "check that too.").format(keys="、".join(takeover.foreign), n=takeover.rows,
                                      fingerprint=takeover.fingerprint)


def fingerprint_of(db: sqlite_utils.Database) -> list[str]:
    """The keys that sealed in a register (for a backup's note), newest introduction last."""
    try:
        return [r[0][len(KEY_PREFIX):] for r in db.execute(
            "SELECT name FROM seal_state WHERE name LIKE 'key:%' ORDER BY number, value")]
    except sqlite3.OperationalError:
        return []


def dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
