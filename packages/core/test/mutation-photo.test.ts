import {
  checkPhoto,
  detectImageType,
  imageDimensions,
  isHomevisitError,
  photoContentTypes,
  stripImageMetadata,
} from "@homevisit/core";
import { describe, expect, it } from "vitest";

/**
 * Photo stripping (RELIABILITY.md promise 8) byte by byte, on small hand-built images: what each
 * format keeps and drops, exactly, and each refusal by its code. Written to kill the mutants of
 * `pnpm run mutation` (docs/quality.md); the generated photos are in photo-metadata.property.test.ts.
 */

const bytes = (...parts: (number[] | string | Uint8Array)[]): Uint8Array => {
  const arrays = parts.map((p) =>
    typeof p === "string"
      ? Uint8Array.from(p, (c) => c.charCodeAt(0))
      : p instanceof Uint8Array
        ? p
        : Uint8Array.from(p),
  );
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
};
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const codeOf = (f: () => unknown) => {
  try {
    f();
    return undefined;
  } catch (error) {
    if (!isHomevisitError(error)) throw error;
    return { code: error.code, params: error.params };
  }
};

// JPEG parts.
const seg = (marker: number, payload: number[] | string) => {
  const data = typeof payload === "string" ? Array.from(payload, (c) => c.charCodeAt(0)) : payload;
  const length = data.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...data];
};
const SOI = [0xff, 0xd8];
const EOI = [0xff, 0xd9];
const sof = (height: number, width: number, marker = 0xc0) =>
  seg(marker, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]);
const dqt = seg(0xdb, [0, ...Array.from({ length: 8 }, (_, i) => i + 1)]);
const dht = seg(0xc4, [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5]);
const sos = seg(0xda, [1, 1, 0, 0, 0x3f, 0]);
const scanData = [0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0xff, 0xff, 0xd7, 0x78];
const exif = seg(0xe1, "Exif\0\0GPSLatitude=28.45N");
const comment = seg(0xfe, "GPS 28.45N");
const jfifFields = [1, 2, 1, 0, 72, 0, 72];
const jfif = seg(0xe0, [...Array.from("JFIF\0", (c) => c.charCodeAt(0)), ...jfifFields, 2, 1, 9, 9, 9, 9, 9, 9]);
const adobe = seg(0xee, [...Array.from("Adobe", (c) => c.charCodeAt(0)), 0, 100, 0, 0, 0, 0, 2]);
const jpeg = (...middle: number[][]) => bytes(SOI, ...middle, EOI);
const plainJpeg = () => jpeg(dqt, sof(480, 640), dht, sos, scanData);

