cat > weather.js <<'JS'
'use strict';

/**
 * Turns a SkyData API response into our reading:
 * { station: string, celsius: number, windKmh: number, observed: Date }
 */
function parseReading(json) {
  if (json.version === 2) {
    const t = json.temperature;
    return {
      station: json.station.id,
      celsius: t.unit === 'F' ? (t.value - 32) * 5 / 9 : t.value,
      windKmh: json.wind.speed_ms * 3.6,
      observed: new Date(json.observed_at),
    };
  }
  return {
    station: json.station,
    celsius: json.temp_c,
    windKmh: json.wind_kmh,
    observed: new Date(json.observed * 1000),
  };
}

module.exports = { parseReading };
JS
