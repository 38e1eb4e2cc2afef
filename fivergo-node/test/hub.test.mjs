// The Hub's conversions (money strings, Dates, typed events) and error mapping.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fivergo, pgUrl, png, sellerHub } from './helpers.mjs'

const { FivergoError, Hub, Policy } = fivergo

/** A seller with a trainable tattoo model (one 1024² portfolio image, attested). */
function trainable() {
  const hub = sellerHub()
  const model = hub.createModel('ana', 'tattoo').value
  const asset = hub.addAsset('ana', 'portfolio', 'image', { width: 1024, height: 1024 }, ['Koi']).value
  hub.selectAssets('ana', model, [asset])
  hub.attestOriginality('ana', model)
  return { hub, model, asset }
}

// R: C1
test('commands return {value, events} with typed events and Date instants', () => {
  const hub = sellerHub()
  const out = hub.createModel('ana', 'tattoo')
  assert.equal(out.value, 'ana/model-1')
  assert.equal(out.events.length, 1)
  const [e] = out.events
  assert.equal(e.type, 'model_created')
  assert.equal(e.subcategory, 'tattoo')
  assert.ok(e.at instanceof Date)
  assert.equal(e.at.toISOString(), '2026-02-18T09:00:00.000Z')
  assert.equal(hub.model('ana', 'ana/model-1').status, 'draft')
  assert.ok(hub.model('ana', 'ana/model-1').createdAt instanceof Date)
  assert.equal(e.partition, 'ana')
  assert.equal(e.id, `ana/event-${e.sequence}`)
  assert.ok(e.recordedAt instanceof Date)
})

// R: S1, S2
test('money crosses as decimal strings with a currency, never as numbers', () => {
  const hub = sellerHub()
  assert.deepEqual(new Policy().monthlyFee(), { amount: '25.00', currency: 'USD' })
  hub.creditBalance('ana', '10.5')
  assert.deepEqual(hub.seller('ana').balance, { amount: '10.5', currency: 'USD' })
  const charged = hub.subscribe('ana', 'card').events.find((e) => e.type === 'subscription_charged')
  assert.equal(charged.charge.amount.amount, '25.00')
  assert.ok(charged.charge.at instanceof Date)
  assert.throws(() => hub.creditBalance('ana', 10), { name: 'FivergoError', code: 'invalid_input' })
  assert.equal(hub.gatewayCharges()[0].amount.amount, '25.00')
  assert.equal(hub.gatewayCharges()[0].idempotencyKey, 'ana/sub-1/0')
})

// R: S3
test('subscription reads and cancellation give Dates and the state name', () => {
  const hub = sellerHub()
  hub.subscribe('ana', 'card')
  const sub = hub.subscription('ana')
  assert.equal(sub.stateName, 'active')
  assert.ok(sub.anchor instanceof Date)
  const ends = hub.cancelSubscription('ana').value
  assert.ok(ends instanceof Date)
  assert.equal(ends.toISOString(), '2026-03-18T09:00:00.000Z')
  assert.equal(hub.subscription('ana').stateName, 'cancelling')
  assert.equal(hub.subscription('bob'), null)
})

// R: E1
test('an unknown enum value is refused with invalid_input', () => {
  const hub = new Hub()
  assert.throws(() => hub.registerSeller('bob', 'level_9'), (err) => {
    assert.ok(err instanceof FivergoError)
    assert.equal(err.code, 'invalid_input')
    assert.equal(err.field, 'level')
    return true
  })
  hub.registerSeller('bob', 'new')
  hub.addGig('bob', 'tattoo')
  assert.throws(() => hub.createModel('bob', 'tattoo'), { code: 'not_eligible', rule: 'E1', level: 'new' })
})

// R: T1, T5
test('a quota refusal carries code, rule and the data fields', async () => {
  const { hub, model } = trainable()
  for (let i = 0; i < 2; i++) {
    const job = hub.startTraining('ana', model).value
    assert.equal((await hub.runTraining(job)).value, 'succeeded')
  }
  assert.throws(() => hub.startTraining('ana', model), (err) => {
    assert.ok(err instanceof FivergoError)
    assert.equal(err.code, 'training_quota_exhausted')
    assert.equal(err.rule, 'T5')
    assert.equal(err.used, 2)
    assert.equal(err.limit, 2)
    assert.equal(err.details.used, 2)
    assert.equal(err.model, model)
    assert.match(err.message, /quota/)
    return true
  })
  const quota = hub.quota('ana', model)
  assert.deepEqual([quota.used, quota.limit, quota.window.type], [2, 2, 'before_subscription'])
})

