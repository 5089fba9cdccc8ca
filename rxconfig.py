"""Reflex configuration, read from the same settings object as everything else."""

import reflex as rx
from reflex.constants import StateManagerMode
from reflex.plugins import RadixThemesPlugin, SitemapPlugin

from backend.settings import get_settings

_settings = get_settings()

# Page state holds the websocket's headers (the session cookie among them) and, for a moment, a
# just-created API key. Without Redis (one backend worker) keep it in memory rather than pickled
# to .states/ on disk; every page resolves the signed-in member from the cookie again, so a
# restart loses nothing that matters.
# With Redis, Reflex keeps state there (it needs to, with several workers).
_state_manager = {} if _settings.redis_url else {"state_manager_mode": StateManagerMode.MEMORY}

# No frontend_port/backend_port here: `make run` passes --frontend-port/--backend-port
# (TRUELEVEL_PORT), and a port set here makes `reflex run --backend-only` (web hosts of a cluster)
# and `--frontend-only` refuse to start ("Cannot specify --frontend-port when not running
# frontend").
config = rx.Config(
    app_name="truelevel_app",
    db_url=_settings.sqlalchemy_url,
    api_url=_settings.public_url,
    deploy_url=_settings.public_url,
    # Only the public URL's origin (and TRUELEVEL_CORS_ORIGINS): Reflex's default "*" with
    # credentials reflects any Origin, letting any site read answers with the user's cookies.
    cors_allowed_origins=_settings.allowed_origins,
    redis_url=_settings.redis_url or None,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[
        RadixThemesPlugin(
            theme=rx.theme(
                appearance="light",
                accent_color="indigo",
                gray_color="slate",
                radius="medium",
                scaling="100%",
            )
        ),
    ],
    disable_plugins=[SitemapPlugin],
    **_state_manager,
)
