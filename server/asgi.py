"""`serve --workers N`: each uvicorn process builds its app from the environment."""

from starlette.applications import Starlette

from server.app import serving_app
from server.observability import configure_logging
from server.settings import Settings
from server.wiring import build_runtime


def app() -> Starlette:
    configure_logging()
    settings = Settings()
    return serving_app(settings, build_runtime(settings), with_worker=settings.in_process_worker)
