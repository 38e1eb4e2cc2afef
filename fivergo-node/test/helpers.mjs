// Test helpers: the package, and small PNG / WAV encoders so tests can make files
// without extra dependencies.
import { createRequire } from 'node:module'
import { deflateSync } from 'node:zlib'

const require = createRequire(import.meta.url)
export const fivergo = require('../lib.js')

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(buf) {
  let c = 0xffffffff
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type, data) {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}

/** A seeded pseudo-random byte source (LCG), so every test file is the same each run. */
export function rng(seed) {
  let s = seed >>> 0 || 1
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s >>> 24
  }
}

/** An RGBA PNG of `width × height` with a seeded texture (room for a watermark). */
export function png(width, height, seed = 1) {
  const next = rng(seed)
  const rows = []
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 4)
    for (let x = 0; x < width; x++) {
      const n = next()
      row[1 + x * 4] = (x * 3 + n) & 0xff
      row[2 + x * 4] = (y * 5 + (n >> 1)) & 0xff
      row[3 + x * 4] = ((x + y) * 2 + (n >> 2)) & 0xff
      row[4 + x * 4] = 255
    }
    rows.push(row)
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 6 // RGBA
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))])
}

/** A mono 16-bit WAV of `seconds` of a seeded noisy tone. */
export function wav(seconds, rate = 16000, seed = 1) {
  const next = rng(seed)
  const n = Math.round(seconds * rate)
  const data = Buffer.alloc(n * 2)
  for (let i = 0; i < n; i++) {
    const tone = Math.sin((2 * Math.PI * 440 * i) / rate) * 6000
    data.writeInt16LE(Math.round(tone + (next() - 128) * 20), i * 2)
  }
  const h = Buffer.alloc(44)
  h.write('RIFF', 0, 'ascii')
  h.writeUInt32LE(36 + data.length, 4)
  h.write('WAVEfmt ', 8, 'ascii')
  h.writeUInt32LE(16, 16)
  h.writeUInt16LE(1, 20) // PCM
  h.writeUInt16LE(1, 22) // mono
  h.writeUInt32LE(rate, 24)
  h.writeUInt32LE(rate * 2, 28)
  h.writeUInt16LE(2, 32)
  h.writeUInt16LE(16, 34)
  h.write('data', 36, 'ascii')
  h.writeUInt32LE(data.length, 40)
  return Buffer.concat([h, data])
}

/** A hub with a manual clock and a seller ready to create `subcategory` models. */
export function sellerHub(options = {}, subcategory = 'tattoo') {
  const hub = new fivergo.Hub({ start: new Date('2026-02-18T09:00:00Z'), ...options })
  hub.registerSeller('ana', 'level_2')
  hub.addGig('ana', subcategory)
  hub.addPaymentMethod('ana', { id: 'card', kind: 'card', label: 'Visa' })
  return hub
}

/**
 * A store URL on a fresh schema of the test run's PostgreSQL (`FIVERGO_TEST_PG_URL`,
 * set by `scripts/test.sh` after starting a server). Without a server the test
 * fails and says why: it never skips.
 */
export function pgUrl(name) {
  const base = process.env.FIVERGO_TEST_PG_URL
  if (!base) {
    throw new Error(
      'FIVERGO_TEST_PG_URL is not set: the PostgreSQL tests need a server. Run them through ' +
        '`bash scripts/test.sh`, which starts one, or point FIVERGO_TEST_PG_URL at a database ' +
        'this user may create schemas in',
    )
  }
  const slug = name.toLowerCase().replace(/[^a-z0-9]/g, '_').slice(0, 32)
  const nonce = Math.floor(Math.random() * 0xffffffff).toString(16)
  return `${base}${base.includes('?') ? '&' : '?'}schema=js_${slug}_${process.pid}_${nonce}`
}
