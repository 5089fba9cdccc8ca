"""Interview assessment validity: known-answer interview scripts scored from text.

``python -m bench.interview_validity [--split held_out|tuning|all] [--engine-only-text]``

The corpus (``scripts/*.json``) holds, per role, questions with what a good answer contains (key
points, misconceptions, level descriptors) and, per question, a correct and specific answer, a
partly correct one, a wrong one (on topic but false), a vague one and a bare keyword list; a
correct answer to another question is made by swapping answers between two questions of a role.
Questions are split into a tuning part and a held-out part (``split`` in each question); figures
to quote come from the held-out part.

``--audio [--limit N] [--compare-vocabulary]`` gives the same figures from audio (``audio``):
each candidate's interview spoken by espeak-ng (one interviewer voice, three candidate voices)
and processed as an interview job processes an uploaded mono recording (transcription with the
job vocabulary, speakers by voice, the assessment), with the word error rate of each transcript.
A candidate the job does not score (one voice heard, roles unclear) is reported, left out of the
AUCs and maxima, and never counts as an advance. Without ``--audio``,
``corpus.Candidate.transcript()`` is the exact text with the speakers known.
"""
