import { encoderFor } from "./encode";
import type { QueryObject, QueryValue, StringifyOptions } from "./types";

/**
 * Writes an object as a query string:
 * `stringify({ q: "tea", tags: ["a", "b"], page: { size: 20 } })` is
 * `q=tea&tags=a&tags=b&page%5Bsize%5D=20` (brackets are encoded like any other character).
 */
export function stringify(obj: QueryObject, options: StringifyOptions = {}): string {
  const encode = encoderFor(options.format);
  const arrayFormat = options.arrayFormat ?? "repeat";
  const parts: string[] = [];

  const keys = (o: QueryObject) => (options.sort ? Object.keys(o).sort() : Object.keys(o));

  const add = (key: string, value: QueryValue): void => {
    if (value === undefined) {
      return;
    }
    if (value === null) {
      if (!options.skipNulls) {
        parts.push(encode(key));
      }
      return;
    }
    if (Array.isArray(value)) {
      if (arrayFormat === "comma") {
        const flat = value.filter((v) => v !== null && v !== undefined && typeof v !== "object");
        if (flat.length > 0) {
          parts.push(`${encode(key)}=${flat.map((v) => encode(String(v))).join(",")}`);
        }
        return;
      }
      value.forEach((item, i) => {
        const itemKey =
          arrayFormat === "brackets" ? `${key}[]` : arrayFormat === "indices" ? `${key}[${i}]` : key;
        add(itemKey, item);
      });
      return;
    }
    if (typeof value === "object") {
      for (const k of keys(value)) {
        add(`${key}[${k}]`, value[k]);
      }
      return;
    }
    parts.push(`${encode(key)}=${encode(String(value))}`);
  };

  for (const k of keys(obj)) {
    add(k, obj[k]);
  }
  const out = parts.join("&");
  return options.addQueryPrefix && out ? `?${out}` : out;
}
