"""Ka-ching's stock events in Ka-ching's words: the body an export queue's webhook receives, and the listing of
``GET /_sim/ka-ching/events`` (the same fields, then the simulator's bookkeeping).

Ka-ching does not document the stock event payload. Its own export code (ka-ching-as/exportsjs,
lib/ShopifyTransform.ts, ``exportStockEvent``) reads ``stock_location_id``, ``product_id``, ``variant_id``, and
``adjustment`` (an adjustment) or else ``new_stock_value`` (a reset), so an event carries exactly one of the two.
A removal carries neither (inferred): the doc insists that removing a record is not setting it to 0, so
``new_stock_value: 0`` would mislead, and the event's ``type`` (``external_removal``) says what happened.

The webhook body leaves out what only the simulator knows (the count before and after, the import queue and the
import it came from): a receiver that read them would work against the simulator only. The listing has them,
for tests.
"""

from __future__ import annotations

import msgspec
from msgspec import UNSET, UnsetType

from simulator.domain.kaching import EVENT_TYPES, EventType, StockEvent

_encoder = msgspec.json.Encoder()


class WebhookStockEvent(msgspec.Struct, kw_only=True):
    """A stock event as an export queue's webhook receives it."""

    id: int  # the simulator's event id, as /_sim/ka-ching/deliveries names it (event_id)
    type: EventType  # external_reset, external_adjustment (documented), external_removal (inferred)
    stock_location_id: str
    product_id: str
    variant_id: str | None
    new_stock_value: int | UnsetType = UNSET  # resets only: the new count
    adjustment: int | UnsetType = UNSET  # adjustments only: the change
    timestamp: str  # ISO 8601 on the sandbox clock


class KachingEvent(WebhookStockEvent, kw_only=True):
    """A stock event as /_sim/ka-ching/events lists it: the webhook's fields, then the simulator's bookkeeping."""

    account: str
    import_queue: str
    import_id: int
    count_before: int | None  # None: the product was not stocked at the location
    count_after: int | None  # None: the record was removed


def webhook_event(event: StockEvent) -> WebhookStockEvent:
    return WebhookStockEvent(
        id=event.id,
        type=EVENT_TYPES[event.kind],
        stock_location_id=event.location,
        product_id=event.product,
        variant_id=event.variant,
        new_stock_value=event.value if event.kind == "reset" else UNSET,
        adjustment=event.value if event.kind == "adjustment" else UNSET,
        timestamp=event.at,
    )


def listed_event(event: StockEvent) -> KachingEvent:
    return KachingEvent(
        **msgspec.structs.asdict(webhook_event(event)),
        account=event.account,
        import_queue=event.queue,
        import_id=event.import_id,
        count_before=event.before,
        count_after=event.after,
    )


def webhook_body(event: StockEvent) -> bytes:
    return _encoder.encode(webhook_event(event))
