'use strict';

const UNITS = { h: 3600, m: 60, s: 1 };

/** Parses "1h30m", "45s", "2m5s" into seconds. Throws on anything else. */
function parseDuration(text) {
  const match = /^(\d+)([hms])$/.exec(text);
  if (!match) {
    throw new Error(`not a duration: ${text}`);
  }
  return Number(match[1]) * UNITS[match[2]];
}

module.exports = { parseDuration };