// R: T5, T3
test('renewsAt of a quota refusal is a Date', async () => {
  const { hub, model } = trainable()
  hub.subscribe('ana', 'card')
  const limit = hub.quota('ana', model).limit
  for (let i = 0; i < limit; i++) await hub.runTraining(hub.startTraining('ana', model).value)
  const err = (() => {
    try {
      hub.startTraining('ana', model)
    } catch (e) {
      return e
    }
  })()
  assert.equal(err.code, 'training_quota_exhausted')
  assert.ok(err.renewsAt instanceof Date)
  assert.equal(err.renewsAt.toISOString(), '2026-03-18T09:00:00.000Z')
})

// R: M2
test('publish lists every unmet requirement as typed objects', async () => {
  const { hub, model } = trainable()
  await hub.runTraining(hub.startTraining('ana', model).value)
  assert.throws(() => hub.publish('ana', model), (err) => {
    assert.equal(err.code, 'publish_requirements_unmet')
    assert.equal(err.rule, 'M2')
    const types = err.missing.map((r) => r.type)
    assert.ok(types.includes('price'))
    assert.ok(types.includes('active_subscription'))
    return true
  })
  hub.setPrice('ana', model, { type: 'per_unit', unit: 'item', unitPrice: '30' })
  const types = hub.publishChecklist('ana', model).map((r) => r.type)
  assert.ok(!types.includes('price'))
  assert.ok(types.includes('active_subscription'))
})

// R: G1, P1, W1
test('an order releases the clean file only once approved and paid', async () => {
  const { hub, model } = trainable()
  await hub.runTraining(hub.startTraining('ana', model).value)
  while (hub.publishChecklist('ana', model).some((r) => r.type === 'playground_generation')) {
    await hub.playgroundGenerate('ana', model, 'koi', 1)
  }
  hub.setPrice('ana', model, { type: 'per_unit', unit: 'item', unitPrice: '30' })
  hub.subscribe('ana', 'card')
  hub.publish('ana', model)
  const quote = hub.quote(model, 1)
  assert.deepEqual(quote.total, { amount: '30.00', currency: 'USD' })
  const order = (await hub.orderDraft('bob', model, { text: 'a koi', quantity: 1 }, 7)).value
  assert.throws(() => hub.download('bob', order), { code: 'not_approved_and_paid', rule: 'G1' })
  const draft = hub.draft('bob', order)
  assert.equal(draft.type, 'image')
  assert.ok(Buffer.isBuffer(draft.bytes))
  assert.equal(draft.bytes.subarray(1, 4).toString('ascii'), 'PNG')
  hub.approve('bob', order)
  hub.recordPayment('bob', order, quote.total)
  const clean = hub.download('bob', order).value
  assert.equal(clean.type, 'image')
  assert.notDeepEqual(clean.bytes, draft.bytes)
  assert.ok(hub.order('bob', order).paidAt instanceof Date)
})

