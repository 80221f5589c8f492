'use strict';

function logger(write = (line) => process.stderr.write(line + '\n')) {
  return async (req, res, next) => {
    await next();
    write(`${req.method} ${req.url} ${res.statusCode}`);
  };
}

module.exports = { logger };
