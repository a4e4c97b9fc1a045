import { HomevisitError } from "../shared/errors/homevisit-error.js";

/**
 * Photo handling for visit records (RELIABILITY.md promise 8): the type is read from the bytes
 * (JPEG, PNG and WebP only), the size and the pixel count are bounded (dimensions parsed from the
 * header, so a decompression bomb is refused before anything decodes it), and metadata that can
 * locate a family — EXIF with GPS, XMP, text chunks — is cut out before storage. Pure byte-level
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
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return "image/png";
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 4) === "WEBP") return "image/webp";
  return undefined;
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  let out = "";
  for (let i = at; i < at + length && i < bytes.length; i++) out += String.fromCharCode(bytes[i] as number);
  return out;
}

function u16be(b: Uint8Array, at: number): number {
  if (at + 2 > b.length) throw malformed();
  return ((b[at] as number) << 8) | (b[at + 1] as number);
}

function u32be(b: Uint8Array, at: number): number {
  if (at + 4 > b.length) throw malformed();
  return (
    (((b[at] as number) << 24) >>> 0) +
    ((b[at + 1] as number) << 16) +
    ((b[at + 2] as number) << 8) +
    (b[at + 3] as number)
  );
}

function u24le(b: Uint8Array, at: number): number {
  if (at + 3 > b.length) throw malformed();
  return (b[at] as number) | ((b[at + 1] as number) << 8) | ((b[at + 2] as number) << 16);
}

function u32le(b: Uint8Array, at: number): number {
  if (at + 4 > b.length) throw malformed();
  return u24le(b, at) + (b[at + 3] as number) * 0x1000000;
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

/** One JPEG marker segment before the scan: its marker and where it lies. */
interface JpegSegment {
  marker: number;
  start: number;
  end: number;
}

/** Walks a JPEG's segments up to the start of scan; returns them and where the scan begins. */
function jpegSegments(b: Uint8Array): { segments: JpegSegment[]; scanStart: number } {
  const segments: JpegSegment[] = [];
  let at = 2;
  while (at < b.length) {
    if (b[at] !== 0xff) throw malformed();
    let marker = b[at + 1];
    // Fill bytes: any number of 0xFF before a marker.
    while (marker === 0xff) {
      at += 1;
      marker = b[at + 1];
    }
    if (marker === undefined) throw malformed();
    if (marker === 0xd9) throw malformed(); // end of image before any scan
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      segments.push({ marker, start: at, end: at + 2 });
      at += 2;
      continue;
    }
    const length = u16be(b, at + 2);
    if (length < 2 || at + 2 + length > b.length) throw malformed();
    const end = at + 2 + length;
    if (marker === 0xda) return { segments, scanStart: at };
    segments.push({ marker, start: at, end });
    at = end;
  }
  throw malformed();
}

const sofMarkers = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** PNG chunks that carry text or EXIF: captions, authors, GPS, software, times. */
const pngMetadataChunks = new Set(["eXIf", "tEXt", "iTXt", "zTXt", "tIME"]);

/** Walks PNG chunks; calls `visit` for each with its type and bounds. */
function pngChunks(b: Uint8Array, visit: (type: string, start: number, end: number, dataStart: number) => void): void {
  let at = 8;
  while (at < b.length) {
    const length = u32be(b, at);
    const type = ascii(b, at + 4, 4);
    const end = at + 12 + length;
    if (end > b.length || type.length !== 4) throw malformed();
    visit(type, at, end, at + 8);
    at = end;
    if (type === "IEND") return;
  }
  throw malformed();
}

