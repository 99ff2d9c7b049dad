"""The dashboard's pages under /_sim/ui/. Every state-changing action is a POST of a form with a CSRF token."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from simulator.ui import accounts, clock, faults, journal, login, sandboxes, stock
from simulator.ui.extras import page as extras
from simulator.ui.render import HERE, PREFIX

SANDBOX = "/sandboxes/{name}"


def routes() -> list[BaseRoute]:
    return [
        Mount(
            PREFIX,
            routes=[
                Route("/", sandboxes.index, methods=["GET"]),
                Route("/login", login.form, methods=["GET"]),
                Route("/login", login.login, methods=["POST"]),
                Route("/logout", login.logout, methods=["POST"]),
                Route("/sandboxes", sandboxes.create, methods=["POST"]),
                Route(SANDBOX + "/reset", sandboxes.reset, methods=["POST"]),
                Route(SANDBOX + "/delete", sandboxes.delete, methods=["POST"]),
                Route(SANDBOX + "/accounts", accounts.accounts, methods=["GET"]),
                Route(SANDBOX + "/stock", stock.stock, methods=["GET"]),
                Route(SANDBOX + "/journal", journal.page, methods=["GET"]),
                Route(SANDBOX + "/journal/stream", journal.stream, methods=["GET"]),
                Route(SANDBOX + "/journal/clear", journal.clear, methods=["POST"]),
                Route(SANDBOX + "/journal/{entry}", journal.entry, methods=["GET"]),
                Route(SANDBOX + "/faults", faults.page, methods=["GET"]),
                Route(SANDBOX + "/faults", faults.add, methods=["POST"]),
                Route(SANDBOX + "/faults/clear", faults.clear, methods=["POST"]),
                Route(SANDBOX + "/faults/{rule}/delete", faults.remove, methods=["POST"]),
                Route(SANDBOX + "/clock", clock.page, methods=["GET"]),
                Route(SANDBOX + "/clock", clock.change, methods=["POST"]),
                Route(SANDBOX + "/extras", extras.page, methods=["GET"]),
                Route(SANDBOX + "/extras/{vendor}/{action}", extras.act, methods=["POST"]),
                Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
            ],
        )
    ]
