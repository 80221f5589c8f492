'use strict';

function cors(origin = '*') {
  return (req, res, next) => {
    res.setHeader('access-control-allow-origin', origin);
    return next();
  };
}

module.exports = { cors };
