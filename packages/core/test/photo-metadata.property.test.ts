import { checkPhoto, detectImageType, imageDimensions, isHomevisitError, stripImageMetadata } from "@homevisit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

/**
 * The number of generated cases: the full count unless HOMEVISIT_PROPERTY_RUNS asks for fewer
 * (the mutation run sets it in vitest.mutation.config.ts, where every mutant re-runs this file).
 */
const propertyRuns = (full: number): number => Math.min(full, Number(process.env.HOMEVISIT_PROPERTY_RUNS) || full);

/**
 * RELIABILITY.md promise 8 ("metadata (GPS!) is removed by keeping only an allowlist of
 * segments and chunks, trailing data cut or refused") and the project test "Upload metadata:
 * 1,000 generated photos with GPS in every place each format allows: 0 survive". Each generated
 * file carries a location marker in places its format allows — JPEG: EXIF and XMP (APP1), ICC
 * and MPF (APP2), IPTC (APP13), unknown APPn, comments, a JFIF thumbnail, a JFXX thumbnail,
 * between progressive scans, an MPF secondary image and a motion-photo video after EOI; PNG:
 * eXIf, tEXt, zTXt, iTXt, tIME, iCCP, sPLT, an unknown chunk, data after IEND; WebP: EXIF, XMP,
 * ICCP, unknown chunks at the top and inside animation frames, data after the RIFF — and the
 * output must hold no marker and still be a well-formed image of the same type and size.
 */

const marker = "GPSLatitude=28.4512N;GPSLongitude=119.9231E;莲都区幸福路88号";
const markerBytes = new TextEncoder().encode(marker);

const cat = (...parts: (Uint8Array | number[] | string)[]): Uint8Array => {
  const arrays = parts.map((p) =>
    typeof p === "string" ? new TextEncoder().encode(p) : p instanceof Uint8Array ? p : Uint8Array.from(p),
  );
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
};
const be16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];
const be32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const le16 = (n: number) => [n & 0xff, (n >>> 8) & 0xff];
const le24 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff];
const le32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];

/** Whether `needle` occurs in `haystack`. */
function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** The marker or a fragment of it long enough to locate a home (no 0xFF, so it fits anywhere). */
const leakArb = fc.constantFrom(marker, `<x:xmpmeta><exif:GPSLatitude>${marker}</exif:GPSLatitude></x:xmpmeta>`);

// ---------- JPEG ----------

const segment = (m: number, payload: Uint8Array | string) => {
  const data = cat(payload);
  return cat([0xff, m, ...be16(data.length + 2)], data);
};

/** Entropy-coded data: random bytes with every 0xFF stuffed and a restart marker now and then. */
const scanDataArb = fc.uint8Array({ minLength: 1, maxLength: 40 }).map((raw) => {
  const out: number[] = [];
  raw.forEach((b, i) => {
    out.push(b);
    if (b === 0xff) out.push(0x00);
    if (i % 13 === 12) out.push(0xff, 0xd0 + (i % 8));
  });
  return Uint8Array.from(out);
});

/** Metadata segments of every kind a JPEG may carry, each with the marker inside. */
const jpegLeakArb = fc.tuple(fc.integer({ min: 0, max: 9 }), leakArb).map(([kind, text]) => {
  switch (kind) {
    case 0:
      return segment(0xe1, cat("Exif\0\0MM\0*", text));
    case 1:
      return segment(0xe1, cat("http://ns.adobe.com/xap/1.0/\0", text));
    case 2:
      return segment(0xe2, cat("ICC_PROFILE\0", [1, 1], "desc", text));
    case 3:
      return segment(0xe2, cat("MPF\0", "MM\0*", text));
    case 4:
      return segment(0xed, cat("Photoshop 3.0\0", "8BIM", text));
    case 5:
      return segment(0xfe, text);
    case 6:
      // A JFIF header whose "thumbnail" pixels spell the marker.
      return segment(0xe0, cat("JFIF\0", [1, 2, 1, 0, 72, 0, 72, 1, Math.ceil(markerBytes.length / 3)], text));
    case 7:
      return segment(0xe0, cat("JFXX\0", [0x10], text));
    case 8:
      return segment(0xef, cat("Unknown\0", text));
    default:
      return segment(0xe5 + (text.length % 8), text);
  }
});

/** A second JPEG after EOI, as MPF stores its secondary images, with its own EXIF. */
const secondaryJpeg = (text: string) =>
  cat(
    [0xff, 0xd8],
    segment(0xe1, cat("Exif\0\0", text)),
    segment(0xdb, new Uint8Array(65).fill(2)),
    segment(0xc0, Uint8Array.from([8, 0, 8, 0, 8, 1, 1, 0x11, 0])),
    segment(0xda, Uint8Array.from([1, 1, 0, 0, 0x3f, 0])),
    [1, 2, 3, 0xff, 0xd9],
  );
