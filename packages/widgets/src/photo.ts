/** Options of {@link preparePhoto}. */
export interface PreparePhotoOptions {
  /** The longest edge after resizing, in pixels. Default 1600: sharp on a phone, ~300 kB. */
  maxEdge?: number;
  /** JPEG quality, 0..1. Default 0.85. */
  quality?: number;
}

/** A photo ready to upload: re-encoded pixels only, no metadata. */
export interface PreparedPhoto {
  blob: Blob;
  width: number;
  height: number;
}

/**
 * Resizes a photo and strips its metadata in the browser before it leaves the phone: the
 * pixels are drawn on a canvas and encoded afresh as JPEG, so EXIF, GPS, XMP and any trailing
 * bytes of the original are simply not there (the server strips them again). The EXIF
 * orientation is applied while decoding, so the picture stays upright.
 *
 * @example
 * ```ts
 * const { blob, width } = await preparePhoto(input.files[0], { maxEdge: 1600 });
 * width <= 1600; // true
 * ```
 */
export async function preparePhoto(file: Blob, options: PreparePhotoOptions = {}): Promise<PreparedPhoto> {
  const maxEdge = options.maxEdge ?? 1600;
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  try {
    const scale = Math.min(1, maxEdge / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext("2d");
    if (context === null) throw new Error("no 2d canvas");
    context.drawImage(bitmap, 0, 0, width, height);
    const blob = await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (b) => (b === null ? reject(new Error("the photo could not be encoded")) : resolve(b)),
        "image/jpeg",
        options.quality ?? 0.85,
      ),
    );
    return { blob, width, height };
  } finally {
    bitmap.close();
  }
}