/** Walks WebP (RIFF) chunks. */
function webpChunks(
  b: Uint8Array,
  visit: (fourcc: string, start: number, end: number, dataStart: number, size: number) => void,
): void {
  const riffEnd = Math.min(b.length, 8 + u32le(b, 4));
  let at = 12;
  while (at + 8 <= riffEnd) {
    const fourcc = ascii(b, at, 4);
    const size = u32le(b, at + 4);
    const end = at + 8 + size + (size % 2);
    if (at + 8 + size > b.length) throw malformed();
    visit(fourcc, at, Math.min(end, b.length), at + 8, size);
    at = end;
  }
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
    const { segments } = jpegSegments(bytes);
    const sof = segments.find((s) => sofMarkers.has(s.marker));
    if (!sof || sof.end - sof.start < 9) throw malformed();
    return { height: u16be(bytes, sof.start + 5), width: u16be(bytes, sof.start + 7) };
  }
  if (type === "image/png") {
    if (ascii(bytes, 12, 4) !== "IHDR") throw malformed();
    return { width: u32be(bytes, 16), height: u32be(bytes, 20) };
  }
  if (type === "image/webp") {
    let found: ImageDimensions | undefined;
    webpChunks(bytes, (fourcc, _start, _end, data, size) => {
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
  throw new HomevisitError("photo_type_unsupported");
}

function u16le(b: Uint8Array, at: number): number {
  if (at + 2 > b.length) throw malformed();
  return (b[at] as number) | ((b[at + 1] as number) << 8);
}

/**
 * The image with its metadata cut out, pixels untouched:
 * - JPEG: APP1 (EXIF with GPS, XMP), APP13 (Photoshop/IPTC) and COM segments go; JFIF, ICC
 *   profiles, tables and the scan stay;
 * - PNG: `eXIf`, `tEXt`, `iTXt`, `zTXt` and `tIME` chunks go;
 * - WebP: `EXIF` and `XMP ` chunks go, their flags in `VP8X` are cleared and the RIFF size fixed.
 * Throws `photo_type_unsupported` for other bytes, `photo_malformed` for broken structure.
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
  if (type === "image/jpeg") {
    const { segments, scanStart } = jpegSegments(bytes);
    const kept = segments.filter((s) => s.marker !== 0xe1 && s.marker !== 0xed && s.marker !== 0xfe);
    return concat([
      bytes.subarray(0, 2),
      ...kept.map((s) => bytes.subarray(s.start, s.end)),
      bytes.subarray(scanStart),
    ]);
  }
  if (type === "image/png") {
    const parts: Uint8Array[] = [bytes.subarray(0, 8)];
    pngChunks(bytes, (chunk, start, end) => {
      if (!pngMetadataChunks.has(chunk)) parts.push(bytes.subarray(start, end));
    });
    return concat(parts);
  }
  if (type === "image/webp") {
    const parts: Uint8Array[] = [];
    webpChunks(bytes, (fourcc, start, end, data) => {
      if (fourcc === "EXIF" || fourcc === "XMP ") return;
      const chunk = bytes.slice(start, end);
      // VP8X flags: 0x08 EXIF, 0x04 XMP present.
      if (fourcc === "VP8X" && data - start < chunk.length) chunk[8] = (chunk[8] as number) & ~0x0c;
      parts.push(chunk);
    });
    const body = concat(parts);
    const header = new Uint8Array(12);
    header.set(bytes.subarray(0, 4));
    const size = body.length + 4;
    header.set([size & 0xff, (size >>> 8) & 0xff, (size >>> 16) & 0xff, (size >>> 24) & 0xff], 4);
    header.set(bytes.subarray(8, 12), 8);
    return concat([header, body]);
  }
  throw new HomevisitError("photo_type_unsupported");
}

/**
 * Checks a photo and returns it ready to store: the type by content (and, when a type was
 * declared, that it matches), the size (default ≤ 10 MB), the pixel count (default ≤ 40 MP),
 * then metadata stripped. Errors: `photo_type_unsupported`, `photo_type_mismatch`,
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
  if (detected === undefined) throw new HomevisitError("photo_type_unsupported");
  if (declaredType !== undefined && declaredType.toLowerCase() !== detected) {
    const declared = declaredType.slice(0, 40).replace(/[^a-z0-9./+-]/gi, "");
    throw new HomevisitError("photo_type_mismatch", { params: { detected, declared } });
  }
  const { width, height } = imageDimensions(bytes);
  if (width === 0 || height === 0) throw malformed();
  if (width * height > maxPixels) {
    throw new HomevisitError("photo_too_many_pixels", { params: { pixels: width * height, limit: maxPixels } });
  }
  return { contentType: detected, bytes: stripImageMetadata(bytes), width, height };
}
