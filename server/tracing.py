"""Turns traces on when OpenTelemetry's standard OTEL_EXPORTER_OTLP_ENDPOINT (or
OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set: spans go out over OTLP/HTTP in batches, and the
SDK reads the other standard variables itself (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES,
OTEL_EXPORTER_OTLP_HEADERS, OTEL_TRACES_SAMPLER, ...). Unset, nothing is set up or exported.

Every HTTP request has its span (OpenTelemetry's ASGI middleware, wrapped around the app by
create_app), every statement through Tortoise its own (OpenTelemetry's Tortoise
instrumentation, on both databases); the rest are services.tracing's."""

from typing import TYPE_CHECKING

from server.settings import Settings
from services import tracing

if TYPE_CHECKING:  # the SDK is imported only when traces are on: every command starts faster
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter

NAME = "wallet-closure"


def start(settings: Settings, exporter: "SpanExporter | None" = None) -> "TracerProvider | None":
    """The tracer provider of this process, or None when tracing is not configured.
    `exporter` (a test's in-memory one) takes spans one by one instead of OTLP in batches."""
    if exporter is None and not settings.tracing_on:
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.tortoiseorm import TortoiseORMInstrumentor
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    resource = Resource.create()  # OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES
    if str(resource.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        resource = resource.merge(Resource({SERVICE_NAME: NAME}))
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(
        SimpleSpanProcessor(exporter) if exporter else BatchSpanProcessor(OTLPSpanExporter())
    )
    instrumentor = TortoiseORMInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument(tracer_provider=provider)
    tracing.turn_on(provider.get_tracer(NAME))
    return provider


def stop(provider: "TracerProvider") -> None:
    """Everything still buffered goes out; spans stop (a test's provider, at its end)."""
    from opentelemetry.instrumentation.tortoiseorm import TortoiseORMInstrumentor

    tracing.turn_on(None)
    TortoiseORMInstrumentor().uninstrument()
    provider.shutdown()
