"""How a server runs: where it listens, its policy, its limits."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..request import Policy


@dataclass(frozen=True)
class ServeConfig:
    policy: Policy  # packs, --set, profile, waivers, limits (as_of: today, or per request)
    host: str = "127.0.0.1"  # localhost unless asked otherwise
    port: int = 8080
    workers: int = 2  # evaluation processes, each with its own durable-rules engine
    mapping: Optional[str] = None  # a mapping file or preset for /v1/evaluate/raw (presets are always allowed)
    token: Optional[str] = None  # bearer token required on /v1/* (from --token-file)
    decision_log: Optional[str] = None  # append one JSON line per evaluation
    timeout: float = 30.0  # seconds a request may take before it gets a 504
    max_pending: int = 0  # requests in flight at most (0: 4 per worker); beyond: 503
    max_services: int = 10_000  # services in one request body at most
    store: Optional[str] = None  # a run store read by /v1/history/* (never written)

    @property
    def pending_limit(self) -> int:
        return self.max_pending or 4 * self.workers
