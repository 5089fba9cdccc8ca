"""The evaluation engine: the code analysers, run by the workers (interview assessment lives in
``workers.interviews.assessment``; the signal rules of both are in ``rules``)."""
