import { readFileSync } from 'node:fs'
import { inflateSync } from 'node:zlib'

/** An 8-bit, non-interlaced RGB or RGBA PNG (what Chromium's screenshots are), as RGBA pixels. */
export interface Image {
  readonly width: number
  readonly height: number
  pixel(x: number, y: number): [number, number, number]
}

const SIGNATURE = '89504e470d0a1a0a'

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c
  const pa = Math.abs(p - a)
  const pb = Math.abs(p - b)
  const pc = Math.abs(p - c)
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}

/** Just enough of PNG to check a screenshot's colours: chunks, inflate, the five scanline filters. */
export function readPng(file: string): Image {
  const buf = readFileSync(file)
  if (buf.subarray(0, 8).toString('hex') !== SIGNATURE) throw new Error(`${file} is not a PNG`)
  let at = 8
  let width = 0
  let height = 0
  let channels = 0
  const idat: Buffer[] = []
  while (at < buf.length) {
    const length = buf.readUInt32BE(at)
    const type = buf.toString('latin1', at + 4, at + 8)
    const data = buf.subarray(at + 8, at + 8 + length)
    if (type === 'IHDR') {
      width = data.readUInt32BE(0)
      height = data.readUInt32BE(4)
      if (data[8] !== 8 || data[12] !== 0) throw new Error('only 8-bit, non-interlaced PNGs')
      channels = data[9] === 6 ? 4 : data[9] === 2 ? 3 : 0
      if (channels === 0) throw new Error(`unsupported colour type ${data[9]}`)
    }
    if (type === 'IDAT') idat.push(data)
    at += 12 + length
  }
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * channels
  const out = Buffer.alloc(height * stride)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x]!
      const a = x >= channels ? out[y * stride + x - channels]! : 0
      const b = y > 0 ? out[(y - 1) * stride + x]! : 0
      const c = x >= channels && y > 0 ? out[(y - 1) * stride + x - channels]! : 0
      const predicted = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter]!
      out[y * stride + x] = (value + predicted) & 0xff
    }
  }
  return {
    width,
    height,
    pixel: (x, y) => {
      const i = y * stride + x * channels
      return [out[i]!, out[i + 1]!, out[i + 2]!]
    },
  }
}

/** `hsl(h s% l%)` as 0–255 RGB. */
export function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const k = (n: number) => (n + h / 30) % 12
  const a = s * Math.min(l, 1 - l)
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1))
  return [Math.round(f(0) * 255), Math.round(f(8) * 255), Math.round(f(4) * 255)]
}

/** How many pixels right of `fromX` are within `tolerance` of `rgb` on every channel. */
export function countColour(image: Image, rgb: readonly number[], fromX = 0, tolerance = 3): number {
  let n = 0
  for (let y = 0; y < image.height; y++)
    for (let x = fromX; x < image.width; x++) {
      const p = image.pixel(x, y)
      if (
        Math.abs(p[0] - rgb[0]!) <= tolerance &&
        Math.abs(p[1] - rgb[1]!) <= tolerance &&
        Math.abs(p[2] - rgb[2]!) <= tolerance
      )
        n++
    }
  return n
}
