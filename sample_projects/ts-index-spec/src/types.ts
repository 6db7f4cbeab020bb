/** A value a query string can hold: scalars, arrays of them, and nested objects. */
export type QueryValue = string | number | boolean | null | undefined | QueryValue[] | QueryObject;

export interface QueryObject {
  [key: string]: QueryValue;
}

export type ArrayFormat =
  /** `a=1&a=2` */
  | "repeat"
  /** `a[]=1&a[]=2` */
  | "brackets"
  /** `a[0]=1&a[1]=2` */
  | "indices"
  /** `a=1,2` */
  | "comma";

export interface StringifyOptions {
  arrayFormat?: ArrayFormat;
  /**
   * `"rfc3986"` (default) writes a space as `%20`; `"form"` as `+`, the way an
   * HTML form submits (`application/x-www-form-urlencoded`).
   */
  format?: "rfc3986" | "form";
  /** Leave out keys whose value is null (default: write the bare key). */
  skipNulls?: boolean;
  /** Sort keys at every level, for stable URLs (cache keys, signatures). */
  sort?: boolean;
  /** Start the result with `?` when it is not empty. */
  addQueryPrefix?: boolean;
}

export interface ParseOptions {
  /** Nested objects deeper than this stay flat (`a[b][c][d]` as one key); default 5. */
  depth?: number;
  /** Turn `a=1,2` into an array. */
  comma?: boolean;
  /** Stop after this many parameters; default 1000. */
  parameterLimit?: number;
}
