"""The OpenAPI 3.1 documents: one per vendor and one for the control plane, each built from a hand-written part
(paths, descriptions, examples; ``parts/*.yaml``) and the JSON Schemas of the Structs that decode and encode the
bodies (``msgspec.json.schema_components``), so the documents and the code cannot drift apart.

``python -m simulator.openapi`` writes them to the repository's openapi/ folder; the running simulator serves them
under ``/_sim/openapi`` with ``servers`` pointing at itself (see routes.py).
"""

from __future__ import annotations

from simulator.openapi.build import DocumentError, build, committed_text, render_yaml, servers_for
from simulator.openapi.catalog import DOCUMENTS, Document

__all__ = ["DOCUMENTS", "Document", "DocumentError", "build", "committed_text", "render_yaml", "servers_for"]
