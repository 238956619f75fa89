"""Finding applicants by any word of their name, on a million cases.

Every folded word of a name is a row (token, case) in `case_name_token`; a search word is a
prefix range over that table's primary key. Several words must all match (each a prefix of some
word of the name). Ranges are compared byte-wise (SQLite's BINARY, PostgreSQL's "C" collation),
so a prefix range is exactly the words that start with it, whatever locale the database has.

Plan, the same on both databases and decided here rather than by each planner: count each
word's matches up to a cap with an index-only scan (cheap whatever the word). When some word
is selective, its case ids (at most the cap) are fetched and the other words are checked for
just those ids. When every word is common, the newest cases are walked through their
primary key, each tested against every word by an index probe; common words match often, so
a page fills after a few thousand probes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import peewee as pw

from storage.db import is_postgres
from storage.models import Case, CaseNameToken
from storage.text import fold

TOKEN_MAX = 64
# Below this many matches a word drives the search; above it the newest-first walk does.
SELECTIVE_CAP = 5000
# The walk gives up after this many cases (no page of the newest matches within them).
WALK_CAP = 200_000
_SPLIT = re.compile(r"[\s\-‐‑–—/,.;:()]+")
_APOSTROPHES = str.maketrans("", "", "'’‘`´ʼ")


def tokens(full_name: str) -> list[str]:
    """The folded words of a name: 'Ševčenko-Łódź O'Neil' → ['sevcenko', 'lodz', 'oneil'].

    Hyphens and slashes separate words; apostrophes are dropped inside a word."""
    words = (w.translate(_APOSTROPHES) for w in _SPLIT.split(fold(full_name)))
    return list(dict.fromkeys(w[:TOKEN_MAX] for w in words if w))


def index_name(case_id: int, full_name: str) -> None:
    """(Re)write the search words of one case; call inside the transaction that writes the name."""
    CaseNameToken.delete().where(CaseNameToken.case == case_id).execute()
    rows = [{"token": t, "case": case_id} for t in tokens(full_name)]
    if rows:
        CaseNameToken.insert_many(rows).execute()


def index_rows(pairs: Iterable[tuple[int, str]]) -> list[dict]:
    """Token rows for bulk loads (demo, benchmark, migration) of new cases."""
    return [{"token": t, "case": case_id} for case_id, name in pairs for t in tokens(name)]


def _token() -> pw.Node:
    if is_postgres():
        return pw.NodeList((CaseNameToken.token, pw.SQL('COLLATE "C"')))
    return CaseNameToken.token


def _upper(word: str) -> str:
    # The first string after every word starting with `word`: bump its last character.
    return word[:-1] + chr(ord(word[-1]) + 1)


def _prefix(word: str) -> pw.Expression:
    col = _token()
    return (pw.Expression(col, ">=", word)) & (pw.Expression(col, "<", _upper(word)))


def _count_capped(word: str) -> int:
    inner = CaseNameToken.select(pw.SQL("1")).where(_prefix(word)).limit(SELECTIVE_CAP)
    return pw.Select([inner.alias("t")], [pw.fn.COUNT(pw.SQL("*"))]).bind(Case._meta.database).scalar()


def _has_word(word: str, floor: int, before_id: int | None) -> pw.Expression:
    # The window is repeated inside the probe: PostgreSQL may answer the probe as one hash join over
    # every case carrying the word (295,000 for a common surname on 5 million cases, 136 ms), and
    # then only the walked window's rows go into the hash.
    inside = (CaseNameToken.case == Case.id) & (CaseNameToken.case > floor) & _prefix(word)
    if before_id is not None:
        inside &= CaseNameToken.case < before_id
    return pw.fn.EXISTS(CaseNameToken.select(pw.SQL("1")).where(inside))


def matching_case_ids(words: list[str], office: str | None, limit: int, before_id: int | None = None) -> list[int]:
    """Ids of the newest cases (below `before_id`) whose name has a word starting with each of
    `words` (already folded), at most `limit`."""
    # A word typed longer than a stored token (names keep TOKEN_MAX letters a word) still finds it.
    words = [w[:TOKEN_MAX] for w in words]
    counts = sorted((_count_capped(w), w) for w in words)
    if counts[0][0] == 0:
        return []
    if counts[0][0] < SELECTIVE_CAP:
        # The rarest word's rows first, each other word probed per case on (case, token).
        driver = CaseNameToken.alias("d")
        col = pw.NodeList((driver.token, pw.SQL('COLLATE "C"'))) if is_postgres() else driver.token
        first = counts[0][1]
        query = (
            driver.select(driver.case)
            .where((pw.Expression(col, ">=", first)) & (pw.Expression(col, "<", _upper(first))))
            .distinct()
        )
        for _, other in counts[1:]:
            probe = CaseNameToken.select(pw.SQL("1")).where((CaseNameToken.case == driver.case) & _prefix(other))
            query = query.where(pw.fn.EXISTS(probe))
        if before_id is not None:
            query = query.where(driver.case < before_id)
        ids = sorted((cid for (cid,) in query.tuples()), reverse=True)
        if office and ids:
            ids = [
                cid
                for (cid,) in Case.select(Case.id)
                .where(Case.id.in_(ids) & (Case.office == office))
                .order_by(Case.id.desc())
                .limit(limit)
                .tuples()
            ]
        return ids[:limit]
    # Every word is common: walk the newest cases, a bounded number of them.
    newest = Case.select(Case.id).order_by(Case.id.desc()).limit(1).scalar() or 0
    floor = max(0, (before_id or newest + 1) - WALK_CAP)
    query = Case.select(Case.id).where(Case.id > floor)
    if before_id is not None:
        query = query.where(Case.id < before_id)
    if office:
        query = query.where(Case.office == office)
    for _, word in counts:
        query = query.where(_has_word(word, floor, before_id))
    return [cid for (cid,) in query.order_by(Case.id.desc()).limit(limit).tuples()]
