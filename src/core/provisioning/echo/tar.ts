import { gunzipSync } from 'node:zlib';

const BLOCK = 512;

/** Tar files larger than this are refused before unpacking (the upload limit is lower anyway). */
const MAX_ENTRY_BYTES = 8 * 1024 * 1024;

function field(header: Buffer, offset: number, length: number): string {
  const raw = header.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? raw.length : end).toString('utf8');
}

/**
 * Reads the regular files of a (optionally gzipped) ustar/GNU tar archive: name → content. Throws
 * a readable Error on anything malformed; never reads past the buffer.
 */
export function readTar(input: Buffer): Map<string, Buffer> {
  const data =
    input.length >= 2 && input[0] === 0x1f && input[1] === 0x8b
      ? gunzipSync(input, { maxOutputLength: 64 * 1024 * 1024 })
      : input;
  const files = new Map<string, Buffer>();
  let offset = 0;
  let longName: string | undefined;
  while (offset + BLOCK <= data.length) {
    const header = data.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break;
    const sizeText = field(header, 124, 12).trim();
    if (!/^[0-7]*$/.test(sizeText)) throw new Error('invalid tar header (size)');
    const size = sizeText === '' ? 0 : parseInt(sizeText, 8);
    if (size > MAX_ENTRY_BYTES) throw new Error('tar entry too large');
    const type = String.fromCharCode(header[156] || 0x30);
    const prefix = field(header, 345, 155);
    let name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    longName = undefined;
    const start = offset + BLOCK;
    const end = start + size;
    if (end > data.length) throw new Error('truncated tar archive');
    const content = data.subarray(start, end);
    if (type === 'L') longName = content.toString('utf8').replace(/\0+$/, '');
    else if (type === '0' || type === '\0' || type === '7') {
      name = name.replace(/^\.\//, '');
      files.set(name, Buffer.from(content));
    }
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  if (offset === 0 && data.length > 0) throw new Error('not a tar archive');
  return files;
}

/** A minimal ustar archive (used by tests and the reference daemon's own checks). */
export function writeTar(entries: Record<string, string | Buffer>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, value] of Object.entries(entries)) {
    const content = typeof value === 'string' ? Buffer.from(value) : value;
    const header = Buffer.alloc(BLOCK);
    header.write(name.slice(0, 100), 0, 'utf8');
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124);
    header.write(
      `${Math.floor(Date.now() / 1000)
        .toString(8)
        .padStart(11, '0')}\0`,
      136,
    );
    header.write('        ', 148);
    header.write('0', 156);
    header.write('ustar\0', 257);
    header.write('00', 263);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, content, Buffer.alloc((BLOCK - (content.length % BLOCK)) % BLOCK));
  }
  blocks.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(blocks);
}
