// The Hub's options shared with Python: `generators` (the core's
// GeneratorRegistry::from_spec) and a payment `gateway` implemented in JavaScript.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fivergo, png, sellerHub } from './helpers.mjs'

const { FivergoError, Hub } = fivergo

/** Asserts `fn()` throws (or rejects with) a FivergoError of `code`; returns it. */
async function refused(fn, code) {
  let err
  try {
    await fn()
  } catch (e) {
    err = e
  }
  assert.ok(err instanceof FivergoError, `expected a FivergoError, got ${err}`)
  assert.equal(err.code, code, err.message)
  return err
}

/** A model of `subcategory` with one attested 256² upload, queued for training. */
function queued(hub, subcategory = 'tattoo') {
  hub.addGig('ana', subcategory)
  const model = hub.createModel('ana', subcategory).value
  hub.selectAssets('ana', model, [hub.uploadAsset('ana', 'portfolio', png(256, 256, 3), 'a.png').value])
  hub.attestOriginality('ana', model)
  return { model, job: hub.startTraining('ana', model).value }
}

// ----- generators ------------------------------------------------------------------

// R: C1
test('generators: a registry under "*" and a generator by name per subcategory', async () => {
  const hub = sellerHub({ generators: { '*': 'none', tattoo: 'quilt' } })
  const tattoo = queued(hub, 'tattoo')
  assert.equal((await hub.runTraining(tattoo.job)).value, 'succeeded')
  assert.equal(hub.model('ana', tattoo.model).live.generator, 'quilt')
  // `none` under it: no generator serves illustration.
  const other = queued(hub, 'illustration')
  await refused(() => hub.runTraining(other.job), 'generator_unavailable')

  const echo = sellerHub({ generators: 'echo' })
  const e = queued(echo)
  await echo.runTraining(e.job)
  assert.equal(echo.model('ana', e.model).live.generator, 'echo')
})

// R: C1
test('generators: a JavaScript generator beside the reference registry', async () => {
  const gen = { name: 'js-flash', train: () => ({ ok: 1 }), generate: ({ seed }) => png(64, 64, seed) }
  const hub = sellerHub({ generators: { '*': 'reference', tattoo: gen } })
  const tattoo = queued(hub, 'tattoo')
  await hub.runTraining(tattoo.job)
  assert.equal(hub.model('ana', tattoo.model).live.generator, 'js-flash')
  const ill = queued(hub, 'illustration')
  await hub.runTraining(ill.job)
  assert.equal(hub.model('ana', ill.model).live.generator, 'quilt')
})

// R: C1
test('generators: an unknown subcategory, generator or registry is invalid_input naming the key', async () => {
  const cases = [
    [{ tatoo: 'echo' }, 'generators.tatoo'],
    [{ tattoo: 'magic' }, 'generators.tattoo'],
    [{ '*': 'magic' }, 'generators.*'],
    ['magic', 'generators.*'],
    [{ tattoo: 42 }, 'generators.tattoo'],
    [{ tattoo: { train() {} } }, 'generators.tattoo'],
    [{ tattoo: null }, 'generators.tattoo'],
    [{ '*': { name: 'x', train() {}, generate() {} } }, 'generators.*'],
    [42, 'generators'],
    [['echo'], 'generators'],
  ]
  for (const [generators, field] of cases) {
    const err = await refused(() => new Hub({ generators }), 'invalid_input')
    assert.equal(err.field, field, `${JSON.stringify(generators)}: ${err.message}`)
  }
  const twins = { tattoo: { name: 'twin', train() {}, generate() {} }, illustration: { name: 'twin', train() {}, generate() {} } }
  assert.equal((await refused(() => new Hub({ generators: twins }), 'invalid_input')).field, 'generators.illustration')
})

// ----- gateway -----------------------------------------------------------------------

/** A gateway that records each request and answers with `answer(request, n)`. */
function recording(answer) {
  const requests = []
  return {
    requests,
    gateway: {
      charge(request) {
        requests.push(request)
        return answer(request, requests.length)
      },
    },
  }
}

const declined = (message) => Object.assign(new Error(message), { code: 'charge_declined' })

// R: S5
test('gateway: after a throw the retry sends the same idempotency key and the seller is charged once', async () => {
  const { requests, gateway } = recording((r, n) => {
    if (n === 1) throw new Error('socket hang up')
    return `ch_${r.idempotencyKey}`
  })
  const hub = sellerHub({ gateway })
  const err = await refused(() => hub.subscribe('ana', 'card'), 'gateway_unavailable')
  assert.match(err.message, /socket hang up/)
  assert.equal(hub.subscription('ana'), null, 'nothing recorded')
  hub.subscribe('ana', 'card')
  assert.deepEqual(
    requests.map((r) => r.idempotencyKey),
    ['ana/sub-1/0', 'ana/sub-1/0'],
  )
  assert.deepEqual(requests[0], {
    idempotencyKey: 'ana/sub-1/0',
    seller: 'ana',
    method: { id: 'card', kind: 'card', label: 'Visa' },
    amount: { amount: '25.00', currency: 'USD' },
  })
  const sub = hub.subscription('ana')
  assert.equal(sub.charges.length, 1)
  assert.deepEqual(sub.charges[0].source, { type: 'payment_method', id: 'card', kind: 'card', reference: 'ch_ana/sub-1/0' })

  // A renewal the gateway cannot answer stays due; the next tick asks with the same key.
  let down = true
  gateway.charge = (request) => {
    requests.push(request)
    if (down) throw new Error('timeout')
    return 'ch_renewal'
  }
  hub.advanceClock({ days: 28 })
  await refused(() => hub.tick(), 'gateway_unavailable')
  assert.equal(hub.subscription('ana').paidPeriods, 1, 'an unanswered renewal records nothing')
  down = false
  hub.tick()
  const renewed = hub.subscription('ana')
  assert.equal(renewed.paidPeriods, 2)
  assert.equal(renewed.stateName, 'active')
  assert.deepEqual(requests.slice(2).map((r) => r.idempotencyKey), ['ana/sub-1/1', 'ana/sub-1/1'])
  assert.equal(renewed.charges.filter((c) => c.period === 1).length, 1)
})

