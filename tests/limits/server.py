"""``stocksim serve`` as its own process, in memory, for the loop-latency tests that need the server's event loop
measured alone: in the test's process the receiver, the client and the test's own objects share the interpreter
(its GIL and its garbage collector's pauses) with the server."""

from __future__ import annotations

from pathlib import Path

from bench.crash_safety import BIN, Server


class InMemory(Server):
    """``stocksim serve --scenario SCENARIO`` (a shipped scenario's name or a file) without --db; its log goes to
    ``log``."""

    def __init__(self, scenario: str | Path, port: int, log: Path) -> None:
        super().__init__(log.with_suffix(".db"), Path(scenario), port)
        self.log = log
        self.argv = [str(BIN / "stocksim"), "serve", "--scenario", str(scenario), "--port", str(port)]
        self.argv += ["--log-level", "warning"]
