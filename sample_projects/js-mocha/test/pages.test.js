const assert = require('node:assert');
const { window } = require('../lib/pages');

describe('pager', function () {
  describe('window', function () {
    it('stays within the first page', function () {
      assert.ok(window(1, 10).every((p) => p >= 1));
    });

    it('shows two pages either side', function () {
      assert.deepStrictEqual(window(5, 10), [3, 4, 5, 6, 7]);
    });
  });
});
