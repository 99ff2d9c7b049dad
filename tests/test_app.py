"""The app object itself: its state's attributes, and what a request leaves behind for the garbage collector."""

from __future__ import annotations

import gc

import httpx
import pytest

from simulator.app import AppState
from tests.support import app_for, basic, served

MP = "/merchantpro/demo/api/v2/inventory/id/10001"


def test_app_state_behaves_as_starlettes_state_with_plain_attributes() -> None:
    state = AppState()
    state.answer = 42
    assert state.answer == 42
    assert state._state == {"answer": 42}  # Starlette's own dict keeps it too
    assert vars(state)["answer"] == 42  # found by the ordinary lookup, without __getattr__'s AttributeError
    state.answer = 43
    assert (state.answer, state._state["answer"]) == (43, 43)
    del state.answer
    with pytest.raises(AttributeError):
        _ = state.answer
    assert "answer" not in state._state
    assert isinstance(app_for().state, AppState)


def test_a_served_request_leaves_no_reference_cycle() -> None:
    """uvicorn's request cycle holds the scope; a scope that kept the cycle's own ``send`` made a cycle per request,
    freed only by the garbage collector (app.SimulatorApp.__call__)."""
    with served(app_for()) as url, httpx.Client(base_url=url) as client:
        for _ in range(3):
            assert client.get(MP, headers=basic("demo-api-key", "demo-api-secret")).status_code == 200
        gc.collect()
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            for _ in range(20):
                assert client.get(MP, headers=basic("demo-api-key", "demo-api-secret")).status_code == 200
                assert client.patch(MP, headers=basic("demo-api-key", "demo-api-secret"), json={"stock": 3}).is_success
            gc.collect()
            cycles = [o for o in gc.garbage if type(o).__name__ == "RequestResponseCycle"]
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
    assert cycles == []
