"""`wallet-closure`: the server, its worker and its maintenance commands.

The web stack and the schema are imported by the commands that use them, so that the others
(`migrate`, `staff`, `verify-audit`, ...) start in a second less."""

import argparse
import asyncio
import contextlib
import json
import os
import socket
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError
from tortoise import Tortoise

from models import StaffAuditEntry, StaffRole
from server import database, demo, diagrams, wiring
from server.observability import configure_logging
from server.settings import Settings
from server.wiring import build_runtime, build_worker
from services.errors import DomainError
from services.messages import message
from services.money import ledger
from services.notify import outbox
from services.records import audit, certificates, purge
from services.runtime import Runtime
from services.support import staff

T = TypeVar("T")


async def _with_orm(settings: Settings, work: Callable[[], Awaitable[T]]) -> T:
    await Tortoise.init(config=database.tortoise_config(settings.database_url))
    try:
        return await work()
    finally:
        await Tortoise.close_connections()


def _port_is_free(host: str, port: int) -> bool:
    """Binds as uvicorn will: with SO_REUSEADDR, so that the connections a crashed server
    left in TIME_WAIT do not keep it from coming back at once."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


UVICORN_OPTIONS: dict[str, Any] = {
    "log_config": None,  # configure_logging's
    # Forwarded headers are believed from WALLET_TRUSTED_PROXIES only (create_app), never
    # from uvicorn's default of 127.0.0.1.
    "proxy_headers": False,
    "access_log": False,  # RequestContext writes each request's line
    "server_header": False,  # no answer says what software it runs on
}


def serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from server.app import serving_app

    listener = settings.metrics_listener
    for host, port in [(args.host, args.port), *([listener] if listener else [])]:
        if not _port_is_free(host, port):
            print(
                f"wallet-closure: port {port} on {host} is in use; stop what uses it, or "
                f"choose another port: `make run PORT={port + 1}` or "
                f"`wallet-closure serve --port {port + 1}` (WALLET_METRICS_ADDRESS for "
                "the metrics listener)",
                file=sys.stderr,
            )
            return 2
    if args.workers > 1 and not database.is_postgres(settings.database_url):
        print(
            "wallet-closure: --workers needs PostgreSQL; SQLite mode is one process",
            file=sys.stderr,
        )
        return 2
    if args.demo_data and _no_demo_here(settings):
        return 2
    asyncio.run(database.migrate(settings.migration_url))
    runtime = build_runtime(settings)
    if args.demo_data:
        _load_demo(settings, runtime)
    print(f"GraphQL at http://{args.host}:{args.port}/graphql")
    if listener:
        print(f"metrics at http://{listener[0]}:{listener[1]}/metrics")
    config = uvicorn.Config(
        # each of several processes builds its own app (and worker) from the settings
        "server.asgi:app"
        if args.workers > 1
        else serving_app(settings, runtime, with_worker=not args.no_worker),
        factory=args.workers > 1,
        workers=args.workers,
        host=args.host,
        port=args.port,
        log_level="info",
        **UVICORN_OPTIONS,
    )
    # One server on both sockets: the app tells the metrics listener's requests by the port
    # they came in on (server/observability.py).
    sockets = [config.bind_socket(), *([_bind(*listener)] if listener else [])]
    server = uvicorn.Server(config)
    if args.workers == 1:
        with contextlib.suppress(KeyboardInterrupt):
            server.run(sockets=sockets)
        return 0 if server.started else 3  # 3: the app did not start, as uvicorn says it
    os.environ["WALLET_IN_PROCESS_WORKER"] = "false" if args.no_worker else "true"
    with tempfile.TemporaryDirectory(prefix="wallet-metrics-") as counters:
        # Each process counts into files there, and a scrape of any one adds them all up.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = counters
        with contextlib.suppress(KeyboardInterrupt):
            Multiprocess(config, sockets=sockets).run()
    return 0


def _bind(host: str, port: int) -> socket.socket:
    listening = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listening.bind((host, port))
    listening.set_inheritable(True)
    return listening


def work(settings: Settings, _: argparse.Namespace) -> int:
    import uvloop

    from server import tracing

    asyncio.run(database.migrate(settings.migration_url))  # it may start before any `serve`
    runtime = build_runtime(settings)
    worker = build_worker(settings, runtime)
    tracing.start(settings)  # its jobs' spans, when traces are configured
    with contextlib.suppress(KeyboardInterrupt):  # on uvloop, as `serve` runs under uvicorn
        uvloop.run(_with_orm(settings, worker.run_forever))
    return 0


def migrate(settings: Settings, _: argparse.Namespace) -> int:
    asyncio.run(database.migrate(settings.migration_url))
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


def _no_demo_here(settings: Settings) -> bool:
    """Demo customers and desk users have published passwords: never in production."""
    if settings.production:
        print(
            "wallet-closure: no demo data in production: its accounts and desk users have "
            "published passwords (add desk users with `wallet-closure staff add`)",
            file=sys.stderr,
        )
    return settings.production


def demo_data(settings: Settings, _: argparse.Namespace) -> int:
    if _no_demo_here(settings):
        return 2
    asyncio.run(database.migrate(settings.migration_url))
    _load_demo(settings, build_runtime(settings))
    return 0


def _load_demo(settings: Settings, runtime: Runtime) -> None:
    async def load() -> tuple[list[str], list[tuple[str, str, str, str]]]:
        return await demo.load(runtime), await demo.load_staff(runtime)

    created, staff_users = asyncio.run(_with_orm(settings, load))
    print(
        f"demo accounts created: {', '.join(created)}" if created else "demo accounts already there"
    )
    print(
        "demo staff users (/staff/graphql; TOTP secret for an authenticator app, or "
        "python -c \"import pyotp; print(pyotp.TOTP('SECRET').now())\"):"
    )
    for username, role, password, secret in staff_users:
        print(f"  {username:<12} {role:<11} {password:<13} TOTP secret {secret}")


Anchor = tuple[int, str] | None
EMPTY_CHAIN = f"0:{audit.GENESIS}"


def _head(text: str) -> Anchor:
    seq, _, digest = text.partition(":")
    if not seq.isdigit() or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not SEQ:HASH+SEQ:HASH (the `head:` line of an earlier verify-audit)"
        )
    return (int(seq), digest) if int(seq) else None


def _anchor(text: str) -> tuple[Anchor, Anchor]:
    """The customers' and the staff chain's heads as `verify-audit` prints them,
    SEQ:HASH+SEQ:HASH; a lone SEQ:HASH (as the second release printed it) anchors the
    customers' chain only."""
    customers, _, desk = text.partition("+")
    return _head(customers), _head(desk) if desk else None


