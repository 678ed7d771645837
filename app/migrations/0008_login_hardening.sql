-- Login hardening (issue 13 item 3).
--
-- Failed logins are counted per login *name*, not per account row, so that a name nobody has is
-- slowed down and locked exactly like a real one: the delay and the lock say nothing about whether
-- an account exists. The key is the SHA-256 of the name case-folded (logins ignore case): the name
-- typed is sometimes the password, typed into the wrong field, and is not kept in clear. A successful login or an
-- administrator's unlock deletes the row. users.failed_attempts (0001) is no longer written; the
-- count lives here so that a login attempt never rewrites an account row.
CREATE TABLE login_failures (
    login_key       TEXT PRIMARY KEY,
    failures        INTEGER NOT NULL CHECK (failures > 0),
    last_failure_at TEXT NOT NULL            -- local time, ISO-8601 to the second
);

-- Set by an administrator's reset: the temporary password only lets the user choose a new one.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0
    CHECK (must_change_password IN (0, 1));
-- argon2id hash of an administrator's one-time recovery code (NULL = none issued or already used).
ALTER TABLE users ADD COLUMN recovery_hash TEXT;
