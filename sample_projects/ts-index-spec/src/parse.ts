import { decode } from "./encode";
import type { ParseOptions, QueryObject, QueryValue } from "./types";

/**
 * Reads a query string into an object: repeated keys and `a[]` become arrays,
 * `a[b]=1` becomes `{ a: { b: "1" } }`, a bare key is `null`. A leading `?` is skipped.
 */
export function parse(query: string, options: ParseOptions = {}): QueryObject {
  const depth = options.depth ?? 5;
  const limit = options.parameterLimit ?? 1000;
  const out: QueryObject = Object.create(null);
  const text = query.startsWith("?") ? query.slice(1) : query;
  if (!text) {
    return out;
  }
  const pairs = text.split("&").slice(0, limit);
  for (const pair of pairs) {
    if (!pair) {
      continue;
    }
    const eq = pair.indexOf("=");
    const rawKey = decode(eq < 0 ? pair : pair.slice(0, eq));
    let value: QueryValue = eq < 0 ? null : decode(pair.slice(eq + 1));
    if (options.comma && typeof value === "string" && value.includes(",")) {
      value = value.split(",");
    }
    assign(out, splitKey(rawKey, depth), value);
  }
  return out;
}

/** `a[b][]` → ["a", "b", ""]; deeper than `depth` the rest stays one segment. */
function splitKey(key: string, depth: number): string[] {
  const open = key.indexOf("[");
  if (open <= 0) {
    return [key];
  }
  const segments = [key.slice(0, open)];
  const re = /\[([^\]]*)\]/g;
  re.lastIndex = open;
  let m: RegExpExecArray | null;
  let last = open;
  while ((m = re.exec(key)) && segments.length <= depth) {
    if (m.index !== last) {
      break;
    }
    segments.push(m[1]);
    last = re.lastIndex;
  }
  if (last < key.length) {
    segments.push(key.slice(last));
  }
  return segments;
}

function assign(target: QueryObject, path: string[], value: QueryValue): void {
  const [head, ...rest] = path;
  if (head === "__proto__" || head === "constructor" || head === "prototype") {
    return;
  }
  if (rest.length === 0) {
    const prev = target[head];
    if (prev === undefined) {
      target[head] = value;
    } else if (Array.isArray(prev)) {
      prev.push(value);
    } else {
      target[head] = [prev, value];
    }
    return;
  }
  if (rest[0] === "" && rest.length === 1) {
    const prev = target[head];
    target[head] = Array.isArray(prev) ? [...prev, value] : prev === undefined ? [value] : [prev, value];
    return;
  }
  let child = target[head];
  if (child === null || typeof child !== "object" || Array.isArray(child)) {
    child = Object.create(null) as QueryObject;
    target[head] = child;
  }
  assign(child as QueryObject, rest, value);
}
