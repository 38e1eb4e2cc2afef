// The Node binding's side of benches/compare/hot_ops.py: nanoseconds per call,
// best of 5 rounds, printed as JSON.
import { createRequire } from 'node:module'
const require = createRequire(import.meta.url)
const { Hub } = require('../../fivergo-node/lib.js')
const { png } = await import('../../fivergo-node/test/helpers.mjs')

function best(fn, n) {
  let min = Infinity
  for (let r = 0; r < 5; r++) {
    const t = process.hrtime.bigint()
    for (let i = 0; i < n; i++) fn(i)
    min = Math.min(min, Number(process.hrtime.bigint() - t) / n)
  }
  return min
}

const hub = new Hub({ start: new Date('2027-01-31T10:00:00Z') })
hub.registerSeller('ana', 'level_2')
hub.addGig('ana', 'tattoo')
hub.addPaymentMethod('ana', { id: 'card', kind: 'card', label: 'Visa' })
const model = hub.createModel('ana', 'tattoo').value
hub.setPrice('ana', model, { type: 'per_unit', unit: 'item', unitPrice: '19.99' })
hub.subscribe('ana', 'card')
// A quote is for a published model: a trained model, tried in the playground.
hub.selectAssets('ana', model, [hub.uploadAsset('ana', 'portfolio', png(64, 64), 'koi.png').value])
hub.attestOriginality('ana', model)
await hub.runTraining(hub.startTraining('ana', model).value)
await hub.playgroundGenerate('ana', model, 'warm-up', 1)
hub.publish('ana', model)
hub.quote(model, 3)
console.log(JSON.stringify({
  now: best(() => hub.now(), 100000),
  seller: best(() => hub.seller('ana'), 50000),
  quote: best(() => hub.quote(model, 3), 50000),
  quota: best(() => hub.quota('ana', model), 50000),
}))
