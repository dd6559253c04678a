"""The `catalog` command: serve, db upgrade, seed, import, org, token, export-schema.

A mistake a user can make is reported as one line on stderr, `catalog <command>: <what is
wrong>: <what to do>`, with an exit status from app/cli_errors.py; never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import json
import socket
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL

from app import export_command
from app.cli_errors import (
    EXIT_CONFIG,
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_PARTIAL,
    EXIT_SCHEMA,
    EXIT_SERVE,
    EXIT_USAGE,
    CliError,
    check_database_url,
    database_errors,
    shown,
)
from app.settings import Settings


def _version() -> str:
    try:
        return metadata.version("model-catalog")
    except metadata.PackageNotFoundError:
        return "unknown"


def _database(settings: Settings) -> URL:
    return check_database_url(settings.database_url)


def _require_schema(url: URL) -> None:
    """Refuses (EXIT_SCHEMA) unless the database answers and its schema is at head."""
    from app.db.engine import create_engine
    from app.db.revision import head_revision, schema_state

    if url.get_backend_name() == "sqlite" and not Path(url.database or "").exists():
        raise CliError(
            f"{shown(url)}: the database file does not exist yet (head is {head_revision()}): "
            "run `catalog db upgrade`",
            EXIT_SCHEMA,
        )

    async def state() -> str | None:
        engine = create_engine(url.render_as_string(hide_password=False))
        try:
            return (await schema_state(engine)).problem
        finally:
            await engine.dispose()

    with database_errors(url):
        problem = asyncio.run(state())
    if problem is not None:
        raise CliError(f"{shown(url)}: {problem}", EXIT_SCHEMA)


def _ready_database(settings: Settings) -> URL:
    url = _database(settings)
    _require_schema(url)
    return url


# --- serve -------------------------------------------------------------------------------


def uvicorn_options(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    """uvicorn.Config keyword arguments for `catalog serve` (besides the app)."""
    from app.observability.logs import serve_log_config

    trusted = list(settings.trusted_proxies)
    options: dict[str, Any] = {
        "workers": args.workers,
        "log_level": "info",
        # Every log line in CATALOG_LOG_FORMAT with the request id, secrets in query strings
        # redacted (in every worker).
        "log_config": serve_log_config(settings.log_format),
        # X-Forwarded-For / -Proto are believed only from CATALOG_TRUSTED_PROXIES (default none).
        "proxy_headers": bool(trusted),
        # uvloop and httptools: the C event loop and HTTP parser, not the pure-Python ones.
        "loop": "uvloop",
        "http": "httptools",
        # The app writes its own line per request (CATALOG_ACCESS_LOG), with more in it.
        "access_log": False,
    }
    if trusted:
        options["forwarded_allow_ips"] = trusted
    return options


def bind(host: str, port: int) -> socket.socket:
    """A bound, listening socket for host:port; else a CliError saying what to change."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror:
        raise CliError(
            f"cannot resolve --host {host!r}: use an address such as 127.0.0.1 or 0.0.0.0",
            EXIT_SERVE,
        ) from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            what = "is already in use: stop what listens there or choose another --port"
        elif exc.errno == errno.EACCES:
            what = "needs privileges this user lacks: choose a --port above 1023"
        elif exc.errno == errno.EADDRNOTAVAIL:
            what = "is not an address of this machine: use 127.0.0.1, 0.0.0.0 or one of its own"
        else:
            what = f"cannot be listened on ({exc.strerror or exc}): choose another --host/--port"
        raise CliError(f"{_host_port(host, port)} {what}", EXIT_SERVE) from None
    sock.set_inheritable(True)
    return sock


def _check_trusted_documents(settings: Settings) -> None:
    """A trusted documents directory that cannot be loaded stops `serve` before it binds."""
    from app.graphql.persisted import TrustedDocumentError, load_trusted

    try:
        load_trusted(settings.trusted_documents)
    except TrustedDocumentError as exc:
        raise CliError(f"{exc}: fix it, or unset CATALOG_TRUSTED_DOCUMENTS", EXIT_CONFIG) from None


