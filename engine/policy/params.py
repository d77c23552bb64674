"""Pack parameters as a run resolves them, and the digest of the rules in force."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..errors import UserError, did_you_mean
from ..rules import check_param_value
from ..rules.param_cases import data_of, settle


def resolve_params(packs: list, overrides=None) -> dict:
    """pack -> {param: value}: defaults, then overrides by 'name' or 'pack.name', in order
    (a mapping, or (key, value) pairs), each laid over the value so far (param_cases.settle)."""
    params = {p.name: {k: v.default for k, v in p.parameters.items()} for p in packs}
    pairs = overrides.items() if isinstance(overrides, dict) else (overrides or ())
    for key, value in pairs:
        pack_name, _, name = key.rpartition(".")
        targets = [p for p in packs if (not pack_name or p.name == pack_name) and name in p.parameters]
        if not targets:
            known = sorted({k for p in packs for k in p.parameters})
            raise UserError(f"unknown parameter {key!r}{did_you_mean(name, known)}")
        for pack in targets:
            settled = settle(value, params[pack.name][name], pack.parameters[name].default)
            problem = check_param_value(pack.parameters[name], settled)
            if problem:
                raise UserError(f"parameter {key!r}: {problem}")
            params[pack.name][name] = settled
    return params


def rules_digest(packs: list, params: dict) -> str:
    """sha256 over the pack files, the resolved parameters and a profile's rule settings."""
    h = hashlib.sha256()
    for pack in packs:
        for file in pack.files:
            h.update(Path(file).name.encode() + b"\0" + Path(file).read_bytes() + b"\0")
    h.update(json.dumps(params, sort_keys=True, default=data_of).encode())
    # a profile's rule settings change the policy as much as a parameter does
    h.update(json.dumps({p.name: {"disabled": list(p.disabled), "severity": {r.id: r.severity for r in p.rules}}
                         for p in packs}, sort_keys=True).encode())
    return "sha256:" + h.hexdigest()
