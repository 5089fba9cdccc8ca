"""Validity of the code-evaluation verdict on real repositories of known quality
(``python -m bench.validity``; see shared/docs/validation.md)."""
