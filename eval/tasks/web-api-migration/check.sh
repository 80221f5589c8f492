set -euo pipefail
rm -rf test && cp -r "$EVAL_TASK_DIR/repo/test" test
node --test test/
node -e '
const assert = require("node:assert");
const { parseReading } = require("./weather");
const near = (a, b, what) => assert.ok(Math.abs(a - b) < 0.01, `${what}: ${a} is not ${b}`);
const a = parseReading({ version: 2, station: { id: "EDDB", name: "Berlin" }, temperature: { value: 12.5, unit: "C" },
  wind: { speed_ms: 5, direction_deg: 270 }, observed_at: "2025-03-04T10:15:00+01:00" });
assert.strictEqual(a.station, "EDDB");
near(a.celsius, 12.5, "celsius");
near(a.windKmh, 18, "windKmh");
assert.ok(a.observed instanceof Date);
assert.strictEqual(a.observed.getTime(), Date.parse("2025-03-04T09:15:00Z"));
assert.deepStrictEqual(Object.keys(a).sort(), ["celsius", "observed", "station", "windKmh"]);
const b = parseReading({ version: 2, station: { id: "KJFK", name: "New York" }, temperature: { value: 50, unit: "F" },
  wind: { speed_ms: 2.5, direction_deg: 90 }, observed_at: "2025-07-01T08:00:00-04:00" });
near(b.celsius, 10, "fahrenheit converted");
near(b.windKmh, 9, "m/s converted");
assert.strictEqual(b.observed.getTime(), Date.parse("2025-07-01T12:00:00Z"));
const c = parseReading({ station: "LFPG", temp_c: -3, wind_kmh: 0, observed: 0 });
assert.deepStrictEqual(c, { station: "LFPG", celsius: -3, windKmh: 0, observed: new Date(0) });
'
