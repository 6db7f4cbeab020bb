"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const node_test_1 = __importDefault(require("node:test"));
const node_assert_1 = __importDefault(require("node:assert"));
const range_1 = require("../src/range");
(0, node_test_1.default)('length', () => {
    node_assert_1.default.strictEqual((0, range_1.length)({ start: 2, end: 5 }), 3);
});
(0, node_test_1.default)('overlaps', () => {
    node_assert_1.default.strictEqual((0, range_1.overlaps)({ start: 0, end: 2 }, { start: 1, end: 3 }), true);
});
//# sourceMappingURL=range.test.js.map