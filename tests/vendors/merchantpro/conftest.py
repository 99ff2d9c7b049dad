from __future__ import annotations

from tests.support import basic

DEMO = basic("demo-api-key", "demo-api-secret")
DEMO_MW = basic("demo-mw-api-key", "demo-mw-api-secret")
JSON = {"Content-Type": "application/json", "Accept": "application/json"}
