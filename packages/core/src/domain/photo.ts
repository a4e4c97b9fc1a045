import { HomevisitError } from "../shared/errors/homevisit-error.js";

/**
 * Photo handling for visit records (RELIABILITY.md promise 8): the type is read from the bytes
 * (JPEG, PNG and WebP only; HEIC/HEIF refused with its own code), the size and the pixel count
 * are bounded (dimensions parsed from the header, so a decompression bomb is refused before
 * anything decodes it), and metadata that can locate a family — EXIF with GPS, XMP, text
 * chunks, a second image after the end marker — is cut out before storage by keeping only an
 * allowlist of segments and chunks. Pure byte-level
 * functions: no image library, no native binaries, the same in Node and the browser.
 *
 * Stripping EXIF also drops the orientation tag: a phone photo taken upright may then show
 * rotated. That is the price of not decoding images in core; hosts that care rotate on upload.
 */

/** The image types accepted for visit photos. */
export const photoContentTypes = ["image/jpeg", "image/png", "image/webp"] as const;
/** An accepted image type. */
export type PhotoContentType = (typeof photoContentTypes)[number];

/** The pixel size of an image. */
export interface ImageDimensions {
  width: number;
  height: number;
}

/** Limits of {@link checkPhoto}. */
export interface PhotoLimits {
  /** Bytes; default 10 MB. */
  maxBytes?: number;
  /** Width × height; default 40,000,000. */
  maxPixels?: number;
}

const malformed = () => new HomevisitError("photo_malformed");

const jpegSignature = [0xff, 0xd8, 0xff];
const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * The image type of some bytes by their magic numbers, or `undefined` for anything else (GIF,
 * HEIC, SVG, a PDF renamed `.jpg` …).
 *
 * @example
 * ```ts
 * detectImageType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])); // "image/jpeg"
 * detectImageType(new TextEncoder().encode("<svg")); // undefined
 * ```
 */
export function detectImageType(bytes: Uint8Array): PhotoContentType | undefined {
  if (startsWith(bytes, jpegSignature)) return "image/jpeg";
  if (startsWith(bytes, pngSignature)) return "image/png";
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 4) === "WEBP") return "image/webp";
  return undefined;
}

/** Whether `bytes` begins with `signature` (a byte past the end is `undefined`, never equal). */
function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return signature.every((b, i) => bytes[i] === b);
}

/** The bytes from `at` as Latin-1 text: at most `length` characters, fewer at the end of the input. */
function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

/**
 * The one bounded read every number reader goes through: a byte past the end of the input means
 * the image was cut short or a length in it lies, so the image is malformed. The walkers below
 * need no length guards of their own: reading the next marker, chunk length or byte of a scan
 * past the end refuses the image here.
 */
function byte(b: Uint8Array, at: number): number {
  const value = b[at];
  if (value === undefined) throw malformed();
  return value;
}

function u16be(b: Uint8Array, at: number): number {
  return (byte(b, at) << 8) | byte(b, at + 1);
}

function u32be(b: Uint8Array, at: number): number {
  return byte(b, at) * 0x1000000 + (byte(b, at + 1) << 16) + (byte(b, at + 2) << 8) + byte(b, at + 3);
}

function u16le(b: Uint8Array, at: number): number {
  return byte(b, at) | (byte(b, at + 1) << 8);
}

function u24le(b: Uint8Array, at: number): number {
  return byte(b, at) | (byte(b, at + 1) << 8) | (byte(b, at + 2) << 16);
}

