'use strict';

function parseQuery(search) {
  const query = {};
  for (const pair of search.split('&')) {
    if (!pair) continue;
    const i = pair.indexOf('=');
    const key = decodeURIComponent((i < 0 ? pair : pair.slice(0, i)).replace(/\+/g, ' '));
    const value = i < 0 ? '' : decodeURIComponent(pair.slice(i + 1).replace(/\+/g, ' '));
    query[key] = key in query ? [].concat(query[key], value) : value;
  }
  return query;
}

module.exports = { parseQuery };
