// A Node backend embedding the fivergo engine: the whole flow from a seller's
// upload to a client's clean download, with a JavaScript generator, typed errors
// and the store's outbox read by cursor. The marketplace lives in a SQLite file
// (a temporary one unless a path is given), which any number of backend processes
// may open at once. Every rule runs in the engine; this file only calls it.
//
// Run (after `npx napi build --platform` in fivergo-node/):
//   node examples/node_backend.mjs [path/to/fivergo.db]
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'

const require = createRequire(import.meta.url)
const { Hub, Policy, FivergoError, detectWatermark } = require('../fivergo-node/lib.js')

/** A textured RGBA PNG (any real renderer would do; this keeps the example dependency-free). */
function png(size, seed) {
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
    const out = Buffer.alloc(12 + data.length)
    out.writeUInt32BE(data.length, 0)
    out.write(type, 4, 'ascii')
    data.copy(out, 8)
    out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length)
    return out
  }
  let s = seed
  const rows = []
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4)
    for (let x = 0; x < size; x++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0
      row.set([(x * 3 + (s >>> 24)) & 255, (y * 5) & 255, ((x + y) * 2) & 255, 255], 1 + x * 4)
    }
    rows.push(row)
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr.set([8, 6], 8)
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))])
}

// A generator written in JavaScript: async, reports progress, honours cancel.
const tattooGenerator = {
  name: 'example-tattoo',
  async train(input, ctl) {
    for (let i = 1; i <= 4; i++) {
      await new Promise((r) => setTimeout(r, 10)) // real work would be a model call
      if (ctl.progress(i / 4)) throw new Error('cancelled')
    }
    return { files: input.assets.length, tags: input.assets.flatMap((a) => a.tags) }
  },
  generate({ style, seed }) {
    return png(256, seed + style.files)
  },
}

const scratch = process.argv[2] ? null : mkdtempSync(join(tmpdir(), 'fivergo-backend-'))
const url = `sqlite:${process.argv[2] ?? join(scratch, 'fivergo.db')}`
const options = { policy: new Policy(), start: new Date('2026-02-18T09:00:00Z'), generators: { tattoo: tattooGenerator } }
const hub = Hub.open(url, options)
const outbox = []
const send = (outcome) => {
  outbox.push(...outcome.events)
  return outcome.value
}

// Seller onboarding.
send(hub.registerSeller('ana', 'level_2'))
send(hub.addGig('ana', 'tattoo'))
send(hub.addPaymentMethod('ana', { id: 'card', kind: 'card', label: 'Visa 4242' }))
const model = send(hub.createModel('ana', 'tattoo'))
const asset = send(hub.uploadAsset('ana', 'portfolio', png(512, 7), 'koi.png', ['koi']))
send(hub.selectAssets('ana', model, [asset]))
console.log('findings:', hub.findings('ana', model).map((f) => f.code))
send(hub.attestOriginality('ana', model))

// Training runs off the main thread; the event loop keeps serving meanwhile.
const job = send(hub.startTraining('ana', model))
let served = 0
const server = setInterval(() => served++, 1)
console.log('training:', send(await hub.runTraining(job)), `(served ${served} ticks meanwhile)`)
clearInterval(server)

// Publishing refuses with every unmet requirement at once.
try {
  hub.publish('ana', model)
} catch (err) {
  if (!(err instanceof FivergoError)) throw err
  console.log(`publish refused (${err.code}, ${err.rule}):`, err.missing.map((r) => r.type).join(', '))
}
while (hub.publishChecklist('ana', model).some((r) => r.type === 'playground_generation')) {
  send(await hub.playgroundGenerate('ana', model, 'a koi sketch'))
}
send(hub.setPrice('ana', model, { type: 'per_unit', unit: 'item', unitPrice: '30' }))
send(hub.subscribe('ana', 'card'))
send(hub.publish('ana', model))

// A client orders: watermarked draft, approve + pay, then the clean file.
const quote = hub.quote(model, 1)
console.log('quote:', quote.total.amount, quote.total.currency)
const order = send(await hub.orderDraft('bob', model, { text: 'a koi, sleeve tattoo', quantity: 1 }, 7))
const draft = hub.draft('bob', order)
console.log('leaked draft traces to:', hub.trace(draft.bytes)?.order, detectWatermark(draft.bytes).type)
try {
  hub.download('bob', order)
} catch (err) {
  console.log(`download refused: ${err.code} (${err.rule})`)
}
send(hub.approve('bob', order))
send(hub.recordPayment('bob', order, quote.total))
const clean = send(hub.download('bob', order))
console.log('clean file:', clean.type, clean.width, 'x', clean.height, `${clean.bytes.length} bytes of PNG`)

// A month later the scheduler's tick renews the subscription.
hub.advanceClock({ days: 28 })
const tick = hub.tick()
outbox.push(...tick.events)
console.log('tick:', tick.events.map((e) => e.type).join(', '))
console.log(`outbox: ${outbox.length} events, last ${outbox.at(-1).type} at ${outbox.at(-1).at.toISOString()}`)

// The outbox as another process reads it: by cursor, from the store.
let cursor = 0
let read = 0
for (;;) {
  const page = hub.eventsSince(cursor, 25)
  if (page.events.length === 0) break
  read += page.events.length
  cursor = page.next
}
console.log(`store outbox: ${read} events up to cursor ${cursor}`)

// Another backend process opening the same database sees the order.
const other = Hub.open(url, options)
console.log('another process sees the order:', other.order('bob', order).status, '| bob has', other.clientOrders('bob').length, 'order(s)')
if (scratch) rmSync(scratch, { recursive: true, force: true })
