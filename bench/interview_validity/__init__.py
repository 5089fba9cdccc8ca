"""Interview assessment validity: known-answer interview scripts scored from text.

``python -m bench.interview_validity [--split held_out|tuning|all] [--engine-only-text]``

The corpus (``scripts/*.json``) holds, per role, questions with what a good answer contains (key
points, misconceptions, level descriptors) and, per question, a correct and specific answer, a
partly correct one, a wrong one (on topic but false), a vague one and a bare keyword list; a
correct answer to another question is made by swapping answers between two questions of a role.
Questions are split into a tuning part and a held-out part (``split`` in each question); figures
to quote come from the held-out part.

Audio is not rendered here: ``corpus.Candidate.transcript()`` is the exact text with the speakers
known. The hook for the audio path is ``run.TranscriptSource``: pass a function that renders a
candidate to audio and returns the pipeline's transcript, and every figure is computed on it.
"""
