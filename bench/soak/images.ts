// Small valid photos made in code for the soak's uploads: a baseline JPEG (grayscale, one DC
// value per 8×8 block, every AC coefficient zero) and an RGB PNG. Both decode in ordinary
// viewers, so the engine's content checks see what a phone's picture would show them, without
// shipping image files or an image library in the bench.
import { deflateSync } from "node:zlib";

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (crcTable[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * An RGB PNG of `width` × `height` with a gradient that depends on `seed`.
 *
 * @example
 * ```ts
 * makePng(32, 24, 7).subarray(1, 4).toString(); // "PNG"
 * ```
 */
export function makePng(width: number, height: number, seed: number): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const at = row + 1 + x * 3;
      raw[at] = (x * 8 + seed) & 0xff;
      raw[at + 1] = (y * 8 + seed * 3) & 0xff;
      raw[at + 2] = (x * y + seed * 7) & 0xff;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", deflateSync(raw)),
    pngChunk("IEND", new Uint8Array(0)),
  ]);
}

/** Writes bits most significant first, stuffing a zero byte after every 0xFF (JPEG entropy data). */
class BitWriter {
  private readonly bytes: number[] = [];
  private acc = 0;
  private count = 0;
  write(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >> i) & 1);
      this.count++;
      if (this.count === 8) this.flushByte();
    }
  }
  private flushByte(): void {
    this.bytes.push(this.acc);
    if (this.acc === 0xff) this.bytes.push(0);
    this.acc = 0;
    this.count = 0;
  }
  /** Pads the last byte with one bits, as the standard asks. */
  end(): Buffer {
    while (this.count !== 0) this.write(1, 1);
    return Buffer.from(this.bytes);
  }
}

/** The standard luminance DC table (ITU T.81 K.3): code lengths 1–16 and the categories. */
const dcBits = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const dcValues = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
/** An AC table with one code: end of block, "0". */
const acBits = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const acValues = [0];

/** Canonical Huffman codes of a DHT table: symbol → [code, length]. */
function huffmanCodes(bits: readonly number[], values: readonly number[]): Map<number, [number, number]> {
  const codes = new Map<number, [number, number]>();
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    for (let i = 0; i < (bits[length - 1] as number); i++) codes.set(values[k++] as number, [code++, length]);
    code <<= 1;
  }
  return codes;
}

function segment(marker: number, data: readonly number[] | Buffer): Buffer {
  const body = Buffer.from(data);
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xff00 | marker, 0);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([head, body]);
}

/**
 * A baseline grayscale JPEG of `width` × `height` (multiples of 8 are exact; others are
 * padded by the decoder's cropping), each 8×8 block one shade that depends on `seed`.
 *
 * @example
 * ```ts
 * makeJpeg(64, 48, 3).subarray(0, 2); // <Buffer ff d8>
 * ```
 */
export function makeJpeg(width: number, height: number, seed: number): Buffer {
  const dc = huffmanCodes(dcBits, dcValues);
  const ac = huffmanCodes(acBits, acValues);
  const eob = ac.get(0) as [number, number];
  const bits = new BitWriter();
  let previous = 0;
  for (let by = 0; by < Math.ceil(height / 8); by++) {
    for (let bx = 0; bx < Math.ceil(width / 8); bx++) {
      const shade = (bx * 29 + by * 47 + seed * 13) % 256;
      // With every quantiser 1, the DC coefficient is 8 × (mean − 128).
      const value = 8 * (shade - 128);
      const diff = value - previous;
      previous = value;
      const magnitude = Math.abs(diff);
      const category = magnitude === 0 ? 0 : Math.floor(Math.log2(magnitude)) + 1;
      const [code, length] = dc.get(category) as [number, number];
      bits.write(code, length);
      if (category > 0) bits.write(diff < 0 ? diff + (1 << category) - 1 : diff, category);
      bits.write(eob[0], eob[1]);
    }
  }
  const jfif = [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
  const dqt = [0, ...new Array<number>(64).fill(1)];
  const sof = [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0];
  const dht = [0x00, ...dcBits, ...dcValues, 0x10, ...acBits, ...acValues];
  const sos = [1, 1, 0x00, 0, 63, 0];
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, jfif),
    segment(0xdb, dqt),
    segment(0xc0, sof),
    segment(0xc4, dht),
    segment(0xda, sos),
    bits.end(),
    Buffer.from([0xff, 0xd9]),
  ]);
}