// PNG parts (CRCs are not checked by the stripper: zeros).
const chunk = (type: string, data: number[] | string = []) => {
  const d = typeof data === "string" ? Array.from(data, (c) => c.charCodeAt(0)) : data;
  return bytes(
    [d.length >>> 24, (d.length >>> 16) & 0xff, (d.length >>> 8) & 0xff, d.length & 0xff],
    type,
    d,
    [0, 0, 0, 0],
  );
};
const PNG_SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const be32 = (n: number) => [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const ihdr = (w: number, h: number) => chunk("IHDR", [...be32(w), ...be32(h), 8, 2, 0, 0, 0]);

// WebP parts.
const le32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const riff = (fourcc: string, data: number[] | string) => {
  const d = typeof data === "string" ? Array.from(data, (c) => c.charCodeAt(0)) : data;
  return bytes(fourcc, le32(d.length), d, d.length % 2 ? [0] : []);
};
const webp = (...chunks: Uint8Array[]) => {
  const body = bytes(...chunks);
  return bytes("RIFF", le32(body.length + 4), "WEBP", body);
};
const vp8x = (flags: number, w: number, h: number) =>
  riff("VP8X", [flags, 0, 0, 0, (w - 1) & 0xff, ((w - 1) >> 8) & 0xff, 0, (h - 1) & 0xff, ((h - 1) >> 8) & 0xff, 0]);
const vp8 = (w: number, h: number) => riff("VP8 ", [0, 0, 0, 0x9d, 0x01, 0x2a, w & 0xff, w >> 8, h & 0xff, h >> 8]);
const vp8l = (w: number, h: number) => {
  const bits = (w - 1) | ((h - 1) << 14);
  return riff("VP8L", [0x2f, ...le32(bits >>> 0)]);
};

describe("detectImageType", () => {
  it("by magic numbers, with their full length", () => {
    expect(detectImageType(Uint8Array.from([0xff, 0xd8, 0xff]))).toBe("image/jpeg");
    expect(detectImageType(Uint8Array.from([0xff, 0xd8]))).toBeUndefined();
    expect(detectImageType(Uint8Array.from([0xff, 0xd8, 0xfe]))).toBeUndefined();
    expect(detectImageType(Uint8Array.from([0xfe, 0xd8, 0xff]))).toBeUndefined();
    expect(detectImageType(Uint8Array.from([0xff, 0xd9, 0xff]))).toBeUndefined();
    expect(detectImageType(Uint8Array.from(PNG_SIG))).toBe("image/png");
    expect(detectImageType(Uint8Array.from(PNG_SIG.slice(0, 7)))).toBeUndefined();
    expect(detectImageType(Uint8Array.from([...PNG_SIG.slice(0, 7), 0]))).toBeUndefined();
    expect(detectImageType(bytes("RIFF", [0, 0, 0, 0], "WEBP"))).toBe("image/webp");
    expect(detectImageType(bytes("RIFF", [0, 0, 0, 0], "WEBx"))).toBeUndefined();
    expect(detectImageType(bytes("RIFX", [0, 0, 0, 0], "WEBP"))).toBeUndefined();
    expect(detectImageType(bytes("RIFF", [0, 0, 0, 0], "WEB"))).toBeUndefined();
  });
});

describe("JPEG", () => {
  it("keeps tables, frame, scans (restarts, stuffing and fill bytes included) and EOI; drops EXIF, comments and trailers", () => {
    const dirty = bytes(
      SOI,
      exif,
      [0xff, 0xff],
      dqt,
      comment,
      sof(480, 640),
      seg(0xe2, "ICC_PROFILE\0x"),
      dht,
      seg(0xdd, [0, 4]),
      sos,
      scanData,
      EOI,
      "trailing GPS",
      EOI,
    );
    const clean = stripImageMetadata(dirty);
    expect(hex(clean)).toBe(hex(bytes(SOI, dqt, sof(480, 640), dht, seg(0xdd, [0, 4]), sos, scanData, EOI)));
    expect(imageDimensions(dirty)).toEqual({ width: 640, height: 480 });
  });

  it("rebuilds JFIF without its thumbnail and Adobe from its fields; drops JFXX and short headers", () => {
    const clean = stripImageMetadata(jpeg(jfif, adobe, seg(0xe0, "JFXX\0\x10thumb"), dqt, sof(1, 2), sos, [1]));
    const rebuiltJfif = [0xff, 0xe0, 0x00, 0x10, ...Array.from("JFIF\0", (c) => c.charCodeAt(0)), ...jfifFields, 0, 0];
    const rebuiltAdobe = [
      0xff,
      0xee,
      0x00,
      0x0e,
      ...Array.from("Adobe", (c) => c.charCodeAt(0)),
      0,
      100,
      0,
      0,
      0,
      0,
      2,
    ];
    expect(hex(clean)).toBe(hex(bytes(SOI, rebuiltJfif, rebuiltAdobe, dqt, sof(1, 2), sos, [1], EOI)));
    // A JFIF or Adobe header one byte short of its fields is dropped, not rebuilt from garbage.
    const shortJfif = seg(0xe0, [...Array.from("JFIF\0", (c) => c.charCodeAt(0)), 1, 2, 1, 0, 72, 0, 72].slice(0, 11));
    const shortAdobe = seg(0xee, [...Array.from("Adobe", (c) => c.charCodeAt(0)), 0, 100, 0, 0, 0, 0]);
    expect(hex(stripImageMetadata(jpeg(shortJfif, shortAdobe, sof(1, 2), sos, [1])))).toBe(
      hex(bytes(SOI, sof(1, 2), sos, [1], EOI)),
    );
    // Exactly long enough: rebuilt.
    const exactJfif = seg(0xe0, [...Array.from("JFIF\0", (c) => c.charCodeAt(0)), ...jfifFields, 0, 0]);
    expect(hex(stripImageMetadata(jpeg(exactJfif, sof(1, 2), sos, [1])))).toBe(
      hex(bytes(SOI, rebuiltJfif, sof(1, 2), sos, [1], EOI)),
    );
    expect(
      hex(stripImageMetadata(jpeg(seg(0xe0, "JFIX\0xxxxxxxxxx"), seg(0xee, "Adobx12345678"), sof(1, 2), sos, [1]))),
    ).toBe(hex(bytes(SOI, sof(1, 2), sos, [1], EOI)));
  });

  it("keeps every frame and table marker a decoder needs", () => {
    for (const marker of [0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]) {
      const image = jpeg(sof(3, 4, marker), sos, [1]);
      expect([marker, hex(stripImageMetadata(image))]).toEqual([marker, hex(image)]);
      expect(imageDimensions(image)).toEqual({ width: 4, height: 3 });
    }
    const tables = jpeg(seg(0xcc, [0, 1]), seg(0xdc, [0, 1]), sof(3, 4), sos, [1]);
    expect(hex(stripImageMetadata(tables))).toBe(hex(tables));
    // Markers that are not frames (DHT 0xC4, JPG 0xC8, DAC 0xCC) give no size.
    expect(codeOf(() => imageDimensions(jpeg(seg(0xc8, [8, 0, 3, 0, 4, 1, 1, 0x11, 0]), sos, [1])))).toMatchObject({
      code: "photo_malformed",
    });
  });

  it("refuses what it cannot vouch for", () => {
    const malformed = { code: "photo_malformed" };
    for (const [name, image] of [
      ["no EOI", bytes(SOI, sof(1, 2), sos, [1])],
      ["no scan", jpeg(sof(1, 2))],
      ["no frame", jpeg(sos, [1])],
      ["a second SOI", jpeg(SOI, sof(1, 2), sos, [1])],
      ["a restart outside a scan", jpeg([0xff, 0xd0], sof(1, 2), sos, [1])],
      ["RST7 outside a scan", jpeg([0xff, 0xd7], sof(1, 2), sos, [1])],
      ["TEM", jpeg([0xff, 0x01], sof(1, 2), sos, [1])],
      ["a zero marker", jpeg([0xff, 0x00], sof(1, 2), sos, [1])],
      ["two frames", jpeg(sof(1, 2), sof(1, 2), sos, [1])],
      ["a short frame", jpeg(seg(0xc0, [8, 0, 1, 0, 2]), sos, [1])],
      ["a segment length below 2", bytes(SOI, [0xff, 0xdb, 0, 1], sof(1, 2), sos, [1], EOI)],
      ["a segment past the end", bytes(SOI, [0xff, 0xdb, 0, 40, 1])],
      ["a byte that is not a marker", bytes(SOI, sof(1, 2), [0x00], sos, [1], EOI)],
      ["fill bytes to the end", bytes(SOI, sof(1, 2), [0xff, 0xff])],
      ["a scan cut off", bytes(SOI, sof(1, 2), sos, [1, 2, 3])],
      ["a scan ending in 0xFF", bytes(SOI, sof(1, 2), sos, [1, 0xff])],
      ["a marker without its length", bytes(SOI, [0xff, 0xdb, 0])],
    ] as const) {
      expect([name, codeOf(() => stripImageMetadata(image as Uint8Array))]).toMatchObject([name, malformed]);
    }
    expect(codeOf(() => stripImageMetadata(jpeg(seg(0xc0, [8, 0, 1, 0, 2, 1, 1]), sos, [1])))).toBeUndefined();
  });
});

describe("PNG", () => {
  it("keeps the critical, rendering and animation chunks; drops text, EXIF, time, ICC, unknown chunks and trailers", () => {
    const kept = [
      "PLTE",
      "tRNS",
      "gAMA",
      "cHRM",
      "sRGB",
      "sBIT",
      "bKGD",
      "pHYs",
      "hIST",
      "cICP",
      "mDCV",
      "cLLI",
      "acTL",
      "fcTL",
      "fdAT",
    ];
    const keptChunks = kept.map((t) => chunk(t, [1, 2]));
    const dropped = ["eXIf", "tEXt", "zTXt", "iTXt", "tIME", "iCCP", "sPLT", "vpAg"].map((t) => chunk(t, "GPS"));
    const image = bytes(
      PNG_SIG,
      ihdr(640, 480),
      ...dropped.slice(0, 4),
      ...keptChunks,
      ...dropped.slice(4),
      chunk("IDAT", [9]),
      chunk("IEND"),
      "GPS after IEND",
    );
    expect(hex(stripImageMetadata(image))).toBe(
      hex(bytes(PNG_SIG, ihdr(640, 480), ...keptChunks, chunk("IDAT", [9]), chunk("IEND"))),
    );
    expect(imageDimensions(image)).toEqual({ width: 640, height: 480 });
  });

  it("refuses a first chunk other than IHDR, a malformed type, a chunk past the end, a missing IEND", () => {
    const malformed = { code: "photo_malformed" };
    expect(
      codeOf(() => stripImageMetadata(bytes(PNG_SIG, chunk("IDAT", [1]), ihdr(1, 1), chunk("IEND")))),
    ).toMatchObject(malformed);
    expect(
      codeOf(() => stripImageMetadata(bytes(PNG_SIG, ihdr(1, 1), chunk("ID4T", [1]), chunk("IEND")))),
    ).toMatchObject(malformed);
    expect(codeOf(() => stripImageMetadata(bytes(PNG_SIG, ihdr(1, 1), [0, 0, 0, 9], "IDAT", [1])))).toMatchObject(
      malformed,
    );
    expect(codeOf(() => stripImageMetadata(bytes(PNG_SIG, ihdr(1, 1), chunk("IDAT", [1]))))).toMatchObject(malformed);
    expect(codeOf(() => stripImageMetadata(bytes(PNG_SIG, ihdr(1, 1), [0, 0])))).toMatchObject(malformed);
    expect(codeOf(() => imageDimensions(bytes(PNG_SIG, chunk("IHDx", [...be32(1), ...be32(1)]))))).toMatchObject(
      malformed,
    );
    // The end of a chunk exactly at the end of the file is fine.
    expect(codeOf(() => stripImageMetadata(bytes(PNG_SIG, ihdr(1, 1), chunk("IEND"))))).toBeUndefined();
  });

  it("reads sizes as unsigned 32-bit numbers", () => {
    expect(imageDimensions(bytes(PNG_SIG, ihdr(0x80000001, 0x01020304), chunk("IEND")))).toEqual({
      width: 0x80000001,
      height: 0x01020304,
    });
    expect(codeOf(() => imageDimensions(bytes(PNG_SIG, [0, 0, 0, 13], "IHDR", [0, 0, 0, 1, 0, 0])))).toMatchObject({
      code: "photo_malformed",
    });
  });
});

describe("WebP", () => {
  it("keeps the bitstream chunks, clears the metadata flags of VP8X, recomputes the RIFF size, cuts trailers", () => {
    const image = bytes(
      webp(
        vp8x(0xff, 640, 480),
        riff("ICCP", "GPS"),
        riff("EXIF", "GPS28N"),
        riff("ALPH", [1, 2, 3]),
        vp8(640, 480),
        riff("XMP ", "GPS"),
      ),
      "GPS after RIFF",
    );
    const clean = stripImageMetadata(image);
    expect(hex(clean)).toBe(hex(webp(vp8x(0xff & ~0x2c, 640, 480), riff("ALPH", [1, 2, 3]), vp8(640, 480))));
    expect(imageDimensions(image)).toEqual({ width: 640, height: 480 });
  });

  it("filters animation frames alike: only ALPH and bitstreams inside a frame", () => {
    const frameHeader = Array.from({ length: 16 }, (_, i) => i);
    const frame = (...chunks: Uint8Array[]) => riff("ANMF", [...frameHeader, ...bytes(...chunks)]);
    const image = webp(
      vp8x(0x02, 8, 8),
      riff("ANIM", [0, 0, 0, 0, 0, 0]),
      frame(
        riff("ALPH", [1]),
        riff("EXIF", "GPS"),
        riff("VP8X", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        riff("ANIM", [0, 0]),
        vp8l(8, 8),
      ),
      frame(vp8(8, 8)),
    );
    expect(hex(stripImageMetadata(image))).toBe(
      hex(
        webp(
          vp8x(0x02, 8, 8),
          riff("ANIM", [0, 0, 0, 0, 0, 0]),
          frame(riff("ALPH", [1]), vp8l(8, 8)),
          frame(vp8(8, 8)),
        ),
      ),
    );
    expect(codeOf(() => stripImageMetadata(webp(riff("ANMF", frameHeader.slice(0, 15)))))).toMatchObject({
      code: "photo_malformed",
    });
  });

  it("reads the size from VP8X, VP8 or VP8L, the first that has one", () => {
    expect(imageDimensions(webp(vp8(0x4321, 0x1234)))).toEqual({ width: 0x0321, height: 0x1234 });
    expect(imageDimensions(webp(vp8l(16384, 3)))).toEqual({ width: 16384, height: 3 });
    expect(imageDimensions(webp(vp8x(0, 0x10000, 2), vp8(5, 5)))).toEqual({ width: 0x10000, height: 2 });
    expect(imageDimensions(webp(vp8(7, 9), vp8x(0, 5, 5)))).toEqual({ width: 7, height: 9 });
    const malformed = { code: "photo_malformed" };
    expect(codeOf(() => imageDimensions(webp(riff("VP8 ", [0, 0, 0, 0x9d, 0x01, 0x2b, 1, 0, 1, 0]))))).toMatchObject(
      malformed,
    );
    expect(codeOf(() => imageDimensions(webp(riff("VP8 ", [0, 0, 0, 0x9c, 0x01, 0x2a, 1, 0, 1, 0]))))).toMatchObject(
      malformed,
    );
    expect(codeOf(() => imageDimensions(webp(riff("VP8 ", [0, 0, 0, 0x9d, 0x02, 0x2a, 1, 0, 1, 0]))))).toMatchObject(
      malformed,
    );
    expect(codeOf(() => imageDimensions(webp(riff("VP8L", [0x2e, 0, 0, 0, 0]))))).toMatchObject(malformed);
    // Chunks too short to hold a size are passed over, and then there is none.
    expect(
      codeOf(() =>
        imageDimensions(
          webp(
            riff("VP8X", [0, 0, 0, 0, 0, 0, 0, 0, 0]),
            riff("VP8 ", [0, 0, 0, 0x9d, 1, 0x2a, 1, 0, 1]),
            riff("VP8L", [0x2f, 0, 0, 0]),
          ),
        ),
      ),
    ).toMatchObject(malformed);
    expect(imageDimensions(webp(riff("VP8L", [0x2f, 0, 0, 0, 0])))).toEqual({ width: 1, height: 1 });
  });

  it("refuses a RIFF size past the end and a chunk past the RIFF", () => {
    const good = webp(vp8(1, 1));
    const tooLong = Uint8Array.from(good);
    tooLong[4] = (tooLong[4] as number) + 1;
    expect(codeOf(() => stripImageMetadata(tooLong))).toMatchObject({ code: "photo_malformed" });
    expect(
      codeOf(() => stripImageMetadata(bytes("RIFF", le32(16), "WEBP", "VP8 ", le32(40), [1, 2, 3, 4]))),
    ).toMatchObject({
      code: "photo_malformed",
    });
    expect(codeOf(() => stripImageMetadata(bytes("RIFF", [4, 0, 0], "")))).toMatchObject({
      code: "photo_type_unsupported",
    });
    // An odd chunk keeps its padding byte.
    expect(hex(stripImageMetadata(webp(riff("ALPH", [7]), vp8(1, 1))))).toBe(hex(webp(riff("ALPH", [7]), vp8(1, 1))));
  });
});

describe("checkPhoto", () => {
  it("answers the type, the stripped bytes and the size", () => {
    const image = bytes(SOI, exif, dqt, sof(480, 640), sos, [1], EOI);
    expect(checkPhoto(image, "IMAGE/JPEG")).toEqual({
      contentType: "image/jpeg",
      bytes: stripImageMetadata(image),
      width: 640,
      height: 480,
    });
    expect(checkPhoto(image, undefined).contentType).toBe("image/jpeg");
  });

  it("refuses by code, with its parameters", () => {
    const image = plainJpeg();
    expect(codeOf(() => checkPhoto(image, "image/png"))).toEqual({
      code: "photo_type_mismatch",
      params: { detected: "image/jpeg" },
    });
    expect(codeOf(() => checkPhoto(image, undefined, { maxBytes: image.length - 1 }))).toEqual({
      code: "photo_too_large",
      params: { size: image.length, limit: image.length - 1 },
    });
    expect(codeOf(() => checkPhoto(image, undefined, { maxBytes: image.length }))).toBeUndefined();
    expect(codeOf(() => checkPhoto(image, undefined, { maxPixels: 640 * 480 - 1 }))).toEqual({
      code: "photo_too_many_pixels",
      params: { pixels: 640 * 480, limit: 640 * 480 - 1 },
    });
    expect(codeOf(() => checkPhoto(image, undefined, { maxPixels: 640 * 480 }))).toBeUndefined();
    expect(codeOf(() => checkPhoto(jpeg(sof(0, 5), sos, [1]), undefined))).toMatchObject({ code: "photo_malformed" });
    expect(codeOf(() => checkPhoto(jpeg(sof(5, 0), sos, [1]), undefined))).toMatchObject({ code: "photo_malformed" });
  });

  it("defaults to 10 MB and 40 megapixels", () => {
    const big = new Uint8Array(10 * 1024 * 1024 + 1);
    big.set([0xff, 0xd8, 0xff]);
    expect(codeOf(() => checkPhoto(big, undefined))).toMatchObject({
      code: "photo_too_large",
      params: { size: 10 * 1024 * 1024 + 1, limit: 10 * 1024 * 1024 },
    });
    const png = (w: number, h: number) => bytes(PNG_SIG, ihdr(w, h), chunk("IDAT", [1]), chunk("IEND"));
    expect(codeOf(() => checkPhoto(png(8000, 5000), "image/png"))).toBeUndefined();
    expect(codeOf(() => checkPhoto(png(8000, 5001), "image/png"))).toEqual({
      code: "photo_too_many_pixels",
      params: { pixels: 40_008_000, limit: 40_000_000 },
    });
  });

  it("names HEIF and AVIF by their own code; anything else is an unsupported type", () => {
    const ftyp = (brand: string) => bytes([0, 0, 0, 24], "ftyp", brand, [0, 0, 0, 0]);
    for (const brand of ["heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1"]) {
      expect([brand, codeOf(() => checkPhoto(ftyp(brand), undefined))]).toEqual([
        brand,
        { code: "photo_format_unsupported", params: { format: "HEIF" } },
      ]);
    }
    for (const brand of ["avif", "avis"]) {
      expect(codeOf(() => stripImageMetadata(ftyp(brand)))).toEqual({
        code: "photo_format_unsupported",
        params: { format: "AVIF" },
      });
    }
    expect(codeOf(() => imageDimensions(ftyp("isom")))).toMatchObject({ code: "photo_type_unsupported" });
    expect(codeOf(() => imageDimensions(bytes([0, 0, 0, 24], "ftyp", "hei")))).toMatchObject({
      code: "photo_type_unsupported",
    });
    expect(codeOf(() => checkPhoto(bytes([0, 0, 0, 24], "ftyx", "heic"), undefined))).toMatchObject({
      code: "photo_type_unsupported",
    });
    expect(codeOf(() => checkPhoto(bytes("GIF89a"), undefined))).toMatchObject({ code: "photo_type_unsupported" });
  });
});

describe("truncated images", () => {
  // A photo cut short in transfer must never be half-stripped or fail with a raw RangeError or
  // TypeError: every prefix of a valid image is refused, by its type while the signature is
  // incomplete and as malformed after. This reaches every byte-length guard of the readers.
  const samples: [string, Uint8Array, number][] = [
    ["JPEG (JFIF, EXIF)", bytes(SOI, jfif, exif, dqt, sof(480, 640), dht, sos, scanData, EOI), 3],
    [
      "progressive JPEG (Adobe, two scans)",
      bytes(SOI, adobe, dqt, sof(48, 64, 0xc2), dht, sos, scanData, sos, scanData, EOI),
      3,
    ],
    [
      "PNG (tEXt)",
      bytes(PNG_SIG, ihdr(64, 48), chunk("tEXt", "GPS 28N"), chunk("IDAT", [1, 2, 3, 4]), chunk("IEND")),
      8,
    ],
    ["WebP (VP8X, EXIF, VP8)", webp(vp8x(0x2c, 64, 48), riff("EXIF", "GPS 28N"), vp8(64, 48)), 12],
    ["WebP (VP8L)", webp(vp8l(64, 48)), 12],
  ];
  it.each(samples)("%s: every prefix is refused with a typed code", (_name, image, signatureLength) => {
    expect(codeOf(() => stripImageMetadata(image))).toBeUndefined();
    for (let n = 0; n < image.length; n++) {
      const expected = n < signatureLength ? "photo_type_unsupported" : "photo_malformed";
      expect({ n, code: codeOf(() => stripImageMetadata(image.slice(0, n)))?.code }).toEqual({ n, code: expected });
    }
  });
});

describe("each check at its edge", () => {
  // Every image below differs from an accepted one in one place only, so that exactly one check
  // decides: the standalone markers are followed by 00 02, which would otherwise read as an empty
  // segment, and each length is one past what the next check would catch.
  const malformed = { code: "photo_malformed", params: {} };
  const minimal = jpeg(sof(1, 2), sos, [1]);

  it("lists the accepted types", () => {
    expect(photoContentTypes).toEqual(["image/jpeg", "image/png", "image/webp"]);
  });

  it("JPEG: a standalone marker outside a scan is refused where an empty segment is dropped", () => {
    expect(hex(stripImageMetadata(bytes(SOI, [0xff, 0xfe, 0x00, 0x02], sof(1, 2), sos, [1], EOI)))).toBe(hex(minimal));
    for (const marker of [0xd8, 0xd0, 0xd7, 0x01, 0x00]) {
      const image = bytes(SOI, [0xff, marker, 0x00, 0x02], sof(1, 2), sos, [1], EOI);
      expect([marker, codeOf(() => stripImageMetadata(image))]).toEqual([marker, malformed]);
    }
  });

  it("JPEG: segment lengths below 2 are refused, a scan header's too", () => {
    for (const length of [0, 1]) {
      const image = bytes(SOI, sof(1, 2), [0xff, 0xda, 0x00, length], [5], EOI);
      expect([length, codeOf(() => stripImageMetadata(image))]).toEqual([length, malformed]);
    }
  });

  it("JPEG: a frame of exactly 8 bytes (no components) is read; a scan must follow a frame", () => {
    const bare = jpeg(seg(0xc0, [8, 0, 3, 0, 4, 0]), sos, [1]);
    expect(hex(stripImageMetadata(bare))).toBe(hex(bare));
    expect(imageDimensions(bare)).toEqual({ width: 4, height: 3 });
    expect(codeOf(() => stripImageMetadata(jpeg(sos, [1], sof(1, 2), sos, [1])))).toEqual(malformed);
    expect(codeOf(() => stripImageMetadata(jpeg(sof(1, 2), sos, [1], sof(1, 2), sos, [1])))).toEqual(malformed);
  });

  it("JPEG: a scan ends at the first marker that is not a restart, and what follows is walked as segments", () => {
    // Entropy-coded bytes next to each other (no 0xFF between them), then a JPG segment (0xC8,
    // below the restart range) that is dropped, then a second scan.
    const image = jpeg(sof(1, 2), sos, [1, 2, 3], [0xff, 0xc8, 0x00, 0x03, 9], sos, [4, 5]);
    expect(hex(stripImageMetadata(image))).toBe(hex(jpeg(sof(1, 2), sos, [1, 2, 3], sos, [4, 5])));
  });

  it("JPEG: only APP0 is read as JFIF and only APP14 as Adobe", () => {
    const adobeText = [...Array.from("Adobe", (c) => c.charCodeAt(0)), 0, 100, 0, 0, 0, 0, 2];
    const jfifText = [...Array.from("JFIF\0", (c) => c.charCodeAt(0)), ...jfifFields, 0, 0];
    const image = jpeg(seg(0xfe, adobeText), seg(0xe1, jfifText), seg(0xe1, adobeText), sof(1, 2), sos, [1]);
    expect(hex(stripImageMetadata(image))).toBe(hex(minimal));
  });

  it("PNG: an IEND whose length runs past the end is refused; type letters are A–Z and a–z only", () => {
    const start = bytes(PNG_SIG, ihdr(1, 1), chunk("IDAT", [1]));
    expect(codeOf(() => stripImageMetadata(bytes(start, [0, 0, 0, 1], "IEND", [0, 0, 0, 0])))).toEqual(malformed);
    expect(hex(stripImageMetadata(bytes(start, chunk("AZaz"), chunk("IEND"))))).toBe(hex(bytes(start, chunk("IEND"))));
    for (const type of ["@AAA", "A[AA", "AA`A", "AAA{"]) {
      expect([type, codeOf(() => stripImageMetadata(bytes(start, chunk(type), chunk("IEND"))))]).toEqual([
        type,
        malformed,
      ]);
    }
  });

  it("WebP: a chunk one byte past the RIFF is refused; an empty chunk at the end and a short tail are read", () => {
    expect(
      codeOf(() => stripImageMetadata(bytes("RIFF", le32(22), "WEBP", "VP8 ", le32(11), vp8(1, 1).subarray(8)))),
    ).toEqual(malformed);
    const emptyLast = webp(vp8(1, 1), riff("ALPH", []));
    expect(hex(stripImageMetadata(emptyLast))).toBe(hex(emptyLast));
    // Fewer than 8 bytes left inside the RIFF: no chunk header fits, so they are dropped.
    expect(hex(stripImageMetadata(webp(vp8(1, 1), bytes([1, 2, 3]))))).toBe(hex(webp(vp8(1, 1))));
  });

  it("WebP: flags are cleared in VP8X only (an empty VP8X kept as is); a frame may hold its header only", () => {
    const alphaFirst = webp(riff("ALPH", [0xff]), vp8(1, 1));
    expect(hex(stripImageMetadata(alphaFirst))).toBe(hex(alphaFirst));
    const emptyVp8x = webp(riff("VP8X", []), vp8(1, 1));
    expect(hex(stripImageMetadata(emptyVp8x))).toBe(hex(emptyVp8x));
    const headerOnly = webp(
      vp8x(0x02, 1, 1),
      riff(
        "ANMF",
        Array.from({ length: 16 }, (_, i) => i + 1),
      ),
    );
    expect(hex(stripImageMetadata(headerOnly))).toBe(hex(headerOnly));
  });

  it("WebP: the size comes from VP8X, VP8 and VP8L chunks only, all 32 bits of VP8L read", () => {
    expect(imageDimensions(webp(riff("ICCP", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), vp8(7, 9)))).toEqual({
      width: 7,
      height: 9,
    });
    expect(imageDimensions(webp(vp8l(3, 16384)))).toEqual({ width: 3, height: 16384 });
    // A VP8L chunk too short for its size is passed over even when bytes follow it.
    expect(imageDimensions(webp(riff("VP8L", [0x2f, 0, 0, 0]), vp8(7, 9)))).toEqual({ width: 7, height: 9 });
  });

  it("checkPhoto: bytes of another type are refused by type even when a type is declared", () => {
    expect(codeOf(() => checkPhoto(bytes("GIF89a"), "image/gif"))).toEqual({
      code: "photo_type_unsupported",
      params: {},
    });
    expect(codeOf(() => checkPhoto(bytes([0, 0, 0, 24], "ftypheic", [0, 0, 0, 0]), "image/heic"))).toEqual({
      code: "photo_format_unsupported",
      params: { format: "HEIF" },
    });
  });
});
