const { range } = require('./range');

// The page numbers a pager shows around `current`, within 1..last.
function window(current, last, radius = 2) {
  return range(Math.max(1, current - radius), Math.min(last, current + radius));
}

module.exports = { window };