// R: S2
test('a SQLite hub opened again sees everything committed; the outbox reads by cursor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fivergo-node-'))
  try {
    const url = `sqlite:${join(dir, 'fivergo.db')}`
    const start = new Date('2026-02-18T09:00:00Z')
    const hub = Hub.open(url, { start })
    hub.registerSeller('ana', 'level_2')
    hub.addGig('ana', 'tattoo')
    hub.createModel('ana', 'tattoo')
    const again = Hub.open(url, { start })
    assert.deepEqual(again.seller('ana'), hub.seller('ana'))
    assert.deepEqual(again.models('ana'), hub.models('ana'))
    const first = again.eventsSince(0, 2)
    assert.deepEqual(first.events.map((e) => e.type), ['seller_registered', 'gig_added'])
    const rest = again.eventsSince(first.next)
    assert.deepEqual(rest.events.map((e) => e.type), ['model_created'])
    assert.deepEqual(again.eventsSince(rest.next).events, [])
    assert.equal(again.admin().partition('ana').counters.models, 1)
    assert.throws(() => Hub.open('mysql://nope'), { code: 'invalid_input' })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

// R: S2, T4
test('two hubs on one PostgreSQL share what is committed, files included; the outbox has no gap', () => {
  const url = pgUrl('node_two_hubs')
  const start = new Date('2026-02-18T09:00:00Z')
  const hub = Hub.open(url, { start })
  hub.registerSeller('ana', 'level_2')
  hub.addGig('ana', 'tattoo')
  hub.createModel('ana', 'tattoo')
  hub.uploadAsset('ana', 'portfolio', png(256, 256, 3), 'koi.png')
  const other = Hub.open(url, { start }) // another app server
  assert.deepEqual(other.seller('ana'), hub.seller('ana'))
  assert.deepEqual(other.models('ana'), hub.models('ana'))
  const content = other.assets('ana')[0].content
  assert.deepEqual(other.file('ana', content), hub.file('ana', content))
  const all = other.eventsSince(0, 1000).events
  assert.deepEqual(all.map((e) => e.position), all.map((_, i) => i + 1))
})

test('an unreachable PostgreSQL is a FivergoError with store_unavailable', () => {
  assert.throws(() => Hub.open('postgres://fivergo@127.0.0.1:1/postgres?connect_timeout=2'), { code: 'store_unavailable' })
})

// R: S2
test('a refused command still carries the events settling recorded', () => {
  const hub = sellerHub()
  hub.subscribe('ana', 'card')
  hub.advanceClock({ days: 28 })
  assert.throws(() => hub.resumeSubscription('ana'), (err) => {
    assert.equal(err.code, 'not_cancelled')
    assert.deepEqual(err.events.map((e) => e.type), ['subscription_charged', 'quota_renewed'])
    assert.ok(err.events[0].recordedAt instanceof Date)
    return true
  })
})

// R: S2
test('the manual clock moves, renewals settle on tick', () => {
  const hub = sellerHub()
  hub.subscribe('ana', 'card')
  const at = hub.advanceClock({ days: 28 })
  assert.equal(at.toISOString(), '2026-03-18T09:00:00.000Z')
  assert.deepEqual(hub.tick().events.map((e) => e.type), ['subscription_charged', 'quota_renewed'])
  assert.throws(() => new Hub().advanceClock({ days: 1 }), { code: 'invalid_input' })
})

// R: E1, E2, S4
test('entitlements carry the refusal the command would throw', () => {
  const hub = sellerHub()
  const now = hub.entitlements('ana')
  assert.deepEqual(Object.keys(now).sort(), ['assistantAutoReplies', 'createModels', 'playground', 'publish', 'serveClients', 'train'])
  assert.deepEqual(now.train, { allowed: true, refusal: null })
  assert.equal(now.assistantAutoReplies.refusal.code, 'subscription_required')
  assert.equal(now.assistantAutoReplies.refusal.rule, 'S4')
  hub.setSellerLevel('ana', 'level_1', false)
  const refusal = hub.entitlements('ana').createModels.refusal
  assert.throws(() => hub.createModel('ana', 'tattoo'), { code: refusal.code, rule: refusal.rule })
  assert.equal(refusal.code, 'not_eligible')
})

// R: S4
test('errors carry the core family beside the code', () => {
  const hub = sellerHub()
  assert.throws(() => hub.cancelSubscription('ana'), { code: 'subscription_required', family: 'subscription' })
  assert.throws(() => hub.seller('nobody'), { code: 'not_found', family: 'not_found' })
})

// R: G1
test('admin reads refuse with FivergoErrors too', () => {
  const hub = sellerHub()
  assert.throws(() => hub.admin().order('ana/order-9'), (err) => err instanceof FivergoError && err.code === 'not_found')
  assert.throws(() => hub.admin().file(42), (err) => err instanceof FivergoError && err.code === 'invalid_input')
  assert.equal(hub.admin().partition('ana').seller.id, 'ana')
})
