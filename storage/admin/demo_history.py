"""A year of decided and closed cases for the demo store, so that processing times have figures.

Written straight into the tables as an archive would hold them (the rules in `storage.cases.rules` would
spend a bcrypt hash on each, and nobody logs in to a closed demo case): number from the shared
register, stage history from filing to decision to closing at believable dates, an unusable
password hash. Słupsk gets fewer than 20 of some kinds, so the demo also shows a group without
a figure.
"""

from __future__ import annotations

import datetime as dt
import random

from storage.case_numbers import compose
from storage.cases.name_search import index_rows
from storage.clock import today_in_warsaw, utcnow
from storage.db import write_transaction
from storage.models import Case, CaseNameToken, CaseNumberCounter, Clerk, StageHistory
from storage.text import surname_key

# Not a bcrypt hash: no password can ever match it.
NO_LOGIN = "!closed-demo-case"
# (case type, office, how many, typical days to decision)
GROUPS = (
    ("temp_work", "GDA", 48, 95),
    ("temp_work", "SLU", 24, 70),
    ("temp_family", "GDA", 30, 120),
    ("temp_family", "SLU", 9, 100),
    ("permanent", "GDA", 22, 150),
    ("card_exchange", "GDA", 26, 35),
    ("card_exchange", "SLU", 12, 30),
)
WAY = ("formal_check", "missing_documents", "authority_opinions", "evidence_review", "decision_issued", "closed")
MARK = "Archiwum demo"


def add_decided_history(rng: random.Random) -> int:
    """Add the archive once (a store that has it keeps it); returns the cases added."""
    with write_transaction():
        if Case.select().where(Case.applicant_name.startswith(MARK)).exists():
            return 0
        clerks = {c.office_id: c.id for c in Clerk.select().order_by(Clerk.id)}
        today = today_in_warsaw()
        added = 0
        for case_type, office, count, typical in GROUPS:
            for i in range(count):
                days = max(5, int(rng.gauss(typical, typical / 3)))
                decided_on = today - dt.timedelta(days=rng.randrange(3, 350))
                filed_on = decided_on - dt.timedelta(days=days)
                _add_case(rng, case_type, office, clerks[office], filed_on, decided_on, f"{MARK} {office} {i + 1}")
                added += 1
    return added


def _add_case(
    rng: random.Random, case_type: str, office: str, clerk_id: int, filed_on: dt.date, decided_on: dt.date, name: str
) -> None:
    year = filed_on.year
    CaseNumberCounter.insert(year=year, last_serial=0).on_conflict_ignore().execute()
    CaseNumberCounter.update(last_serial=CaseNumberCounter.last_serial + 1).where(
        CaseNumberCounter.year == year
    ).execute()
    serial = CaseNumberCounter.get(CaseNumberCounter.year == year).last_serial
    way = [stage for stage in WAY if stage != "missing_documents" or rng.random() < 0.4]
    # The stages before the decision share the days up to it; closing follows a few weeks later.
    span = (decided_on - filed_on).days
    cuts = sorted(rng.randrange(0, span + 1) for _ in range(way.index("decision_issued")))
    dates = [filed_on + dt.timedelta(days=c) for c in cuts] + [decided_on, decided_on + dt.timedelta(days=21)]
    moments = [dt.datetime.combine(day, dt.time(9 + rng.randrange(7), rng.randrange(60))) for day in dates]
    moments = [min(m, utcnow()) for m in moments]
    start = dt.datetime.combine(filed_on, dt.time(9, 30))
    case = Case.create(
        number=compose(year, serial),
        case_type=case_type,
        office=office,
        channel="in_person",
        filed_on=filed_on,
        applicant_name=name,
        surname_key=surname_key(name),
        password_hash=NO_LOGIN,
        stage="closed",
        stage_changed_at=moments[-1],
        deadline_on=filed_on + dt.timedelta(days=60),
        closed=True,
        created_by=clerk_id,
        created_at=start,
        updated_at=moments[-1],
    )
    CaseNameToken.insert_many(index_rows([(case.id, name)])).execute()
    StageHistory.insert_many(
        [{"case": case.id, "stage": "filed", "changed_at": start, "clerk": clerk_id}]
        + [{"case": case.id, "stage": s, "changed_at": m, "clerk": clerk_id} for s, m in zip(way, moments, strict=True)]
    ).execute()
