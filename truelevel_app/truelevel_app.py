"""The truelevel web app. The REST API is mounted on Reflex's backend."""

import reflex as rx

from backend.api import create_api

app = rx.App(
    api_transformer=create_api(),
    theme=rx.theme(appearance="light", accent_color="indigo", radius="medium"),
)


@rx.page(route="/", title="truelevel")
def index() -> rx.Component:
    return rx.center(rx.heading("truelevel"), height="100vh")
