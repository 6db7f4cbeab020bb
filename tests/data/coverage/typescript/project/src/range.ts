export interface Span {
  start: number;
  end: number;
}

/** Length of a span; bug: off by one. */
export function length(s: Span): number {
  return s.end - s.start + 1;
}

export function overlaps(a: Span, b: Span): boolean {
  if (a.end <= b.start) {
    return false;
  }
  return a.start < b.end;
}
