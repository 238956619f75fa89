"""The tables, one module per room, all importable from here; only `storage` touches them (front ends get values)."""

from __future__ import annotations

from storage.models.accounts import Clerk, LoginThrottle
from storage.models.base import CHANNELS, ROLES, BaseModel, MultilingualLabel
from storage.models.cases import (
    AuditEvent,
    Case,
    CaseNameToken,
    CaseNumberCounter,
    Deficiency,
    OfficeMessage,
    PortalSession,
    ProcessingTime,
    StageHistory,
)
from storage.models.catalog import (
    CaseType,
    CaseTypeGuide,
    DeficiencyKind,
    Fee,
    InfoText,
    LegalAct,
    MessageTemplate,
    Office,
    RequiredDocument,
    Stage,
    VisitGroup,
    VisitGroupOffice,
    VisitRules,
)
from storage.models.delivery import (
    HEARTBEAT_CHANNELS,
    MAIL_STATES,
    OUTBOX_STATES,
    DeliveryHeartbeat,
    MailOutbox,
    SmsOutbox,
)
from storage.models.tables import ALL_MODELS
from storage.models.visits import SEAT_STATES, VISIT_STATES, Visit

__all__ = [
    "ALL_MODELS",
    "CHANNELS",
    "HEARTBEAT_CHANNELS",
    "MAIL_STATES",
    "OUTBOX_STATES",
    "ROLES",
    "SEAT_STATES",
    "VISIT_STATES",
    "AuditEvent",
    "BaseModel",
    "Case",
    "CaseNameToken",
    "CaseNumberCounter",
    "CaseType",
    "CaseTypeGuide",
    "Clerk",
    "Deficiency",
    "DeficiencyKind",
    "DeliveryHeartbeat",
    "Fee",
    "InfoText",
    "LegalAct",
    "LoginThrottle",
    "MailOutbox",
    "MessageTemplate",
    "MultilingualLabel",
    "Office",
    "OfficeMessage",
    "PortalSession",
    "ProcessingTime",
    "RequiredDocument",
    "SmsOutbox",
    "Stage",
    "StageHistory",
    "Visit",
    "VisitGroup",
    "VisitGroupOffice",
    "VisitRules",
]
