"""Code take-home evaluation: safe intake, analysers, sandboxed tests, scoring."""
