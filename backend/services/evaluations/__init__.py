"""Code evaluations (seed 000): submission, queries, the worker's lifecycle, fingerprints,
human review and result callbacks, one module each."""
