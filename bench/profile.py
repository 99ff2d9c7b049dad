"""Where a request's time goes: the simulator served in this process under cProfile while wrk loads one call.

``python -m bench.profile --call patch --seconds 10`` prints the functions with the most time of their own and the
most time below them. The store's request-sized units run on the event loop's thread (store/connection.py), so one
profiler on this thread sees the whole request; work handed to aiosqlite's thread (bulk units) is not seen.
cProfile slows Python code several times over; read shares, not absolute times. py-spy or pyinstrument, when
installed, give the same picture with less distortion.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import threading
from dataclasses import replace
from typing import Any

import httpx

from bench.harness import Wrk, free_port
from bench.throughput import ITEM, MP_AUTH, PATCH_BODY, SCENARIO


def profile(call: str, seconds: int, top: int, sampler: bool = False) -> str:
    import uvicorn

    from simulator.app import create_app
    from simulator.config import Settings
    from simulator.server import ServerConfig

    port = free_port()
    settings = Settings(host="127.0.0.1", port=port, log_level="warning", scenario=str(SCENARIO))
    app = create_app(settings)
    server = uvicorn.Server(ServerConfig(app, replace(settings), log_level="warning"))
    wrk = Wrk()
    url = f"http://127.0.0.1:{port}{ITEM}"
    headers = {"Authorization": httpx.BasicAuth(*MP_AUTH)._auth_header, "Content-Type": "application/json"}
    found: dict[str, Any] = {}

    def load() -> None:
        while not server.started:
            threading.Event().wait(0.05)
        body = PATCH_BODY if call == "patch" else ""
        found.update(wrk(url, "PATCH" if call == "patch" else "GET", body, headers, seconds=seconds))
        server.should_exit = True

    loader = threading.Thread(target=load, daemon=True)
    loader.start()
    if sampler:
        return _sampled(server, loader, call, seconds, found)
    profiler = cProfile.Profile()
    profiler.runcall(server.run)
    loader.join()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    out.write(f"{call.upper()} {ITEM}: {found.get('rps', 0):.0f} rps under the profiler, wrk -t1 -c32 {seconds} s\n")
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def _sampled(server: Any, loader: threading.Thread, call: str, seconds: int, found: dict[str, Any]) -> str:
    """The same run under pyinstrument (a sampling profiler: it slows the server far less than cProfile, so the
    shares are closer to the real ones). It is not in the locked environment: ``uv pip install --target DIR
    pyinstrument`` and put DIR on PYTHONPATH."""
    try:
        from pyinstrument import Profiler  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        raise SystemExit("--sampler needs pyinstrument importable (see python -m bench.profile --help)") from None
    profiler = Profiler(interval=0.0005)
    profiler.start()
    server.run()
    profiler.stop()
    loader.join()
    head = f"{call.upper()} {ITEM}: {found.get('rps', 0):.0f} rps under pyinstrument, wrk -t1 -c32 {seconds} s\n"
    text: str = profiler.output_text(unicode=False, color=False, show_all=False)
    return head + text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--call", choices=("get", "patch"), default="patch")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sampler", action="store_true", help="pyinstrument instead of cProfile (see _sampled)")
    args = parser.parse_args()
    print(profile(args.call, args.seconds, args.top, args.sampler))


if __name__ == "__main__":
    main()
