"""The command line: every mistake a user can make is one line on stderr and an exit status.

In-process through `app.cli.main` (run in a thread: the command runs its own event loop), and
`catalog serve` as a subprocess for the server it starts.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy.engine import make_url

from app import cli
from app.cli_errors import (
    EXIT_CONFIG,
    EXIT_DATABASE,
    EXIT_INPUT,
    EXIT_PARTIAL,
    EXIT_SCHEMA,
    EXIT_SERVE,
    mask,
)
from app.db.engine import create_engine
from app.db.migrate import upgrade_engine
from app.db.revision import head_revision
from app.http.log_redaction import REDACTED, RedactSecrets, redact
from app.settings import Settings
from tests.databases import POSTGRES_ADMIN_URL, DatabaseFactory, postgres_available
from tests.http_support import free_port

CATALOG = Path(sys.executable).parent / "catalog"
UPGRADE = "run `catalog db upgrade`"


def _one_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    return lines[0]


async def _cli(monkeypatch, capsys, url: str | None, *argv: str) -> tuple[int, str, str]:
    if url is None:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("DATABASE_URL", url)
    code = await asyncio.to_thread(cli.main, list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- DATABASE_URL mistakes (no server needed) ---------------------------------------------------

PASSWORD = "hunter2-" + secrets.token_hex(4)


@pytest.mark.parametrize(
    ("url", "line"),
    [
        (
            f"postgres://me:{PASSWORD}@127.0.0.1:5432/catalog",
            "catalog seed: DATABASE_URL 'postgres://me:***@127.0.0.1:5432/catalog': the scheme "
            "'postgres://' is not one SQLAlchemy knows: use "
            "postgresql+asyncpg://me:***@127.0.0.1:5432/catalog",
        ),
        (
            "postgresql://me@127.0.0.1:5432/catalog",
            "catalog seed: DATABASE_URL 'postgresql://me@127.0.0.1:5432/catalog': 'postgresql://' "
            "means a synchronous driver: use postgresql+asyncpg://me@127.0.0.1:5432/catalog",
        ),
        (
            "sqlite:///./catalog.db",
            "catalog seed: DATABASE_URL 'sqlite:///./catalog.db': 'sqlite://' means a synchronous "
            "driver: use sqlite+aiosqlite:///./catalog.db",
        ),
        (
            "garbage",
            "catalog seed: DATABASE_URL 'garbage' is not a database URL: use "
            "sqlite+aiosqlite:///./catalog.db or postgresql+asyncpg://USER@HOST:5432/DATABASE",
        ),
        (
            f"postgresql+asyncpg://me:{PASSWORD}@host:port/catalog",
            "catalog seed: DATABASE_URL 'postgresql+asyncpg://me:***@host:port/catalog' is not a "
            "database URL: use sqlite+aiosqlite:///./catalog.db or "
            "postgresql+asyncpg://USER@HOST:5432/DATABASE",
        ),
        (
            "mysql+aiomysql://me@127.0.0.1/catalog",
            "catalog seed: DATABASE_URL: 'mysql' databases are not supported: use "
            "sqlite+aiosqlite:///./catalog.db or postgresql+asyncpg://USER@HOST:5432/DATABASE",
        ),
    ],
)
async def test_database_url_mistakes(monkeypatch, capsys, url, line):
    code, out, err = await _cli(monkeypatch, capsys, url, "seed")
    assert code == EXIT_CONFIG
    assert _one_line(err) == line
    assert PASSWORD not in err + out and out == ""


async def test_missing_directory_for_the_sqlite_file(monkeypatch, capsys, tmp_path):
    missing = tmp_path / "nowhere"
    url = f"sqlite+aiosqlite:///{missing}/catalog.db"
    for argv in (["db", "upgrade"], ["seed"], ["serve", "--port", "0"]):
        code, _, err = await _cli(monkeypatch, capsys, url, *argv)
        assert code == EXIT_CONFIG
        assert _one_line(err).endswith(
            f"the directory {missing} of the SQLite database {missing}/catalog.db does not "
            f"exist: create it (`mkdir -p {missing}`) or fix DATABASE_URL"
        )
    assert not missing.exists()


async def test_nothing_listens_on_the_port(monkeypatch, capsys):
    port = free_port()
    url = f"postgresql+asyncpg://postgres:{PASSWORD}@127.0.0.1:{port}/catalog"
    for argv, name in ((["db", "upgrade"], "db upgrade"), (["token", "list"], "token list")):
        code, out, err = await _cli(monkeypatch, capsys, url, *argv)
        assert code == EXIT_DATABASE
        assert _one_line(err) == (
            f"catalog {name}: nothing answers on 127.0.0.1:{port} (connection refused): start "
            "PostgreSQL there, or fix the host and port in DATABASE_URL"
        )
        assert PASSWORD not in err + out


async def test_unresolvable_host(monkeypatch, capsys):
    url = "postgresql+asyncpg://postgres@no-such-host.invalid:5432/catalog"
    code, _, err = await _cli(monkeypatch, capsys, url, "seed")
    assert code == EXIT_DATABASE
    assert _one_line(err) == (
        "catalog seed: cannot resolve the database host 'no-such-host.invalid': "
        "fix the host in DATABASE_URL"
    )


async def test_postgresql_database_that_does_not_exist(monkeypatch, capsys):
    reason = await postgres_available()
    if reason is not None:
        pytest.skip(reason)
    name = f"catalog_missing_{secrets.token_hex(4)}"
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    where = f"{make_url(url).host}:{make_url(url).port or 5432}"
    for argv in (["db", "upgrade"], ["seed"], ["serve", "--port", "0"]):
        code, _, err = await _cli(monkeypatch, capsys, url, *argv)
        assert code == EXIT_DATABASE
        assert _one_line(err).endswith(
            f": database '{name}' does not exist on {where}: create it with `createdb {name}`"
        )


async def test_bad_catalog_variables(monkeypatch, capsys):
    monkeypatch.setenv("CATALOG_TRUSTED_PROXIES", "10.0.0.0/8, not-an-ip")
    code, _, err = await _cli(monkeypatch, capsys, None, "serve")
    assert code == EXIT_CONFIG
    assert _one_line(err) == (
        "catalog serve: CATALOG_TRUSTED_PROXIES: 'not-an-ip' is not an IP address or a CIDR "
        "network (e.g. 10.0.0.5 or 10.0.0.0/8): fix the environment variable"
    )


# --- arguments ----------------------------------------------------------------------------------


async def test_version(monkeypatch, capsys):
    code, out, err = await _cli(monkeypatch, capsys, None, "--version")
    assert code == 0
    assert out == "catalog 0.1.0\n" and err == ""


async def test_unknown_revision(monkeypatch, capsys, tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path}/catalog.db"
    code, _, err = await _cli(monkeypatch, capsys, url, "db", "upgrade", "nonsense")
    assert code == EXIT_INPUT
    assert _one_line(err) == (
        "catalog db upgrade: unknown revision 'nonsense': leave it out for the head, "
        "or use one of 0001, 0002, 0003, 0007"
    )
    assert not (tmp_path / "catalog.db").exists()


async def test_seeds_directory_that_does_not_exist(monkeypatch, capsys, tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path}/catalog.db"
    code, _, err = await _cli(monkeypatch, capsys, url, "seed", "--dir", "/nonexistent")
    assert code == EXIT_INPUT
    assert _one_line(err) == (
        "catalog seed: seeds directory /nonexistent does not exist: pass --dir a directory of "
        "seed files, or leave --dir out for the demo catalog"
    )


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (
            ["Acme AI"],
            "invalid organization: slug 'Acme AI' must match [a-z0-9][a-z0-9._-]{0,99}: "
            'try `catalog org create acme-ai --name "Acme AI"`',
        ),
        (
            [""],
            "invalid organization: slug '' must match [a-z0-9][a-z0-9._-]{0,99}; name '' must "
            'not be empty: try `catalog org create acme --name "Acme AI"`',
        ),
        (
            ["../etc"],
            "invalid organization: slug '../etc' must match [a-z0-9][a-z0-9._-]{0,99}: "
            'try `catalog org create etc --name "../etc"`',
        ),
        (
            ["acme", "--name", " "],
            "invalid organization: name ' ' must not be empty: "
            'try `catalog org create acme --name "Acme AI"`',
        ),
    ],
)
async def test_org_create_validates_like_create_organization(
    monkeypatch, capsys, tmp_path, argv, line
):
    # Refused before any database is touched (this one does not exist).
    url = f"sqlite+aiosqlite:///{tmp_path}/catalog.db"
    code, _, err = await _cli(monkeypatch, capsys, url, "org", "create", *argv)
    assert code == EXIT_INPUT
    assert _one_line(err) == f"catalog org create: {line}"


def test_the_mutation_and_the_cli_share_one_rule():
    from app.admin import organization_problems
    from app.services.validation import Checker

    check = Checker()
    check.slug(("slug",), "Acme AI")
    assert organization_problems("Acme AI", "Acme AI") == [f"slug 'Acme AI' {check.errors[0].msg}"]
    assert organization_problems("acme", "x" * 201) == [
        f"name {'x' * 60!r} must be at most 200 characters"
    ]


# --- the schema: never migrated, behind head ------------------------------------------------------


async def test_commands_before_db_upgrade(databases: DatabaseFactory, monkeypatch, capsys):
    url = await databases.create_empty("bare")
    shown = make_url(url).render_as_string(hide_password=True)
    head = head_revision()
    for argv in (
        ["seed"],
        ["token", "create", "--org", "acme", "--role", "writer"],
        ["org", "create", "acme"],
        ["token", "list"],
        ["serve", "--port", "0"],
    ):
        code, out, err = await _cli(monkeypatch, capsys, url, *argv)
        assert code == EXIT_SCHEMA, err
        line = _one_line(err)
        if databases.backend == "sqlite":
            assert line.endswith(
                f"{shown}: the database file does not exist yet (head is {head}): {UPGRADE}"
            )
        else:
            assert line.endswith(f"{shown}: the database has no schema (head is {head}): {UPGRADE}")
        assert out == ""


async def test_schema_behind_head(databases: DatabaseFactory, monkeypatch, capsys):
    url = await databases.create_empty("behind")
    engine = create_engine(url)
    try:
        await upgrade_engine(engine, "0002")
    finally:
        await engine.dispose()
    head = head_revision()
    for argv, name in ((["seed"], "seed"), (["serve", "--port", "0"], "serve")):
        code, _, err = await _cli(monkeypatch, capsys, url, *argv)
        assert code == EXIT_SCHEMA
        shown = make_url(url).render_as_string(hide_password=True)
        assert _one_line(err) == (
            f"catalog {name}: {shown}: schema is at 0002, head is {head}: {UPGRADE}"
        )

    code, _, err = await _cli(monkeypatch, capsys, url, "db", "upgrade", "0001")
    assert code == EXIT_INPUT
    assert _one_line(err) == (
        "catalog db upgrade: the database is at 0002, past 0001: `catalog db upgrade` only goes "
        "forward (leave the revision out for the head)"
    )

    code, out, err = await _cli(monkeypatch, capsys, url, "db", "upgrade")
    assert (code, err) == (0, "")
    assert out.startswith(f"database at {head} (")


async def test_upgrade_then_org_and_token(databases: DatabaseFactory, monkeypatch, capsys):
    url = await databases.create_empty("flow")
    code, out, _ = await _cli(monkeypatch, capsys, url, "db", "upgrade")
    assert code == 0 and out.startswith(f"database at {head_revision()}")

    code, out, _ = await _cli(
        monkeypatch, capsys, url, "org", "create", "acme", "--name", "Acme AI"
    )
    assert (code, out) == (0, "organization acme created\n")
    code, _, err = await _cli(monkeypatch, capsys, url, "org", "create", "acme")
    assert code == EXIT_INPUT
    assert _one_line(err) == (
        "catalog org create: organization 'acme' already exists: use it, or choose another "
        "slug for a new one"
    )

    code, _, err = await _cli(
        monkeypatch, capsys, url, "token", "create", "--org", "globex", "--role", "reader"
    )
    assert code == EXIT_INPUT
    assert _one_line(err) == (
        "catalog token create: no organization 'globex': create it with "
        "`catalog org create globex`, or see `catalog token list`"
    )
    code, out, _ = await _cli(
        monkeypatch, capsys, url, "token", "create", "--org", "acme", "--role", "writer"
    )
    assert code == 0 and out.startswith("mcat_")

    code, _, err = await _cli(monkeypatch, capsys, url, "token", "revoke", "999")
    assert code == EXIT_PARTIAL
    assert _one_line(err) == (
        "catalog token revoke: no live token 999: `catalog token list` shows the ids"
    )


# --- serve --------------------------------------------------------------------------------------


async def test_serve_refuses_a_port_in_use(migrated_template, monkeypatch, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, out, err = await _cli(
            monkeypatch, capsys, migrated_template, "serve", "--port", str(port)
        )
    assert code == EXIT_SERVE
    assert _one_line(err) == (
        f"catalog serve: 127.0.0.1:{port} is already in use: stop what listens there or "
        "choose another --port"
    )
    assert "GraphiQL" not in out


async def test_serve_when_the_database_is_down(monkeypatch, capsys):
    port = free_port()
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{port}/catalog"
    code, out, err = await _cli(monkeypatch, capsys, url, "serve", "--port", "0")
    assert code == EXIT_DATABASE
    assert _one_line(err).startswith(f"catalog serve: nothing answers on 127.0.0.1:{port}")
    assert out == ""


def _with_password(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return url
    # The shared server trusts local connections: any password gets in, and must never show.
    return parsed.set(password=PASSWORD).render_as_string(hide_password=False)


async def test_serve_binds_then_prints_url_and_database(
    databases: DatabaseFactory, migrated_template, tmp_path
):
    url = _with_password(await databases.copy(migrated_template, "serve"))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CATALOG_ACCESS_LOG": "1",
        "CATALOG_RATE_LIMIT": "0",
    }
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [str(CATALOG), "serve", "--port", "0"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=sink,
        )
        try:
            assert server.stdout is not None
            first = await asyncio.wait_for(asyncio.to_thread(server.stdout.readline), 30)
            line = first.decode()
            shown = make_url(url).render_as_string(hide_password=True)
            assert line.startswith("GraphiQL: http://127.0.0.1:")
            assert line.endswith(f"/graphql (database: {shown})\n")
            base = line.split()[1].removesuffix("/graphql")
            secret = "mcat_" + secrets.token_urlsafe(32)
            for _ in range(100):  # bound already; the app finishes starting meanwhile
                try:
                    body = await asyncio.to_thread(_get, f"{base}/readyz?token={secret}&x=1")
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                pytest.fail("the server did not answer")
            assert '"status":"ok"' in body
            await asyncio.to_thread(_get, f"{base}/livez?api_key=k-{secret[5:15]}&q={secret}")
        finally:
            server.send_signal(signal.SIGINT)
            rest = server.communicate(timeout=20)[0].decode()
    output = line + rest + log.read_text()
    assert PASSWORD not in output and secret not in output and secret[5:15] not in output
    assert f'"GET /readyz?token={REDACTED}&x=1 HTTP/1.1" 200' in output
    assert f'"GET /livez?api_key={REDACTED}&q={REDACTED} HTTP/1.1" 200' in output
    assert "Traceback" not in output


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        text: str = response.read().decode()
        return text


# --- trusted proxies ----------------------------------------------------------------------------


async def _echo_client(scope, receive, send):
    host = scope["client"][0] if scope.get("client") else "-"
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain")],
        }
    )
    await send({"type": "http.response.body", "body": host.encode()})


async def _client_seen(settings: Settings, peer: str) -> str:
    options = cli.uvicorn_options(cli.build_parser().parse_args(["serve"]), settings)
    options["log_config"] = None  # leave the test run's logging alone
    config = uvicorn.Config(_echo_client, **options)
    config.load()
    transport = httpx.ASGITransport(app=config.loaded_app, client=(peer, 4321))
    async with httpx.AsyncClient(transport=transport, base_url="http://catalog.test") as http:
        response = await http.get("/", headers={"X-Forwarded-For": "203.0.113.9"})
    return response.text


async def test_forwarded_headers_are_ignored_by_default():
    options = cli.uvicorn_options(cli.build_parser().parse_args(["serve"]), Settings())
    assert options["proxy_headers"] is False
    assert options["loop"] == "uvloop" and options["http"] == "httptools"
    assert await _client_seen(Settings(), "10.1.2.3") == "10.1.2.3"
    assert await _client_seen(Settings(), "127.0.0.1") == "127.0.0.1"


async def test_forwarded_headers_only_from_trusted_proxies(monkeypatch):
    monkeypatch.setenv("CATALOG_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7")
    settings = Settings.from_env()
    assert settings.trusted_proxies == ("10.0.0.0/8", "192.0.2.7")
    assert await _client_seen(settings, "10.1.2.3") == "203.0.113.9"
    assert await _client_seen(settings, "192.0.2.7") == "203.0.113.9"
    assert await _client_seen(settings, "198.51.100.1") == "198.51.100.1"
    assert await _client_seen(settings, "127.0.0.1") == "127.0.0.1"


# --- redaction ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/v1/models?token=abc&first=5", f"/v1/models?token={REDACTED}&first=5"),
        (
            "/graphql?query=%7Bviewer%7D&access_token=x",
            f"/graphql?query=%7Bviewer%7D&access_token={REDACTED}",
        ),
        (
            "/x?api_key=1&API-KEY=2&apikey=3",
            f"/x?api_key={REDACTED}&API-KEY={REDACTED}&apikey={REDACTED}",
        ),
        (
            "/x?secret=s&password=p&client_secret=c",
            f"/x?secret={REDACTED}&password={REDACTED}&client_secret={REDACTED}",
        ),
        ("/x?q=mcat_abc123&author=ann", f"/x?q={REDACTED}&author=ann"),
        ("/x?q=mcat%5Fabc", f"/x?q={REDACTED}"),
        ("/v1/mcat_abcdef/x", f"/v1/{REDACTED}/x"),
        ("/v1/models?first=5", "/v1/models?first=5"),
    ],
)
def test_redact(path, logged):
    assert redact(path) == logged


def test_access_records_are_redacted_before_formatting():
    from uvicorn.logging import AccessFormatter

    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("10.0.0.1:5000", "GET", "/v1/models?token=mcat_x&first=1", "1.1", 200),
        None,
    )
    assert RedactSecrets().filter(record) is True
    line = AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s').format(record)
    assert line == f'10.0.0.1:5000 - "GET /v1/models?token={REDACTED}&first=1 HTTP/1.1" 200 OK'


def test_mask_hides_passwords_even_in_urls_that_do_not_parse():
    assert (
        mask("postgresql+asyncpg://me:pw@host:port/db")
        == "postgresql+asyncpg://me:***@host:port/db"
    )
    assert mask("garbage") == "garbage"
