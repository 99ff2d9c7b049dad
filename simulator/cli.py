"""``stocksim``: serve the simulator (the default command), list the shipped scenarios, or validate scenario files.

Every flag of ``serve`` is a setting declared in simulator/config.py, readable from its STOCKSIM_* variable too.
A failure ends in one line on stderr that says what is wrong and what to do (``--debug`` shows the traceback
instead): exit status 2 for a bad flag or variable, 1 for anything else.
"""

from __future__ import annotations

import errno
import re
import secrets
import socket
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import fields, replace
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click
from click.core import ParameterSource

from simulator import __version__
from simulator.config import LOG_LEVELS, Settings, doc, envvar
from simulator.progress import Progress
from simulator.scenarios import examples

if TYPE_CHECKING:
    from simulator.scenarios.loaded import LoadedScenario

# The app, the scenario loader and the vendors are imported where they are needed, so that an unusable --db file
# or a bad flag is reported as soon as the interpreter is up (a supervisor restarting a broken service waits less).

USAGE = 2
F = TypeVar("F", bound=Callable[..., Any])


class Failure(click.ClickException):
    """Anything but a usage error: exit status 1, the message on one line (a scenario's problems, one a line)."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"stocksim: {self.format_message()}", file=file, err=file is None)


class UsageLine(Failure):
    """A usage error (a bad flag, variable or argument) told in one line, without click's usage block."""

    exit_code = USAGE


class Reported(Exception):
    """A failure of ``serve`` whose message says it all: reported as one line (unless --debug)."""


class BadScenario(Reported):
    pass


class CannotListen(Reported):
    pass


class StartupFailed(Reported):
    pass


