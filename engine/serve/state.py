"""The policy a server answers with, its worker pool, reloads and the decision log."""
from __future__ import annotations

import asyncio
import datetime as _dt
import json
import threading
from concurrent.futures.process import BrokenProcessPool

from ..data import DEFAULT_PACK
from ..errors import RulePackError, UserError
from ..governance.lint import lint  # the same checks as `valuate rules lint`
from ..policy import load_policy
from .config import ServeConfig
from .pool import EvaluationPool


class Refused(Exception):
    """A request answered with a 4xx (or 503/504) and a message."""

    def __init__(self, status: int, message: str, **extra):
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


class Policies:
    """The pool answering now; a reload swaps in a new one only once it is loaded and warm."""

    def __init__(self, config: ServeConfig):
        self.config = config
        self.current = EvaluationPool(config.policy, load_policy(config.policy), config.workers)
        self.loaded_at = _now()
        self.ready = False
        self.pending = 0
        self._reloading = asyncio.Lock()
        self._log = threading.Lock()

    async def start(self) -> None:
        await self.current.warm(timeout=300)
        self.ready = True

    async def stop(self) -> None:
        self.current.close()

    async def run(self, fn, *args):
        """Call ``fn`` in a worker; 503 when too many requests are in flight, 504 past the timeout."""
        if self.pending >= self.config.pending_limit:
            raise Refused(503, f"{self.pending} requests are being evaluated, the most this server takes "
                               "at once; retry shortly")
        self.pending += 1
        pool = self.current
        try:
            return await pool.call(fn, *args, timeout=self.config.timeout)
        except asyncio.TimeoutError:
            raise Refused(504, f"the evaluation took longer than {self.config.timeout:g} s") from None
        except BrokenProcessPool:
            self._restart(pool)
            raise Refused(503, "an evaluation process died and was restarted; retry the request") from None
        finally:
            self.pending -= 1

    def _restart(self, pool: EvaluationPool) -> None:
        if self.current is pool:
            self.current = pool.replaced(pool.spec, pool.policy)
            pool.close()

    async def reload(self) -> list:
        """Re-read packs, profile and waivers; [] when the new policy serves, else its problems."""
        async with self._reloading:
            problems = _lint(self.config)
            if problems:
                return problems
            try:
                policy = load_policy(self.config.policy)
            except UserError as err:
                return _problems(err)
            fresh = self.current.replaced(self.config.policy, policy)
            try:
                await fresh.warm(timeout=300)
            except Exception as err:  # the new workers could not start: keep the old ones
                fresh.close()
                return [{"severity": "error", "message": f"the new policy's workers did not start: {err}"}]
            old, self.current, self.loaded_at = self.current, fresh, _now()
            old.close()
            return []

    def describe(self) -> dict:
        policy = self.current.policy
        info = policy.run_info(())
        packs = [{"name": p.name, "version": p.version, "source": p.source, "rules": len(p.rules)}
                 for p in policy.packs]
        out = {"generation": self.current.generation, "loaded_at": self.loaded_at, "packs": packs,
               "rules": {"digest": policy.digest}, "as_of": info.as_of, "inputs": dict(info.digests)}
        if policy.profile is not None:
            out["profile"] = {"name": policy.profile.name, "files": list(policy.profile.files)}
        if policy.waivers is not None:
            out["waivers"] = {"file": self.config.policy.waivers, "total": len(policy.waivers.waivers),
                              "expired": [w.notice() for w in policy.waivers.waivers if not w.active],
                              "expiring": [w.notice() for w in policy.waivers.waivers if w.expiring]}
        return out

    def log_decision(self, entry: dict) -> None:
        if self.config.decision_log is None:
            return
        with self._log, open(self.config.decision_log, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")


def _lint(config: ServeConfig) -> list:
    spec = config.policy
    result = lint([str(r) for r in (spec.rules or (DEFAULT_PACK,))], spec.profile, spec.waivers, spec.as_of,
                  spec.waiver_warning_days)
    return [_problem(p) for p in result.errors]


def _problems(err: UserError) -> list:
    if isinstance(err, RulePackError):
        return [_problem(p) for p in err.problems]
    return [{"severity": "error", "message": str(err)}]


def _problem(p) -> dict:
    return {"severity": p.severity, "code": p.code, "message": p.message, "where": str(p.location or "")}


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
