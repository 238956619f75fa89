"""The append-only audit trail: who did what and when. Details never carry personal data."""

from __future__ import annotations

import json
from typing import Any

from storage.models import AuditEvent, Case, Clerk


def record(action: str, clerk: Clerk | None, case: Case | None = None, actor: str | None = None, **detail: Any) -> None:
    """Write one audit row inside the caller's transaction."""
    AuditEvent.create(
        clerk=clerk,
        actor=actor or (clerk.login if clerk is not None else "system"),
        action=action,
        case=case,
        detail_json=json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str),
    )
