"""The ``gongdan`` command: run the server in each deployment shape, make tokens, manage Django.

    gongdan serve [--host H] [--port P] [--demo]   embedded shape: migrate, web + task consumer
    gongdan web [--host H] [--port P] [--workers N] [--threads T]  production web (granian, ASGI)
    gongdan worker [--workers N]                   production task consumer (Huey)
    gongdan admin create [--username U] [--email E] [--no-input]   the first (or another) admin
    gongdan token create --user LOGIN [--name N]   print a new personal API token
    gongdan token list --user LOGIN                 the user's tokens (prefix, state, last use)
    gongdan token revoke PREFIX                     revoke a token (by the prefix list shows)
    gongdan manage <command> [...]                 any Django management command

Configuration comes from the environment only (see ``gongdan.config.settings``).
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

SETTINGS_MODULE = "gongdan.config.settings"
WSGI_APP = "gongdan.config.wsgi:application"
ASGI_APP = "gongdan.config.asgi:application"
ADMIN_PASSWORD_ENV = "GONGDAN_ADMIN_PASSWORD"
STOP_GRACE_SECONDS = 15.0


class CliError(Exception):
    """A problem the user can fix; printed as one line, exit status 2."""


def _setup_django() -> None:
    """Load settings and apps, turning configuration errors into a one-line ``CliError``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        raise CliError(str(exc)) from exc
    from django.conf import settings

    # whitenoise warns about a missing STATIC_ROOT on every start; assets come from the finders.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


# --- serve: the embedded shape ------------------------------------------------------------------


def _prepare_database(*, demo: bool, verbosity: int) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)
    call_command("createcachetable", verbosity=verbosity)
    call_command("seed_calendars", verbosity=verbosity)  # idempotent: adds only missing days
    if demo:
        call_command("seed_demo", if_empty=True)


def _listening(host: str, port: int) -> bool:
    """Does something accept connections on ``host:port`` (a wildcard address: on loopback)?"""
    host = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)  # noqa: S104
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


