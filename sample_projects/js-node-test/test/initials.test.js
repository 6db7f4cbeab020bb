const { describe, it } = require('node:test');
const assert = require('node:assert');
const { initials } = require('../lib/initials');

describe('initials', () => {
  it('takes the first letter of each name', () => {
    assert.strictEqual(initials('Ada Lovelace'), 'A.L.');
  });

  it('splits hyphenated names', () => {
    assert.strictEqual(initials('Jean-Paul Sartre'), 'J.P.S.');
  });
});
