'use strict';

// Text tables: rows of cells laid out in columns, with borders, alignment,
// wrapping and truncation, for terminals (widths in display columns) and for
// Markdown (pipe tables with an alignment row).
//
//   const t = new Table({ head: ['Name', 'Qty'], columns: [{}, { align: 'right' }] });
//   t.push(['Tea', 3], ['Milk', 12]);
//   console.log(t.toString());

const { stringWidth, stripAnsi } = require('./width');

const BORDERS = {
  ascii: {
    top: ['+', '-', '+', '+'],
    head: ['+', '-', '+', '+'],
    row: ['|', '|', '|'],
    middle: null,
    bottom: ['+', '-', '+', '+'],
  },
  unicode: {
    top: ['┌', '─', '┬', '┐'],
    head: ['├', '─', '┼', '┤'],
    row: ['│', '│', '│'],
    middle: null,
    bottom: ['└', '─', '┴', '┘'],
  },
  rounded: {
    top: ['╭', '─', '┬', '╮'],
    head: ['├', '─', '┼', '┤'],
    row: ['│', '│', '│'],
    middle: null,
    bottom: ['╰', '─', '┴', '╯'],
  },
  grid: {
    top: ['+', '-', '+', '+'],
    head: ['+', '=', '+', '+'],
    row: ['|', '|', '|'],
    middle: ['+', '-', '+', '+'],
    bottom: ['+', '-', '+', '+'],
  },
  // Columns separated by two spaces, no lines at all.
  plain: {
    top: null,
    head: null,
    row: ['', '  ', ''],
    middle: null,
    bottom: null,
  },
  markdown: {
    top: null,
    head: 'markdown',
    row: ['|', '|', '|'],
    middle: null,
    bottom: null,
  },
};

const DEFAULTS = {
  border: 'ascii',
  // Spaces inside each cell, left and right.
  padding: 1,
  // Total width the table may take; columns without a fixed width shrink to fit.
  maxWidth: Infinity,
  // What happens to text wider than its column: 'wrap' or 'truncate'.
  overflow: 'wrap',
  ellipsis: '…',
  // A cell for null and undefined.
  empty: '',
};

const ALIGNS = new Set(['left', 'right', 'center']);

// Named cell formats for numbers; a column's `format` may also be a function.
const FORMATS = {
  integer: (v) => Math.round(v).toLocaleString('en-US'),
  number: (v, digits = 2) =>
    Number(v).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }),
  percent: (v, digits = 1) => `${(Number(v) * 100).toFixed(digits)}%`,
  bytes: (v) => {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let n = Number(v);
    let u = 0;
    while (Math.abs(n) >= 1024 && u < units.length - 1) {
      n /= 1024;
      u += 1;
    }
    return u === 0 ? `${n} B` : `${n.toFixed(1)} ${units[u]}`;
  },
};

class Table {
  constructor(options = {}) {
    this.options = { ...DEFAULTS, ...options };
    if (typeof this.options.border === 'string') {
      const style = BORDERS[this.options.border];
      if (!style) {
        throw new Error(`unknown border style "${this.options.border}" (have: ${Object.keys(BORDERS).join(', ')})`);
      }
      this.border = style;
    } else {
      this.border = this.options.border;
    }
    this.head = options.head ? options.head.map(String) : null;
    this.columns = (options.columns || []).map((c) => normalizeColumn(c));
    this.rows = [];
    // The cells as pushed, for sorting and totals.
    this.values = [];
  }

  push(...rows) {
    for (const row of rows) {
      if (!Array.isArray(row)) {
        throw new TypeError(`a row must be an array, got ${typeof row}`);
      }
      this.values.push(row.slice());
      this.rows.push(row.map((cell, i) => this.cellText(cell, this.column(i))));
    }
    return this;
  }

  cellText(cell, col = normalizeColumn({})) {
    if (cell === null || cell === undefined) return this.options.empty;
    if (col.format && typeof cell === 'number') {
      const fmt = typeof col.format === 'function' ? col.format : FORMATS[col.format];
      if (!fmt) throw new Error(`unknown format "${col.format}"`);
      return fmt(cell, col.digits);
    }
    if (typeof cell === 'number' && !Number.isFinite(cell)) return String(cell);
    if (cell instanceof Date) return cell.toISOString().slice(0, 10);
    return String(cell);
  }

  get columnCount() {
    let n = this.head ? this.head.length : 0;
    for (const row of this.rows) n = Math.max(n, row.length);
    return Math.max(n, this.columns.length);
  }

  column(i) {
    return this.columns[i] || normalizeColumn({});
  }

