cat > duration.js <<'JS'
'use strict';

const UNITS = { h: 3600, m: 60, s: 1 };

/** Parses "1h30m", "45s", "2m5s" into seconds. Throws on anything else. */
function parseDuration(text) {
  if (!/^(\d+[hms])+$/.test(text)) {
    throw new Error(`not a duration: ${text}`);
  }
  let total = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)([hms])/g)) {
    total += Number(n) * UNITS[unit];
  }
  return total;
}

module.exports = { parseDuration };
JS
