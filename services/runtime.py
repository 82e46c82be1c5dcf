from collections.abc import Callable
from dataclasses import dataclass, field

from services.clock import Clock
from services.passwords import Passwords
from services.rules import Rules


@dataclass
class Runtime:
    """What the services need from outside, built once by the server (or a test)."""

    clock: Clock
    secret: bytes
    rules: Rules = field(default_factory=Rules)
    passwords: Passwords = field(default_factory=Passwords)
    # Outside production: accepted for every captcha, as captcha vendors publish test keys.
    captcha_test_answer: str | None = None
    # Called after a commit that queued notifications, so the worker sends them now.
    wake_worker: Callable[[], None] = lambda: None
