"""The app the benchmark serves: the project's own `serve` app (server/asgi.py) with the
reference routes of bench/routes.py beside /graphql, in the same process and middleware.

    python -m uvicorn --factory bench.app:create   (tests/helpers.served(app=...) runs it so)
"""

from starlette.applications import Starlette

from bench.routes import routes
from server.app import serving_app
from server.observability import configure_logging
from server.settings import Settings
from server.wiring import build_runtime


def create() -> Starlette:
    configure_logging()
    settings = Settings()
    runtime = build_runtime(settings)
    app = serving_app(settings, runtime, with_worker=False)
    app.router.routes.extend(routes(runtime))
    return app
