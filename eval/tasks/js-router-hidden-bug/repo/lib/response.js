'use strict';

function enhance(res) {
  res.status = (code) => { res.statusCode = code; return res; };
  res.json = (body) => {
    const text = JSON.stringify(body);
    res.setHeader('content-type', 'application/json');
    res.setHeader('content-length', Buffer.byteLength(text));
    res.end(text);
    return res;
  };
  res.send = (text) => {
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.end(String(text));
    return res;
  };
  return res;
}

module.exports = { enhance };