const jpegTrailerArb = fc.tuple(fc.integer({ min: 0, max: 3 }), leakArb).map(([kind, text]) => {
  if (kind === 0) return new Uint8Array(0);
  if (kind === 1) return secondaryJpeg(text);
  if (kind === 2) return cat([0, 0, 0, 24], "ftypmp42", [0, 0, 0, 0], "isommp42", [0, 0, 0, 8], "mdat", text);
  return cat(text);
});

interface Generated {
  type: "image/jpeg" | "image/png" | "image/webp";
  bytes: Uint8Array;
  width: number;
  height: number;
  /** Byte runs a decoder needs, which must come out unchanged. */
  pixels: Uint8Array[];
}

const dimsArb = fc.tuple(fc.integer({ min: 1, max: 4000 }), fc.integer({ min: 1, max: 4000 }));

const jpegArb: fc.Arbitrary<Generated> = fc
  .record({
    dims: dimsArb,
    leaks: fc.array(fc.tuple(jpegLeakArb, fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 6 }),
    scans: fc.array(scanDataArb, { minLength: 1, maxLength: 3 }),
    trailer: jpegTrailerArb,
    jfif: fc.boolean(),
  })
  .map(({ dims: [width, height], leaks, scans, trailer, jfif }) => {
    // Leaks go to one of four places: before the tables, before the frame, after the frame, or
    // between scans (progressive JPEGs put tables and application segments there).
    const at = (place: number) => leaks.filter(([, p]) => p === place).map(([s]) => s);
    const dqt = segment(0xdb, new Uint8Array(65).fill(1));
    const dht = segment(0xc4, Uint8Array.from([0, ...new Array(16).fill(0).map((_, i) => (i === 0 ? 1 : 0)), 0]));
    const sof = segment(0xc2, Uint8Array.from([8, ...be16(height), ...be16(width), 1, 1, 0x11, 0]));
    const scanParts = scans.map((data) => cat(segment(0xda, Uint8Array.from([1, 1, 0, 0, 0x3f, 0])), data));
    const bytes = cat(
      [0xff, 0xd8],
      jfif ? segment(0xe0, cat("JFIF\0", [1, 1, 0, 0, 1, 0, 1, 0, 0])) : [],
      ...at(0),
      dqt,
      ...at(1),
      sof,
      ...at(2),
      dht,
      ...scanParts.flatMap((scan, i) => (i === 0 ? [scan] : [...at(3), dht, scan])),
      ...(scans.length === 1 ? at(3) : []),
      [0xff, 0xd9],
      trailer,
    );
    return { type: "image/jpeg" as const, bytes, width, height, pixels: [dqt, sof, dht, ...scanParts] };
  });

