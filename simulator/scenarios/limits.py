"""How big a scenario may be. Scenarios come from files and from POST /_sim/sandboxes, so every cost is bounded.

Reading (``Limits``, overridable per call of ``load_text``/``load_file``):

- ``max_bytes`` (4 MiB): the document's size in UTF-8. Larger: one problem at ``$``, nothing parsed.
- ``max_nodes`` (200,000): YAML nodes (every scalar, key, list and mapping). More: one problem at the node past the
  budget; parsing stops there.
- ``max_depth`` (64): lists and mappings nested in each other. Deeper: one problem where it happens.
- ``MAX_PATH`` (256, fixed): characters in the JSON path of any value (``$.merchantpro.shops[0].products[3].sku``);
  each value's path is kept to locate problems, so long keys nested deep would multiply a document's memory.
  Longer: one problem where it happens. The longest path a valid scenario can have is far shorter.

YAML aliases (``*name``) are refused outright, with one problem per alias: a few hundred bytes of nested aliases
expand to billions of nodes ("billion laughs"), and no scenario needs them.

Generated catalogs (fixed, part of the scenario's types and rules):

- ``MAX_GENERATED`` (2,000,000): products one MerchantPro ``generate:`` block makes; i.LEVEL's blocks, whose
  variants are seeded from Python, stop at ``MAX_GENERATED_ILEVEL`` (1,000,000).
- ``MAX_GENERATED_TOTAL`` (2,000,000): generated items of all blocks of a scenario together.
- ``MAX_CODE_LENGTH`` (128): characters in one generated code (a pattern's text plus its zero-padded ordinal).

Reporting: at most ``MAX_PROBLEMS`` (1,000) problems are listed, then one line says how many more there were.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_GENERATED = 2_000_000
MAX_GENERATED_ILEVEL = 1_000_000
MAX_GENERATED_TOTAL = 2_000_000
MAX_CODE_LENGTH = 128
MAX_PROBLEMS = 1_000
MAX_PATH = 256


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 4 * 1024 * 1024
    max_nodes: int = 200_000
    max_depth: int = 64


DEFAULT_LIMITS = Limits()
