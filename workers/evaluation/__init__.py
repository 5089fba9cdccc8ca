"""The evaluation engine: code analysers and interview assessment, run by the workers."""
