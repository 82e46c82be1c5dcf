"""The Starlette application: the endpoints (server/endpoint.py) at /graphql and
/staff/graphql, the other routes, the middleware, and the ORM in the lifespan."""

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount, Route
from tortoise.contrib.starlette import RegisterTortoise
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from server import graphiql, observability, routes, tracing
from server.database import tortoise_config
from server.endpoint import MAX_BODY_BYTES, BodySizeLimit, CustomerEndpoint, StaffEndpoint
from server.settings import Settings
from server.wiring import build_worker
from server.worker import Worker
from services.runtime import Runtime

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider


def create_app(
    settings: Settings,
    runtime: Runtime,
    *,
    worker: Worker | None = None,
    manage_orm: bool = True,
    tracer_provider: "TracerProvider | None" = None,
) -> Starlette:
    """`manage_orm=False` when the caller (a test) owns the Tortoise setup; with a
    `tracer_provider` (server/tracing.py), every request has its span."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            stack.callback(observability.access_lines.flush)  # the last lines, at the end
            if manage_orm:
                await stack.enter_async_context(
                    RegisterTortoise(app, config=tortoise_config(settings.database_url))
                )
            if worker is not None:
                task = asyncio.create_task(worker.run_forever())
                stack.callback(task.cancel)
            # What is loaded by now (schemas, models, routes) lives as long as the process:
            # kept out of the collector's full passes, which otherwise stall requests (p99).
            gc.collect()
            gc.freeze()
            yield

    scrape = observability.metrics_endpoint(runtime)
    listener = settings.metrics_listener
    endpoints: list[BaseRoute] = [
        Route(
            "/graphql",
            CustomerEndpoint(
                runtime,
                production=settings.production,
                trusted_only=settings.trusted_documents_on,
                public_url=str(settings.public_url).rstrip("/") if settings.public_url else None,
            ),
        ),
        Route("/health", observability.livez),  # the first release's name
        Route("/livez", observability.livez),
        Route("/readyz", observability.readyz),
        # In production /metrics is on the metrics listener only (MetricsListener).
        *([] if settings.production else [Route("/metrics", scrape)]),
        *(
            [Route("/staff/graphql", StaffEndpoint(runtime, production=settings.production))]
            if settings.staff_api_on
            else []
        ),
        Route(
            "/payouts/callback",
            routes.payout_callback(runtime, settings.payout_secret()),
            methods=["POST"],
        ),
        Route("/exports/{export_id}/download", routes.export_download(runtime)),
        Route("/certificates/{certificate_id}", routes.certificate_download(runtime, pdf=False)),
        Route("/certificates/{certificate_id}/pdf", routes.certificate_download(runtime, pdf=True)),
        Route("/.well-known/closure-certificate-keys.json", routes.certificate_keys),
    ]
    if not settings.production:
        endpoints.append(Mount("/static/graphiql", graphiql.assets()))
    proxies = [p.strip() for p in settings.trusted_proxies.split(",") if p.strip()]
    middleware = []
    if proxies:  # the client's address (limits, logs) from X-Forwarded-For only when the
        # peer is one of the trusted proxies; a forged header from anyone else changes nothing
        middleware.append(Middleware(ProxyHeadersMiddleware, trusted_hosts=proxies))
    if listener:  # scrapes are neither traced nor access-logged
        metrics = Route("/metrics", scrape)
        middleware.append(
            Middleware(observability.MetricsListener, port=listener[1], metrics=metrics)
        )
    if tracer_provider:
        from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

        middleware.append(
            Middleware(
                OpenTelemetryMiddleware,
                tracer_provider=tracer_provider,
                exclude_spans=["receive", "send"],
            )
        )
    middleware += [
        Middleware(observability.RequestContext, access_log=settings.access_log),
        Middleware(BodySizeLimit, limit=MAX_BODY_BYTES),
    ]
    return Starlette(routes=endpoints, lifespan=lifespan, middleware=middleware)


def serving_app(settings: Settings, runtime: Runtime, *, with_worker: bool) -> Starlette:
    """The app `serve` runs: with the background worker in the same process, unless not."""
    worker = build_worker(settings, runtime) if with_worker else None
    if worker is not None:
        runtime.wake_worker = worker.wake
    return create_app(settings, runtime, worker=worker, tracer_provider=tracing.start(settings))
