"""Interview intelligence (seed 004): accepting recordings (media probe, credits, submission),
the job's recorded states and views, and the workers' model status, one module each.

The web process only probes and stores recordings; transcription, diarization and assessment run
in the workers, which record their progress through ``jobs.transition/complete/fail``.
"""
