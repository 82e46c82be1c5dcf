"""Settings: the only place that reads the environment (spec §8)."""

import hashlib
import hmac
import re
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, HttpUrl, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.rules import Rules

DEV_SECRET_FILE = Path(".wallet-secret")
METRICS_ADDRESS = re.compile(r"(\[[0-9a-fA-F:]+\]|[\w.-]+):\d{1,5}")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WALLET_", extra="ignore")

    env: Literal["development", "production"] = "development"
    database_url: str = "sqlite://wallet.sqlite3"
    # PostgreSQL itself, when database_url leads through PgBouncer: for migrate and scrub.
    migration_database_url: str | None = None
    secret_key: SecretStr | None = None
    sms_backend: Literal["console", "file", "webhook"] = "console"
    sms_file: Path | None = None
    sms_webhook_url: HttpUrl | None = None
    captcha_test_answer: str | None = None
    payout_backend: Literal["simulated", "webhook"] = "simulated"
    payout_settle_seconds: float = 5
    payout_webhook_url: HttpUrl | None = None
    payout_webhook_secret: SecretStr | None = None
    worker_interval_seconds: float = 5
    in_process_worker: bool = True  # set by `serve --workers N --no-worker` for its processes
    sms_in_flight: int = 16
    sms_notice_deadline_hours: float = 48
    recovery_days: int = 15
    support_phone: str = "11185"
    support_hours: str = "8:00–20:00"
    staff_api: Literal["on", "off"] | None = None  # unset: on outside production
    trusted_documents: Literal["on", "off"] | None = None  # unset: on in production
    review_failed_logins: int = 5
    review_large_withdrawal_fen: int = 500_000
    certificate_issuer: str = "wallet-closure"
    password_failures_per_client: int = 300
    # Comma-separated addresses or CIDRs of the proxies in front: only from them is
    # X-Forwarded-For (the client's address) and X-Forwarded-Proto believed. Unset: none.
    trusted_proxies: str = ""
    # Where links in answers point (downloadUrl, pdfUrl), e.g. https://wallet.example.
    public_url: HttpUrl | None = None
    # One JSON line a request (wallet.access). Off where the proxy in front logs each request:
    # it is a tenth of the CPU a `Me` costs (docs/performance.md).
    access_log: bool = True
    # host:port of the listener that serves /metrics (in production the only one that does).
    metrics_address: str | None = None
    # OpenTelemetry's own variables, which turn traces on (server/tracing.py; the SDK reads
    # the rest of its variables itself).
    otlp_endpoint: Annotated[
        str | None,
        Field(
            validation_alias=AliasChoices(
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"
            )
        ),
    ] = None
    otel_sdk_disabled: Annotated[bool, Field(validation_alias="OTEL_SDK_DISABLED")] = False
    otel_traces_exporter: Annotated[str, Field(validation_alias="OTEL_TRACES_EXPORTER")] = "otlp"

    @property
    def migration_url(self) -> str:
        """Where migrations (and anything else that needs a session) connect."""
        return self.migration_database_url or self.database_url

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def trusted_documents_on(self) -> bool:
        if self.trusted_documents:
            return self.trusted_documents == "on"
        return self.production

    @property
    def tracing_on(self) -> bool:
        return bool(
            self.otlp_endpoint
            and not self.otel_sdk_disabled
            and self.otel_traces_exporter.strip().lower() != "none"
        )

    @property
    def metrics_listener(self) -> tuple[str, int] | None:
        """Where the metrics listener binds: WALLET_METRICS_ADDRESS, in production by default
        127.0.0.1:9464 (Prometheus's range for exporters); none in development unless set."""
        address = self.metrics_address or ("127.0.0.1:9464" if self.production else None)
        if address is None:
            return None
        host, _, port = address.rpartition(":")
        return host.strip("[]") or "127.0.0.1", int(port)

    @property
    def staff_api_on(self) -> bool:
        return self.staff_api == "on" if self.staff_api else not self.production

    @model_validator(mode="after")
    def _check(self) -> "Settings":
        problems = self.problems()
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def problems(self) -> list[str]:
        """Every setting that is wrong, one line each, naming its variable."""
        found, production = [], self.production
        if production and "database_url" not in self.model_fields_set:
            found.append(
                "WALLET_DATABASE_URL: production needs it set (postgres://...), never "
                "a SQLite file chosen by default"
            )
        if production and not self.secret_key:
            found.append("WALLET_SECRET_KEY: required in production")
        if production and self.captcha_test_answer:
            found.append("WALLET_CAPTCHA_TEST_ANSWER: must not be set in production")
        if production and self.sms_backend != "webhook":
            found.append(
                "WALLET_SMS_BACKEND: production sends SMS through a gateway: set it "
                "to webhook (console and file write codes and phone numbers out)"
            )
        if self.sms_backend == "file" and not self.sms_file:
            found.append("WALLET_SMS_FILE: WALLET_SMS_BACKEND=file needs it")
        if self.sms_backend == "webhook" and not self.sms_webhook_url:
            found.append("WALLET_SMS_WEBHOOK_URL: WALLET_SMS_BACKEND=webhook needs it")
        if self.payout_backend == "webhook" and not self.payout_webhook_url:
            found.append("WALLET_PAYOUT_WEBHOOK_URL: WALLET_PAYOUT_BACKEND=webhook needs it")
        if self.payout_backend == "webhook" and not self.payout_webhook_secret:
            found.append("WALLET_PAYOUT_WEBHOOK_SECRET: WALLET_PAYOUT_BACKEND=webhook needs it")
        if self.sms_in_flight < 1:
            found.append("WALLET_SMS_IN_FLIGHT: must be at least 1")
        if self.recovery_days < 0:
            found.append("WALLET_RECOVERY_DAYS: must be 0 or more")
        if self.worker_interval_seconds <= 0:
            found.append("WALLET_WORKER_INTERVAL_SECONDS: must be more than 0")
        if "pgbouncer=true" in self.database_url and not self.migration_database_url:
            found.append(
                "WALLET_MIGRATION_DATABASE_URL: WALLET_DATABASE_URL leads through "
                "PgBouncer (pgbouncer=true): migrations need PostgreSQL itself"
            )
        if self.metrics_address is not None and not METRICS_ADDRESS.fullmatch(self.metrics_address):
            found.append("WALLET_METRICS_ADDRESS: host:port, e.g. 127.0.0.1:9464")
        if not self.database_url.startswith(("sqlite://", "postgres://", "asyncpg://")):
            found.append("WALLET_DATABASE_URL: sqlite://... or postgres://...")
        return found

    def secret(self) -> bytes:
        """The configured key, or in development one kept beside the database."""
        if self.secret_key:
            return self.secret_key.get_secret_value().encode()
        if not DEV_SECRET_FILE.exists():
            DEV_SECRET_FILE.write_text(secrets.token_hex(32))
            DEV_SECRET_FILE.chmod(0o600)
        return DEV_SECRET_FILE.read_text().strip().encode()

    def payout_secret(self) -> bytes:
        """Signs what we send the bank and checks what it calls back with."""
        if self.payout_webhook_secret:
            return self.payout_webhook_secret.get_secret_value().encode()
        return hmac.new(self.secret(), b"payout-webhook", hashlib.sha256).digest()

    def rules(self) -> Rules:
        return Rules(
            recovery_window=timedelta(days=self.recovery_days),
            support_phone=self.support_phone,
            support_hours=self.support_hours,
            notice_deadline=timedelta(hours=self.sms_notice_deadline_hours),
            review_failed_logins=self.review_failed_logins,
            review_large_withdrawal_fen=self.review_large_withdrawal_fen,
            certificate_issuer=self.certificate_issuer,
            password_failures_per_client=self.password_failures_per_client,
        )
