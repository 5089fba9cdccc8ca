"""Interview assessment: rubric competencies matched against a speaker-labelled transcript with
sentence embeddings, adjusted by measured conversation signals (see ``assessment``)."""
