"""Issue 14's targets, judged on a `make bench` result; and the machine and versions the figures come from."""

from __future__ import annotations

import os
import platform
import sqlite3
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from bench import instructions
from bench.catalog import PROBES

LOOKUP_GROWTH = 1.3  # a random-item lookup at the largest catalog against the smallest
IDLE_TOOLKIT = 0.05  # of a PATCH's instructions, with no faults, rate limits or verification configured
PACKAGES = ("starlette", "uvicorn", "httptools", "uvloop", "msgspec", "aiosqlite", "httpx", "pytest")


@dataclass(frozen=True)
class Target:
    name: str
    value: float
    limit: float
    at_least: bool  # the value must be >= limit (a rate), else <= limit (a cost)

    @property
    def met(self) -> bool:
        return self.value >= self.limit if self.at_least else self.value <= self.limit

    def line(self) -> str:
        sign = ">=" if self.at_least else "<="
        verdict = "met" if self.met else "NOT MET"
        return f"{self.name:<58}{self.value:>9.2f}  {sign} {self.limit:<6g}{verdict:>9}"


def judge(results: dict[str, Any]) -> list[Target]:
    """Every target whose figures this run has; a section left out (--only) leaves its targets out."""
    found: list[Target] = []
    t = results.get("throughput")
    if t:
        r = t["ratios"]
        found += [
            Target("MerchantPro GET rps, x bare Starlette", r["get_rps_vs_bare"], 0.6, True),
            Target("MerchantPro PATCH adjust_by rps, x bare Starlette", r["patch_rps_vs_bare"], 0.8, True),
            Target("GET p99 at 32 connections, x bare", r["get_p99_vs_bare"], 3.0, False),
            Target("PATCH p99 at 32 connections, x bare", r["patch_p99_vs_bare"], 3.0, False),
        ]
        if "get_rps_vs_wiremock" in r:
            found += [
                Target("MerchantPro GET rps, x warmed WireMock", r["get_rps_vs_wiremock"], 1.0, True),
                Target("MerchantPro PATCH adjust_by rps, x warmed WireMock", r["patch_rps_vs_wiremock"], 1.0, True),
            ]
    counted = results.get("instructions", {}).get("patch", {})
    if "untooled" in counted:
        share = instructions.share(results["instructions"], "patch")
        found.append(Target("idle toolkit, share of a PATCH's instructions", share, IDLE_TOOLKIT, False))
    cold = results.get("cold_start")
    if cold:
        found.append(Target("cold start, x bare uvicorn app", cold["ratio"], 1.5, False))
    catalog = results.get("catalog")
    if catalog and len(catalog["sizes"]) > 1:
        sizes = catalog["sizes"]
        small, large = min(sizes, key=int), max(sizes, key=int)
        for probe in PROBES:
            if probe.write:
                continue
            growth = sizes[large]["median_ms"][probe.name] / sizes[small]["median_ms"][probe.name]
            found.append(Target(f"{probe.name}, {int(large):,} / {int(small):,} items", growth, LOOKUP_GROWTH, False))
    plugin = results.get("extra", {}).get(PLUGIN_KEY)
    if plugin:
        found.append(Target("pytest plugin, stock_sandbox set-up + tear-down, ms", plugin["value"], 20.0, False))
    return found


PLUGIN_KEY = "pytest stock_sandbox per test ms (vs POST+DELETE)"


def table(targets: list[Target]) -> str:
    return "\n".join([f"{'target (issue 14)':<58}{'value':>9}  limit", *(t.line() for t in targets)])


def machine() -> dict[str, Any]:
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
    except OSError:
        pass
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "cpu": model or platform.processor(),
        "cpus": os.cpu_count(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "versions": versions,
        "load_average_at_start": os.getloadavg(),
    }


def describe(info: dict[str, Any]) -> str:
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items())

    def load(key: str) -> str:
        return " ".join(f"{x:.2f}" for x in info[key]) if key in info else "?"

    return "\n".join(
        [
            f"machine: {info['cpu']}, {info['cpus']} CPUs, Linux {info['kernel']}; "
            f"load average at start {load('load_average_at_start')}, at end {load('load_average_at_end')}",
            f"python {info['python']}, SQLite {info['sqlite']}, {versions}",
            *(f"{k}: {v}" for k, v in info.get("tools", {}).items()),
        ]
    )
