"""The simulator in a Docker container for a pytest session, with testcontainers-python: copy into your tests'
conftest.py. Needs a Docker engine, and `pip install testcontainers 'stock-api-simulator[pytest]'`; the image is the
repository's Dockerfile (`docker build -t stocksim:0.1.0 .`, or STOCKSIM_IMAGE names another).

The container starts once per session; STOCKSIM_URL then points the plugin's ``stock_simulator`` fixture at it,
and every test's ``stock_sandbox`` is a sandbox of its own inside it (see test_example.py beside this file).
"""

from __future__ import annotations

import os
import time
import urllib.request
from collections.abc import Iterator

import pytest
from testcontainers.core.container import DockerContainer

IMAGE = os.environ.get("STOCKSIM_IMAGE", "stocksim:0.1.0")
PORT = 8080  # the image's EXPOSE and STOCKSIM_PORT


def _wait_until_healthy(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_sim/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the simulator at {url} did not answer /_sim/health within {timeout:g} s")
        time.sleep(0.2)


@pytest.fixture(scope="session", autouse=True)
def stocksim_container() -> Iterator[str]:
    """The container, started before the plugin's session fixture needs STOCKSIM_URL (autouse fixtures of a scope
    come first), stopped and removed after the session."""
    container = DockerContainer(IMAGE).with_exposed_ports(PORT).with_env("STOCKSIM_SCENARIO", "rate-limited-shop")
    with container:
        url = f"http://{container.get_container_host_ip()}:{container.get_exposed_port(PORT)}"
        _wait_until_healthy(url)
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("STOCKSIM_URL", url)
            yield url