def verify_audit(settings: Settings, args: argparse.Namespace) -> int:
    customers_anchor, desk_anchor = args.anchor or (None, None)

    async def both() -> tuple[audit.Verification, audit.Verification]:
        return (
            await audit.verify_chain(settings.secret(), anchor=customers_anchor),
            await audit.verify_chain(settings.secret(), anchor=desk_anchor, chain=StaffAuditEntry),
        )

    customers, desk = asyncio.run(_with_orm(settings, both))
    for b in customers.breaks:
        print(f"entry {b.seq}: {b.problem}")
    print("audit chain is broken" if customers.breaks else "audit chain verifies")
    for b in desk.breaks:
        print(f"staff entry {b.seq}: {b.problem}")
    print("staff audit chain is broken" if desk.breaks else "staff audit chain verifies")
    heads = [
        f"{head[0]}:{head[1]}" if head else EMPTY_CHAIN for head in (customers.head, desk.head)
    ]
    print(f"head: {'+'.join(heads)}")
    return 1 if customers.breaks or desk.breaks else 0


def verify_ledger(settings: Settings, _: argparse.Namespace) -> int:
    """Every kept wallet balance against the sums of its ledger."""

    async def compare() -> list[str]:
        kept, summed = await ledger.kept_balances(), await ledger.summed_balances()
        zero = ledger.Balance(0, 0)
        return [
            f"account {account}: kept {kept.get(account, zero)}, ledger {summed.get(account, zero)}"
            for account in sorted({*kept, *summed}, key=str)
            if kept.get(account, zero) != summed.get(account, zero)
        ]

    asyncio.run(database.migrate(settings.migration_url))  # the kept rows came with 0009
    problems = asyncio.run(_with_orm(settings, compare))
    print("\n".join(problems) or "every wallet balance equals its ledger")
    return 1 if problems else 0