function u32le(b: Uint8Array, at: number): number {
  return u24le(b, at) + byte(b, at + 3) * 0x1000000;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** One JPEG marker segment: where it starts (at its 0xFF) and where it ends. */
interface JpegSegment {
  start: number;
  end: number;
}

const sofMarkers = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/**
 * The JPEG segments a decoder needs, kept byte for byte: frames (SOF*), Huffman and quantisation
 * tables (DHT, DQT), arithmetic-coding conditioning (DAC), the restart interval (DRI) and the
 * number of lines (DNL). JFIF (APP0) and Adobe (APP14) are rebuilt from their few numeric fields;
 * everything else — EXIF and XMP (APP1), ICC and MPF (APP2), IPTC (APP13), comments, unknown
 * application segments — is dropped, whatever it holds.
 */
const jpegKeptMarkers = new Set([...sofMarkers, 0xc4, 0xcc, 0xdb, 0xdc, 0xdd]);

/**
 * Walks a whole JPEG: the segments, each scan's header and its entropy-coded data, up to the
 * first end-of-image marker. Returns the parts to keep (segments, rebuilt JFIF/Adobe headers,
 * scans) and the frame (SOF) segment; whatever follows EOI (MPF secondary images, motion-photo
 * videos, appended files) is never looked at. Every step advances `at` and every marker is read
 * through {@link byte}, so the walk ends at EOI or refuses the image at the end of the input. A
 * segment whose length runs past the end is refused the same way, when the next marker is read.
 */
function jpegWalk(b: Uint8Array): { kept: Uint8Array[]; sof: JpegSegment } {
  const kept: Uint8Array[] = [b.subarray(0, 2)];
  let sof: JpegSegment | undefined;
  // The frame, once a scan has followed it: a JPEG without a scan has no pixels.
  let scanned: JpegSegment | undefined;
  let at = 2;
  for (;;) {
    if (byte(b, at) !== 0xff) throw malformed();
    let marker = byte(b, at + 1);
    // Fill bytes: any number of 0xFF before a marker.
    while (marker === 0xff) {
      at += 1;
      marker = byte(b, at + 1);
    }
    if (marker === 0xd9) {
      // The first EOI ends the image.
      if (!scanned) throw malformed();
      kept.push(b.subarray(at, at + 2));
      return { kept, sof: scanned };
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01 || marker === 0x00) {
      // A second SOI, or a standalone marker (restart, TEM) outside a scan: not a JPEG this
      // code will vouch for.
      throw malformed();
    }
    const length = u16be(b, at + 2);
    // The length counts its own two bytes.
    if (length < 2) throw malformed();
    const segment = { start: at, end: at + 2 + length };
    if (marker === 0xda) {
      if (!sof) throw malformed();
      const scanEnd = entropyCodedEnd(b, segment.end);
      kept.push(b.subarray(segment.start, scanEnd));
      scanned = sof;
      at = scanEnd;
      continue;
    }
    if (sofMarkers.has(marker)) {
      if (sof || length < 8) throw malformed();
      sof = segment;
    }
    if (jpegKeptMarkers.has(marker)) kept.push(b.subarray(segment.start, segment.end));
    else if (marker === 0xe0) {
      const jfif = rebuiltJfif(b, segment);
      if (jfif) kept.push(jfif);
    } else if (marker === 0xee) {
      const adobe = rebuiltAdobe(b, segment);
      if (adobe) kept.push(adobe);
    }
    at = segment.end;
  }
}

/**
 * Where a scan's entropy-coded data ends: at the first marker that is not a restart (RSTn) or a
 * stuffed 0xFF00. A scan cut off before its marker (no EOI: a cut-off upload) is refused by
 * {@link byte}, not guessed at.
 */
function entropyCodedEnd(b: Uint8Array, start: number): number {
  let at = start;
  for (;;) {
    if (byte(b, at) !== 0xff) {
      at += 1;
      continue;
    }
    const next = byte(b, at + 1);
    if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) at += 2;
    else if (next === 0xff) at += 1;
    else return at;
  }
}

/**
 * A JFIF APP0 header rebuilt from its version, units and density, without its thumbnail (a
 * thumbnail is a second picture of the same home). Other APP0 kinds (JFXX thumbnails) are dropped.
 */
function rebuiltJfif(b: Uint8Array, s: JpegSegment): Uint8Array | undefined {
  if (s.end - s.start < 18 || ascii(b, s.start + 4, 5) !== "JFIF\0") return undefined;
  const fields = b.subarray(s.start + 9, s.start + 16); // version (2), units, x and y density (2 + 2)
  return concat([Uint8Array.from([0xff, 0xe0, 0x00, 0x10]), asciiBytes("JFIF\0"), fields, Uint8Array.from([0, 0])]);
}

