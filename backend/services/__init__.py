"""The domain: plain keyword-only functions that take a session, one module per area."""