class _Supervisor:
    """Runs the web server and the task consumer as children; stops both when either ends.

    ``announce`` is printed once ``address`` accepts connections, so that the URL it names
    answers as soon as someone reads it (granian needs a few seconds to start its workers).
    """

    def __init__(
        self,
        commands: dict[str, list[str]],
        *,
        address: tuple[str, int] | None = None,
        announce: str = "",
    ) -> None:
        self.commands = commands
        self.address = address
        self.announce = announce
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.stopping = 0  # the signal that asked us to stop

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        self.stopping = signum

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        for name, command in self.commands.items():
            self.children[name] = subprocess.Popen(command)  # noqa: S603 - our own argv
            print(f"gongdan: started {name} (pid {self.children[name].pid})", flush=True)
        failed = ""
        while not self.stopping:
            failed = next((n for n, p in self.children.items() if p.poll() is not None), "")
            if failed:
                break
            if self.announce and (self.address is None or _listening(*self.address)):
                print(self.announce, flush=True)
                self.announce = ""
            time.sleep(0.2)
        self._stop_all(self.stopping)
        if failed:
            code = self.children[failed].returncode
            print(
                f"gongdan: {failed} exited with status {code}; stopped the rest.",
                file=sys.stderr,
                flush=True,
            )
            return code or 1
        print("gongdan: stopped.", flush=True)
        return 0

    def _stop_all(self, signum: int) -> None:
        if signum == signal.SIGINT:
            # Ctrl-C in a terminal reaches the whole process group: give the children a moment
            # to stop by themselves, since a second SIGINT may cut open requests short.
            self._wait(2.0)
        # SIGINT is the graceful stop for both granian and Huey (Huey treats SIGTERM as "now").
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for name, child in self.children.items():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                print(f"gongdan: {name} did not stop in time; killing it.", file=sys.stderr)
                child.kill()
                child.wait()

    def _wait(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and any(p.poll() is None for p in self.children.values()):
            time.sleep(0.05)


def cmd_serve(args: argparse.Namespace) -> int:
    # Links printed (demo logins) and sent (notifications) point at where we actually listen.
    os.environ.setdefault("GONGDAN_SITE_URL", f"http://{args.host}:{args.port}")
    _setup_django()
    from django.conf import settings

    # Children must see the same data dir even if started from another directory.
    os.environ["GONGDAN_DATA_DIR"] = str(settings.DATA_DIR)
    _prepare_database(demo=args.demo, verbosity=args.verbosity)
    me = [sys.executable, "-m", "gongdan.cli"]
    web = [*me, "web", "--host", args.host, "--port", str(args.port)]
    web += ["--workers", str(args.web_workers), "--threads", "1"]
    if not args.access_log:
        web.append("--no-access-log")
    worker = [*me, "worker", "--workers", str(args.task_workers)]
    serving = (
        f"gongdan: serving http://{args.host}:{args.port}/ (data in {settings.DATA_DIR}); "
        "Ctrl-C stops."
    )
    return _Supervisor(
        {"web": web, "worker": worker}, address=(args.host, args.port), announce=serving
    ).run()


# --- production processes -----------------------------------------------------------------------


def cmd_web(args: argparse.Namespace) -> int:
    _setup_django()  # fail fast, with one line, on a bad configuration (e.g. no SECRET_KEY)
    from granian import Granian
    from granian.constants import Interfaces

    # ASGI (the default): event streams wait on the event loop; every other request runs on the
    # Django WSGI handler on a fixed pool of --threads threads per process (config/asgi.py,
    # docs/decisions/0006-live-updates.md). Each thread keeps its database connection (SQLite)
    # or borrows from the process's pool (PostgreSQL); no thread is made per request.
    # --interface wsgi serves the WSGI handler alone: pages then poll for live updates.
    os.environ["GONGDAN_WEB_THREADS"] = str(max(1, args.threads))
    asgi = args.interface == "asgi"
    Granian(
        ASGI_APP if asgi else WSGI_APP,
        address=args.host,
        port=args.port,
        interface=Interfaces.ASGI if asgi else Interfaces.WSGI,
        workers=args.workers,
        blocking_threads=1 if asgi else args.threads,
        websockets=False,
        log_access=args.access_log,
        workers_kill_timeout=int(STOP_GRACE_SECONDS),
        respawn_failed_workers=True,
    ).serve()
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    _setup_django()
    from django.core.management import call_command

    # run_huey adds its own handler unless "huey" has one; ours propagates to the root logger.
    logging.getLogger("huey").addHandler(logging.NullHandler())
    from gongdan.jobs.tasks import dispatch_outbox_job

    # Catch up at start: events whose dispatch was lost while no consumer ran (or one crashed).
    dispatch_outbox_job()
    call_command("run_huey", workers=args.workers)
    return 0


# --- administrators ------------------------------------------------------------------------------


def _ask(label: str, given: str | None, *, interactive: bool) -> str:
    if given is not None:
        return given
    if not interactive:
        raise CliError(f"--{label} is required with --no-input")
    try:
        return input(f"{label.capitalize()}: ").strip()
    except EOFError:
        raise CliError(f"no {label} given") from None


def _admin_password(*, interactive: bool) -> str:
    """The password from the environment (scripts) or typed twice at a prompt (people)."""
    password = os.environ.get(ADMIN_PASSWORD_ENV, "")
    if password:
        return password
    if not interactive:
        raise CliError(f"set {ADMIN_PASSWORD_ENV} or leave out --no-input to type the password")
    try:
        password = getpass.getpass("Password: ")
        again = getpass.getpass("Password (again): ")
    except EOFError:
        raise CliError("no password given") from None
    if password != again:
        raise CliError("the passwords do not match")
    return password


def cmd_admin_create(args: argparse.Namespace) -> int:
    """Create an admin through ``user_create``: role, agent profile, event, password checks."""
    _setup_django()
    from gongdan.accounts.choices import Role
    from gongdan.accounts.services import user_create
    from gongdan.core.errors import DomainError

    interactive = args.interactive and sys.stdin.isatty()
    username = _ask("username", args.username, interactive=interactive)
    email = _ask("email", args.email, interactive=interactive)
    password = _admin_password(interactive=interactive)
    try:
        user = user_create(
            actor=None,
            username=username,
            role=Role.ADMIN,
            email=email,
            password=password,
            display_name=args.display_name,
        )
    except DomainError as exc:
        details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items() if str(v) != str(exc))
        raise CliError(f"{exc.message}" + (f" ({details})" if details else "")) from exc
    print(f"created admin {user.username}; sign in at {_site_url()}/accounts/login/")
    return 0


def _site_url() -> str:
    from django.conf import settings

    return str(settings.SITE_URL)


# --- tokens and management commands --------------------------------------------------------------


def cmd_token_create(args: argparse.Namespace) -> int:
    _setup_django()
    from gongdan.accounts.models import User
    from gongdan.accounts.services import token_create

    user = User.objects.filter(username=args.user).first()
    if user is None or not user.is_active:
        raise CliError(f"no active user with the login {args.user!r}")
    _token, plaintext = token_create(user=user, name=args.name)
    print(plaintext)
    return 0


