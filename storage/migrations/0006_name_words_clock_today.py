"""Search by any word of the name; overdue only while the statutory clock runs; today's work.

- `case_name_token`: each folded word of every applicant's name (storage.name_search), filled
  here for the cases already stored; on PostgreSQL also indexed in the "C" collation so a
  prefix is a plain range whatever the database's locale.
- `stage.clock_runs`: false for the stages where the office no longer owes a decision
  (`load-fixtures` keeps it from fixtures/stages.toml; the codes below are the shipped ones).
- Indexes for "registered today" (case_file.created_at) and "mine" (audit by clerk and case).
"""

import re
import unicodedata

from peewee import BooleanField, PostgresqlDatabase

STOPPED = ("suspended", "decision_issued", "card_production", "card_ready", "closed")
_EXTRA_FOLDS = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ß": "ss"})
_SPLIT = re.compile(r"[\s\-‐‑–—/,.;:()]+")
_APOSTROPHES = str.maketrans("", "", "'’‘`´ʼ")
BATCH = 5000


def _tokens(name):
    # A frozen copy of storage.name_search.tokens as of this migration (migrations never import it).
    decomposed = unicodedata.normalize("NFKD", name.translate(_EXTRA_FOLDS))
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    words = (w.translate(_APOSTROPHES) for w in _SPLIT.split(folded))
    return list(dict.fromkeys(w[:64] for w in words if w))


def up(migrator, db):
    pg = isinstance(db, PostgresqlDatabase)
    db.execute_sql(
        "CREATE TABLE IF NOT EXISTS case_name_token (token VARCHAR(64) NOT NULL, "
        "case_id INTEGER NOT NULL REFERENCES case_file (id) ON DELETE CASCADE, PRIMARY KEY (token, case_id))"
    )
    db.execute_sql("CREATE INDEX IF NOT EXISTS case_name_token_case_id_token ON case_name_token (case_id, token)")
    if pg:
        db.execute_sql('CREATE INDEX IF NOT EXISTS case_name_token_c ON case_name_token ((token COLLATE "C"), case_id)')
    last = 0
    while True:
        rows = db.execute_sql(
            f"SELECT id, applicant_name FROM case_file WHERE id > {int(last)} ORDER BY id LIMIT {BATCH}"
        ).fetchall()
        if not rows:
            break
        pairs = [(case_id, token) for case_id, name in rows for token in _tokens(name or "")]
        if pairs:
            marks = ",".join(["(%s, %s)" if pg else "(?, ?)"] * len(pairs))
            flat = [v for pair in pairs for v in (pair[1], pair[0])]
            db.execute_sql(f"INSERT INTO case_name_token (token, case_id) VALUES {marks}", flat)
        last = rows[-1][0]

    migrator.migrate(migrator.add_column("stage", "clock_runs", BooleanField(default=True)))
    marks = ",".join(["%s" if pg else "?"] * len(STOPPED))
    db.execute_sql(f"UPDATE stage SET clock_runs = {'FALSE' if pg else '0'} WHERE code IN ({marks})", list(STOPPED))
    db.execute_sql("CREATE INDEX IF NOT EXISTS case_file_created_at ON case_file (created_at)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS audit_event_clerk_id_case_id_at ON audit_event (clerk_id, case_id, at)")
