'use strict';

/**
 * Turns a SkyData API response into our reading:
 * { station: string, celsius: number, windKmh: number, observed: Date }
 */
function parseReading(json) {
  return {
    station: json.station,
    celsius: json.temp_c,
    windKmh: json.wind_kmh,
    observed: new Date(json.observed * 1000),
  };
}

module.exports = { parseReading };
