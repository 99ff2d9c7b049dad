"""What the dashboard's tests share: a scenario with awkward values, and forms posted as a browser posts them."""

from __future__ import annotations

from typing import Any

import httpx

from simulator.ui.security import CSRF, CSRF_FIELD

UI = "/_sim/ui"
# A SKU that would run if any page put it into HTML unescaped, or into the DOM as markup.
XSS = "<script>window.__xss=1</script><img src=x onerror=window.__xss=2>"
MP_AUTH = ("shop-key", "shop-secret")


def scenario(big: int = 1000) -> str:
    """The dashboard tests' scenario: a shop with awkward SKUs, a generated shop of ``big`` products, a tenant."""
    return f"""
name: dashboard-test
merchantpro:
  shops:
    - name: shop
      api_key: {MP_AUTH[0]}
      api_secret: {MP_AUTH[1]}
      products:
        - {{id: 1, sku: PLAIN-1, ean: "5901234123457", stock: 5, price_gross: 10.0}}
        - {{id: 2, sku: "{XSS}", stock: 1, price_gross: 10.0}}
    - name: big
      api_key: big-key
      api_secret: big-secret
      generate: {{count: {big}, seed: 3}}
ilevel:
  tenants:
    - name: tenant
      username: user
      api_key: tenant-key
      warehouses: [{{id: 1571945CAB99744086F9FDFC9D9332D5, name: Main}}]
      variants: [{{variant_id: 0A5EEDAF16F8D54486AB2AD7474B3994, barcode: "5052011221399", code: CODE-1, name: First}}]
      stock: [{{warehouse: 1571945CAB99744086F9FDFC9D9332D5, variant: 0A5EEDAF16F8D54486AB2AD7474B3994, inStock: 5}}]
"""


SCENARIO = scenario()


async def csrf(client: httpx.AsyncClient) -> str:
    """The CSRF token a page gives the browser (the cookie, and the same value in every form)."""
    page = await client.get(f"{UI}/")
    token = client.cookies.get(CSRF)
    assert token and f'value="{token}"' in page.text
    return token


async def post(
    client: httpx.AsyncClient, path: str, data: dict[str, Any] | None = None, files: Any = None, follow: bool = True
) -> httpx.Response:
    """A form POSTed with the page's CSRF token; by default the redirect is followed to the page (and its message)."""
    form = {CSRF_FIELD: await csrf(client), **(data or {})}
    return await client.post(UI + path, data=form, files=files, follow_redirects=follow)
