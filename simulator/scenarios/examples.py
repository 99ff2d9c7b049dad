"""The scenarios shipped inside the package (simulator/scenarios/files/), loadable by name.

``--scenario rate-limited-shop``, ``STOCKSIM_SCENARIO=rate-limited-shop`` and
``@pytest.mark.stocksim_scenario("rate-limited-shop")`` all name one of these; anything else is a file path.
The repository's top-level scenarios/ folder links to the same files.
"""

from __future__ import annotations

from pathlib import Path

FILES = Path(__file__).parent / "files"
DEFAULT = "default"


def shipped() -> dict[str, Path]:
    """Every shipped scenario by name (the file's stem), sorted."""
    return {path.stem: path for path in sorted(FILES.glob("*.yaml"))}


def resolve(name_or_path: str | Path | None) -> Path:
    """A shipped scenario's file when ``name_or_path`` is one's name (or None: the default), else the path as given.

    A name wins only when no file of that name exists, so a local file called ``default`` still loads."""
    if name_or_path is None:
        return FILES / f"{DEFAULT}.yaml"
    path = Path(name_or_path)
    if not path.exists() and str(name_or_path) in shipped():
        return FILES / f"{name_or_path}.yaml"
    return path