def scrub(settings: Settings, _: argparse.Namespace) -> int:
    # VACUUM FULL wants a session of its own: straight to PostgreSQL, past any PgBouncer.
    direct = settings.model_copy(update={"database_url": settings.migration_url})
    asyncio.run(_with_orm(direct, purge.rewrite_personal_data_tables))
    print("personal-data tables rewritten")
    return 0


def outbox_command(settings: Settings, _: argparse.Namespace) -> int:
    """The SMS that expired undelivered (the gateway was down past their deadline)."""
    expired = asyncio.run(_with_orm(settings, outbox.overdue))
    for sms in expired:
        print(
            f"{sms.id}\t{sms.created_at.isoformat()}\t{sms.purpose}\t"
            f"attempts={sms.attempts}\t{sms.last_error or ''}"
        )
    print(f"{len(expired)} SMS expired undelivered")
    return 1 if expired else 0


def state_diagrams(_: Settings, __: argparse.Namespace) -> int:
    sys.stdout.write(diagrams.document())
    return 0


def export_schema(_: Settings, args: argparse.Namespace) -> int:
    from schema.api import build_schema
    from schema.staff.api import build_staff_schema

    schema = build_staff_schema() if args.staff else build_schema()
    sys.stdout.write(schema.as_str() + "\n")
    return 0


