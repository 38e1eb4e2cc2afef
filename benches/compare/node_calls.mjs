// Microseconds per call of the Node binding's hot methods: warm-up, then 5 runs of
// N calls each, the median run printed per method (and as JSON on the last line).
//
//   node benches/compare/node_calls.mjs            # the package in fivergo-node/
//   FIVERGO_NODE_DIR=/tmp/pkg node benches/compare/node_calls.mjs
//   FIVERGO_CALLS=50000 node benches/compare/node_calls.mjs
//
// FIVERGO_NODE_DIR names a directory holding lib.js and its native addon (a release
// build copied elsewhere, to compare builds). Measure a release build: the tests use
// the debug one.
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import { deflateSync } from 'node:zlib'

const require = createRequire(import.meta.url)
const dir = resolve(process.env.FIVERGO_NODE_DIR ?? new URL('../../fivergo-node', import.meta.url).pathname)
const { Hub, version } = require(resolve(dir, 'lib.js'))
const N = Number(process.env.FIVERGO_CALLS ?? 20000)
const RUNS = 5

/** A small RGBA PNG (no helpers from the test folder: the package may be a copy). */
function png(width, height, seed) {
  const rows = []
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 4)
    for (let x = 0; x < width; x++) row.writeUInt32BE(((x * 7 + y * 13 + seed * 31) * 2654435761) >>> 0, 1 + x * 4)
    for (let x = 0; x < width; x++) row[4 + x * 4] = 255
    rows.push(row)
  }
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc = (buf) => {
    let c = 0xffffffff
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const sum = Buffer.alloc(4)
    sum.writeUInt32BE(crc(body))
    return Buffer.concat([len, body, sum])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8
  ihdr[9] = 6
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))])
}

/** The median over RUNS runs of N calls, in microseconds per call. */
function measure(fn) {
  for (let i = 0; i < Math.min(N, 2000); i++) fn(i)
  const runs = []
  for (let r = 0; r < RUNS; r++) {
    const t = process.hrtime.bigint()
    for (let i = 0; i < N; i++) fn(i)
    runs.push(Number(process.hrtime.bigint() - t) / N / 1000)
  }
  runs.sort((a, b) => a - b)
  return runs[RUNS >> 1]
}

const hub = new Hub({ start: new Date('2027-01-31T10:00:00Z') })
hub.registerSeller('ana', 'level_2')
hub.addGig('ana', 'tattoo')
hub.addPaymentMethod('ana', { id: 'card', kind: 'card', label: 'Visa' })
const model = hub.createModel('ana', 'tattoo').value
hub.setPrice('ana', model, { type: 'per_unit', unit: 'item', unitPrice: '19.99' })
hub.subscribe('ana', 'card')
hub.selectAssets('ana', model, [hub.uploadAsset('ana', 'portfolio', png(64, 64, 1), 'koi.png').value])
hub.attestOriginality('ana', model)
await hub.runTraining(hub.startTraining('ana', model).value)
await hub.playgroundGenerate('ana', model, 'warm-up', 1)
hub.publish('ana', model)

const results = {
  now: measure(() => hub.now()),
  seller: measure(() => hub.seller('ana')),
  quote: measure(() => hub.quote(model, 3)),
  subscription: measure(() => hub.subscription('ana')),
  quota: measure(() => hub.quota('ana', model)),
  model: measure(() => hub.model('ana', model)),
  listing: measure(() => hub.listing(model)),
  creditBalance: measure(() => hub.creditBalance('ana', '1')),
}

console.log(`fivergo ${version()} (${dir}), node ${process.version}: µs per call, median of ${RUNS} runs of ${N}`)
for (const [name, us] of Object.entries(results)) console.log(`  ${name.padEnd(14)} ${us.toFixed(2).padStart(7)}`)
console.log(JSON.stringify(Object.fromEntries(Object.entries(results).map(([k, v]) => [k, Number(v.toFixed(3))]))))
