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

const require = createRequire(import.meta.url)
const dir = resolve(process.env.FIVERGO_NODE_DIR ?? new URL('../../fivergo-node', import.meta.url).pathname)
const { Hub, version } = require(resolve(dir, 'lib.js'))
const N = Number(process.env.FIVERGO_CALLS ?? 20000)
const RUNS = 5
// The fixture picture comes from the repository's test helpers (which load the
// repository's own package too, so build it even when FIVERGO_NODE_DIR names another).
const { png } = await import('../../fivergo-node/test/helpers.mjs')

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
