"""SQLModel tables. Importing this package registers every table on SQLModel.metadata."""

from backend.models.account_links import AccountLink, LinkPurpose
from backend.models.assessments import (
    Assessment,
    CandidateKey,
    CandidateSession,
    OssIssue,
    Rubric,
    SessionStatus,
)
from backend.models.ats import AtsConnection, AtsTestOrder
from backend.models.audit import AuditEvent
from backend.models.billing import BillingAccount, StripeEvent, SubscriptionStatus
from backend.models.erasure import ErasureRecord
from backend.models.evaluations import (
    Evaluation,
    EvaluationFingerprint,
    EvaluationUpload,
    SessionEvent,
)
from backend.models.installation import InstallationSecret
from backend.models.interviews import (
    CreditLedgerEntry,
    InterviewAnswer,
    InterviewCall,
    InterviewJob,
    InterviewJobEvent,
    SpeakerRoleConfirmation,
    WorkerModelState,
)
from backend.models.mail import OutboundEmail
from backend.models.organisation_settings import OrganisationSettings
from backend.models.organisations import ApiKey, ApiScope, Member, Organization, Role, WebSession
from backend.models.pipeline import (
    Application,
    Candidate,
    Job,
    Question,
    ScheduleSetting,
    TenantWebhook,
)
from backend.models.report_shares import ReportShare
from backend.models.storage_usage import StorageUsage, StoredObject
from backend.models.tenant_webhook_deliveries import TenantWebhookDelivery
from backend.models.throttling import SignInAttempt

__all__ = [
    "AccountLink",
    "ApiKey",
    "ApiScope",
    "Application",
    "Assessment",
    "AtsConnection",
    "AtsTestOrder",
    "AuditEvent",
    "BillingAccount",
    "Candidate",
    "CandidateKey",
    "CandidateSession",
    "CreditLedgerEntry",
    "ErasureRecord",
    "Evaluation",
    "EvaluationFingerprint",
    "EvaluationUpload",
    "InstallationSecret",
    "InterviewAnswer",
    "InterviewCall",
    "InterviewJob",
    "InterviewJobEvent",
    "Job",
    "LinkPurpose",
    "Member",
    "OrganisationSettings",
    "Organization",
    "OssIssue",
    "OutboundEmail",
    "Question",
    "ReportShare",
    "Role",
    "Rubric",
    "ScheduleSetting",
    "SessionEvent",
    "SessionStatus",
    "SignInAttempt",
    "SpeakerRoleConfirmation",
    "StorageUsage",
    "StoredObject",
    "StripeEvent",
    "SubscriptionStatus",
    "TenantWebhook",
    "TenantWebhookDelivery",
    "WebSession",
    "WorkerModelState",
]
