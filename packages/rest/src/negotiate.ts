// Proactive content negotiation (RFC 9110 §12.5.1), for the few routes with more than one
// representation: the iCalendar feed is text/calendar for calendar apps and JSON for clients.

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of header.split(",")) {
    const [range = "", ...params] = part.split(";").map((p) => p.trim().toLowerCase());
    const slash = range.indexOf("/");
    if (slash <= 0 || slash === range.length - 1) continue;
    let q = 1;
    for (const param of params) {
      const m = /^q\s*=\s*([01](?:\.\d{0,3})?)$/.exec(param);
      if (m) q = Math.min(1, Number(m[1]));
    }
    ranges.push({ type: range.slice(0, slash), subtype: range.slice(slash + 1), q });
  }
  return ranges;
}

/**
 * Which of the server's media types (`offers`, most preferred first) to answer with, by the
 * request's `Accept`: the offer with the highest quality, where each offer takes the quality of
 * the most specific range that covers it (`text/calendar` over `text/*` over the wildcard range); ties go
 * to the server's order. No `Accept`, or one that accepts none of the offers, gets the first
 * offer: RFC 9110 lets a server disregard the header rather than answer 406, which is kinder to
 * calendar apps that send odd values.
 *
 * @example
 * ```ts
 * const offers = ["text/calendar", "application/json"];
 * preferredMediaType(null, offers); // "text/calendar"
 * preferredMediaType("application/json, application/problem+json", offers); // "application/json"
 * preferredMediaType("text/calendar;q=0.5, application/json", offers); // "application/json"
 * ```
 */
export function preferredMediaType(accept: string | null, offers: readonly [string, ...string[]]): string {
  const [first] = offers;
  if (accept === null || accept.trim() === "") return first;
  const ranges = parseAccept(accept);
  let best: { offer: string; q: number } | undefined;
  for (const offer of offers) {
    const [type = "", subtype = ""] = offer.toLowerCase().split("/");
    let q: number | undefined;
    let specificity = -1;
    for (const r of ranges) {
      const s =
        r.type === type && r.subtype === subtype
          ? 2
          : r.type === type && r.subtype === "*"
            ? 1
            : r.type === "*"
              ? 0
              : -1;
      if (s > specificity) {
        specificity = s;
        q = r.q;
      }
    }
    if (q !== undefined && q > 0 && (best === undefined || q > best.q)) best = { offer, q };
  }
  return best?.offer ?? first;
}
