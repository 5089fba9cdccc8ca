"""Whether the transcript's speakers can be scored: an interview needs an interviewer and a
candidate that can be told apart. When diarization found one voice, the interviewer's questions
would be scored as the candidate's answers; when the voices were not clearly apart, or the roles
are missing or look swapped, the wrong person would be scored. Either way the assessment is not
scored and asks for the roles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from workers.interviews.assessment.transcript import Segment, is_question

# The candidate asks at least this many more questions than the interviewer: swapped roles.
SWAPPED_MIN_QUESTIONS = 2


def role_problem(
    segments: Sequence[Segment],
    role_of: Mapping[str, str],
    *,
    confirmed: bool = False,
    doubt: str | None = None,
) -> str | None:
    """Why the speakers cannot be scored as they are, or None when they can (an empty transcript
    has nothing to mislabel and is scored as empty). ``confirmed``: a person confirmed the
    roles, so they are neither doubted nor judged swapped. ``doubt``: why the split into
    voices itself is uncertain (diarization could not tell the voices clearly apart)."""
    speakers = sorted({s.speaker for s in segments})
    if not speakers:
        return None
    if len(speakers) == 1:
        return (
            "Only one voice was found in the recording, so the interviewer's questions cannot "
            "be told apart from the candidate's answers."
        )
    roles = {role_of.get(s) for s in speakers}
    if "interviewer" not in roles or not (roles - {"interviewer"}):
        return "The recording's speakers could not be assigned to interviewer and candidate."
    if confirmed:
        return None
    if doubt:
        return doubt
    asked = {"interviewer": 0, "candidate": 0}
    for segment in segments:
        role = "interviewer" if role_of.get(segment.speaker) == "interviewer" else "candidate"
        asked[role] += sum(1 for part in segment.text.split("?")[:-1] if part.strip())
    if asked["candidate"] >= asked["interviewer"] + SWAPPED_MIN_QUESTIONS and not any(
        is_question(s.text) for s in segments if role_of.get(s.speaker) == "interviewer"
    ):
        return (
            "The speaker labelled as the candidate asks the questions, so the roles look swapped."
        )
    return None
