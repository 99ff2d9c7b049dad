"""The dashboard's core never names a vendor: it iterates simulator.vendors.VENDORS, so a new vendor shows on every
page without an edit there. A vendor's own panel is declared by the vendor (vendors/<vendor>/panel.py)."""

from __future__ import annotations

import re
from pathlib import Path

import simulator.ui
from simulator.vendors import VENDORS

CORE = Path(simulator.ui.__file__).parent


def test_no_core_file_names_a_vendor() -> None:
    names = [v.name for v in VENDORS] + [v.name.replace("-", "") for v in VENDORS]
    pattern = re.compile("|".join(re.escape(n) for n in names), re.IGNORECASE)
    files = [p for p in CORE.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert len(files) > 15
    named = {str(p.relative_to(CORE)): m[0] for p in files if (m := pattern.search(p.read_text(encoding="utf-8")))}
    assert named == {}
