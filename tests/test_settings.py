"""Spec §8 settings; production refuses what would make it unsafe."""

import os
import subprocess
import sys

import pytest
from pydantic import ValidationError

from server.settings import Settings
from server.wiring import build_runtime


def test_defaults_are_the_spec_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("WALLET_"):
            monkeypatch.delenv(name)
    settings = Settings()

    assert (settings.env, settings.database_url, settings.sms_backend, settings.payout_backend,
            settings.payout_settle_seconds, settings.worker_interval_seconds,
            settings.recovery_days, settings.captcha_test_answer) == (
        "development", "sqlite://wallet.sqlite3", "console", "simulated", 5, 5, 15, None)


@pytest.mark.parametrize("backend", ["console", "file"])
def test_production_refuses_an_sms_backend_that_writes_codes_out(backend: str) -> None:
    with pytest.raises(ValidationError, match="WALLET_SMS_BACKEND=webhook"):
        Settings(env="production", secret_key="k" * 32, sms_backend=backend, sms_file="x")


def test_production_needs_a_secret() -> None:
    with pytest.raises(ValidationError, match="WALLET_SECRET_KEY is required"):
        Settings(env="production")


def test_production_refuses_a_captcha_test_answer() -> None:
    with pytest.raises(ValidationError, match="WALLET_CAPTCHA_TEST_ANSWER"):
        Settings(env="production", secret_key="k" * 32, captcha_test_answer="TEST")


def test_development_uses_the_captcha_test_answer_and_a_kept_secret(
        tmp_path: os.PathLike, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    first = build_runtime(Settings(captcha_test_answer="TEST"))
    second = build_runtime(Settings())

    assert first.captcha_test_answer == "TEST"
    assert first.secret == second.secret and len(first.secret) == 64


def test_the_recovery_window_comes_from_settings() -> None:
    assert Settings(recovery_days=0).rules().recovery_window.days == 0


def test_the_server_refuses_to_start_in_production_with_a_test_answer() -> None:
    env = {**os.environ, "WALLET_ENV": "production", "WALLET_SECRET_KEY": "k" * 32,
           "WALLET_CAPTCHA_TEST_ANSWER": "TEST"}
    result = subprocess.run([sys.executable, "-m", "server.cli", "serve"], env=env,
                            capture_output=True, text=True, timeout=60, check=False)

    assert result.returncode == 2
    assert "refusing to start" in result.stderr