  // The width of each column's content (padding excluded).
  widths() {
    const n = this.columnCount;
    const natural = new Array(n).fill(0);
    const all = this.head ? [this.head, ...this.rows] : this.rows;
    for (const row of all) {
      for (let i = 0; i < n; i++) {
        const text = row[i] === undefined ? '' : row[i];
        for (const line of text.split('\n')) {
          natural[i] = Math.max(natural[i], stringWidth(line));
        }
      }
    }
    const widths = natural.map((w, i) => {
      const col = this.column(i);
      if (col.width !== undefined) return col.width;
      return Math.min(Math.max(w, col.minWidth), col.maxWidth);
    });
    return this.fitToMaxWidth(widths);
  }

  // Shrinks the widest flexible columns, one column at a time, until the table
  // fits options.maxWidth; fixed-width columns never shrink.
  fitToMaxWidth(widths) {
    const max = this.options.maxWidth;
    if (!Number.isFinite(max)) return widths;
    const out = widths.slice();
    const overhead = this.overhead(out.length);
    let total = out.reduce((a, b) => a + b, 0) + overhead;
    while (total > max) {
      let widest = -1;
      for (let i = 0; i < out.length; i++) {
        const col = this.column(i);
        if (col.width !== undefined || out[i] <= col.minWidth) continue;
        if (widest < 0 || out[i] > out[widest]) widest = i;
      }
      if (widest < 0) break;
      out[widest] -= 1;
      total -= 1;
    }
    return out;
  }

  // Columns of border and padding around n columns of content.
  overhead(n) {
    const [left, sep, right] = this.border.row;
    const pad = this.options.padding * 2 * n;
    return stringWidth(left) + stringWidth(right) + stringWidth(sep) * Math.max(0, n - 1) + pad;
  }

  toString() {
    const widths = this.widths();
    const lines = [];
    const b = this.border;
    if (b.top) lines.push(this.rule(b.top, widths));
    if (this.head) {
      lines.push(...this.renderRow(this.head, widths, true));
      if (b.head === 'markdown') lines.push(this.markdownRule(widths));
      else if (b.head) lines.push(this.rule(b.head, widths));
    }
    this.rows.forEach((row, r) => {
      if (r > 0 && b.middle) lines.push(this.rule(b.middle, widths));
      lines.push(...this.renderRow(row, widths, false));
    });
    if (b.bottom) lines.push(this.rule(b.bottom, widths));
    return lines.map((l) => l.replace(/\s+$/, '')).join('\n');
  }

  rule([left, fill, sep, right], widths) {
    const pad = this.options.padding * 2;
    return left + widths.map((w) => fill.repeat(w + pad)).join(sep) + right;
  }

  markdownRule(widths) {
    const cells = widths.map((w, i) => {
      const align = this.column(i).align;
      const inner = Math.max(3, w + this.options.padding * 2);
      if (align === 'center') return ':' + '-'.repeat(inner - 2) + ':';
      if (align === 'right') return '-'.repeat(inner - 1) + ':';
      return '-'.repeat(inner);
    });
    return '|' + cells.join('|') + '|';
  }

  // The lines of one row: each cell is laid out in its column, and the row is as
  // tall as its tallest cell.
  renderRow(row, widths, isHead) {
    const cells = widths.map((w, i) => {
      const col = this.column(i);
      const text = row[i] === undefined ? '' : row[i];
      return this.layoutCell(text, w, col);
    });
    const height = Math.max(1, ...cells.map((c) => c.length));
    const [left, sep, right] = this.border.row;
    const pad = ' '.repeat(this.options.padding);
    const out = [];
    for (let l = 0; l < height; l++) {
      const parts = cells.map((lines, i) => {
        const col = this.column(i);
        const align = isHead && col.headAlign ? col.headAlign : col.align;
        return pad + padCell(lines[l] || '', widths[i], align) + pad;
      });
      out.push(left + parts.join(sep) + right);
    }
    return out;
  }

  // Sorts the rows by one column's values (numbers numerically, the rest as
  // text), descending when `descending`; stable for equal values.
  sortBy(index, { descending = false } = {}) {
    const order = this.values.map((v, i) => i);
    const key = (i) => this.values[i][index];
    order.sort((a, b) => {
      const x = key(a);
      const y = key(b);
      let c;
      if (typeof x === 'number' && typeof y === 'number') c = x - y;
      else c = String(x ?? '').localeCompare(String(y ?? ''));
      return (descending ? -c : c) || a - b;
    });
    this.values = order.map((i) => this.values[i]);
    this.rows = order.map((i) => this.rows[i]);
    return this;
  }

