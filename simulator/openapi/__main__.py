"""``python -m simulator.openapi [FOLDER]``: write every document to FOLDER (default: ./openapi) as YAML."""

from __future__ import annotations

import sys
from pathlib import Path

from simulator.openapi.build import committed_text
from simulator.openapi.catalog import DOCUMENTS


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else Path("openapi")
    if not folder.is_dir():
        print(f"no folder {folder}; run from the repository's root or name the folder", file=sys.stderr)
        return 2
    for document in DOCUMENTS.values():
        path = folder / f"{document.name}.yaml"
        path.write_text(committed_text(document), encoding="utf-8")
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
