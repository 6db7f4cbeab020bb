'use strict';
// Collapses runs of spaces (bug: only single spaces are handled).
exports.clean = function clean(text) {
  return text.trim().replace(/ /g, ' ');
};