// ---------- PNG ----------

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) c = (crcTable[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
const pngChunk = (type: string, data: Uint8Array | string) => {
  const d = cat(data);
  return cat(be32(d.length), type, d, be32(crc32(cat(type, d))));
};

const pngLeakArb = fc.tuple(fc.integer({ min: 0, max: 7 }), leakArb).map(([kind, text]) => {
  switch (kind) {
    case 0:
      return pngChunk("eXIf", cat("MM\0*", text));
    case 1:
      return pngChunk("tEXt", cat("Comment\0", text));
    case 2:
      return pngChunk("zTXt", cat(text, "\0\0", [0x78, 0x9c]));
    case 3:
      return pngChunk("iTXt", cat("XML:com.adobe.xmp\0\0\0\0\0", text));
    case 4:
      return pngChunk("tIME", cat([7, 234, 9, 1, 8, 0, 0], text));
    case 5:
      // The profile name is at most 79 bytes: the marker alone fits.
      return pngChunk("iCCP", cat(marker, "\0\0", [0x78, 0x9c]));
    case 6:
      return pngChunk("sPLT", cat(text, "\0", [8]));
    default:
      return pngChunk("gpSi", text);
  }
});

const pngArb: fc.Arbitrary<Generated> = fc
  .record({
    dims: dimsArb,
    leaks: fc.array(fc.tuple(pngLeakArb, fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 6 }),
    idats: fc.array(fc.uint8Array({ minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 3 }),
    trailer: fc.oneof(fc.constant(""), leakArb),
    extras: fc.subarray(["gAMA", "pHYs", "sRGB"]),
  })
  .map(({ dims: [width, height], leaks, idats, trailer, extras }) => {
    const at = (place: number) => leaks.filter(([, p]) => p === place).map(([c]) => c);
    const ihdr = pngChunk("IHDR", Uint8Array.from([...be32(width), ...be32(height), 8, 2, 0, 0, 0]));
    const kept = extras.map((type) => pngChunk(type, Uint8Array.from([0, 0, 0, 1])));
    const idatChunks = idats.map((d) => pngChunk("IDAT", d));
    const iend = pngChunk("IEND", new Uint8Array(0));
    const bytes = cat(
      [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
      ihdr,
      ...at(0),
      ...kept,
      ...idatChunks.flatMap((c, i) => (i === 0 ? [c] : [...at(1), c])),
      ...(idatChunks.length === 1 ? at(1) : []),
      ...at(2),
      iend,
      trailer,
    );
    return { type: "image/png" as const, bytes, width, height, pixels: [ihdr, ...kept, ...idatChunks, iend] };
  });

// ---------- WebP ----------

const riff = (fourcc: string, data: Uint8Array | string) => {
  const d = cat(data);
  return cat(fourcc, le32(d.length), d, d.length % 2 ? [0] : []);
};
const vp8 = (width: number, height: number) =>
  riff("VP8 ", Uint8Array.from([0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, ...le16(width), ...le16(height), 1, 2, 3]));
const vp8l = (width: number, height: number) =>
  riff("VP8L", Uint8Array.from([0x2f, ...le32((((height - 1) & 0x3fff) << 14) | ((width - 1) & 0x3fff)), 7, 7]));

const webpLeakArb = fc.tuple(fc.integer({ min: 0, max: 3 }), leakArb).map(([kind, text]) => {
  if (kind === 0) return riff("EXIF", cat("MM\0*", text));
  if (kind === 1) return riff("XMP ", text);
  if (kind === 2) return riff("ICCP", cat("desc", text));
  return riff("GPSx", text);
});

const webpArb: fc.Arbitrary<Generated> = fc
  .record({
    dims: fc.tuple(fc.integer({ min: 1, max: 4000 }), fc.integer({ min: 1, max: 4000 })),
    leaks: fc.array(webpLeakArb, { minLength: 1, maxLength: 4 }),
    kind: fc.constantFrom("lossy", "lossless", "animated"),
    frameLeak: webpLeakArb,
    trailer: fc.oneof(fc.constant(""), leakArb),
  })
  .map(({ dims: [width, height], leaks, kind, frameLeak, trailer }) => {
    const flags = 0x20 | 0x08 | 0x04 | (kind === "animated" ? 0x02 : 0);
    const vp8x = (f: number) => riff("VP8X", Uint8Array.from([f, 0, 0, 0, ...le24(width - 1), ...le24(height - 1)]));
    const w = Math.min(width, 16383);
    const h = Math.min(height, 16383);
    let image: Uint8Array[];
    let pixels: Uint8Array[];
    if (kind === "animated") {
      const frameHeader = Uint8Array.from([0, 0, 0, 0, 0, 0, ...le24(w - 1), ...le24(h - 1), 100, 0, 0, 0]);
      const anim = riff("ANIM", Uint8Array.from([0, 0, 0, 0, 0, 0]));
      const frame = vp8l(w, h);
      image = [anim, riff("ANMF", cat(frameHeader, frame, frameLeak))];
      pixels = [anim, frameHeader, frame];
    } else {
      const bitstream = kind === "lossy" ? vp8(w, h) : vp8l(w, h);
      const alph = riff("ALPH", Uint8Array.from([0, 1, 2]));
      image = kind === "lossy" ? [alph, bitstream] : [bitstream];
      pixels = [...image];
    }
    const body = cat("WEBP", vp8x(flags), ...leaks.slice(0, 1), ...image, ...leaks.slice(1));
    const bytes = cat("RIFF", le32(body.length), body, trailer);
    return { type: "image/webp" as const, bytes, width, height, pixels: [vp8x(flags & 0x02), ...pixels] };
  });

// ---------- checks ----------

/** Walks a PNG and checks every chunk's CRC, the order (IHDR first, IEND last) and nothing after IEND. */
function expectWellFormedPng(b: Uint8Array): void {
  let at = 8;
  const types: string[] = [];
  while (at < b.length) {
    const length =
      ((b[at] as number) << 24) | ((b[at + 1] as number) << 16) | ((b[at + 2] as number) << 8) | (b[at + 3] as number);
    const typeAndData = b.subarray(at + 4, at + 8 + length);
    const crc = b.subarray(at + 8 + length, at + 12 + length);
    expect([...crc]).toEqual(be32(crc32(typeAndData)));
    types.push(new TextDecoder("latin1").decode(typeAndData.subarray(0, 4)));
    at += 12 + length;
  }
  expect(at).toBe(b.length);
  expect(types[0]).toBe("IHDR");
  expect(types.at(-1)).toBe("IEND");
}

/** Checks the RIFF size and that only decoder chunks remain, with no metadata flags in VP8X. */
function expectWellFormedWebp(b: Uint8Array): void {
  const size = (b[4] as number) | ((b[5] as number) << 8) | ((b[6] as number) << 16) | ((b[7] as number) << 24);
  expect(size).toBe(b.length - 8);
  const fourccs: string[] = [];
  let at = 12;
  while (at < b.length) {
    const fourcc = new TextDecoder("latin1").decode(b.subarray(at, at + 4));
    const n = (b[at + 4] as number) | ((b[at + 5] as number) << 8) | ((b[at + 6] as number) << 16);
    if (fourcc === "VP8X") expect((b[at + 8] as number) & 0x2c).toBe(0);
    fourccs.push(fourcc);
    at += 8 + n + (n % 2);
  }
  expect(at).toBe(b.length);
  for (const f of fourccs) expect(["VP8X", "VP8 ", "VP8L", "ALPH", "ANIM", "ANMF"]).toContain(f);
}

/** Checks that a JPEG is SOI, allowlisted segments and scans, and ends with its one EOI. */
function expectWellFormedJpeg(b: Uint8Array): void {
  expect([...b.subarray(0, 2)]).toEqual([0xff, 0xd8]);
  expect([...b.subarray(-2)]).toEqual([0xff, 0xd9]);
  // Idempotent: the output is already nothing but allowlisted structure.
  expect([...stripImageMetadata(b)]).toEqual([...b]);
}

describe("photo metadata: 1,000 generated photos with GPS in every place their format allows", () => {
  it("0 markers survive, and the output is the same type and size, well formed, pixels unchanged", () => {
    let checked = 0;
    fc.assert(
      fc.property(fc.oneof(jpegArb, pngArb, webpArb), (photo) => {
        expect(contains(photo.bytes, markerBytes)).toBe(true);
        const result = checkPhoto(photo.bytes, photo.type, { maxPixels: 4000 * 4000 });
        expect(contains(result.bytes, markerBytes)).toBe(false);
        // No fragment either: the text around the marker is gone too.
        expect(new TextDecoder("latin1").decode(result.bytes)).not.toMatch(/GPS|Exif|xmpmeta|ICC_PROFILE|MPF|ftyp/);
        expect(detectImageType(result.bytes)).toBe(photo.type);
        expect(result).toMatchObject({ contentType: photo.type, width: photo.width, height: photo.height });
        expect(imageDimensions(result.bytes)).toEqual({ width: photo.width, height: photo.height });
        for (const run of photo.pixels) expect(contains(result.bytes, run)).toBe(true);
        if (photo.type === "image/png") expectWellFormedPng(result.bytes);
        if (photo.type === "image/webp") expectWellFormedWebp(result.bytes);
        if (photo.type === "image/jpeg") expectWellFormedJpeg(result.bytes);
        checked += 1;
      }),
      { numRuns: propertyRuns(1000) },
    );
    expect(checked).toBe(propertyRuns(1000));
  });

  it("refuses HEIC, HEIF and AVIF with photo_format_unsupported, naming the format and never the upload", () => {
    for (const [brand, format] of [
      ["heic", "HEIF"],
      ["mif1", "HEIF"],
      ["avif", "AVIF"],
    ] as const) {
      const heif = cat([0, 0, 0, 24], "ftyp", brand, [0, 0, 0, 0], "mif1heic", [0, 0, 0, 8], "meta", marker);
      try {
        checkPhoto(heif, "image/heic");
        expect.unreachable("accepted");
      } catch (error) {
        if (!isHomevisitError(error)) throw error;
        expect(error.code).toBe("photo_format_unsupported");
        expect(error.status).toBe(415);
        expect(error.messageIn("en")).toContain(format);
        expect(error.messageIn("en")).not.toContain("image/heic");
      }
    }
  });

  it("refuses a JPEG without an end-of-image marker rather than guess where its scan ends", () => {
    const truncated = cat(
      [0xff, 0xd8],
      segment(0xdb, new Uint8Array(65).fill(1)),
      segment(0xc0, Uint8Array.from([8, 0, 8, 0, 8, 1, 1, 0x11, 0])),
      segment(0xda, Uint8Array.from([1, 1, 0, 0, 0x3f, 0])),
      [1, 2, 3, 4],
    );
    expect(() => stripImageMetadata(truncated)).toThrow(expect.objectContaining({ code: "photo_malformed" }));
  });
});
