"""The app the benchmark serves: the project's own `serve` app (server/asgi.py) with the
reference routes of bench/routes.py beside /graphql, in the same process and middleware.

    PYTHONPATH=. python bench/app.py --port 8000
    (bench/side_by_side.sh and tests/helpers.served(bench=True) run it so)
"""

import argparse

import uvicorn
from starlette.applications import Starlette

from bench.routes import routes
from server.app import serving_app
from server.cli import UVICORN_OPTIONS
from server.observability import configure_logging
from server.settings import Settings
from server.wiring import build_runtime


def create() -> Starlette:
    configure_logging()
    settings = Settings()
    runtime = build_runtime(settings)
    app = serving_app(settings, runtime, with_worker=False)
    # Right after /graphql, the app's first route: neither pays for matching the others.
    app.router.routes[1:1] = routes(runtime)
    return app


def main() -> None:
    """`python bench/app.py [--host H] [--port P] [--no-worker]`: serves `create()` on a
    database that `wallet-closure migrate` (and `demo-data`) prepared, as `serve` would."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-worker", action="store_true", help="always so: bench serves reads")
    args = parser.parse_args()
    uvicorn.run(
        "bench.app:create",
        factory=True,
        host=args.host,
        port=args.port,
        **UVICORN_OPTIONS,
    )


if __name__ == "__main__":
    main()
