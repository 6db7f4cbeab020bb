'use strict';

const { JsoncError, Scanner } = require('./scanner');

// Parses JSONC text into a value. Trailing commas are allowed; duplicate keys
// are reported through `onWarning` and the last one wins, as in JSON.parse.
function parse(text, { onWarning = () => {} } = {}) {
  const scanner = new Scanner(text);
  let token = scanner.next();

  const advance = () => {
    token = scanner.next();
  };

  const expect = (value, what) => {
    if (token.type !== 'punct' || token.value !== value) {
      if (token.type === 'eof') {
        throw new JsoncError(`unexpected end of input while parsing ${what}`, token.line, token.column);
      }
      throw new JsoncError(`expected '${value}' in ${what}, found ${describe(token)}`, token.line, token.column);
    }
    advance();
  };

  const value = (what) => {
    switch (token.type) {
      case 'string':
      case 'number':
      case 'literal': {
        const v = token.value;
        advance();
        return v;
      }
      case 'punct':
        if (token.value === '{') return object();
        if (token.value === '[') return array();
        break;
      case 'eof':
        throw new JsoncError(`unexpected end of input while parsing ${what}`, token.line, token.column);
      default:
        break;
    }
    throw new JsoncError(`unexpected ${describe(token)} in ${what}`, token.line, token.column);
  };

  const object = () => {
    expect('{', 'object');
    const out = {};
    while (!(token.type === 'punct' && token.value === '}')) {
      if (token.type !== 'string') {
        if (token.type === 'eof') throw new JsoncError('unexpected end of input while parsing object', token.line, token.column);
        throw new JsoncError(`expected a property name, found ${describe(token)}`, token.line, token.column);
      }
      const key = token.value;
      const at = { line: token.line, column: token.column };
      advance();
      expect(':', `property "${key}"`);
      if (Object.prototype.hasOwnProperty.call(out, key)) {
        onWarning({ message: `duplicate key "${key}"`, ...at });
      }
      const v = value(`property "${key}"`);
      if (key !== '__proto__') out[key] = v;
      if (token.type === 'punct' && token.value === ',') {
        advance();
        continue;
      }
      break;
    }
    expect('}', 'object');
    return out;
  };

  const array = () => {
    expect('[', 'array');
    const out = [];
    while (!(token.type === 'punct' && token.value === ']')) {
      out.push(value('array'));
      if (token.type === 'punct' && token.value === ',') {
        advance();
        continue;
      }
      break;
    }
    expect(']', 'array');
    return out;
  };

  const result = value('document');
  if (token.type !== 'eof') {
    throw new JsoncError(`unexpected ${describe(token)} after the document`, token.line, token.column);
  }
  return result;
}

function describe(token) {
  if (token.type === 'eof') return 'end of input';
  if (token.type === 'punct') return `'${token.value}'`;
  return `${token.type} ${JSON.stringify(token.value)}`;
}

module.exports = { JsoncError, parse };