// R: S2
test('gateway: a declined renewal makes the subscription past due; a declined first payment is payment_declined', async () => {
  let decline = false
  const { requests, gateway } = recording(() => {
    if (decline) throw declined('insufficient funds')
    return 'ch_ok'
  })
  const hub = sellerHub({ gateway })
  hub.subscribe('ana', 'card')
  decline = true
  hub.advanceClock({ days: 28 })
  hub.tick()
  const sub = hub.subscription('ana')
  assert.equal(sub.stateName, 'past_due')
  assert.equal(sub.status.state, 'past_due')
  assert.ok(sub.status.since instanceof Date)
  assert.equal(requests.length, 2)
  // `declined: true` is a decline too.
  const other = sellerHub({ gateway: { charge: () => { throw Object.assign(new Error('stolen card'), { declined: true }) } } })
  const err = await refused(() => other.subscribe('ana', 'card'), 'payment_declined')
  assert.match(err.message, /stolen card/)
})

// R: S5
test('gateway: a wrong return type is refused as unavailable and records nothing', async () => {
  for (const answer of [42, '', null, undefined, { id: 'ch_1' }, Buffer.from('ch')]) {
    const hub = sellerHub({ gateway: { charge: () => answer } })
    const err = await refused(() => hub.subscribe('ana', 'card'), 'gateway_unavailable')
    assert.match(err.message, /reference/)
    assert.equal(hub.subscription('ana'), null)
  }
})

// R: S5
test('gateway: a Promise serves async commands, and synchronous ones on their retry', async () => {
  const { requests, gateway } = recording(async (r) => `async_${r.idempotencyKey}`)
  const hub = sellerHub({ gateway })
  // A synchronous command cannot wait: refused, and the answer waits for the retry.
  await refused(() => hub.subscribe('ana', 'card'), 'gateway_unavailable')
  await new Promise((resolve) => setImmediate(resolve))
  hub.subscribe('ana', 'card')
  assert.equal(requests.length, 1, 'the retry took the late answer: no second charge')
  assert.equal(hub.subscription('ana').charges[0].source.reference, 'async_ana/sub-1/0')

  // An async command on the seller settles the renewal on its own thread and waits.
  const { job } = queued(hub)
  hub.advanceClock({ days: 28 })
  await hub.runTraining(job)
  const sub = hub.subscription('ana')
  assert.equal(sub.paidPeriods, 2)
  assert.equal(sub.charges[1].source.reference, 'async_ana/sub-1/1')
})

// R: S5
test('gateway: an async command waits at most deadlineMs for a Promise that never settles', async () => {
  let hang = false
  const { requests, gateway } = recording(() => (hang ? new Promise(() => {}) : 'ch_first'))
  gateway.deadlineMs = 50
  const hub = sellerHub({ gateway })
  hub.subscribe('ana', 'card')
  const { job } = queued(hub)
  hang = true
  hub.advanceClock({ days: 28 })
  const started = Date.now()
  await hub.runTraining(job).catch((e) => e)
  assert.ok(Date.now() - started < 5000)
  assert.equal(hub.subscription('ana').paidPeriods, 1, 'nothing recorded')
  assert.equal(requests.at(-1).idempotencyKey, 'ana/sub-1/1')
})

// R: S5
test('gateway: charge may not call the hub', async () => {
  let hub
  const gateway = {
    charge: () => {
      hub.seller('ana')
      return 'ch'
    },
  }
  hub = sellerHub({ gateway })
  const err = await refused(() => hub.subscribe('ana', 'card'), 'gateway_unavailable')
  assert.match(err.message, /may not call the hub/)
  assert.equal(hub.seller('ana').id, 'ana', 'the hub serves again once charge returned')
})

// R: S2
test('gateway: the simulated gateway stays the default; its controls refuse a host gateway', async () => {
  const sim = sellerHub()
  sim.declinePaymentMethod('card')
  await refused(() => sim.subscribe('ana', 'card'), 'payment_declined')
  sim.declinePaymentMethod('card', false)
  sim.subscribe('ana', 'card')
  assert.equal(sim.gatewayCharges().length, 1)

  const host = sellerHub({ gateway: { charge: () => 'ch' } })
  assert.equal((await refused(() => host.gatewayCharges(), 'invalid_input')).field, 'gateway')
  assert.equal((await refused(() => host.declinePaymentMethod('card'), 'invalid_input')).field, 'gateway')
})
