"""The scenario the hostile corpus runs against: the default scenario's records plus a second account per vendor
(for "another account's credentials") and a MerchantPro lockout high enough that 401 cases stay 401."""

from __future__ import annotations

SCENARIO = """
name: hostile
merchantpro:
  shops:
    - name: demo
      api_key: demo-api-key
      api_secret: demo-api-secret
      auth_failures_before_forbidden: 1000
      products:
        - {id: 10001, sku: WMY71443LB2, ean: "8690842009112", stock: 10, price_gross: 1700.00}
        - {id: 10010, sku: "Mug/Red 350ml", ean: "5901234123457", stock: 7, price_gross: 29.90}
        - {id: 10011, sku: "100% Cotton Tee", stock: 3, price_gross: 59.50}
        - {id: 10012, sku: "Čaj-Zelený-Ünï", stock: 12, price_net: 10.00}
        - {id: 10013, sku: "a..b", stock: 4, price_gross: 1.00}
    - name: other
      api_key: other-api-key
      api_secret: other-api-secret
      auth_failures_before_forbidden: 1000
      products:
        - {id: 20001, sku: OTHER-1, stock: 1, price_gross: 10.00}
ilevel:
  tenants:
    - name: demo
      username: demo
      api_key: demo-ilevel-api-key
      warehouses:
        - {id: 1571945CAB99744086F9FDFC9D9332D5, name: Main warehouse}
      variants:
        - {variant_id: 0A5EEDAF16F8D54486AB2AD7474B3994, barcode: "5052011221399", code: ACC001018__A}
      stock:
        - {warehouse: 1571945CAB99744086F9FDFC9D9332D5, variant: 0A5EEDAF16F8D54486AB2AD7474B3994, inStock: 5}
    - name: other
      username: other
      api_key: other-ilevel-api-key
      warehouses:
        - {id: 8E0F3D4C2B1A49D7A6E5F4C3B2A19080, name: Other warehouse}
      variants:
        - {variant_id: 5B1C2D3E4F5061728394A5B6C7D8E9F0}
centra:
  plugins:
    - name: demo
      api_token: demo-centra-api-token
      items:
        - {stockItemId: 1001, productId: 101, variantId: 201, sku: BLZ-100, variantSku: NVY, sizeSku: S,
           ean: "1234567890123", physicalStock: 10, allocatedStock: 2, created: "2024-01-10 09:00:00"}
    - name: other
      api_token: other-centra-api-token
      items:
        - {stockItemId: 2001, productId: 301, variantId: 401, sku: OTH-1, variantSku: A, sizeSku: B,
           ean: "4006381333931", physicalStock: 1, allocatedStock: 0, created: "2024-01-10 09:00:00"}
ka_ching:
  accounts:
    - id: demo-account
      import_queues:
        - {id: demo-queue, apikey: demo-apikey}
      stock_locations:
        - {id: stock_location_id}
      products:
        - {id: product1}
        - {id: product3, variants: [variant1, variant2]}
      stock:
        - {location: stock_location_id, product: product1, count: 3}
      processing_delay: 0
    - id: other-account
      import_queues:
        - {id: other-queue, apikey: other-apikey}
      stock_locations:
        - {id: stock_location_id}
      products:
        - {id: product1}
      processing_delay: 0
"""
