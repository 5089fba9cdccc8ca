"""Interview intelligence in the workers, in one place: the ML models of a worker process
(``loaded_models``), the job pipeline from recording or transcript to report (``pipeline``) and
the assessment of a speaker-labelled transcript (``assessment``)."""
