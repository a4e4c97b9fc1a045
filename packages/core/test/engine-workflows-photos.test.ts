import { checkPhoto, detectImageType, imageDimensions, isHomevisitError, stripImageMetadata } from "@homevisit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const latin1 = (b: Uint8Array) => new TextDecoder("latin1").decode(b);
const bytes = (...parts: (number[] | Uint8Array | string)[]) => {
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
const le32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const le24 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff];

function segment(marker: number, payload: Uint8Array | number[] | string) {
  const data = bytes(payload);
  return bytes([0xff, marker, ...be16(data.length + 2)], data);
}

/** A small JPEG with JFIF, an APP1 Exif segment carrying GPS text, XMP, a comment, a frame and a scan. */
function jpeg(width: number, height: number) {
  return bytes(
    [0xff, 0xd8],
    segment(0xe0, bytes("JFIF\0", [1, 1, 0, 0, 1, 0, 1, 0, 0])),
    segment(0xe1, bytes("Exif\0\0", "GPSLatitude=28.45N;GPSLongitude=119.92E")),
    segment(0xe1, bytes("http://ns.adobe.com/xap/1.0/\0", "<x:xmpmeta>GPS 莲都区</x:xmpmeta>")),
    segment(0xfe, "comment: 幸福路88号"),
    segment(0xdb, new Array(65).fill(1)),
    segment(0xc0, [8, ...be16(height), ...be16(width), 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]),
    segment(0xda, [3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3f, 0]),
    [0x12, 0x34, 0xff, 0x00, 0x56, 0xff, 0xd9],
  );
}

function pngChunk(type: string, data: Uint8Array | number[] | string) {
  const d = bytes(data);
  return bytes(be32(d.length), type, d, [0, 0, 0, 0]);
}

function png(width: number, height: number) {
  return bytes(
    [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    pngChunk("IHDR", [...be32(width), ...be32(height), 8, 2, 0, 0, 0]),
    pngChunk("tEXt", "Comment\0GPS 28.45N 119.92E"),
    pngChunk("eXIf", "MM\0*GPSInfo"),
    pngChunk("IDAT", [1, 2, 3, 4]),
    pngChunk("IEND", []),
  );
}

function webp(width: number, height: number) {
  const chunk = (fourcc: string, data: Uint8Array | number[] | string) => {
    const d = bytes(data);
    return bytes(fourcc, le32(d.length), d, d.length % 2 ? [0] : []);
  };
  const body = bytes(
    "WEBP",
    chunk("VP8X", [0x08 | 0x04, 0, 0, 0, ...le24(width - 1), ...le24(height - 1)]),
    chunk("VP8L", [0x2f, ...le32(((height - 1) << 14) | (width - 1)), 0, 0]),
    chunk("EXIF", "MM\0*GPSLatitude"),
    chunk("XMP ", "<x:xmpmeta>GPS</x:xmpmeta>"),
  );
  return bytes("RIFF", le32(body.length), body);
}

function code(fn: () => unknown): string {
  try {
    fn();
    return "ok";
  } catch (error) {
    if (isHomevisitError(error)) return error.code;
    throw error;
  }
}

describe("photos: type, size, pixels and metadata", () => {
  it("detects the three accepted types by content and nothing else", () => {
    expect(detectImageType(jpeg(3, 2))).toBe("image/jpeg");
    expect(detectImageType(png(3, 2))).toBe("image/png");
    expect(detectImageType(webp(3, 2))).toBe("image/webp");
    expect(detectImageType(bytes("GIF89a"))).toBeUndefined();
    expect(detectImageType(bytes("<svg xmlns"))).toBeUndefined();
    expect(code(() => checkPhoto(bytes("%PDF-1.7"), "image/jpeg"))).toBe("photo_type_unsupported");
  });

  it("reads dimensions from the headers", () => {
    expect(imageDimensions(jpeg(640, 480))).toEqual({ width: 640, height: 480 });
    expect(imageDimensions(png(1024, 768))).toEqual({ width: 1024, height: 768 });
    expect(imageDimensions(webp(300, 200))).toEqual({ width: 300, height: 200 });
  });

  it("strips JPEG APP1 (EXIF with GPS, XMP) and comments, keeping JFIF, tables, frame and scan", () => {
    const original = jpeg(640, 480);
    expect(latin1(original)).toContain("GPSLatitude");
    const clean = stripImageMetadata(original);
    expect(latin1(clean)).not.toContain("GPS");
    expect(latin1(clean)).not.toContain("Exif");
    expect(latin1(clean)).not.toContain("xmpmeta");
    expect(latin1(clean)).toContain("JFIF");
    expect(imageDimensions(clean)).toEqual({ width: 640, height: 480 });
    // The entropy-coded scan is copied byte for byte.
    expect([...clean.slice(-7)]).toEqual([0x12, 0x34, 0xff, 0x00, 0x56, 0xff, 0xd9]);
  });

  it("strips PNG text and eXIf chunks, and WebP EXIF/XMP chunks with their VP8X flags", () => {
    const cleanPng = stripImageMetadata(png(10, 10));
    expect(latin1(cleanPng)).not.toContain("GPS");
    expect(latin1(cleanPng)).toContain("IDAT");
    expect(imageDimensions(cleanPng)).toEqual({ width: 10, height: 10 });
    const cleanWebp = stripImageMetadata(webp(30, 20));
    expect(latin1(cleanWebp)).not.toContain("GPS");
    expect(latin1(cleanWebp)).not.toContain("EXIF");
    expect(cleanWebp[20] as number & 0x0c).toBe(0);
    const riffSize = (cleanWebp[4] as number) | ((cleanWebp[5] as number) << 8);
    expect(riffSize).toBe(cleanWebp.length - 8);
    expect(imageDimensions(cleanWebp)).toEqual({ width: 30, height: 20 });
  });

  it("refuses size, pixel and type-mismatch violations with their codes", () => {
    expect(code(() => checkPhoto(jpeg(640, 480), "image/jpeg", { maxBytes: 100 }))).toBe("photo_too_large");
    expect(code(() => checkPhoto(jpeg(10000, 10000), "image/jpeg"))).toBe("photo_too_many_pixels");
    expect(code(() => checkPhoto(png(10, 10), "image/jpeg"))).toBe("photo_type_mismatch");
    expect(code(() => checkPhoto(jpeg(0, 10), "image/jpeg"))).toBe("photo_malformed");
    const ok = checkPhoto(jpeg(64, 48), "image/jpeg");
    expect(ok).toMatchObject({ contentType: "image/jpeg", width: 64, height: 48 });
    expect(latin1(ok.bytes)).not.toContain("GPS");
  });

  it("never crashes on truncated or random bytes: a typed error or a result", () => {
    const samples = [jpeg(64, 48), png(8, 8), webp(8, 8)];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), fc.nat(), fc.uint8Array({ maxLength: 64 }), (which, cut, noise) => {
        const sample = samples[which] as Uint8Array;
        const truncated = bytes(sample.slice(0, cut % sample.length), noise);
        const result = code(() => checkPhoto(truncated, undefined));
        expect(typeof result).toBe("string");
      }),
      { numRuns: 500 },
    );
  });
});