class _Stocksim(click.Group):
    """``stocksim`` and ``stocksim --port 9000`` mean ``stocksim serve ...``, as in datasette; usage errors
    anywhere below (parsing the group's options or a command's) are told in one line."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0].startswith("-") and args[0] not in ("--help", "-h", "--version")):
            args = ["serve", *args]
        return super().parse_args(ctx, args)

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        with _usage_in_one_line():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        with _usage_in_one_line():
            return super().invoke(ctx)


def _debug_option(command: F) -> F:
    return click.option(
        "--debug",
        is_flag=True,
        envvar="STOCKSIM_DEBUG",
        show_envvar=True,
        help="On failure, show the traceback instead of the one-line error.",
    )(command)


def _setting_options(command: F) -> F:
    for f in reversed(fields(Settings)):
        d = doc(f.name)
        flag = isinstance(f.default, bool)  # an on/off setting is a bare --flag; its variable takes 1/0, true/false
        command = click.option(
            f"--{f.name.replace('_', '-')}",
            f.name,
            type=d.type,
            is_flag=flag,
            metavar=d.metavar,
            default=f.default,
            show_default=d.default_text or (f.default is not None and not flag),
            envvar=envvar(f.name),
            show_envvar=True,
            help=d.help,
        )(command)
    return command


@click.group(cls=_Stocksim, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 120})
@click.version_option(__version__, "--version", prog_name="stocksim", message="%(prog)s %(version)s")
def cli() -> None:
    """A stateful simulator of MerchantPro's, Ka-ching's, i.LEVEL's and Centra's stock APIs.

    Without a command, runs `serve`: `stocksim --port 9000` is `stocksim serve --port 9000`.
    """


@cli.command()
@_setting_options
@_debug_option
def serve(debug: bool, **values: Any) -> None:
    """Run the simulator (the default command).

    Exit status: 2 for a bad flag or variable, 1 when the scenario, the --db file or the port cannot be used.
    """
    with _one_line(debug):
        run(Settings(**values))


@cli.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@_debug_option
def validate(files: tuple[str, ...], debug: bool) -> None:
    """Check scenario files: `FILE: ok`, or every problem found; exit status 1 if any file has one."""
    failed = False
    with _one_line(debug):
        from simulator.scenarios.loader import ScenarioError, load_file
        from simulator.vendors import PARTS

        for path in files:
            try:
                load_file(path, parts=PARTS)
            except ScenarioError as exc:
                failed = True
                click.echo(str(exc), err=True)
            else:
                click.echo(f"{path}: ok")
    if failed:
        click.get_current_context().exit(1)


@cli.command()
@_debug_option
def scenarios(debug: bool) -> None:
    """List the shipped scenarios, which --scenario takes by name."""
    with _one_line(debug):
        from simulator.scenarios.loader import load_file
        from simulator.vendors import PARTS

        shipped = examples.shipped()
        width = max(map(len, shipped), default=0)
        for name, path in shipped.items():
            click.echo(f"{name:<{width}}  {first_sentence(load_file(path, parts=PARTS).spec.description)}")


def main(argv: Sequence[str] | None = None) -> int:
    """The ``stocksim`` console script (and ``python -m simulator``): runs a command, returns its exit status."""
    try:
        cli.main(args=argv, prog_name="stocksim")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    return 0


@contextmanager
def _usage_in_one_line() -> Iterator[None]:
    try:
        yield
    except click.UsageError as exc:
        raise UsageLine(usage_line(exc)) from exc


def usage_line(exc: click.UsageError) -> str:
    """A usage error as one line: which flag or variable was wrong and why, or where help is."""
    ctx = exc.ctx
    missing = isinstance(exc, click.MissingParameter)
    if isinstance(exc, click.BadParameter) and not missing and exc.param is not None and ctx is not None:
        param = exc.param
        source = ctx.get_parameter_source(param.name) if param.name else None
        if source is ParameterSource.ENVIRONMENT and isinstance(param.envvar, str):
            where = param.envvar
        else:
            where = param.opts[0] if param.opts else param.human_readable_name
        return f"{where}: {exc.message}"
    hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
    return " ".join(exc.format_message().split()) + hint


@contextmanager
def _one_line(debug: bool) -> Iterator[None]:
    try:
        yield
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise
    except Exception as exc:
        if debug:
            raise
        from simulator.store.connection import UnusableDatabase

        # Anything but these is a bug, reported with a hint to use --debug.
        if isinstance(exc, Reported | UnusableDatabase):
            raise Failure(str(exc)) from exc
        raise Failure(f"unexpected {type(exc).__name__}: {exc} (run again with --debug for the traceback)") from exc


def run(settings: Settings, progress: Progress | None = None) -> None:
    """Check every input (scenario, --db file, address) before saying anything, then serve until stopped."""
    from simulator.store.connection import check

    if settings.db is not None:
        check(settings.db)

    from simulator import progress as reporting
    from simulator.app import create_app, load_scenario
    from simulator.logs import log_config
    from simulator.scenarios.loader import ScenarioError
    from simulator.server import Server, ServerConfig
    from simulator.vendors.base import carriers

    try:
        scenario = load_scenario(settings.scenario)
    except ScenarioError as exc:
        raise BadScenario(str(exc)) from exc
    sock = listen(settings.host, settings.port)
    with sock:
        settings = replace(settings, port=sock.getsockname()[1])  # --port 0: the port the system chose
        generated = settings.control_token is None and settings.exposed
        if generated:
            # Reachable by others (a container's 0.0.0.0, a proxy): the control plane shows every credential and
            # takes scenarios, so it is never open there. Printing the token once suits `docker run`.
            settings = replace(settings, control_token=secrets.token_urlsafe(24))
        app = create_app(settings, scenario)
        print(banner(settings, scenario, generated), flush=True)
        logs = log_config(settings.log_level, carriers(app.state.vendors))
        config = ServerConfig(app, settings, log_level=settings.log_level, log_config=logs)
        server = Server(config)
        # SystemExit is uvicorn's way of saying the application did not start; that is told below.
        with reporting.reporting(progress or _progress(settings.log_level)), suppress(SystemExit):
            server.run(sockets=[sock])
    if not server.started:
        raise StartupFailed("the simulator did not start: the log above says why")


def _progress(log_level: str) -> Progress:
    # A bar only where someone watches (a terminal) and wants to hear about start-up (info or chattier).
    watched = sys.stderr.isatty() and LOG_LEVELS.index(log_level) >= LOG_LEVELS.index("info")
    return Progress(bar=sys.stderr if watched else None)


def listen(host: str, port: int) -> socket.socket:
    """The server's socket, bound here so that a busy port is a one-line error before anything is printed."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise CannotListen(
            f"cannot listen on {host!r} ({exc.strerror}): give --host an address of this machine"
        ) from exc
    sock = socket.socket(family, kind, proto)
    # As uvicorn does: a restarted server may take over a port whose old connections linger in TIME_WAIT.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise CannotListen(f"cannot listen on {host}:{port} ({exc.strerror}): {_what_to_do(exc, port)}") from exc
    return sock


def _what_to_do(exc: OSError, port: int) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"stop whatever listens on port {port}, or choose another --port (0 picks a free one)"
    if exc.errno == errno.EACCES:
        return "ports below 1024 need privileges; choose a --port of 1024 or more"
    if exc.errno == errno.EADDRNOTAVAIL:
        return "give --host an address of this machine (127.0.0.1, or 0.0.0.0 for every interface)"
    return "check --host and --port"


def first_sentence(text: str) -> str:
    flat = " ".join(text.split())
    match = re.match(r"(.+?[.!?])(?:\s|$)", flat)
    return match.group(1) if match else flat


def banner(settings: Settings, scenario: LoadedScenario, generated_token: bool = False) -> str:
    from simulator.vendors import VENDORS

    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    root = f"http://{host}:{settings.port}"
    lines = [
        f"stock-api-simulator {__version__}: scenario {scenario.spec.name!r} ({scenario.source})",
        f"state: {settings.db or 'in memory'}; control plane: {root}/_sim/health",
    ]
    if generated_token:
        lines.append(
            f"control token: {settings.control_token} (made for this run, as {settings.host} is reachable off "
            "loopback; send `Authorization: Bearer <token>` to /_sim/, or choose one with --control-token)"
        )
    for vendor in VENDORS:
        for account in vendor.accounts(scenario):
            creds = " ".join(f"{k}={v}" for k, v in account.auth.items())
            lines.append(f"  {vendor.name:<12} {root}{account.base_path}  {creds}")
    return "\n".join(lines)
