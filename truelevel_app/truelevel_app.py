"""The truelevel web app. The REST API is mounted on Reflex's backend; the pages register
themselves with ``@rx.page`` when their modules are imported below."""

import reflex as rx

from backend.api import create_api
from truelevel_app.pages import (  # noqa: F401 (imported for their pages)
    account,
    api_keys,
    assessment_compare,
    assessments,
    audit_log,
    auth,
    billing,
    candidate_landing,
    candidate_profile,
    candidates,
    dashboard,
    evaluation_report,
    evaluations,
    interview_report,
    interview_session,
    interviews,
    issues,
    jobs,
    members,
    model_status,
    password_links,
    rubric_page,
    rubrics,
    settings,
    shared_report,
    webhooks,
)

app = rx.App(
    api_transformer=create_api(),
    style={"font_family": "var(--default-font-family)"},
)
