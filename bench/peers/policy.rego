# The default ITIL 4 policy (docs/specification.md#three-valued-criteria) in Rego, for make bench-peers.
# The same decisions as bench/floor.py, written for rego-cpp (regopy).
# Statuses are the strings "met", "not_met", "unknown" (three-valued logic);
# an absent or null fact is unknown, as in the floor's _g().
package valuate

import rego.v1

# The evaluation date and thresholds are data, not input: set once at load.
as_of := data.params.as_of

max_age_days := data.params.max_age_days

# g: a value at a path, null when any step is missing or null.
g(path) := object.get(input, path, null)

# Kleene and / or over a list of statuses.
all_of(xs) := "not_met" if {
	"not_met" in xs
} else := "unknown" if {
	"unknown" in xs
} else := "met"

any_of(xs) := "met" if {
	"met" in xs
} else := "unknown" if {
	"unknown" in xs
} else := "not_met"

nonempty(v) := "unknown" if {
	v == null
} else := "met" if {
	count(v) > 0
} else := "not_met"

# known(a, b): both operands recorded; a comparison with an absent one is unknown.
known(a, b) if {
	a != null
	b != null
}

# --- the only invalid record kind the synthetic catalogs contain: an impact
# that is present but not a number (booleans are not numbers in Rego either).
effect_paths := [["outcomes"], ["costs", "removed"], ["costs", "imposed"], ["risks", "removed"], ["risks", "imposed"]]

invalid if {
	some path in effect_paths
	some e in items(path)
	not is_number(object.get(e, "impact", 1))
}

# --- utility
utility := any_of([nonempty(g(["utility", "performance_support"])), nonempty(g(["utility", "constraints_removed"]))])

# --- warranty
avail_m := g(["warranty", "availability", "measured"])

avail_t := g(["warranty", "availability", "target"])

availability := "unknown" if not known(avail_m, avail_t)
else := "met" if avail_m >= avail_t
else := "not_met"

peak := g(["warranty", "capacity", "peak_demand"])

cap := g(["warranty", "capacity", "max_capacity"])

# 1 - peak/cap >= 1/10 compared exactly: peak*10 <= cap*9 (cap > 0). Rego
# numbers from JSON integers stay integers, so no float rounding at 900/1000.
capacity := "unknown" if not known(peak, cap)
else := "met" if peak * 10 <= cap * 9
else := "not_met"

ocf := g(["warranty", "security", "open_critical_findings"])

findings := "unknown" if ocf == null
else := "met" if ocf == 0
else := "not_met"

security := all_of([findings, nonempty(g(["warranty", "security", "controls"]))])

plan := "unknown" if g(["warranty", "continuity", "plan"]) == null
else := "met" if g(["warranty", "continuity", "plan"]) == true
else := "not_met"

last_tested := g(["warranty", "continuity", "last_tested"])

day_ns := ((24 * 60) * 60) * 1000000000

# Age in days from the ISO dates, computed per service (no precomputed cutoff).
age := "unknown" if last_tested == null
else := "met" if ((time.parse_ns("2006-01-02", as_of) - time.parse_ns("2006-01-02", last_tested)) / day_ns) <= max_age_days
else := "not_met"

rto := g(["warranty", "continuity", "rto_hours"])

rto_t := g(["warranty", "continuity", "rto_target_hours"])

# Only where both are given; otherwise it does not count against continuity.
rto_ok := "met" if not known(rto, rto_t)
else := "met" if rto <= rto_t
else := "not_met"

warranty := all_of([availability, capacity, security, all_of([plan, age, rto_ok])])

# --- value balance (revision 2): an unrecorded list makes its side a lower bound
# items(path): the list at path, or [] when absent or null (it then adds nothing).
items(path) := v if {
	v := g(path)
	v != null
} else := []

impacts(path) := sum([object.get(e, "impact", 1) | some e in items(path)])

outcomes := g(["outcomes"])

out_pos := sum([object.get(o, "impact", 1) | some o in items(["outcomes"]); o.effect == "positive"])

out_neg := sum([object.get(o, "impact", 1) | some o in items(["outcomes"]); o.effect != "positive"])

side_total(side) := impacts(["costs", side]) + impacts(["risks", side])

recorded(side) if {
	outcomes != null
	g(["costs", side]) != null
	g(["risks", side]) != null
}

positives := out_pos + side_total("removed")

negatives := out_neg + side_total("imposed")

value := "met" if {
	recorded("imposed")
	positives > negatives
} else := "not_met" if {
	recorded("removed")
	positives <= negatives
} else := "unknown"

# --- the verdict
statuses := [utility, warranty, value]

verdict := "error" if invalid
else := "not_valuable" if "not_met" in statuses
else := "indeterminate" if "unknown" in statuses
else := "valuable"
