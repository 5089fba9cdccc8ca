"""Interview intelligence in the workers: the models of a process and the job pipeline."""
