"""An interview's length reads the same on the list and on its report."""

from __future__ import annotations

from types import SimpleNamespace

from truelevel_app.pages.interview_report import interview_length


def test_the_recording_length_wins_over_the_transcript_span():
    job = SimpleNamespace(duration_s=289.4)  # measured when the recording was accepted
    assert interview_length(job) == "04:49"
    assert interview_length(job, {"duration_s": 216.0}) == "04:49"  # the report agrees


def test_a_transcript_sent_as_text_has_only_its_span():
    job = SimpleNamespace(duration_s=None)
    assert interview_length(job, {"duration_s": 216.0}) == "03:36"
    assert interview_length(job) == "—"