  // Appends a row with the sum of each numeric column (`label` in the first).
  totals(label = 'Total') {
    const n = this.columnCount;
    const sums = new Array(n).fill(null);
    for (const row of this.values) {
      for (let i = 0; i < n; i++) {
        if (typeof row[i] === 'number') sums[i] = (sums[i] || 0) + row[i];
      }
    }
    sums[0] = label;
    return this.push(sums);
  }

  // The table as plain data: the head's names as keys of one object per row.
  toJSON() {
    const keys = this.head || Array.from({ length: this.columnCount }, (_, i) => String(i));
    return this.values.map((row) => Object.fromEntries(keys.map((k, i) => [k, row[i] ?? null])));
  }

  layoutCell(text, width, col) {
    const overflow = col.overflow || this.options.overflow;
    const lines = [];
    for (const line of text.split('\n')) {
      if (stringWidth(line) <= width) {
        lines.push(line);
      } else if (overflow === 'truncate') {
        lines.push(truncate(line, width, this.options.ellipsis));
      } else {
        lines.push(...wrapText(line, width));
      }
    }
    return lines;
  }
}

function normalizeColumn(c) {
  const col = {
    align: 'left',
    headAlign: undefined,
    width: undefined,
    minWidth: 1,
    maxWidth: Infinity,
    overflow: undefined,
    ...c,
  };
  if (!ALIGNS.has(col.align)) {
    throw new Error(`unknown alignment "${col.align}"`);
  }
  if (col.width !== undefined && (!Number.isInteger(col.width) || col.width < 1)) {
    throw new Error(`column width must be a positive integer, got ${col.width}`);
  }
  return col;
}

// One-call form: table(rows, { head, columns, border }).
function table(rows, options = {}) {
  return new Table(options).push(...rows).toString();
}

// A table of objects: one row per object, one column per key (the keys of the
// first object unless `keys` names them), headed by the keys or their labels.
function fromObjects(objects, { keys, labels = {}, ...options } = {}) {
  const cols = keys || (objects.length ? Object.keys(objects[0]) : []);
  const t = new Table({ head: cols.map((k) => labels[k] || k), ...options });
  for (const obj of objects) {
    t.push(cols.map((k) => obj[k]));
  }
  return t;
}

// Pads text to width display columns, aligned within them.
function padCell(text, width, align) {
  const gap = Math.max(0, width - stringWidth(text));
  if (align === 'right') return ' '.repeat(gap) + text;
  if (align === 'center') {
    const left = Math.floor(gap / 2);
    return ' '.repeat(left) + text + ' '.repeat(gap - left);
  }
  return text + ' '.repeat(gap);
}

// Cuts text to width display columns, ending with the ellipsis.
function truncate(text, width, ellipsis) {
  if (stringWidth(text) <= width) return text;
  const room = width - stringWidth(ellipsis);
  if (room <= 0) return ellipsis.slice(0, width);
  let out = '';
  let used = 0;
  for (const ch of stripAnsi(text)) {
    const w = stringWidth(ch);
    if (used + w > room) break;
    out += ch;
    used += w;
  }
  return out + ellipsis;
}

// Wraps text at spaces to lines of at most width display columns; a word
// longer than a line is broken into pieces.
function wrapText(text, width) {
  const lines = [];
  let line = '';
  let lineWidth = 0;
  for (const word of text.split(/ +/)) {
    const w = stringWidth(word);
    if (w > width) {
      if (line) {
        lines.push(line);
        line = '';
        lineWidth = 0;
      }
      const pieces = breakWord(word, width);
      lines.push(...pieces.slice(0, -1));
      line = pieces[pieces.length - 1];
      lineWidth = stringWidth(line);
      continue;
    }
    if (!line) {
      line = word;
      lineWidth = w;
    } else if (lineWidth + 1 + w <= width) {
      line += ' ' + word;
      lineWidth += 1 + w;
    } else {
      lines.push(line);
      line = word;
      lineWidth = w;
    }
  }
  lines.push(line);
  return lines;
}

// Splits a word wider than width into pieces of width display columns (the
// last may be shorter). Wide characters never straddle two pieces.
function breakWord(word, width) {
  const pieces = [];
  let piece = '';
  let used = 0;
  for (const ch of word) {
    const w = stringWidth(ch);
    if (used + w >= width && piece) {
      pieces.push(piece);
      piece = '';
      used = 0;
    }
    piece += ch;
    used += w;
  }
  if (piece) pieces.push(piece);
  return pieces;
}

module.exports = { BORDERS, Table, breakWord, fromObjects, padCell, table, truncate, wrapText };
