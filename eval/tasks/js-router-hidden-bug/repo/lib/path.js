'use strict';
// Turns "/users/:id/posts/:post" into a regular expression and the names of its parameters.

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compile(pattern) {
  const keys = [];
  const parts = pattern.split('/').filter(Boolean).map((part) => {
    if (part.startsWith(':')) {
      keys.push(part.slice(1));
      return '([^/]+)';
    }
    return escape(part);
  });
  const source = '^/' + parts.join('/') + '$';
  return { regex: new RegExp(source), keys };
}

module.exports = { compile };
