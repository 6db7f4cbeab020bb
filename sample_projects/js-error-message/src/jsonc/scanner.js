'use strict';

// Tokens of JSON with comments (JSONC): the JSON grammar plus `//` and `/* */`
// comments and trailing commas, as editors' settings files use it.

class JsoncError extends Error {
  constructor(message, line, column) {
    super(message);
    this.name = 'JsoncError';
    this.line = line;
    this.column = column;
  }
}

const PUNCTUATION = new Set(['{', '}', '[', ']', ':', ',']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WORDS = { true: true, false: false, null: null };

class Scanner {
  constructor(text) {
    this.text = text;
    this.pos = 0;
    this.line = 1;
    this.lineStart = 0;
  }

  get column() {
    return this.pos - this.lineStart + 1;
  }

  fail(message) {
    throw new JsoncError(message, this.line, this.column);
  }

  // Skips whitespace and comments; counts lines.
  skipTrivia() {
    const { text } = this;
    while (this.pos < text.length) {
      const ch = text[this.pos];
      if (ch === '\n') {
        this.pos += 1;
        this.line += 1;
        this.lineStart = this.pos;
      } else if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\ufeff') {
        this.pos += 1;
      } else if (ch === '/' && text[this.pos + 1] === '/') {
        const end = text.indexOf('\n', this.pos);
        this.pos = end < 0 ? text.length : end;
      } else if (ch === '/' && text[this.pos + 1] === '*') {
        const end = text.indexOf('*/', this.pos + 2);
        if (end < 0) this.fail('unexpected end of input while parsing comment');
        for (let i = this.pos; i < end; i++) {
          if (text[i] === '\n') {
            this.line += 1;
            this.lineStart = i + 1;
          }
        }
        this.pos = end + 2;
      } else {
        return;
      }
    }
  }

  // The next token: { type: 'punct' | 'string' | 'number' | 'literal' | 'eof', value, line, column }.
  next() {
    this.skipTrivia();
    const { text } = this;
    const start = { line: this.line, column: this.column };
    if (this.pos >= text.length) return { type: 'eof', value: null, ...start };
    const ch = text[this.pos];
    if (PUNCTUATION.has(ch)) {
      this.pos += 1;
      return { type: 'punct', value: ch, ...start };
    }
    if (ch === '"') {
      const end = findStringEnd(text, this.pos);
      if (end < 0) this.fail('unexpected end of input while parsing string');
      const raw = text.slice(this.pos + 1, end);
      if (raw.includes('\n')) this.fail('unescaped line break in string');
      this.pos = end + 1;
      return { type: 'string', value: unescape(raw, this), ...start };
    }
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(text);
    if (m) {
      this.pos += m[0].length;
      return { type: 'number', value: Number(m[0]), ...start };
    }
    for (const word of Object.keys(WORDS)) {
      if (text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return { type: 'literal', value: WORDS[word], ...start };
      }
    }
    this.fail(`unexpected character ${JSON.stringify(ch)}`);
  }
}

// The index of the quote that closes the string opening at `start`, or -1.
function findStringEnd(text, start) {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === '"' && text[i - 1] !== '\\') return i;
    i++;
  }
  return -1;
}

const ESCAPES = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function unescape(raw, scanner) {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = raw[i + 1];
    if (next === 'u') {
      const hex = raw.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) scanner.fail(`bad unicode escape \\u${hex}`);
      out += String.fromCharCode(parseInt(hex, 16));
      i += 5;
    } else if (next in ESCAPES) {
      out += ESCAPES[next];
      i += 1;
    } else {
      scanner.fail(`bad escape \\${next}`);
    }
  }
  return out;
}

module.exports = { JsoncError, Scanner };
