"""The interview report's view models: small typed rows the state keeps and the views show."""

from __future__ import annotations

from typing import TypedDict


class EventRow(TypedDict):
    id: int
    status: str
    label: str
    detail: str
    at: str


class TranscriptLine(TypedDict):
    start: float
    end: float
    clock: str
    speaker: str
    role: str  # interviewer | candidate
    role_label: str  # "Interviewer" / "Candidate"
    text: str


class QuoteView(TypedDict):
    start: float
    clock: str
    who: str
    text: str


class ScoreView(TypedDict):
    name: str
    score: int
    scored: bool  # False: not scored, not enough evidence (score is 0 then)
    rationale: str
    quotes: list[QuoteView]


class ChartRow(TypedDict):
    label: str
    value: float


class FactView(TypedDict):
    label: str
    value: str


class JobSummary(TypedDict):
    id: str
    # The candidate's name (else email) when the interview came from a call, else the job title.
    heading: str
    candidate_email: str  # shown beneath a name; "" when unknown
    known_candidate: bool
    role_title: str
    status: str
    status_label: str
    detail: str
    source: str
    source_label: str
    profile_href: str  # the candidate's profile page ("" when their email is not known)
    terminal: bool
    failed: bool
    failure: str
    created: str
    finished: str
    credits: int
    duration: str
    has_result: bool
    # The recording: "available", "deleted" (retention) or "separate" (a browser interview's
    # answers are kept one file per question, played in the Answers card).
    audio: str
    audio_url: str
    # "Recording deleted on <date> (retention)." once deleted, else "".
    audio_deleted: str


class AssessmentView(TypedDict):
    summary: str
    recommendation: str
    recommendation_label: str
    proposal: bool  # the automated recommendation waits for a person
    reject_proposal: bool
    submittal_note: str
    versions: str


class ReviewView(TypedDict):
    reviewed: bool
    recommendation: str
    recommendation_label: str
    overridden: bool
    note: str
    reviewer: str
    at: str


def empty_summary() -> JobSummary:
    return JobSummary(
        id="",
        heading="",
        candidate_email="",
        known_candidate=False,
        role_title="",
        status="",
        status_label="",
        detail="",
        source="",
        source_label="",
        profile_href="",
        terminal=False,
        failed=False,
        failure="",
        created="",
        finished="",
        credits=0,
        duration="",
        has_result=False,
        audio="",
        audio_url="",
        audio_deleted="",
    )


def empty_assessment() -> AssessmentView:
    return AssessmentView(
        summary="",
        recommendation="",
        recommendation_label="",
        proposal=False,
        reject_proposal=False,
        submittal_note="",
        versions="",
    )


def empty_review() -> ReviewView:
    return ReviewView(
        reviewed=False,
        recommendation="",
        recommendation_label="",
        overridden=False,
        note="",
        reviewer="",
        at="",
    )
