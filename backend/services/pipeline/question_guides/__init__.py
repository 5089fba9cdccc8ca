"""What a good answer contains, for every interview question template of the offline generator
(``backend.services.pipeline.question_generation``), keyed by the template's text.

One data module per kind of template: technical questions written for one skill
(``skill_specific``) or for any skill of a category (``by_category``); system design, problem
solving and role questions (``open_questions``); behavioural and leadership questions
(``behavioural``), whose guide is the structure of a good answer and the typical weak patterns.
"""

from __future__ import annotations

from backend.services.pipeline.question_guides.behavioural import BEHAVIOURAL
from backend.services.pipeline.question_guides.by_category import BY_CATEGORY
from backend.services.pipeline.question_guides.guide import Guide
from backend.services.pipeline.question_guides.open_questions import OPEN_QUESTIONS
from backend.services.pipeline.question_guides.skill_specific import SKILL_SPECIFIC

GUIDES: dict[str, Guide] = {**SKILL_SPECIFIC, **BY_CATEGORY, **OPEN_QUESTIONS, **BEHAVIOURAL}

__all__ = ["GUIDES", "Guide"]
