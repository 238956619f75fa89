"""Every table, in the order the schema creates them (a referenced table first)."""

from __future__ import annotations

from storage.models.accounts import Clerk, LoginThrottle
from storage.models.base import BaseModel
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
from storage.models.delivery import DeliveryHeartbeat, MailOutbox, SmsOutbox
from storage.models.visits import Visit

ALL_MODELS: list[type[BaseModel]] = [
    Office,
    Clerk,
    CaseType,
    Fee,
    DeficiencyKind,
    RequiredDocument,
    Stage,
    LegalAct,
    CaseTypeGuide,
    InfoText,
    CaseNumberCounter,
    Case,
    CaseNameToken,
    StageHistory,
    Deficiency,
    MessageTemplate,
    OfficeMessage,
    SmsOutbox,
    MailOutbox,
    AuditEvent,
    LoginThrottle,
    DeliveryHeartbeat,
    PortalSession,
    VisitGroup,
    VisitGroupOffice,
    VisitRules,
    Visit,
    ProcessingTime,
]
