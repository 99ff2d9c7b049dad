"""Settings, each declared once: its default, its help, and the type that checks it. ``stocksim serve`` makes a
``--flag`` and a ``STOCKSIM_*`` environment variable of every one (simulator/cli.py), so the two cannot drift.

The types word their own one-line errors: the value, what is wrong with it, and what would do instead.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import click

from simulator.scenarios import examples

if TYPE_CHECKING:
    IntType = click.ParamType[int]
    TextType = click.ParamType[str]
    ListType = click.ParamType[tuple[str, ...]]
    TextsType = click.ParamType[tuple[str, ...]]
else:  # click made ParamType generic after 8.1, which pyproject.toml still allows
    IntType = TextType = ListType = TextsType = click.ParamType

T = TypeVar("T")
DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024
# uvicorn's default of 5 s closes pooled connections so soon that clients reusing one see "server disconnected",
# which the vendors (behind gateways that keep connections a minute or more) rarely cause.
DEFAULT_IDLE_TIMEOUT = 75
DEFAULT_JOURNAL_BYTES = 256 * 1024 * 1024
LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")  # uvicorn's


class Host(TextType):
    name = "address"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        host = str(value).strip()
        # An empty address would listen on every interface: that must be asked for (0.0.0.0), never fallen into.
        if not host:
            self.fail(f"{value!r} is not an address: use 127.0.0.1, or 0.0.0.0 for every interface", param, ctx)
        return host


class Port(IntType):
    name = "port"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        try:
            port = int(value)
        except (TypeError, ValueError):
            port = -1
        if not 0 <= port <= 65535:
            self.fail(f"{value!r} is not a port number: use 1-65535, or 0 for any free port", param, ctx)
        return port


class Count(IntType):
    """A whole number no smaller than ``minimum``."""

    name = "integer"

    def __init__(self, minimum: int) -> None:
        self.minimum = minimum

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = self.minimum - 1
        if number < self.minimum:
            self.fail(f"{value!r} is not a whole number of {self.minimum} or more", param, ctx)
        return number


class Seconds(IntType):
    """Whole seconds, from 1 to a day."""

    name = "seconds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        try:
            seconds = int(value)
        except (TypeError, ValueError):
            seconds = 0
        if not 1 <= seconds <= 86_400:
            self.fail(f"{value!r} is not a number of seconds: use a whole number from 1 to 86400", param, ctx)
        return seconds


class LogLevel(TextType):
    name = "level"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        level = str(value).strip().lower()
        if level not in LOG_LEVELS:
            self.fail(f"{value!r} is not a log level: use one of {', '.join(LOG_LEVELS)}", param, ctx)
        return level


class Token(TextType):
    name = "token"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        token = str(value)
        # An empty token (an unset variable expanded into --control-token "$TOKEN") would look like protection
        # while guarding nothing; spaces at either end could never be sent back in a header.
        if not token or token != token.strip():
            self.fail(f"{value!r} cannot be a token: use a non-empty value without spaces at either end", param, ctx)
        return token


class WebhookAllow(ListType):
    """A comma-separated list of host globs (``hooks.example.com``, ``*.test``) and URL prefixes
    (``https://hooks.example.com/stock/``)."""

    name = "list"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[str, ...]:
        if isinstance(value, tuple):
            return value
        entries = tuple(e for e in str(value).replace(",", " ").split() if e)
        for entry in entries:
            if "://" in entry and not entry.lower().startswith(("http://", "https://")):
                self.fail(f"{entry!r} is not an http:// or https:// URL prefix (or a host glob)", param, ctx)
            if "://" in entry and not entry.split("://", 1)[1].split("/", 1)[0]:
                self.fail(f"{entry!r} names no host: use e.g. https://hooks.example.com/", param, ctx)
        return entries


class Scenario(TextType):
    name = "name|file"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        name = str(value)
        # A missing file is the caller's mistake, so it is a usage error; a file that does not validate is
        # reported (every problem in it) when the scenario loads.
        if not Path(name).exists() and name not in examples.shipped():
            self.fail(
                f"{value!r} is neither a file nor a shipped scenario: `stocksim scenarios` lists the shipped ones",
                param,
                ctx,
            )
        return name


class InstanceName(TextType):
    name = "name"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        name = str(value)
        # It is shown in listings and compared with what peers report, so it must read back exactly as given.
        if not name or name != name.strip() or any(not c.isprintable() for c in name):
            self.fail(f"{value!r} cannot be an instance name: use a non-empty printable name", param, ctx)
        return name


class Peers(TextsType):
    """Root URLs, comma-separated: http(s)://host[:port][/prefix], without a query or a trailing slash's worth of
    difference (a trailing slash is dropped)."""

    name = "urls"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[str, ...]:
        items = value.split(",") if isinstance(value, str) else list(value)
        urls = []
        for item in items:
            url = str(item).strip().rstrip("/")
            if not url:
                continue
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
                self.fail(
                    f"{item!r} is not a peer's root URL: use http://host:port, comma-separated for several",
                    param,
                    ctx,
                )
            urls.append(url)
        return tuple(dict.fromkeys(urls))


class Folder(TextType):
    name = "folder"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if not Path(str(value)).is_dir():
            self.fail(f"{value!r} is not a folder: name an existing folder of scenario files", param, ctx)
        return str(value)


@dataclass(frozen=True)
class Doc:
    """How a setting reads in ``--help`` (and the README), and the type that checks a given value."""

    help: str
    metavar: str
    type: click.ParamType[Any]
    default_text: str | None = None  # how the default reads when it is not the value itself


def _setting(
    default: T, help: str, metavar: str, type: click.ParamType[Any] = click.STRING, default_text: str | None = None
) -> T:
    result: T = field(default=default, metadata={"doc": Doc(help, metavar, type, default_text)})
    return result


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = _setting(
        "127.0.0.1", "Address to listen on; 0.0.0.0 (or ::) listens on every interface.", "ADDRESS", Host()
    )
    port: int = _setting(8080, "Port to listen on; 0 picks a free one (the banner shows which).", "PORT", Port())
    scenario: str | None = _setting(
        None,
        "A shipped scenario's name (`stocksim scenarios` lists them) or a scenario file.",
        "NAME|FILE",
        Scenario(),
        f"the shipped {examples.DEFAULT!r}",
    )
    db: str | None = _setting(
        None, "SQLite file that keeps state across restarts; created if missing.", "FILE", default_text="in memory"
    )
    max_body_bytes: int = _setting(
        DEFAULT_MAX_BODY_BYTES,
        "Largest request body accepted, in bytes; a larger one gets the vendor's 413.",
        "BYTES",
        Count(1),
    )
    header_timeout: int = _setting(
        10,
        "Seconds a client has to finish a request's headers once it starts one; a slower one is disconnected. An "
        "answer given before the body is read waits as long for the rest of the body (up to --max-body-bytes).",
        "SECONDS",
        Seconds(),
    )
    idle_timeout: int = _setting(
        DEFAULT_IDLE_TIMEOUT,
        "Seconds a connection may stay idle (new, or between requests) before the server closes it.",
        "SECONDS",
        Seconds(),
    )
    log_level: str = _setting(
        "info", f"Log level: {', '.join(LOG_LEVELS)}; the access log is kept at info and chattier.", "LEVEL", LogLevel()
    )
    journal_size: int = _setting(
        1000, "Requests kept per sandbox for /_sim/journal; the oldest go first, 0 keeps none.", "COUNT", Count(0)
    )
    control_token: str | None = _setting(
        None,
        "Require `Authorization: Bearer TOKEN` on every /_sim/ endpoint but /_sim/health. Without one, a server "
        "reachable off loopback (see --webhook-allow) makes a random token and prints it once, at start-up.",
        "TOKEN",
        Token(),
        "none: open on loopback, generated off it",
    )
    trust_proxy_headers: bool = _setting(
        False,
        "The server is behind a reverse proxy: take the client's address from X-Forwarded-For (the last address, "
        "the one the proxy added) and the scheme from X-Forwarded-Proto. Without it they are ignored.",
        "",
        click.BOOL,
    )
    webhook_allow: tuple[str, ...] = _setting(
        (),
        "Comma-separated host globs (hooks.example.com, *.test) or URL prefixes (https://hooks.example.com/stock/) "
        "that webhooks of scenarios posted to the control plane may call, when it is reachable off loopback "
        "(--host not a loopback address, or --trust-proxy-headers).",
        "LIST",
        WebhookAllow(),
        "none: such scenarios may name no webhook",
    )
    scenario_dir: str | None = _setting(
        None,
        'The one folder from which POST /_sim/sandboxes {"scenario_file": ...} may load a scenario.',
        "FOLDER",
        Folder(),
        "none: scenario_file is refused",
    )
    reset_on_scenario_change: bool = _setting(
        False,
        "With --db: rebuild the default sandbox on the loaded scenario when it was built on another one, discarding "
        "its changes (otherwise it keeps its own scenario and changes, and only new sandboxes use the loaded one).",
        "",
        click.BOOL,
    )

    @property
    def exposed(self) -> bool:
        """Whether others than this machine's own programs can reach the server: it listens on an address other
        than loopback's, or a proxy forwards requests to it. Then the control plane needs a token (``stocksim
        serve`` makes one) and posted scenarios may only call the webhooks --webhook-allow names."""
        return self.trust_proxy_headers or not is_loopback(self.host)

    max_sandboxes: int = _setting(
        1000,
        "Sandboxes that may exist at once, the default one included; creating one more gets 507.",
        "COUNT",
        Count(1),
    )
    max_fault_rules: int = _setting(
        10_000,
        "Fault rules one sandbox may hold (its scenario's and those added at run time); more get 422.",
        "COUNT",
        Count(0),
    )
    journal_bytes: int = _setting(
        DEFAULT_JOURNAL_BYTES,
        "Bytes the journals of all sandboxes may hold together; past it the oldest entries of any sandbox go first "
        "(a vendor request is never refused for it).",
        "BYTES",
        Count(0),
    )
    kaching_import_values: int = _setting(
        100_000,
        "Stock values one Ka-ching import may carry; more get Ka-ching's 413.",
        "COUNT",
        Count(1),
    )
    kaching_log_entries: int = _setting(
        100_000,
        "Entries each Ka-ching import queue keeps in its success and failure log; the oldest go first.",
        "COUNT",
        Count(1),
    )
    kaching_events: int = _setting(
        100_000,
        "Stock events each sandbox keeps for /_sim/ka-ching/events; the oldest go first (their webhooks are still "
        "sent).",
        "COUNT",
        Count(1),
    )
    centra_update_products: int = _setting(
        100_000,
        "Products one Centra stock update (JSON lines or the GraphQL mutation) may name; more get Centra's 413.",
        "COUNT",
        Count(1),
    )
    instance_name: str | None = _setting(
        None,
        "This instance's name in /_sim/health and /_sim/sandboxes, so shards behind a proxy can be told apart.",
        "NAME",
        InstanceName(),
        "the host's name and the port",
    )
    peers: tuple[str, ...] = _setting(
        (),
        "Other instances' root URLs, comma-separated: GET /_sim/sandboxes?all=1 merges their listings into this "
        "one's (an instance finding itself in the list skips itself).",
        "URL,...",
        Peers(),
        "none",
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from the STOCKSIM_* variables alone, checked by the types ``stocksim serve`` uses (for code
        that builds an app itself); an empty variable counts as unset, as it does for the command."""
        env = os.environ if environ is None else environ
        values = {
            f.name: doc(f.name).type.convert(env[envvar(f.name)], None, None)
            for f in fields(cls)
            if env.get(envvar(f.name))
        }
        return cls(**values)


def is_loopback(host: str) -> bool:
    """A loopback address (127.0.0.0/8, ::1) or ``localhost``; any other name may resolve to another interface."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def doc(name: str) -> Doc:
    """The declaration of the setting ``name``."""
    found: Doc = next(f.metadata["doc"] for f in fields(Settings) if f.name == name)
    return found


def envvar(name: str) -> str:
    return f"STOCKSIM_{name.upper()}"