def export_operations(_: Settings, args: argparse.Namespace) -> int:
    from schema import documents

    manifest = documents.manifest(Path(args.contract).read_text())
    sys.stdout.write(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return 0


def trusted_documents(settings: Settings, args: argparse.Namespace) -> int:
    """`trusted-documents add FILE --app --version | list | retire --app --version`: the app
    builds' persisted documents that every serve of this deployment runs."""
    from schema import documents
    from schema.api import build_schema
    from schema.strawberry_private import graphql_schema
    from server import trusted

    asyncio.run(database.migrate(settings.migration_url))
    now = build_runtime(settings).clock.now()
    if args.action == "list":
        found = asyncio.run(_with_orm(settings, trusted.versions))
        print("app\tversion\tdocuments\tadded\tretired")
        for v in found:
            print(
                f"{v.app}\t{v.version}\t{v.documents}\t{v.added_at.isoformat()}\t"
                f"{v.retired_at.isoformat() if v.retired_at else '-'}"
            )
        return 0
    if not (args.app and args.version):
        print(
            f"wallet-closure trusted-documents {args.action}: needs --app and --version",
            file=sys.stderr,
        )
        return 2
    if args.action == "retire":
        retired = asyncio.run(
            _with_orm(settings, lambda: trusted.retire(app=args.app, version=args.version, now=now))
        )
        print(
            f"{args.app} {args.version} retired"
            if retired
            else f"no registered version {args.app} {args.version}"
        )
        return 0 if retired else 1
    if not args.file:
        print("wallet-closure trusted-documents add: needs the manifest FILE", file=sys.stderr)
        return 2
    text = Path(args.file).read_text()
    try:
        count = asyncio.run(
            _with_orm(
                settings,
                lambda: trusted.add(
                    graphql_schema(build_schema()),
                    text,
                    app=args.app,
                    version=args.version,
                    now=now,
                ),
            )
        )
    except documents.ManifestRefused as refused:
        for problem in refused.problems:
            print(f"refused: {problem}", file=sys.stderr)
        print("nothing registered", file=sys.stderr)
        return 1
    print(
        f"{args.app} {args.version}: {count} documents registered (every serve runs them "
        f"within {trusted.REFRESH_SECONDS:.0f} s)"
    )
    return 0


def certificate_keys(settings: Settings, _: argparse.Namespace) -> int:
    """`certificate-keys rotate`: a new signing key; the old public keys stay published."""
    asyncio.run(database.migrate(settings.migration_url))
    runtime = build_runtime(settings)
    key = asyncio.run(_with_orm(settings, lambda: certificates.rotate(runtime)))
    print(f"signing with key {key.id}; every earlier key stays in the JWKS")
    return 0


def verify_certificate(settings: Settings, args: argparse.Namespace) -> int:
    """The offline check a bank or a court makes: the JWS against the published keys (a JWKS
    file, or this deployment's own keys)."""
    token = Path(args.file).read_text().strip()
    if args.keys:
        key_set = json.loads(Path(args.keys).read_text())
    else:
        key_set = asyncio.run(_with_orm(settings, certificates.key_set))
    try:
        checked = certificates.check(token, key_set)
    except certificates.NotValid as refused:
        print(f"not valid: {refused}")
        return 1
    print(
        f"valid {checked.claims.get('kind', '?').lower()} certificate, signed with key "
        f"{checked.key_id}"
    )
    print(json.dumps(checked.claims, indent=2, ensure_ascii=False))
    return 0


def staff_command(settings: Settings, args: argparse.Namespace) -> int:
    asyncio.run(database.migrate(settings.migration_url))
    runtime = build_runtime(settings)
    if args.action == "disable":
        ended = asyncio.run(_with_orm(settings, lambda: staff.disable(runtime, args.username)))
        print(f"{args.username} disabled" if ended else f"no active staff user {args.username}")
        return 0 if ended else 1
    password = sys.stdin.readline().rstrip("\n")

    async def add() -> str:
        user = await staff.add(
            runtime, username=args.username, password=password, role=StaffRole(args.role)
        )
        return staff.provisioning_uri(runtime, user)

    try:
        print(asyncio.run(_with_orm(settings, add)))
    except DomainError as error:
        print(
            f"wallet-closure staff add: {message(error.message_key, 'en', **error.params)}",
            file=sys.stderr,
        )
        return 2
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wallet-closure", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("serve", help="migrate, then serve GraphQL (and run the worker)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)",
    )
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument("--no-worker", action="store_true", help="leave background work to `worker`")
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes on this machine (PostgreSQL only; default 1)",
    )
    p.add_argument("--demo-data", action="store_true", help="load the demo accounts first")
    p.set_defaults(run=serve)
    commands.add_parser("worker", help="the background worker alone").set_defaults(run=work)
    commands.add_parser("migrate", help="apply the committed migrations").set_defaults(run=migrate)
    p = commands.add_parser("makemigrations", help="write a migration for model changes")
    p.add_argument("--name", default=None)
    p.add_argument("--check", action="store_true", help="exit 1 if the models have changes")
    p.set_defaults(run=makemigrations)
    commands.add_parser(
        "demo-data",
        help="create the demo accounts and desk users (idempotent)",
    ).set_defaults(run=demo_data)
    p = commands.add_parser("verify-audit", help="check the audit hash chain")
    p.add_argument(
        "--anchor",
        metavar="SEQ:HASH+SEQ:HASH",
        type=_anchor,
        help="a head printed earlier: also finds entries removed from the end of either chain",
    )
    p.set_defaults(run=verify_audit)
    commands.add_parser(
        "verify-ledger", help="check the kept balances against the ledger"
    ).set_defaults(run=verify_ledger)
    commands.add_parser(
        "scrub", help="rewrite the personal-data tables (PostgreSQL: VACUUM FULL)"
    ).set_defaults(run=scrub)
    commands.add_parser(
        "outbox", help="list SMS that expired undelivered (exit 1 if any)"
    ).set_defaults(run=outbox_command)
    p = commands.add_parser(
        "trusted-documents", help="register, list or retire an app build's persisted documents"
    )
    p.add_argument("action", choices=["add", "list", "retire"])
    p.add_argument(
        "file",
        nargs="?",
        help="add: Apollo's persisted query manifest or GraphQL "
        "Code Generator's persisted-documents.json",
    )
    p.add_argument("--app", help="the app, e.g. ios or android")
    p.add_argument("--version", help="the app build's version")
    p.set_defaults(run=trusted_documents)
    p = commands.add_parser("certificate-keys", help="rotate the certificates' signing key")
    p.add_argument("action", choices=["rotate"])
    p.set_defaults(run=certificate_keys)
    p = commands.add_parser("verify-certificate", help="check a certificate (JWS) offline")
    p.add_argument("file", help="the certificate as downloaded (the compact JWS)")
    p.add_argument("--keys", help="a JWKS file (default: this deployment's published keys)")
    p.set_defaults(run=verify_certificate)
    commands.add_parser(
        "state-diagrams", help="print docs/state-machines.md from the tables"
    ).set_defaults(run=state_diagrams)
    p = commands.add_parser("export-schema", help="print the GraphQL SDL")
    p.add_argument("--staff", action="store_true", help="the support desk's (/staff/graphql)")
    p.set_defaults(run=export_schema)
    p = commands.add_parser(
        "export-operations", help="print the trusted-documents manifest of a contract file"
    )
    p.add_argument("contract", nargs="?", default="../shared/contract/mobile-operations.graphql")
    p.set_defaults(run=export_operations)
    p = commands.add_parser("staff", help="support desk accounts")
    staff_actions = p.add_subparsers(dest="action", required=True)
    add = staff_actions.add_parser(
        "add", help="reads the password (one line) on stdin, prints the TOTP provisioning URI"
    )
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=[r.value for r in StaffRole])
    staff_actions.add_parser("disable", help="end the account and all its sessions").add_argument(
        "username"
    )
    p.set_defaults(run=staff_command)
    return parser


