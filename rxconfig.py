"""Reflex configuration, read from the same settings object as everything else."""

import reflex as rx

from backend.settings import get_settings

_settings = get_settings()

config = rx.Config(
    app_name="truelevel_app",
    db_url=_settings.sqlalchemy_url,
    frontend_port=_settings.port,
    backend_port=_settings.port,
    api_url=_settings.public_url,
    deploy_url=_settings.public_url,
    redis_url=_settings.redis_url or None,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[],
    disable_plugins=["reflex.plugins.sitemap.SitemapPlugin"],
)
