'use strict';

const { parseCsv, readCsv } = require('./csv');
const { stringWidth, stripAnsi } = require('./width');
const { Table, table, fromObjects, BORDERS } = require('./table');

// A table of CSV text with a header line; numeric columns align right.
function fromCsv(text, options = {}) {
  const { head, rows, columns } = readCsv(text, options);
  return new Table({ head, columns, ...options }).push(...rows);
}

module.exports = { BORDERS, Table, fromCsv, fromObjects, parseCsv, stringWidth, stripAnsi, table };
