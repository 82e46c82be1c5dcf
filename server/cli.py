"""`wallet-closure`: the server, its worker and its maintenance commands."""

import argparse
import asyncio
import contextlib
import logging
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

import uvicorn
from pydantic import ValidationError
from tortoise import Tortoise

from schema.api import build_schema
from server import database, demo
from server.app import create_app
from server.settings import Settings
from server.wiring import build_payouts, build_runtime, build_sms
from server.worker import Worker
from services.records import audit, purge

T = TypeVar("T")


async def _with_orm(settings: Settings, work: Callable[[], Awaitable[T]]) -> T:
    await Tortoise.init(config=database.tortoise_config(settings.database_url))
    try:
        return await work()
    finally:
        await Tortoise.close_connections()


def serve(settings: Settings, args: argparse.Namespace) -> int:
    asyncio.run(database.migrate(settings.database_url))
    runtime = build_runtime(settings)
    if args.demo_data:
        created = asyncio.run(_with_orm(settings, lambda: demo.load(runtime)))
        print(f"demo accounts: {', '.join(created) or 'already there'}")
    worker = None
    if not args.no_worker:
        worker = Worker(runtime, build_sms(settings), build_payouts(settings),
                        settings.worker_interval_seconds)
        runtime.wake_worker = worker.wake
    app = create_app(settings, runtime, worker=worker)
    print(f"GraphQL at http://{args.host}:{args.port}/graphql")
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0


def work(settings: Settings, _: argparse.Namespace) -> int:
    asyncio.run(database.migrate(settings.database_url))  # it may start before any `serve`
    runtime = build_runtime(settings)
    worker = Worker(runtime, build_sms(settings), build_payouts(settings),
                        settings.worker_interval_seconds)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_with_orm(settings, worker.run_forever))
    return 0


def migrate(settings: Settings, _: argparse.Namespace) -> int:
    asyncio.run(database.migrate(settings.database_url))
    print("database is up to date")
    return 0


def makemigrations(settings: Settings, args: argparse.Namespace) -> int:
    if args.check:
        pending = asyncio.run(database.pending_model_changes())
        print("\n".join(f"missing migration for {w.app_label}" for w in pending) or "no changes")
        return 1 if pending else 0
    written = asyncio.run(database.make_migrations(name=args.name))
    print("\n".join(written) or "no changes")
    return 0


def demo_data(settings: Settings, _: argparse.Namespace) -> int:
    asyncio.run(database.migrate(settings.database_url))
    created = asyncio.run(_with_orm(settings, lambda: demo.load(build_runtime(settings))))
    print(f"created: {', '.join(created)}" if created else "demo accounts already there")
    return 0


def verify_audit(settings: Settings, args: argparse.Namespace) -> int:
    anchor = None
    if args.anchor:
        seq, _, digest = args.anchor.partition(":")
        anchor = (int(seq), digest)
    result = asyncio.run(_with_orm(settings, lambda: audit.verify_chain(settings.secret(),
                                                                        anchor=anchor)))
    for b in result.breaks:
        print(f"entry {b.seq}: {b.problem}")
    print("audit chain is broken" if result.breaks else "audit chain verifies")
    if result.head:
        print(f"head: {result.head[0]}:{result.head[1]}")
    return 1 if result.breaks else 0


def scrub(settings: Settings, _: argparse.Namespace) -> int:
    asyncio.run(_with_orm(settings, purge.rewrite_personal_data_tables))
    print("personal-data tables rewritten")
    return 0


def export_schema(_: Settings, __: argparse.Namespace) -> int:
    sys.stdout.write(build_schema().as_str() + "\n")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wallet-closure", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("serve", help="migrate, then serve GraphQL (and run the worker)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-worker", action="store_true", help="leave background work to `worker`")
    p.add_argument("--demo-data", action="store_true", help="load the demo accounts first")
    p.set_defaults(run=serve)
    commands.add_parser("worker", help="the background worker alone").set_defaults(run=work)
    commands.add_parser("migrate", help="apply the committed migrations").set_defaults(run=migrate)
    p = commands.add_parser("makemigrations", help="write a migration for model changes")
    p.add_argument("--name", default=None)
    p.add_argument("--check", action="store_true", help="exit 1 if the models have changes")
    p.set_defaults(run=makemigrations)
    commands.add_parser("demo-data", help="create the demo accounts (idempotent)").set_defaults(
        run=demo_data)
    p = commands.add_parser("verify-audit", help="check the audit hash chain")
    p.add_argument("--anchor", metavar="SEQ:HASH",
                   help="a head printed earlier: also finds entries removed from the end")
    p.set_defaults(run=verify_audit)
    commands.add_parser("scrub", help="rewrite the personal-data tables (PostgreSQL: VACUUM FULL)"
                        ).set_defaults(run=scrub)
    commands.add_parser("export-schema", help="print the GraphQL SDL").set_defaults(
        run=export_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("tortoise").setLevel(logging.WARNING)
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"wallet-closure: refusing to start: {error}", file=sys.stderr)
        return 2
    return args.run(settings, args)


if __name__ == "__main__":
    sys.exit(main())
