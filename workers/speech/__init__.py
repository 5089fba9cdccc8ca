"""Speech pipeline: decoding, transcription and per-channel speaker attribution.

Only the workers import this package; it loads CTranslate2 models and must never reach the web
process.
"""
