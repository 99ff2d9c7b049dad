"""``stocksim``: serve the simulator (the default command) or validate scenario files."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from simulator import __version__
from simulator.config import Settings
from simulator.scenarios.loaded import LoadedScenario
from simulator.scenarios.loader import ScenarioError, load_file
from simulator.vendors import VENDORS

COMMANDS = ("serve", "validate", "version")
KEEP_ALIVE_SECONDS = 75


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stocksim", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="run the simulator (default)")
    serve.add_argument("--host", help="bind address (STOCKSIM_HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (STOCKSIM_PORT, default 8080)")
    serve.add_argument("--scenario", help="scenario YAML file (STOCKSIM_SCENARIO, default: the shipped one)")
    serve.add_argument("--db", help="SQLite file that keeps state across restarts (STOCKSIM_DB, default: memory)")
    serve.add_argument("--max-body-bytes", type=int, help="request body cap (STOCKSIM_MAX_BODY_BYTES)")
    serve.add_argument("--log-level", help="uvicorn log level (STOCKSIM_LOG_LEVEL, default info)")
    serve.add_argument("--control-token", help="require this bearer token on /_sim/ (STOCKSIM_CONTROL_TOKEN)")
    serve.add_argument("--scenario-dir", help="folder scenario_file may name (STOCKSIM_SCENARIO_DIR)")
    serve.add_argument("--journal-size", type=int, help="requests journaled per sandbox (STOCKSIM_JOURNAL_SIZE, 1000)")
    validate = sub.add_parser("validate", help="check scenario files; print every problem, exit 1 if any")
    validate.add_argument("files", nargs="+")
    sub.add_parser("version", help="print the version")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or (args[0] not in COMMANDS and args[0] not in ("-h", "--help")):
        args.insert(0, "serve")
    ns = _parser().parse_args(args)
    if ns.command == "version":
        print(__version__)
        return 0
    if ns.command == "validate":
        return validate(ns.files)
    settings = Settings.from_env(
        host=ns.host,
        port=ns.port,
        scenario=ns.scenario,
        db=ns.db,
        max_body_bytes=ns.max_body_bytes,
        log_level=ns.log_level,
        journal_size=ns.journal_size,
        control_token=ns.control_token,
        scenario_dir=ns.scenario_dir,
    )
    return serve(settings)


def validate(files: Sequence[str]) -> int:
    failed = False
    for path in files:
        try:
            load_file(path)
        except ScenarioError as exc:
            failed = True
            print(str(exc), file=sys.stderr)
        else:
            print(f"{path}: ok")
    return 1 if failed else 0


def serve(settings: Settings) -> int:
    import uvicorn

    from simulator.app import create_app, load_scenario
    from simulator.logs import log_config

    try:
        scenario = load_scenario(settings.scenario)
    except ScenarioError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    app = create_app(settings, scenario)
    print(banner(settings, scenario), flush=True)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        log_config=log_config(),
        # uvicorn's default of 5 s closes pooled connections so soon that clients reusing one see "server
        # disconnected", which the vendors (behind gateways that keep connections a minute or more) rarely cause.
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
    return 0


def banner(settings: Settings, scenario: LoadedScenario) -> str:
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    root = f"http://{host}:{settings.port}"
    lines = [
        f"stock-api-simulator {__version__}: scenario {scenario.spec.name!r} ({scenario.source})",
        f"state: {settings.db or 'in memory'}; control plane: {root}/_sim/health",
    ]
    for vendor in VENDORS:
        for account in vendor.accounts(scenario):
            creds = " ".join(f"{k}={v}" for k, v in account.auth.items())
            lines.append(f"  {vendor.name:<12} {root}{account.base_path}  {creds}")
    return "\n".join(lines)
