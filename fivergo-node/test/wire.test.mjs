// The binding builds values in two ways (src/js.rs): packed and decoded in JavaScript
// (the default), or property by property through napi (values holding a Buffer).
// Both must give the same values.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { fivergo, png, sellerHub } from './helpers.mjs'

const native = createRequire(import.meta.url)('../index.js')

/** `read()` built both ways. */
function bothWays(read) {
  native.__wireDirect(true)
  let direct
  try {
    direct = read()
  } finally {
    native.__wireDirect(false)
  }
  return [read(), direct]
}

// R: S1, S3, T3, G1
test('packed and direct conversion give the same values, instants, money and map keys included', async () => {
  const hub = sellerHub({ generators: 'reference' })
  hub.addGig('ana', 'illustration')
  hub.creditBalance('ana', { amount: '12.3', currency: 'USD' })
  hub.subscribe('ana', 'card')
  const model = hub.createModel('ana', 'tattoo').value
  const asset = hub.uploadAsset('ana', 'portfolio', png(64, 64, 5), 'ünïcödé 🎨.png', ['ink', 'ça va']).value
  hub.selectAssets('ana', model, [asset])
  hub.attestOriginality('ana', model)
  await hub.runTraining(hub.startTraining('ana', model).value)
  hub.cancelSubscription('ana')
  const reads = {
    seller: () => hub.seller('ana'),
    subscription: () => hub.subscription('ana'),
    model: () => hub.model('ana', model),
    asset: () => hub.asset('ana', asset),
    partition: () => hub.admin().partition('ana'),
    events: () => hub.eventsSince(0, 1000),
    quota: () => hub.quota('ana', model),
    catalogue: () => hub.policy().catalogue(),
  }
  for (const [name, read] of Object.entries(reads)) {
    const [packed, direct] = bothWays(read)
    assert.deepEqual(packed, direct, name)
    assert.deepEqual(Object.keys(packed), Object.keys(direct), `${name}: key order`)
  }
  const partition = hub.admin().partition('ana')
  assert.deepEqual(Object.keys(partition.assets), [asset], 'ids stay map keys as they are')
  assert.equal(hub.asset('ana', asset).meta.fileName, 'ünïcödé 🎨.png')
  assert.deepEqual(hub.asset('ana', asset).tags, ['ink', 'ça va'])
  assert.deepEqual(hub.seller('ana').balance, { amount: '12.3', currency: 'USD' })
  assert.ok(hub.subscription('ana').currentPeriodEnd instanceof Date)
})

// R: S1
test('command outcomes and module functions decode alike, shape after shape', () => {
  const hub = sellerHub()
  for (let i = 0; i < 3; i++) {
    const [packed, direct] = bothWays(() => hub.createModel('ana', 'tattoo'))
    assert.deepEqual(packed.events.map((e) => e.type), ['model_created'])
    // Each read ran the command once more: compare shapes, not ids.
    assert.deepEqual(Object.keys(packed.events[0]), Object.keys(direct.events[0]))
    assert.ok(packed.events[0].at instanceof Date && direct.events[0].at instanceof Date)
  }
  const [a, b] = bothWays(() => fivergo.inspect(png(32, 32)))
  assert.deepEqual(a, b)
  const [p, d] = bothWays(() => fivergo.detectWatermark(png(32, 32)))
  assert.deepEqual(p, d)
})
