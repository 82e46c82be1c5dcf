"""Spec §8 settings; production refuses what would make it unsafe."""

import asyncio
import os
import subprocess
import sys

import pytest
from pydantic import ValidationError

from server.cli import setting_problems
from server.database import driver_url, migrate, tortoise_config
from server.settings import Settings
from server.wiring import build_runtime


def test_defaults_are_the_spec_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("WALLET_"):
            monkeypatch.delenv(name)
    settings = Settings()

    assert (
        settings.env,
        settings.database_url,
        settings.sms_backend,
        settings.payout_backend,
        settings.payout_settle_seconds,
        settings.worker_interval_seconds,
        settings.recovery_days,
        settings.captcha_test_answer,
    ) == ("development", "sqlite://wallet.sqlite3", "console", "simulated", 5, 5, 15, None)


PRODUCTION = {
    "env": "production",
    "secret_key": "k" * 32,
    "database_url": "postgres://db/w",
    "sms_backend": "webhook",
    "sms_webhook_url": "http://sms.test/send",
}


def problems(**settings: object) -> list[str]:
    """The lines `wallet-closure` prints for these settings."""
    try:
        Settings(**settings)  # type: ignore[arg-type]
    except ValidationError as error:
        return setting_problems(error)
    return []


@pytest.mark.parametrize("backend", ["console", "file"])
def test_production_refuses_an_sms_backend_that_writes_codes_out(backend: str) -> None:
    found = problems(**{**PRODUCTION, "sms_backend": backend, "sms_file": "x"})
    assert [line.split(":")[0] for line in found] == ["WALLET_SMS_BACKEND"]


def test_production_with_nothing_set_names_every_missing_setting_at_once() -> None:
    assert problems(**PRODUCTION) == []
    assert [line.split(":")[0] for line in problems(env="production")] == [
        "WALLET_DATABASE_URL",
        "WALLET_SECRET_KEY",
        "WALLET_SMS_BACKEND",
    ]
    assert [
        line.split(":")[0] for line in problems(sms_in_flight="many", recovery_days="a week")
    ] == ["WALLET_SMS_IN_FLIGHT", "WALLET_RECOVERY_DAYS"]


def test_production_never_falls_back_to_a_sqlite_file() -> None:
    found = problems(**{k: v for k, v in PRODUCTION.items() if k != "database_url"})
    assert found == [
        "WALLET_DATABASE_URL: production needs it set (postgres://...), never a "
        "SQLite file chosen by default"
    ]


def test_production_refuses_a_captcha_test_answer() -> None:
    assert [line.split(":")[0] for line in problems(**PRODUCTION, captcha_test_answer="T")] == [
        "WALLET_CAPTCHA_TEST_ANSWER"
    ]


def test_development_uses_the_captcha_test_answer_and_a_kept_secret(
    tmp_path: os.PathLike, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    first = build_runtime(Settings(captcha_test_answer="TEST"))
    second = build_runtime(Settings())

    assert first.captcha_test_answer == "TEST"
    assert first.secret == second.secret and len(first.secret) == 64


def test_the_recovery_window_comes_from_settings() -> None:
    assert Settings(recovery_days=0).rules().recovery_window.days == 0


def test_the_server_refuses_to_start_in_production_with_a_test_answer() -> None:
    env = {
        **os.environ,
        "WALLET_ENV": "production",
        "WALLET_SECRET_KEY": "k" * 32,
        "WALLET_CAPTCHA_TEST_ANSWER": "TEST",
    }
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "wallet-closure: refusing to start:",
        "  WALLET_DATABASE_URL: production needs it set (postgres://...), never a SQLite file "
        "chosen by default",
        "  WALLET_CAPTCHA_TEST_ANSWER: must not be set in production",
        "  WALLET_SMS_BACKEND: production sends SMS through a gateway: set it to webhook "
        "(console and file write codes and phone numbers out)",
    ]


def test_behind_pgbouncer_nothing_outlives_a_transaction() -> None:
    url = "postgres://wallet:pw@bouncer:6432/wallet?pgbouncer=true&maxsize=20"
    credentials = tortoise_config(url)["connections"]["default"]["credentials"]

    assert credentials["statement_cache_size"] == 0  # no prepared statement kept by asyncpg
    assert "pgbouncer" not in credentials and credentials["maxsize"] == "20"
    assert driver_url(url) == "postgres://wallet:pw@bouncer:6432/wallet"
    assert [line.split(":")[0] for line in problems(database_url=url)] == [
        "WALLET_MIGRATION_DATABASE_URL"
    ]
    direct = "postgres://wallet:pw@db:5432/wallet"
    settings = Settings(database_url=url, migration_database_url=direct)
    assert settings.migration_url == direct
    with pytest.raises(ValueError, match="WALLET_MIGRATION_DATABASE_URL"):
        asyncio.run(migrate(url))  # its session lock would land on a pooled connection
