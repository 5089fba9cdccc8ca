"""The shape of a guide: what a good answer to one question template contains.

A guide is ``(key_points, misconceptions)``. Key points are written as a correct answer states
them (2–4 checkable sentences), misconceptions as a wrong or weak answer states them (1–2), so
the interview assessment's judge (``workers.interviews.assessment.judge``) can match an answer's
sentences to either. A template's placeholders ({skill}, {db}, {title}, …) may appear in its
guide; the generator fills them with the same names as the question.
"""

from __future__ import annotations

Guide = tuple[tuple[str, ...], tuple[str, ...]]
