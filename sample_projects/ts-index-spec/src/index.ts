/**
 * querystring-lite: parse and stringify URL query strings, with nested objects
 * and the array formats servers expect.
 */
export { parse as parseQuery } from "./parse";
export { stringify as stringifyQuery } from "./stringify";
export type { ArrayFormat, ParseOptions, QueryObject, QueryValue, StringifyOptions } from "./types";
