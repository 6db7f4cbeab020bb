"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.length = length;
exports.overlaps = overlaps;
/** Length of a span; bug: off by one. */
function length(s) {
    return s.end - s.start + 1;
}
function overlaps(a, b) {
    if (a.end <= b.start) {
        return false;
    }
    return a.start < b.end;
}
//# sourceMappingURL=range.js.map