/**
 * An Adobe APP14 header rebuilt from its four numeric fields: decoders need its colour
 * transform flag to show CMYK and YCCK photos in the right colours.
 */
function rebuiltAdobe(b: Uint8Array, s: JpegSegment): Uint8Array | undefined {
  if (s.end - s.start < 16 || ascii(b, s.start + 4, 5) !== "Adobe") return undefined;
  const fields = b.subarray(s.start + 9, s.start + 16); // version (2), flags0 (2), flags1 (2), transform
  return concat([Uint8Array.from([0xff, 0xee, 0x00, 0x0e]), asciiBytes("Adobe"), fields]);
}

function asciiBytes(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/**
 * The PNG chunks kept: the critical ones (IHDR, PLTE, IDAT, IEND), what changes how pixels
 * look (tRNS, gAMA, cHRM, sRGB, sBIT, bKGD, pHYs, hIST, cICP, mDCV, cLLI) and animation (acTL,
 * fcTL, fdAT). Every other chunk goes: eXIf, tEXt, zTXt, iTXt, tIME, iCCP (its profile carries a
 * free-text name), sPLT, and chunks no one has defined yet.
 */
const pngKeptChunks = new Set([
  "IHDR",
  "PLTE",
  "IDAT",
  "IEND",
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
]);

/**
 * Walks PNG chunks up to IEND (what follows it is never looked at); calls `visit` for each with
 * where the chunk starts and ends. Reading a chunk length past the end (no IEND) refuses the
 * image, in {@link byte}.
 */
function pngChunks(b: Uint8Array, visit: (type: string, start: number, end: number) => void): void {
  let at = 8;
  let first = true;
  for (;;) {
    const end = at + 12 + u32be(b, at);
    if (end > b.length) throw malformed();
    // Within the file, so four characters: each must be a letter.
    const type = ascii(b, at + 4, 4);
    if (/[^A-Za-z]/.test(type) || (first && type !== "IHDR")) throw malformed();
    first = false;
    visit(type, at, end);
    if (type === "IEND") return;
    at = end;
  }
}

/** WebP chunks a decoder needs: the bitstreams, alpha, and animation. */
const webpKeptChunks = new Set(["VP8 ", "VP8L", "VP8X", "ALPH", "ANIM", "ANMF"]);

/**
 * Walks the RIFF chunks between `from` and `to` (at most the input's length); calls `visit`
 * with each chunk's four-character code, where its data starts and its size. Fewer than 8 bytes
 * left before `to` end the walk.
 */
function webpChunks(
  b: Uint8Array,
  from: number,
  to: number,
  visit: (fourcc: string, dataStart: number, size: number) => void,
): void {
  let at = from;
  while (at + 8 <= to) {
    const size = u32le(b, at + 4);
    if (at + 8 + size > to) throw malformed();
    visit(ascii(b, at, 4), at + 8, size);
    at += 8 + size + (size % 2);
  }
}

/** A RIFF chunk with its size and padding. */
function riffChunk(fourcc: string, data: Uint8Array): Uint8Array {
  const size = data.length;
  return concat([asciiBytes(fourcc), le32bytes(size), data, size % 2 ? Uint8Array.of(0) : new Uint8Array(0)]);
}

function le32bytes(n: number): Uint8Array {
  return Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
}

/** The kept chunks of a WebP body (or of one animation frame's), rebuilt. */
function webpKept(b: Uint8Array, from: number, to: number, inFrame: boolean): Uint8Array[] {
  const parts: Uint8Array[] = [];
  webpChunks(b, from, to, (fourcc, data, size) => {
    if (!webpKeptChunks.has(fourcc)) return;
    if (inFrame && fourcc !== "ALPH" && fourcc !== "VP8 " && fourcc !== "VP8L") return;
    const payload = b.slice(data, data + size);
    // VP8X flags: 0x20 ICC, 0x08 EXIF, 0x04 XMP present; none of them survive. (An empty VP8X
    // has no flags byte: a typed array ignores the write.)
    if (fourcc === "VP8X") payload[0] = (payload[0] as number) & ~0x2c;
    if (fourcc === "ANMF") {
      // A frame: 16 bytes of position, size and timing, then its own chunks.
      if (size < 16) throw malformed();
      const frame = concat([payload.subarray(0, 16), ...webpKept(b, data + 16, data + size, true)]);
      parts.push(riffChunk("ANMF", frame));
      return;
    }
    parts.push(riffChunk(fourcc, payload));
  });
  return parts;
}

/**
 * The pixel size of a JPEG, PNG or WebP image, read from its header (no decoding). Throws
 * `photo_type_unsupported` for other bytes and `photo_malformed` when the header is cut short or
 * inconsistent.
 *
 * @example
 * ```ts
 * imageDimensions(pngBytes); // { width: 640, height: 480 }
 * ```
 */
export function imageDimensions(bytes: Uint8Array): ImageDimensions {
  const type = detectImageType(bytes);
  if (type === "image/jpeg") {
    // A frame segment is at least 10 bytes long (jpegWalk refuses shorter ones).
    const { sof } = jpegWalk(bytes);
    return { height: u16be(bytes, sof.start + 5), width: u16be(bytes, sof.start + 7) };
  }
  if (type === "image/png") {
    if (ascii(bytes, 12, 4) !== "IHDR") throw malformed();
    return { width: u32be(bytes, 16), height: u32be(bytes, 20) };
  }
  if (type === "image/webp") {
    let found: ImageDimensions | undefined;
    // Up to the RIFF's end, or the input's if it is cut short: the size is read from the first
    // chunk that has one (stripImageMetadata refuses a cut-short RIFF).
    webpChunks(bytes, 12, Math.min(bytes.length, 8 + u32le(bytes, 4)), (fourcc, data, size) => {
      if (found) return;
      if (fourcc === "VP8X" && size >= 10)
        found = { width: u24le(bytes, data + 4) + 1, height: u24le(bytes, data + 7) + 1 };
      if (fourcc === "VP8 " && size >= 10) {
        if (bytes[data + 3] !== 0x9d || bytes[data + 4] !== 0x01 || bytes[data + 5] !== 0x2a) throw malformed();
        found = { width: u16le(bytes, data + 6) & 0x3fff, height: u16le(bytes, data + 8) & 0x3fff };
      }
      if (fourcc === "VP8L" && size >= 5) {
        if (bytes[data] !== 0x2f) throw malformed();
        const bits = u32le(bytes, data + 1);
        found = { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
      }
    });
    if (!found) throw malformed();
    return found;
  }
  throw unsupportedType(bytes);
}

/**
 * The brands of ISO base-media files that hold a HEIF image (HEIC from iPhones, AVIF): refused
 * with their own code, since metadata can hide in too many boxes to strip them safely here.
 */
const heifBrands = new Set([
  "heic",
  "heix",
  "hevc",
  "hevx",
  "heim",
  "heis",
  "hevm",
  "hevs",
  "mif1",
  "msf1",
  "avif",
  "avis",
]);

/** The error for bytes that are not JPEG, PNG or WebP: HEIF gets a code of its own. */
function unsupportedType(bytes: Uint8Array): HomevisitError {
  // A brand cut short is never one of the four-letter brands.
  if (ascii(bytes, 4, 4) === "ftyp") {
    const brand = ascii(bytes, 8, 4);
    if (heifBrands.has(brand)) {
      return new HomevisitError("photo_format_unsupported", {
        params: { format: brand.startsWith("avi") ? "AVIF" : "HEIF" },
      });
    }
  }
  return new HomevisitError("photo_type_unsupported");
}

/**
 * The image with everything but its pixels and what a decoder needs cut out, by ALLOWLIST
 * (RELIABILITY.md promise 8): what is not known to be harmless goes, so a new metadata format
 * is dropped before anyone has heard of it.
 * - JPEG: SOI, frames, tables, restart interval, scans and EOI byte for byte; JFIF and Adobe
 *   headers rebuilt from their numeric fields; EXIF, XMP, ICC, MPF, IPTC, comments and every
 *   other segment dropped; everything after the first EOI (MPF secondary images with their own
 *   EXIF, motion-photo videos, appended data) cut; no EOI → `photo_malformed`;
 * - PNG: critical chunks and a short list of rendering and animation chunks; eXIf, text chunks,
 *   tIME, iCCP and unknown chunks dropped; everything after IEND cut;
 * - WebP: the RIFF rebuilt with VP8/VP8L/VP8X/ALPH/ANIM/ANMF only (frames filtered alike), the
 *   EXIF, XMP and ICC flags of VP8X cleared, the RIFF size recomputed, trailing data cut.
 * Throws `photo_format_unsupported` for HEIC/HEIF/AVIF, `photo_type_unsupported` for other
 * bytes, `photo_malformed` for broken structure.
 *
 * @example
 * ```ts
 * const clean = stripImageMetadata(jpegWithGps);
 * new TextDecoder("latin1").decode(clean).includes("GPS"); // false
 * detectImageType(clean); // "image/jpeg"
 * ```
 */
export function stripImageMetadata(bytes: Uint8Array): Uint8Array {
  const type = detectImageType(bytes);
  if (type === "image/jpeg") return concat(jpegWalk(bytes).kept);
  if (type === "image/png") {
    const parts: Uint8Array[] = [bytes.subarray(0, 8)];
    pngChunks(bytes, (chunk, start, end) => {
      if (pngKeptChunks.has(chunk)) parts.push(bytes.subarray(start, end));
    });
    return concat(parts);
  }
  if (type === "image/webp") {
    const riffSize = u32le(bytes, 4);
    if (8 + riffSize > bytes.length) throw malformed();
    const body = concat(webpKept(bytes, 12, 8 + riffSize, false));
    return concat([asciiBytes("RIFF"), le32bytes(body.length + 4), asciiBytes("WEBP"), body]);
  }
  throw unsupportedType(bytes);
}

/**
 * Checks a photo and returns it ready to store: the type by content (and, when a type was
 * declared, that it matches), the size (default ≤ 10 MB), the pixel count (default ≤ 40 MP),
 * then metadata stripped by {@link stripImageMetadata}. Errors: `photo_format_unsupported`
 * (HEIC/HEIF/AVIF), `photo_type_unsupported`, `photo_type_mismatch`,
 * `photo_too_large`, `photo_too_many_pixels`, `photo_malformed`.
 *
 * @example
 * ```ts
 * checkPhoto(jpegWithGps, "image/jpeg");
 * // { contentType: "image/jpeg", bytes: <EXIF-free JPEG>, width: 640, height: 480 }
 * checkPhoto(pngBytes, "image/jpeg"); // throws photo_type_mismatch
 * ```
 */
export function checkPhoto(
  bytes: Uint8Array,
  declaredType: string | undefined,
  limits: PhotoLimits = {},
): { contentType: PhotoContentType; bytes: Uint8Array; width: number; height: number } {
  const maxBytes = limits.maxBytes ?? 10 * 1024 * 1024;
  const maxPixels = limits.maxPixels ?? 40_000_000;
  if (bytes.length > maxBytes)
    throw new HomevisitError("photo_too_large", { params: { size: bytes.length, limit: maxBytes } });
  const detected = detectImageType(bytes);
  if (detected === undefined) throw unsupportedType(bytes);
  if (declaredType !== undefined && declaredType.toLowerCase() !== detected) {
    // The declared type is the uploader's text: named by the code, never repeated.
    throw new HomevisitError("photo_type_mismatch", { params: { detected } });
  }
  const { width, height } = imageDimensions(bytes);
  if (width === 0 || height === 0) throw malformed();
  if (width * height > maxPixels) {
    throw new HomevisitError("photo_too_many_pixels", { params: { pixels: width * height, limit: maxPixels } });
  }
  return { contentType: detected, bytes: stripImageMetadata(bytes), width, height };
}
