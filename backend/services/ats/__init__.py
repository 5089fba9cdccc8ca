"""ATS assessment-partner integrations: an applicant tracking system lists an organisation's
assessments as tests, sends one to a candidate, and hears when the result is ready.

- ``orders``: what every ATS shares: a test order is a candidate key with an invite, the
  candidate's progress read from the key, its session and its evaluation, and the completion
  notice owed to the ATS (an outbox, sent by the ``ops`` workers).
- ``greenhouse``: Greenhouse's Assessment Partner contract (``list_tests``, ``send_test``,
  ``test_status``, the PATCH that tells Greenhouse a test is done).
- ``ashby``: Ashby's assessments partner contract (``assessment.list``, ``assessment.start``,
  ``assessment.cancel``, and ``assessment.update`` sent to Ashby).

Both authenticate the ATS with HTTP Basic: the username is one of the organisation's API keys
(scope ``assessments`` or ``all``), the password empty.
"""
