"""Hiring pipeline services (seed 003): jobs, candidates, applications, questions, question
generation, tenant webhooks, resume files and the shared page/size pagination.

Every function takes a session and keyword-only arguments, filters by ``org_id`` (a foreign id
is reported exactly like a missing one) and raises ``backend.services.errors`` exceptions."""
