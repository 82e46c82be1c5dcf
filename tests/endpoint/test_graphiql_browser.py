"""GraphiQL as a person uses it, in headless Chromium (Debian's `chromium`, which `.ci/run`
installs): log in as a demo customer, run ClosureEligibility, read the answer on the page —
under a Content-Security-Policy that allows nothing but our own origin."""

import json
import re
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.helpers import served
from tests.operations import CLOSURE_ELIGIBILITY

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium")
LOGIN = (
    'mutation Login { loginWithPassword(input: {phone: "13800000002", '
    'password: "Demo-pass-2", deviceName: "GraphiQL"}) { token errors { code } } }'
)

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (.ci/run installs it)"),
    pytest.mark.own_sqlite,
]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with served(tmp_path) as (root, _):
        yield root


async def run_in_graphiql(browser, url: str, expect: str, problems: list[str]) -> str:
    """Opens the link in a fresh browser context (GraphiQL keeps its tabs per origin), runs
    the operation with the Run button and returns the response pane's text."""
    context = await browser.new_context()
    page = await context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    await page.goto(url)
    await page.click(".graphiql-execute-button")
    result = page.locator(".graphiql-response")
    await result.get_by_text(expect).first.wait_for(timeout=15_000)
    text = await result.inner_text()
    await context.close()
    return text


async def test_a_demo_customer_checks_closure_eligibility_in_graphiql(server: str) -> None:
    from playwright.async_api import async_playwright

    problems: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            answer = await run_in_graphiql(
                browser, f"{server}/graphql#{urlencode({'query': LOGIN})}", '"token"', problems
            )
            token = re.search(r'"token": "([^"]+)"', answer).group(1)
            eligibility = await run_in_graphiql(
                browser,
                f"{server}/graphql#"
                + urlencode(
                    {
                        "query": CLOSURE_ELIGIBILITY,
                        "headers": json.dumps(
                            {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
                        ),
                    }
                ),
                '"canClose"',
                problems,
            )
        finally:
            await browser.close()

    assert '"canClose": true' in eligibility
    assert "AUTO_PAY_ENDED" in eligibility
    assert [p for p in problems if "Content Security Policy" in p or "Refused" in p] == []


async def test_the_desk_page_keeps_its_own_tabs_and_history(server: str) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
            ],
        )
        try:
            context = await browser.new_context()  # one origin: one localStorage for both
            page = await context.new_page()
            await page.goto(f"{server}/graphql#{urlencode({'query': LOGIN})}")
            await page.click(".graphiql-execute-button")
            await (
                page.locator(".graphiql-response")
                .get_by_text('"token"')
                .first.wait_for(timeout=15_000)
            )
            await page.goto(f"{server}/staff/graphql")
            await page.locator(".graphiql-container").first.wait_for(timeout=15_000)
            editor = await page.locator(".graphiql-query-editor").first.inner_text()
            keys = await page.evaluate("Object.keys(window.localStorage)")
        finally:
            await browser.close()

    assert "staffLogin" in editor and "loginWithPassword" not in editor
    assert {k.split(":")[0] for k in keys} == {"wallet-closure-apps", "wallet-closure-staff"}


def test_the_page_and_its_assets_are_served_safely(server: str) -> None:
    page = urllib.request.urlopen(
        urllib.request.Request(f"{server}/graphql", headers={"accept": "text/html"}), timeout=10
    )
    script = urllib.request.urlopen(
        urllib.request.Request(
            f"{server}/static/graphiql/graphiql.min.js", headers={"accept-encoding": "gzip"}
        ),
        timeout=10,
    )

    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "'sha256-" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert (page.headers["x-frame-options"], page.headers["x-content-type-options"]) == (
        "DENY",
        "nosniff",
    )
    assert script.headers["content-encoding"] == "gzip"
    assert "max-age=31536000" in script.headers["cache-control"]
