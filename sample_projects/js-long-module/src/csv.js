'use strict';

// CSV input for tables: `fromCsv(text)` reads a header and rows, converting
// numbers so that they align right and format like numbers.

const NUMBER = /^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/;

// Splits CSV text into records of fields (RFC 4180: quoted fields may hold the
// delimiter, doubled quotes and line breaks).
function parseCsv(text, { delimiter = ',' } = {}) {
  const records = [];
  let record = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endField = () => {
    record.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    if (!(record.length === 1 && record[0] === '')) records.push(record);
    record = [];
  };
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += ch;
      }
      i += 1;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
    } else if (ch === delimiter) {
      endField();
    } else if (ch === '\n' || ch === '\r') {
      endRecord();
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
    } else {
      field += ch;
    }
    i += 1;
  }
  if (quoted) {
    throw new Error('unterminated quoted field at the end of the CSV text');
  }
  if (field !== '' || record.length > 0) endRecord();
  return records;
}

// A number for a field that looks like one ("1,234.5", "-3"), else the text.
function convert(value) {
  const t = value.trim();
  if (!NUMBER.test(t)) return value;
  return Number(t.replace(/,/g, ''));
}

// Column options inferred from the data: numeric columns align right.
function inferColumns(header, rows) {
  return header.map((_, i) => {
    const values = rows.map((r) => r[i]).filter((v) => v !== undefined && v !== '');
    const numeric = values.length > 0 && values.every((v) => typeof v === 'number');
    return numeric ? { align: 'right' } : {};
  });
}

// { head, rows, columns } for a Table, from CSV text with a header line.
function readCsv(text, options = {}) {
  const [header = [], ...records] = parseCsv(text, options);
  const rows = records.map((r) => r.map(convert));
  return { head: header, rows, columns: inferColumns(header, rows) };
}

module.exports = { convert, inferColumns, parseCsv, readCsv };
