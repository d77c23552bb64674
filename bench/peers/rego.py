"""OPA Rego peer through regopy (rego-cpp's Python bindings): policy.rego, evaluated per service.

The module is compiled once into a bundle for the entrypoint valuate/verdict
(Interpreter.build); each service is then set as the input document and the
bundle queried. That is rego-cpp's fast path: Interpreter.query() on the
module instead re-plans the query on every call and measured about seven
times slower per service here, so it is not what a serious caller would use.
The evaluation date and thresholds go in as data, once, at load.

A note on output: the verdict is read with Output.expressions().at(0).value.
(Node.json() on the expressions of a bundle query crashed the interpreter
process in regopy 1.5.2 after a few queries, so it is avoided.)
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

POLICY = Path(__file__).resolve().parent / "policy.rego"


def load(as_of: dt.date, max_age: int = 365):
    from regopy import Input, Interpreter

    rego = Interpreter()
    rego.add_module("policy.rego", POLICY.read_text())
    rego.add_data({"params": {"as_of": as_of.isoformat(), "max_age_days": max_age}})
    bundle = rego.build("data.valuate.verdict", ["valuate/verdict"])
    if not bundle.ok():
        raise RuntimeError("regopy could not build a bundle from policy.rego")

    def verdict(record: dict) -> str:
        rego.set_input(Input(record))
        out = rego.query_bundle(bundle)
        if not out.ok():
            raise RuntimeError(f"rego query failed on {record.get('id')}: {out}")
        return out.expressions().at(0).value

    return verdict


PEERS = {"OPA Rego (regopy bundle)": load}
