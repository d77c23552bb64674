// json-rules-engine peer for make bench-peers: node jre.js CATALOG.jsonl AS_OF [MAX_AGE_DAYS]
//
// Reads the same JSON Lines catalog as the Python peers, builds one Engine from
// rules.json (named conditions + four verdict rules), then runs engine.run()
// once per service, awaiting each run before the next: json-rules-engine is
// promise-based, and awaiting is how a caller gets a verdict. It prints one
// JSON object: load time, the CPU time of the evaluation loop alone
// (process.cpuUsage(), user + system, this process only) and every verdict, in
// catalog order, for the Python driver to compare with bench/floor.py.
'use strict';

const fs = require('fs');
const path = require('path');
const { Engine } = require('json-rules-engine');

const [catalog, asOfText, maxAgeText] = process.argv.slice(2);
if (!catalog || !asOfText) {
  console.error('usage: node jre.js CATALOG.jsonl AS_OF [MAX_AGE_DAYS]');
  process.exit(2);
}
const DAY_MS = 24 * 60 * 60 * 1000;
const asOfMs = Date.parse(asOfText + 'T00:00:00Z');
const maxAge = Number(maxAgeText || 365);

const present = (v) => v !== undefined && v !== null;
const list = (v) => (Array.isArray(v) ? v : []);
const impact = (e) => (e.impact === undefined ? 1 : e.impact); // docs/specification.md#facts: impact defaults to 1
const total = (items) => list(items).reduce((sum, e) => sum + impact(e), 0);
const get = (obj, ...keys) => keys.reduce((o, k) => (present(o) && typeof o === 'object' ? o[k] : undefined), obj);

function buildEngine() {
  const doc = JSON.parse(fs.readFileSync(path.join(__dirname, 'rules.json'), 'utf8'));
  const engine = new Engine();

  // Operators for what the built-in ones cannot say. Each returns false when
  // its fact is absent, so absent facts make neither X_met nor X_not hold.
  engine.addOperator('present', (v, want) => present(v) === want);
  engine.addOperator('nonEmptyList', (v, want) => (Array.isArray(v) && v.length > 0) === want);
  engine.addOperator('emptyList', (v, want) => (Array.isArray(v) && v.length === 0) === want);
  // Headroom 1 - peak/cap >= num/den, cross-multiplied: (cap - peak) * den >= num * cap
  // for cap > 0. JSON integers are exact in doubles, so 900 of 1000 is exactly 10 %.
  const capacityKnown = (c) => present(c) && typeof c.peak_demand === 'number' && typeof c.max_capacity === 'number';
  engine.addOperator('headroomAtLeast', (c, [num, den]) =>
    capacityKnown(c) && (c.max_capacity - c.peak_demand) * den >= num * c.max_capacity);
  engine.addOperator('headroomBelow', (c, [num, den]) =>
    capacityKnown(c) && (c.max_capacity - c.peak_demand) * den < num * c.max_capacity);

  // Facts computed from the service: json-rules-engine has no arithmetic, so sums
  // and date differences are facts, as its documentation intends for derived values.
  engine.addFact('maxTestAgeDays', maxAge);
  engine.addFact('invalidImpact', async (params, almanac) => {
    const s = await almanac.factValue('svc');
    const effects = [s.outcomes, get(s, 'costs', 'removed'), get(s, 'costs', 'imposed'),
      get(s, 'risks', 'removed'), get(s, 'risks', 'imposed')].flatMap(list);
    return effects.some((e) => 'impact' in e && typeof e.impact !== 'number');
  });
  engine.addFact('testAgeDays', async (params, almanac) => {
    const last = get(await almanac.factValue('svc'), 'warranty', 'continuity', 'last_tested');
    return present(last) ? Math.round((asOfMs - Date.parse(last + 'T00:00:00Z')) / DAY_MS) : undefined;
  });
  // Value balance, revision 2: positives minus negatives (integers, exact).
  engine.addFact('balance', async (params, almanac) => {
    const s = await almanac.factValue('svc');
    const outcomes = list(s.outcomes);
    const pos = outcomes.filter((o) => o.effect === 'positive').reduce((n, o) => n + impact(o), 0)
      + total(get(s, 'costs', 'removed')) + total(get(s, 'risks', 'removed'));
    const neg = outcomes.filter((o) => o.effect !== 'positive').reduce((n, o) => n + impact(o), 0)
      + total(get(s, 'costs', 'imposed')) + total(get(s, 'risks', 'imposed'));
    return pos - neg;
  });

  for (const [name, conditions] of Object.entries(doc.conditions)) engine.setCondition(name, conditions);
  for (const rule of doc.rules) engine.addRule(rule);
  return engine;
}

async function main() {
  // Parsing the catalog is not timed (the Python peers get parsed dicts too).
  const services = fs.readFileSync(catalog, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));

  let t0 = process.cpuUsage();
  const engine = buildEngine();
  const load = process.cpuUsage(t0);

  const verdicts = new Array(services.length);
  t0 = process.cpuUsage();
  for (let i = 0; i < services.length; i++) {
    const { events } = await engine.run({ svc: services[i] });
    // The verdict rules exclude each other; anything else is a bug in rules.json.
    verdicts[i] = events.length === 1 ? events[0].params.verdict
      : `rules fired: ${events.map((e) => e.params.verdict).join(',') || 'none'}`;
  }
  const used = process.cpuUsage(t0);
  process.stdout.write(JSON.stringify({
    load_s: (load.user + load.system) / 1e6,
    cpu_us_per_service: (used.user + used.system) / services.length,
    services: services.length,
    node: process.version,
    verdicts,
  }));
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
