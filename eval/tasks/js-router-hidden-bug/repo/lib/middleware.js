'use strict';

// Runs middleware (req, res, next) in order, then `last`.
function compose(middleware, last) {
  return (req, res) => {
    const run = (i) => (i === middleware.length ? last() : Promise.resolve(middleware[i](req, res, () => run(i + 1))));
    return run(0);
  };
}

module.exports = { compose };