def _host_port(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    if not 0 <= args.port <= 65535:
        raise CliError(f"--port {args.port} is not a port: use 1-65535", EXIT_INPUT)
    if args.workers < 1:
        raise CliError(f"--workers {args.workers}: use 1 or more", EXIT_INPUT)
    url = _ready_database(settings)
    _check_trusted_documents(settings)

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from app.observability.multiprocess import multiprocess_metrics

    config = uvicorn.Config("app.asgi:app", **uvicorn_options(args, settings))
    sock = bind(args.host, args.port)
    port = sock.getsockname()[1]
    print(
        f"GraphiQL: http://{_host_port(args.host, port)}/graphql (database: {shown(url)})",
        flush=True,
    )
    server = uvicorn.Server(config)
    # Before any worker starts: with several, /metrics adds up their values (files).
    with multiprocess_metrics(args.workers):
        try:
            if args.workers > 1:
                Multiprocess(config, sockets=[sock]).run()
                return 0
            server.run(sockets=[sock])
        finally:
            sock.close()
    if not server.started:
        raise CliError("the server did not start (see the log above)", EXIT_SERVE)
    return 0


# --- db, seed, import ----------------------------------------------------------------------


def _db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from alembic.util import CommandError

    from app.db.engine import create_engine
    from app.db.migrate import upgrade
    from app.db.revision import is_revision, known_revisions, schema_state

    revisions = ", ".join(known_revisions())
    if not is_revision(args.revision):
        raise CliError(
            f"unknown revision {args.revision!r}: leave it out for the head, or use one of "
            f"{revisions}",
            EXIT_INPUT,
        )
    url = _database(settings)

    async def state_now() -> tuple[str | None, str | None]:
        engine = create_engine(url.render_as_string(hide_password=False))
        try:
            state = await schema_state(engine)
        finally:
            await engine.dispose()
        unknown = state.current is not None and state.current not in known_revisions()
        return state.current, state.problem if unknown else None

    with database_errors(url):
        before, problem = asyncio.run(state_now())
        if problem is not None:
            raise CliError(f"{shown(url)}: {problem}", EXIT_SCHEMA)
        order = known_revisions()
        if (
            before is not None
            and before in order
            and args.revision in order
            and order.index(args.revision) < order.index(before)
        ):
            raise CliError(
                f"the database is at {before}, past {args.revision}: `catalog db upgrade` "
                "only goes forward (leave the revision out for the head)",
                EXIT_INPUT,
            )
        try:
            upgrade(url.render_as_string(hide_password=False), args.revision)
        except CommandError as exc:
            raise CliError(
                f"cannot upgrade to {args.revision!r} ({exc}): use one of {revisions}", EXIT_INPUT
            ) from None
        current, _ = asyncio.run(state_now())
    print(f"database at {current or 'base'} ({shown(url)})")
    return 0


def _seed(args: argparse.Namespace, settings: Settings) -> int:
    from app.commands.seed import load_seeds
    from app.db.engine import create_engine, create_sessionmaker

    seeds = Path(args.dir) if args.dir else settings.seeds_dir
    if not seeds.is_dir():
        raise CliError(
            f"seeds directory {seeds} does not exist: pass --dir a directory of seed files, "
            "or leave --dir out for the demo catalog",
            EXIT_INPUT,
        )
    url = _ready_database(settings)

    async def run() -> str:
        engine = create_engine(url.render_as_string(hide_password=False))
        try:
            report = await load_seeds(create_sessionmaker(engine), seeds)
        finally:
            await engine.dispose()
        return report.summary()

    try:
        with database_errors(url):
            summary = asyncio.run(run())
    except FileNotFoundError as exc:
        raise CliError(
            f"{seeds} has no {Path(exc.filename or '?').name}: pass --dir a directory with every "
            "seed file (see seeds/README.md)",
            EXIT_INPUT,
        ) from None
    except json.JSONDecodeError as exc:
        raise CliError(
            f"a seed file in {seeds} is not valid JSON (line {exc.lineno}: {exc.msg}): fix it",
            EXIT_INPUT,
        ) from None
    print(f"demo catalog loaded: {summary}")
    return 0


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from app.db.engine import create_engine, create_sessionmaker
    from app.importers import report as report_mod
    from app.importers import run
    from app.importers.progress import ProgressBar
    from app.importers.records import UnreadableSource
    from app.observability.multiprocess import ensure_directory as ensure_metrics_directory
    from app.observability.multiprocess import worker_stopped as metrics_process_done

    path = Path(args.path)
    if not path.exists():
        print(f"catalog import: {path}: no such file or directory", file=sys.stderr)
        return report_mod.EXIT_USAGE
    try:
        parsed = run.parse(args.source, path, args.observed_at)
    except run.UnknownSource as exc:
        print(f"catalog import: {exc}", file=sys.stderr)
        return report_mod.EXIT_USAGE
    except UnreadableSource as exc:
        print(f"catalog import: {exc.location}: {exc.reason}; nothing was written", file=sys.stderr)
        return report_mod.EXIT_UNREADABLE
    url = _ready_database(settings)
    ensure_metrics_directory()

    async def write() -> report_mod.ImportReport:
        engine = create_engine(url.render_as_string(hide_password=False))
        bar = ProgressBar(sys.stderr)
        try:
            return await run.write(create_sessionmaker(engine), parsed, path, bar.update)
        finally:
            bar.close()
            await engine.dispose()

    try:
        with database_errors(url):
            result = asyncio.run(write())
    except CliError as exc:
        raise CliError(f"{exc.message}; nothing was written", exc.status) from None
    finally:
        metrics_process_done()
    print("\n".join(result.lines()))
    return result.exit_code


def _operations_list(args: argparse.Namespace, settings: Settings) -> int:
    from app.graphql.persisted import TrustedDocumentError
    from app.operations_cli import listing

    directory = Path(args.dir) if args.dir else settings.trusted_documents
    if directory is None:
        raise CliError(
            "no trusted documents directory: set CATALOG_TRUSTED_DOCUMENTS or pass --dir",
            EXIT_INPUT,
        )
    try:
        lines = listing(directory)
    except TrustedDocumentError as exc:
        raise CliError(f"{exc}: fix or remove it", EXIT_INPUT) from None
    for line in lines:
        print(line)
    return 0


def _export(args: argparse.Namespace, settings: Settings) -> int:
    return export_command.run(args, _ready_database(settings))


def _export_schema(args: argparse.Namespace, settings: Settings) -> int:
    from app.graphql.schema import sdl

    text = sdl()
    if args.output:
        try:
            Path(args.output).write_text(text)
        except OSError as exc:
            raise CliError(
                f"cannot write {args.output} ({exc.strerror or exc}): choose a writable path",
                EXIT_INPUT,
            ) from None
    else:
        sys.stdout.write(text)
    return 0


# --- org, token ------------------------------------------------------------------------------


def _suggested_slug(text: str) -> str:
    import re

    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-._")[:100] or "acme"


def _org_create(args: argparse.Namespace, settings: Settings) -> int:
    from app import admin

    name = args.name if args.name is not None else args.slug
    problems = admin.organization_problems(args.slug, name)
    if problems:
        slug = _suggested_slug(args.slug or name)
        label = name if name.strip() else "Acme AI"
        raise CliError(
            f"invalid organization: {'; '.join(problems)}: "
            f"try `catalog org create {slug} --name {json.dumps(label)}`",
            EXIT_INPUT,
        )
    url = _ready_database(settings)
    with database_errors(url):
        org = asyncio.run(admin.create_organization(settings, args.slug, name))
    print(f"organization {org} created")
    return 0


def _token_create(args: argparse.Namespace, settings: Settings) -> int:
    from app import admin

    url = _ready_database(settings)
    with database_errors(url):
        token_id, secret = asyncio.run(admin.create_token(settings, args.org, args.role, args.name))
    print(
        f"token {token_id} for {args.org} ({args.role}); shown once, store it now:", file=sys.stderr
    )
    print(secret)
    return 0


def _token_revoke(args: argparse.Namespace, settings: Settings) -> int:
    from app import admin

    url = _ready_database(settings)
    with database_errors(url):
        revoked = asyncio.run(admin.revoke_token(settings, args.token_id))
    if not revoked:
        print(
            f"catalog token revoke: no live token {args.token_id}: "
            "`catalog token list` shows the ids",
            file=sys.stderr,
        )
        return EXIT_PARTIAL
    print(f"token {args.token_id} revoked")
    return 0


def _token_list(args: argparse.Namespace, settings: Settings) -> int:
    from app import admin

    url = _ready_database(settings)
    with database_errors(url):
        lines = asyncio.run(admin.list_tokens(settings, args.org))
    for line in lines:
        print(line)
    return 0


def _source_names() -> list[str]:
    from app.importers.sources import SOURCES

    return sorted(SOURCES)


EXIT_STATUSES = (
    "Exit status: 0 done; 1 done in part (import skipped rows, no such live token); "
    "2 the command line does not parse (import: a file could not be parsed); "
    "3 an argument is wrong (missing path or directory, unknown revision or source, invalid "
    "slug, unknown or existing organization); 4 the database cannot be reached, does not exist "
    "or refused; 5 the environment is wrong (DATABASE_URL, CATALOG_*); 6 the schema is not at "
    "head (run `catalog db upgrade`); 7 serve could not bind or start; 130 interrupted."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="catalog", description="Model Catalog service", epilog=EXIT_STATUSES
    )
    parser.add_argument("--version", action="version", version=f"catalog {_version()}")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(handler=_serve)

    db = commands.add_parser("db", help="database schema").add_subparsers(
        dest="db_command", required=True
    )
    upgrade = db.add_parser("upgrade", help="apply migrations (the only way a schema is created)")
    upgrade.add_argument("revision", nargs="?", default="head")
    upgrade.set_defaults(handler=_db_upgrade)

    seed = commands.add_parser("seed", help="load the demo catalog (idempotent)")
    seed.add_argument("--dir", help="seeds directory (default: the project's seeds/)")
    seed.set_defaults(handler=_seed)

    org = commands.add_parser("org", help="organizations").add_subparsers(
        dest="org_command", required=True
    )
    org_create = org.add_parser("create", help="create an organization")
    org_create.add_argument("slug")
    org_create.add_argument("--name")
    org_create.set_defaults(handler=_org_create)

    token = commands.add_parser("token", help="API tokens").add_subparsers(
        dest="token_command", required=True
    )
    token_create = token.add_parser("create", help="create a token; prints its secret once")
    token_create.add_argument("--org", required=True)
    token_create.add_argument("--role", required=True, choices=["reader", "writer", "admin"])
    token_create.add_argument("--name", help="a label for listings")
    token_create.set_defaults(handler=_token_create)
    token_revoke = token.add_parser("revoke", help="revoke a token by id")
    token_revoke.add_argument("token_id", type=int)
    token_revoke.set_defaults(handler=_token_revoke)
    token_list = token.add_parser("list", help="list tokens (never their secrets)")
    token_list.add_argument("--org")
    token_list.set_defaults(handler=_token_list)

    sources = ", ".join(_source_names())
    imp = commands.add_parser(
        "import",
        help="import a real data set (idempotent)",
        description=f"Import SOURCE ({sources}) from PATH. Exit status: 0 all rows written or "
        "unchanged, 1 some rows skipped (listed), 2 a file could not be parsed (nothing "
        "written), 3 unknown source or missing path, 4 database error (nothing written), "
        "5 DATABASE_URL is wrong, 6 the schema is not at head (`catalog db upgrade`).",
    )
    imp.add_argument("source", metavar="SOURCE")
    imp.add_argument("path", metavar="PATH")
    from app.importers.parsing import observed_date

    imp.add_argument(
        "--observed-at",
        metavar="DATE",
        type=observed_date,
        help="the day a snapshot without a date of its own was taken (YYYY-MM-DD)",
    )
    imp.set_defaults(handler=_import)

    operations = commands.add_parser("operations", help="trusted documents").add_subparsers(
        dest="operations_command", required=True
    )
    operations_list = operations.add_parser(
        "list", help="list the trusted documents (hash, operations, file)"
    )
    operations_list.add_argument("--dir", help="default: CATALOG_TRUSTED_DOCUMENTS")
    operations_list.set_defaults(handler=_operations_list)
    export_command.add_parser(commands).set_defaults(handler=_export)

    export = commands.add_parser("export-schema", help="print the GraphQL SDL")
    export.add_argument("--output", "-o", help="write to this file instead of stdout")
    export.set_defaults(handler=_export_schema)
    return parser


def _command_name(args: argparse.Namespace) -> str:
    words = [args.command]
    for attribute in ("db_command", "org_command", "token_command", "operations_command"):
        if getattr(args, attribute, None):
            words.append(getattr(args, attribute))
    return " ".join(["catalog", *words])


def main(argv: Sequence[str] | None = None) -> int:
    from app.admin import AdminError

    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:  # --help, --version, or a command line that does not parse
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    name = _command_name(args)
    try:
        try:
            settings = Settings.from_env()
        except ValueError as exc:
            raise CliError(f"{exc}: fix the environment variable", EXIT_CONFIG) from None
        code: int = args.handler(args, settings)
    except CliError as exc:
        print(f"{name}: {exc.message}", file=sys.stderr)
        return exc.status
    except AdminError as exc:
        print(f"{name}: {exc}{_admin_hint(args, str(exc))}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print(f"{name}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return code


def _admin_hint(args: argparse.Namespace, message: str) -> str:
    if message.startswith("no organization"):
        return f": create it with `catalog org create {args.org}`, or see `catalog token list`"
    if message.endswith("already exists"):
        return ": use it, or choose another slug for a new one"
    return ""


if __name__ == "__main__":
    raise SystemExit(main())
