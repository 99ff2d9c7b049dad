"""The distribution: the wheel a clone builds holds the package, its shipped scenarios, the license and the entry
points, and works once installed in a venv of its own: ``stocksim --scenario rate-limited-shop`` and the README's
plugin example (its marker names the same scenario) find the files inside it.

Nothing comes from the network: uv (bootstrapped by the Makefile into .tools/) builds with the build backend in its
cache and installs the dependencies from uv.lock out of its cache, as ``make`` left it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx

from simulator.scenarios import examples
from tests.support import ROOT, free_port
from tests.test_readme import wait_for_health


def uv() -> str:
    found = ROOT / ".tools" / "bin" / "uv"
    which = str(found) if found.exists() else shutil.which("uv")
    assert which, "uv not found: `make lint` bootstraps it into .tools/"
    return which


def clone(into: Path) -> Path:
    """The repository's tracked files as they are now (links kept), which is what a clone would build."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in listed.decode().split("\0"):
        if not name:
            continue
        source, target = ROOT / name, into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(os.readlink(source))
        elif source.exists():  # tracked but deleted in the working tree
            shutil.copy2(source, target)
    return into


def run(argv: list[str], cwd: Path, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH") and "STOCKSIM_" not in k}
    done = subprocess.run(argv, cwd=cwd, env={**clean, **env}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{argv}\n{done.stdout}{done.stderr}"
    return done.stdout


def test_the_wheel_carries_the_scenarios_and_works_installed_in_a_fresh_venv(tmp_path: Path) -> None:
    source = clone(tmp_path / "src")
    dist = tmp_path / "dist"
    run([uv(), "build", "--offline", "--quiet", "--wheel", "--out-dir", str(dist), str(source)], tmp_path)
    [wheel] = dist.glob("*.whl")

    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names} == {"simulator", "stock_api_simulator-0.1.0.dist-info"}
    shipped = {f"simulator/scenarios/files/{path.name}" for path in examples.shipped().values()}
    assert shipped and shipped <= set(names)
    assert "stock_api_simulator-0.1.0.dist-info/licenses/LICENSE" in names
    entry_points = zipfile.ZipFile(wheel).read("stock_api_simulator-0.1.0.dist-info/entry_points.txt").decode()
    assert re.search(r"^stocksim = simulator\.cli:main$", entry_points, re.M)
    assert re.search(r"^stocksim = simulator\.pytest_plugin$", entry_points, re.M)

    # The locked dependencies (and pytest, the [pytest] extra) from uv's cache; then the wheel, not the source.
    venv = tmp_path / "venv"
    sync = [uv(), "sync", "--frozen", "--offline", "--quiet", "--no-install-project", "--extra", "pytest"]
    run([*sync, "--python", sys.executable], source, UV_PROJECT_ENVIRONMENT=str(venv))
    install = [uv(), "pip", "install", "--offline", "--quiet", "--no-deps", "--python", str(venv / "bin" / "python")]
    run([*install, str(wheel)], tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = run([str(venv / "bin" / "python"), "-c", "import simulator; print(simulator.__file__)"], elsewhere)
    assert Path(where.strip()).is_relative_to(venv)

    port = free_port()
    argv = [str(venv / "bin" / "stocksim"), "--scenario", "rate-limited-shop", "--port", str(port)]
    server = subprocess.Popen(argv, cwd=elsewhere, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for_health(port, server)["scenario"]["name"] == "rate-limited-shop"
        [account] = httpx.get(f"http://127.0.0.1:{port}/_sim/apis", trust_env=False).json()["apis"]
        assert account["base_url"].endswith("/merchantpro/shop")
    finally:
        server.terminate()
        server.wait(timeout=10)

    # The README's example, whose marker names rate-limited-shop, with pytest and the plugin from the venv.
    readme = (ROOT / "README.md").read_text()
    [example] = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert '@pytest.mark.stocksim_scenario("rate-limited-shop")' in example
    (elsewhere / "test_example.py").write_text(example)
    out = run([str(venv / "bin" / "pytest"), "-q", "-p", "no:cacheprovider", "-W", "error"], elsewhere)
    assert "2 passed" in out
