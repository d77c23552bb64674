"""How a server runs: where it listens, its policy, its limits, and the token it wants.

Every limit has a default that a real caller never meets and that keeps one
hostile client from taking the server down (SECURITY.md, "valuate serve").
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..errors import Location, UserError
from ..request import Policy
from ..yamlio import check_regular

MAX_TOKEN_BYTES = 4096  # a token file is a few dozen bytes; /dev/zero or a log file is not one


@dataclass(frozen=True)
class ServeConfig:
    policy: Policy  # packs, --set, profile, waivers, limits (as_of: today, or per request)
    host: str = "127.0.0.1"  # localhost unless asked otherwise
    port: int = 8080
    workers: int = 2  # evaluation processes, each with its own durable-rules engine
    mapping: Optional[str] = None  # a mapping file or preset for /v1/evaluate/raw (presets are always allowed)
    token: Optional[str] = None  # bearer token required on /v1/* (from --token-file)
    decision_log: Optional[str] = None  # append one JSON line per evaluation
    timeout: float = 30.0  # seconds an evaluation may take before it gets a 504 (its worker is replaced)
    max_pending: int = 0  # requests in flight at most (0: 4 per worker); beyond: 503
    max_services: int = 10_000  # services (or export records) in one request at most; beyond: 413
    max_body_bytes: int = 8 << 20  # one request body at most (and never over max_file_bytes); beyond: 413
    read_timeout: float = 10.0  # seconds a request's head, and then its body, may take to arrive; beyond: 408
    max_connections: int = 256  # open connections at most; one more is answered 503 and closed
    inputs: tuple = ()  # files the server read besides its policy (token file, config file): never outputs
    store: Optional[str] = None  # a run store read by /v1/history/* (never written)

    @property
    def pending_limit(self) -> int:
        return self.max_pending or 4 * self.workers

    @property
    def body_limit(self) -> int:
        return min(self.max_body_bytes, self.policy.limits.max_file_bytes)

    @property
    def body_budget(self) -> int:
        """Bytes of request bodies held at once, all requests together (eight at the limit)."""
        return 8 * self.body_limit


def read_token(path: str) -> str:
    """The bearer token in ``path``: a short regular file of visible ASCII characters.

    HTTP headers carry ASCII only, so a token with any other character could
    never be sent; it is refused now rather than refusing every request."""
    where = Location(file=str(path))
    try:
        check_regular(path)  # a FIFO, /dev/zero, a directory: refused before anything is read
        with open(path, "rb") as fh:
            raw = fh.read(MAX_TOKEN_BYTES + 1)
    except OSError as err:
        raise UserError(f"cannot read the token file: {err.strerror or err}", where) from None
    if len(raw) > MAX_TOKEN_BYTES:
        raise UserError(f"the token file is over {MAX_TOKEN_BYTES:,} bytes: it holds one token", where)
    try:
        token = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise UserError("the token file is not UTF-8 text", where) from None
    if not token:
        raise UserError("the token file is empty", where)
    bad = next((c for c in token if not "!" <= c <= "~"), None)
    if bad is not None:
        raise UserError(f"the token holds {_named(bad)}; a bearer token is visible ASCII characters only "
                        "(an HTTP header cannot carry any other), for example from: openssl rand -hex 32", where)
    return token


def _named(c: str) -> str:
    if c.isspace():
        return "white space"
    return f"the character U+{ord(c):04X}" + ("" if c.isprintable() else " (a control character)")