def setting_problems(error: ValidationError) -> list[str]:
    """Pydantic's report as one line per setting, each naming its variable."""
    lines = []
    for problem in error.errors():
        if problem["loc"]:
            lines.append(f"WALLET_{str(problem['loc'][0]).upper()}: {problem['msg']}")
        else:  # Settings.problems, already one per line
            lines += str(problem["msg"]).removeprefix("Value error, ").splitlines()
    return lines


# The commands that may make a database where there is none; the others say what they looked
# for instead of leaving an empty SQLite file (and a development secret) behind.
CREATE_A_DATABASE = {serve, migrate, demo_data}
NEED_NO_DATABASE = {state_diagrams, export_schema, export_operations, makemigrations}


def _missing_database(settings: Settings, args: argparse.Namespace) -> str | None:
    if args.run in CREATE_A_DATABASE | NEED_NO_DATABASE or (
        args.run is verify_certificate and args.keys
    ):
        return None
    url = settings.database_url
    if database.is_postgres(url) or not url.startswith("sqlite://"):
        return None
    path = url.removeprefix("sqlite://")
    if path == ":memory:" or Path(path).exists():
        return None
    return (
        f"no database at {Path(path).resolve()} (WALLET_DATABASE_URL={url}); run it where "
        "the database is, or `wallet-closure migrate` to make one"
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    configure_logging()
    try:
        settings = Settings()
    except ValidationError as error:
        print("wallet-closure: refusing to start:", file=sys.stderr)
        for line in setting_problems(error):
            print(f"  {line}", file=sys.stderr)
        return 2
    if missing := _missing_database(settings, args):
        print(f"wallet-closure: {missing}", file=sys.stderr)
        return 2
    if args.run in (serve, work) and (moved := wiring.private_parts_moved()):
        print("wallet-closure: refusing to start: an upgraded library moved", file=sys.stderr)
        for line in moved:
            print(f"  {line}", file=sys.stderr)
        return 2
    command: Callable[[Settings, argparse.Namespace], int] = args.run
    try:
        return command(settings, args)
    except Exception as error:
        if isinstance(error, OSError) and error.filename is not None:  # a file it was given
            print(f"wallet-closure: {error.filename}: {error.strerror}", file=sys.stderr)
            return 2
        if not database.is_unreachable(error):
            raise
        print(
            f"wallet-closure: cannot use the database at "
            f"{database.without_password(settings.database_url)}: {database.why(error)}",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
