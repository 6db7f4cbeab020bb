/** Percent-encoding for keys and values, in the two flavours query strings use. */

const HEX = Array.from({ length: 256 }, (_, i) => "%" + i.toString(16).toUpperCase().padStart(2, "0"));

/**
 * RFC 3986 encoding: everything but unreserved characters (`A-Z a-z 0-9 - . _ ~`)
 * is percent-encoded as UTF-8. Unlike encodeURIComponent it also encodes `!'()*`,
 * which some servers treat as delimiters.
 */
export function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => HEX[c.charCodeAt(0)]);
}

/** Form encoding (`application/x-www-form-urlencoded`): as RFC 3986, but a space is `+`. */
export function encodeForm(text: string): string {
  return encodeRfc3986(text).replace(/%20/, "+");
}

/** Decodes both flavours: `+` is a space, bad `%` sequences are kept as they are. */
export function decode(text: string): string {
  const spaced = text.replace(/\+/g, " ");
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced.replace(/(%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

export function encoderFor(format: "rfc3986" | "form" | undefined): (text: string) => string {
  return format === "form" ? encodeForm : encodeRfc3986;
}
