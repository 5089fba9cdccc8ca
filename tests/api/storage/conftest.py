from __future__ import annotations

import pytest


@pytest.fixture()
def settings_env():
    """Set ``TRUELEVEL_*`` settings for one test: ``settings_env(ORG_STORAGE_QUOTA_MB="1")``."""
    from backend.settings import get_settings

    mp = pytest.MonkeyPatch()

    def apply(**values: str) -> None:
        for name, value in values.items():
            mp.setenv(f"TRUELEVEL_{name}", value)
        get_settings.cache_clear()

    yield apply
    mp.undo()
    get_settings.cache_clear()
