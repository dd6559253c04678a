"""The `catalog` command: serve, db upgrade, seed, import, org, token, export-schema."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from app.settings import Settings


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    print(f"GraphiQL: http://{args.host}:{args.port}/graphql", flush=True)
    uvicorn.run(
        "app.asgi:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="info",
        proxy_headers=True,
        # uvloop and httptools: the C event loop and HTTP parser, not the pure-Python ones.
        loop="uvloop",
        http="httptools",
        # One log line per request costs more than serving a cached answer; opt in.
        access_log=settings.access_log,
    )
    return 0


def _db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from app.db.migrate import upgrade

    upgrade(settings.database_url, args.revision)
    print(f"database at {args.revision}")
    return 0


def _seed(args: argparse.Namespace, settings: Settings) -> int:
    from app.db.engine import create_engine, create_sessionmaker
    from app.seed.loader import load_seeds

    async def run() -> str:
        engine = create_engine(settings.database_url)
        try:
            report = await load_seeds(
                create_sessionmaker(engine), Path(args.dir or settings.seeds_dir)
            )
        finally:
            await engine.dispose()
        return report.summary()

    print(f"demo catalog loaded: {asyncio.run(run())}")
    return 0


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from app.db.engine import create_engine, create_sessionmaker
    from app.importers import report as report_mod
    from app.importers import run
    from app.importers.progress import ProgressBar
    from app.importers.records import UnreadableSource

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

    async def write() -> report_mod.ImportReport:
        engine = create_engine(settings.database_url)
        bar = ProgressBar(sys.stderr)
        try:
            return await run.write(create_sessionmaker(engine), parsed, path, bar.update)
        finally:
            bar.close()
            await engine.dispose()

    from sqlalchemy.exc import SQLAlchemyError

    try:
        result = asyncio.run(write())
    except SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None)
        reason = str(orig) if orig is not None else exc.__class__.__name__
        print(
            f"catalog import: database error ({reason}); nothing was written "
            "(is the schema current? `catalog db upgrade`)",
            file=sys.stderr,
        )
        return report_mod.EXIT_DATABASE
    print("\n".join(result.lines()))
    return result.exit_code


def _export_schema(args: argparse.Namespace, settings: Settings) -> int:
    from app.graphql.schema import sdl

    text = sdl()
    if args.output:
        Path(args.output).write_text(text)
    else:
        sys.stdout.write(text)
    return 0


def _org_create(args: argparse.Namespace, settings: Settings) -> int:
    from app import admin

    org = asyncio.run(admin.create_organization(settings, args.slug, args.name or args.slug))
    print(f"organization {org} created")
    return 0


def _token_create(args: argparse.Namespace, settings: Settings) -> int:
    from app import admin

    token_id, secret = asyncio.run(admin.create_token(settings, args.org, args.role, args.name))
    print(
        f"token {token_id} for {args.org} ({args.role}); shown once, store it now:", file=sys.stderr
    )
    print(secret)
    return 0


def _token_revoke(args: argparse.Namespace, settings: Settings) -> int:
    from app import admin

    if not asyncio.run(admin.revoke_token(settings, args.token_id)):
        print(f"no live token {args.token_id}", file=sys.stderr)
        return 1
    print(f"token {args.token_id} revoked")
    return 0


def _token_list(args: argparse.Namespace, settings: Settings) -> int:
    from app import admin

    for line in asyncio.run(admin.list_tokens(settings, args.org)):
        print(line)
    return 0


def _source_names() -> list[str]:
    from app.importers.sources import SOURCES

    return sorted(SOURCES)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="catalog", description="Model Catalog service")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
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
        "written), 3 unknown source or missing path, 4 database error (nothing written).",
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

    export = commands.add_parser("export-schema", help="print the GraphQL SDL")
    export.add_argument("--output", "-o", help="write to this file instead of stdout")
    export.set_defaults(handler=_export_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from app.admin import AdminError

    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args, Settings.from_env())
    except AdminError as exc:
        print(f"catalog: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    raise SystemExit(main())