def cmd_token_list(args: argparse.Namespace) -> int:
    _setup_django()
    from gongdan.accounts.models import ApiToken, User

    user = User.objects.filter(username=args.user).first()
    if user is None:
        raise CliError(f"no user with the login {args.user!r}")
    for token in ApiToken.objects.filter(user=user).order_by("created_at", "id"):
        state = "revoked" if token.revoked_at else "active"
        used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
        print(
            f"{token.prefix}  {state:<7}  created {token.created_at:%Y-%m-%d %H:%M}  "
            f"last used {used}  {token.name}"
        )
    return 0


def cmd_token_revoke(args: argparse.Namespace) -> int:
    _setup_django()
    from gongdan.accounts.models import ApiToken
    from gongdan.accounts.services import token_revoke

    token = ApiToken.objects.select_related("user").filter(prefix=args.prefix).first()
    if token is None:
        raise CliError(f"no token with the prefix {args.prefix!r}")
    if token.revoked_at is not None:
        print(f"{token.prefix} was already revoked")
        return 0
    token_revoke(actor=None, token=token)  # an operator on the server: audited as the system
    print(f"revoked {token.prefix} ({token.name}) of {token.user.username}")
    return 0


def cmd_manage(argv: Sequence[str]) -> int:
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["gongdan manage", *argv])
    return 0


# --- argument parsing ---------------------------------------------------------------------------


def _port(value: str) -> int:
    port = int(value)
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError("a port is between 1 and 65535")
    return port


def _add_address(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=os.environ.get("GONGDAN_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=_port, default=int(os.environ.get("GONGDAN_PORT", "8000")))
    parser.add_argument(
        "--no-access-log", dest="access_log", action="store_false", help="do not log every request"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gongdan", description="gongdan (工单) work-order system")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="embedded shape: migrate, then web + task consumer")
    _add_address(serve)
    serve.add_argument("--demo", action="store_true", help="load demo data into an empty database")
    serve.add_argument(
        "--web-workers",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="web processes (default: 2, or 1 on a single core)",
    )
    serve.add_argument("--task-workers", type=int, default=2, help="consumer threads (default 2)")
    serve.add_argument("-v", "--verbosity", type=int, default=1, choices=[0, 1, 2, 3])
    serve.set_defaults(func=cmd_serve)

    web = sub.add_parser("web", help="web server only (granian); several workers")
    _add_address(web)
    web.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY", "1")),
        help="processes (default 1; about one per core)",
    )
    web.add_argument(
        "--threads",
        type=int,
        default=int(os.environ.get("GONGDAN_WEB_THREADS", "1")),
        help="Python threads per process (default 1: granian buffers slow clients itself)",
    )
    web.add_argument(
        "--interface",
        choices=["asgi", "wsgi"],
        default=os.environ.get("GONGDAN_WEB_INTERFACE", "asgi"),
        help="asgi (default): live event streams on the event loop, pages on --threads threads; "
        "wsgi: pages only (live updates fall back to polling)",
    )
    web.set_defaults(func=cmd_web)

    worker = sub.add_parser("worker", help="task consumer only (Huey)")
    worker.add_argument("--workers", type=int, default=int(os.environ.get("GONGDAN_WORKERS", "2")))
    worker.set_defaults(func=cmd_worker)

    admin = sub.add_parser("admin", help="administrators")
    admin_sub = admin.add_subparsers(dest="admin_command", required=True, metavar="ACTION")
    admin_create = admin_sub.add_parser(
        "create",
        help=f"create an admin (asks for what is missing; password from {ADMIN_PASSWORD_ENV})",
    )
    admin_create.add_argument("--username", help="login name")
    admin_create.add_argument("--email", help="email address (password resets go there)")
    admin_create.add_argument("--display-name", default="", help="name shown to colleagues")
    admin_create.add_argument(
        "--no-input", dest="interactive", action="store_false", help="never prompt"
    )
    admin_create.set_defaults(func=cmd_admin_create)

    token = sub.add_parser("token", help="personal API tokens")
    token_sub = token.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    create = token_sub.add_parser("create", help="print a new personal API token")
    create.add_argument("--user", required=True, metavar="LOGIN", help="the user's login name")
    create.add_argument("--name", default="CLI", help="a name to recognise the token by")
    create.set_defaults(func=cmd_token_create)
    listing = token_sub.add_parser("list", help="a user's tokens and their state")
    listing.add_argument("--user", required=True, metavar="LOGIN", help="the user's login name")
    listing.set_defaults(func=cmd_token_list)
    revoke = token_sub.add_parser("revoke", help="revoke a token by its prefix")
    revoke.add_argument("prefix", help="the token's prefix, as `token list` shows it")
    revoke.set_defaults(func=cmd_token_revoke)

    sub.add_parser("manage", help="any Django management command (gongdan manage help)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv[:1] == ["manage"]:
            return cmd_manage(argv[1:])
        args = build_parser().parse_args(argv)
        return int(args.func(args))
    except CliError as exc:
        print(f"gongdan: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
