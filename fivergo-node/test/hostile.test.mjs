// Hostile input through the binding (issue 13): numbers are never coerced, a panic is
// never an abort, every public function fed the wrong thing throws a FivergoError
// with `.code`, JavaScript generators that throw, return the wrong thing, reject,
// never settle or await the hub are bounded, and 50 concurrent promises beside
// synchronous calls never see `hub_busy`. The same cases run in Rust
// (tests/hardening.rs) and Python (fivergo-py/tests/test_hostile.py).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fivergo, png, sellerHub } from './helpers.mjs'

const START = new Date('2026-02-18T09:00:00Z')
const MEGA = 'x'.repeat(1 << 20)

/** A fast JS generator: a 64×64 PNG per generation; `overrides` replace its functions. */
function generator(overrides = {}) {
  return {
    name: 'hostile-png',
    train: (input, ctl) => {
      ctl.progress(1)
      return { ok: true }
    },
    generate: (input) => png(64, 64, input.seed),
    ...overrides,
  }
}

/** A hub whose tattoo models use `gen`, with `limits` in its policy, and a trained model. */
async function trained(gen = generator(), limits = {}) {
  const hub = sellerHub({ generators: { tattoo: gen }, policy: JSON.stringify({ limits }) })
  const model = hub.createModel('ana', 'tattoo').value
  const asset = hub.uploadAsset('ana', 'portfolio', png(64, 64, 7), 'koi.png').value
  hub.selectAssets('ana', model, [asset])
  hub.attestOriginality('ana', model)
  return { hub, model }
}

async function published(gen = generator(), limits = {}) {
  const { hub, model } = await trained(gen, limits)
  assert.equal((await hub.runTraining(hub.startTraining('ana', model).value)).value, 'succeeded')
  await hub.playgroundGenerate('ana', model, 'koi', 1)
  hub.setPrice('ana', model, { type: 'per_unit', unit: 'item', unitPrice: '30' })
  hub.subscribe('ana', 'card')
  hub.publish('ana', model)
  return { hub, model }
}

/** Asserts `fn()` throws (or rejects with) a FivergoError of `code`; returns it. */
async function refused(fn, code) {
  let err
  try {
    await fn()
  } catch (e) {
    err = e
  }
  assert.ok(err instanceof fivergo.FivergoError, `expected a FivergoError, got ${err}`)
  if (code) assert.equal(err.code, code, err.message)
  return err
}

// ----------------------------------------------------------------------------- found already

// R: T3
test('advanceClock by 1e9 days throws invalid_input instead of aborting the process', async () => {
  const hub = new fivergo.Hub({ start: START })
  for (const step of [{ days: 1e9 }, { days: -1e9 }, { seconds: Number.MAX_SAFE_INTEGER, days: Number.MAX_SAFE_INTEGER }]) {
    await refused(() => hub.advanceClock(step), 'invalid_input')
    assert.deepEqual(hub.now(), START, 'a refused step leaves the clock where it was')
  }
  for (const step of [{ days: 1.5 }, { hours: NaN }, { minutes: Infinity }]) {
    const err = await refused(() => hub.advanceClock(step), 'invalid_input')
    assert.match(err.message, /whole number/)
  }
  assert.deepEqual(hub.advanceClock({ days: 1 }), new Date('2026-02-19T09:00:00Z'))
})

// R: V1
test('the clock never runs backwards: a negative step or an earlier instant is invalid_input', async () => {
  const hub = new fivergo.Hub({ start: START })
  for (const move of [() => hub.advanceClock({ days: -1 }), () => hub.setClock(new Date(START.getTime() - 1000))]) {
    const err = await refused(move, 'invalid_input')
    assert.equal(err.min, START.toISOString().replace('.000Z', '+00:00'))
    assert.deepEqual(hub.now(), START)
  }
  assert.deepEqual(hub.setClock(START), START, 'standing still is allowed')
})

// R: T3
test('an invalid Date never becomes 1970', async () => {
  const hub = new fivergo.Hub({ start: START })
  const err = await refused(() => hub.setClock(new Date(NaN)), 'invalid_input')
  assert.equal(err.field, 'at')
  await refused(() => hub.setClock('2026-01-01'), 'invalid_input')
  await refused(() => hub.setClock(new Date('9999-01-01T00:00:00Z')), 'invalid_input')
  assert.equal((await refused(() => new fivergo.Hub({ start: new Date(NaN) }), 'invalid_input')).field, 'start')
  assert.deepEqual(hub.now(), START)
})

// R: P2, P5
test('quote, seeds, reviews and offers refuse numbers that are not whole or in range', async () => {
  const { hub, model } = await published()
  for (const quantity of [-1, 1.7, NaN, Infinity, 2 ** 32]) {
    const err = await refused(() => hub.quote(model, quantity), 'invalid_input')
    assert.equal(err.field, 'quantity')
    assert.equal(err.max, '4294967295')
  }
  assert.equal(hub.quote(model, 2).total.amount, '60.00')
  for (const seed of [NaN, -1, 0.5, 2 ** 53]) {
    assert.equal((await refused(() => hub.orderDraft('bob', model, 'koi', seed), 'invalid_input')).field, 'seed')
  }
  const order = hub.contactSeller('bob', model, 'a rose').value
  const offer = { price: '100', nonAiWork: '40', revisions: 1, revisionWindowHours: 24 }
  assert.equal((await refused(() => hub.sendCustomOffer('ana', order, { ...offer, revisions: -1 }), 'invalid_input')).field, 'revisions')
  const wide = await refused(() => hub.sendCustomOffer('ana', order, { ...offer, revisionWindowHours: 2 ** 32 - 1 }), 'invalid_input')
  assert.equal(wide.field, 'revision_window_hours')
  assert.equal(wide.max, '8760')
  assert.equal(hub.admin().order(order).offer, null, 'nothing stored')
  hub.sendCustomOffer('ana', order, offer)
  assert.equal(hub.admin().order(order).offer.revisions, 1)
})

// R: S2, P5
test('money beyond the limits, below the cent or as a number is refused and loses nothing', async () => {
  const biggest = '79228162514264337593543950335'
  const hub = sellerHub({ policy: JSON.stringify({ limits: { max_amount: biggest } }) })
  hub.creditBalance('ana', biggest)
  const err = await refused(() => hub.creditBalance('ana', '1'), 'invalid_input')
  assert.deepEqual(err.events, [], 'no balance_credited event for money that did not arrive')
  assert.equal(hub.seller('ana').balance.amount, biggest)
  const plain = sellerHub()
  for (const amount of [String(2n ** 70n), '0.001', 'NaN', 'Infinity', 12.5, null]) {
    await refused(() => plain.creditBalance('ana', amount), 'invalid_input')
  }
  assert.equal(plain.seller('ana').balance.amount, '0')
})

// R: E1, M6, A5
test('ids and texts beyond the policy limits are refused', async () => {
  const { hub, model } = await trained()
  const before = hub.admin().partition('ana')
  await refused(() => hub.registerSeller(MEGA, 'level_2'), 'invalid_input')
  await refused(() => hub.registerSeller('a\0b', 'level_2'), 'invalid_input')
  await refused(() => hub.seller(MEGA), 'invalid_input')
  await refused(() => hub.reportIssue('bob', model, 'y'.repeat(50 << 20)), 'invalid_input')
  await refused(() => hub.setInstructions('ana', model, MEGA), 'invalid_input')
  assert.deepEqual(hub.admin().partition('ana'), before)
})

// ----------------------------------------------------------------------------- generators

// R: G1, A3
test('JS generators that throw, reject or return the wrong thing are refused with a code', async () => {
  const cases = [
    [() => { throw new RangeError('boom') }, 'generator_failed', RangeError],
    [() => Promise.reject(new Error('rejected')), 'generator_failed', Error],
    [() => 42, 'generator_failed', TypeError],
    [() => ({ not: 'a buffer' }), 'generator_failed', TypeError],
    [() => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0x00]), 'asset_unreadable', undefined],
    [() => 'y'.repeat(64 * 1024 * 1024 + 1), 'media_too_large', undefined],
  ]
  for (const [generate, code, cause] of cases) {
    const { hub, model } = await trained(generator({ generate }))
    await hub.runTraining(hub.startTraining('ana', model).value)
    const err = await refused(() => hub.playgroundGenerate('ana', model, 'koi', 1), code)
    if (cause) assert.ok(err.cause instanceof cause, `${code}: ${err.cause}`)
  }
})

// R: G5, T4
test('a JS generator whose promise never settles is bounded by its deadline', async () => {
  const never = () => new Promise(() => {})
  const { hub, model } = await trained(generator({ generate: never }), { generation_deadline_ms: 100 })
  await hub.runTraining(hub.startTraining('ana', model).value)
  const err = await refused(() => hub.playgroundGenerate('ana', model, 'koi', 1), 'generator_timeout')
  assert.equal(err.limitMs, 100)

  const stuck = await trained(generator({ train: never }), { training_deadline_ms: 100 })
  const job = stuck.hub.startTraining('ana', stuck.model).value
  assert.equal((await stuck.hub.runTraining(job)).value, 'failed')
  assert.match(stuck.hub.admin().job(job).status === 'failed' ? JSON.stringify(stuck.hub.admin().job(job)) : '', /did not answer within 100 ms/)
  assert.equal(stuck.hub.quota('ana', stuck.model).used, 0, 'a failed training gives its quota back (T4)')
})

// R: T4
test('cancel reaches a training whose JS generator never settles', async () => {
  let started
  const training = new Promise((resolve) => (started = resolve))
  const gen = generator({
    train: () => {
      started()
      return new Promise(() => {})
    },
  })
  const { hub, model } = await trained(gen)
  const job = hub.startTraining('ana', model).value
  const run = hub.runTraining(job)
  await training
  hub.cancel(job)
  assert.equal((await run).value, 'cancelled')
  assert.equal(hub.quota('ana', model).used, 0)
})

// R: T4
test('a JS generator that throws fails its training with the quota back', async () => {
  const { hub, model } = await trained(generator({ train: () => { throw new Error('no') } }))
  const job = hub.startTraining('ana', model).value
  assert.equal((await hub.runTraining(job)).value, 'failed')
  assert.equal(hub.quota('ana', model).used, 0)
})

// R: G3, G5
test('JS generators awaiting the hub do not deadlock, however many run at once', async () => {
  // Each playground generation awaits an order draft of the same model, whose
  // generation runs the same generator: twice as many waiting calls as the libuv
  // pool has threads.
  let hub
  let model
  const gen = generator({
    generate: async (input) => {
      if (input.seed >= 2 && input.seed < 1000) {
        hub.seller('ana') // a synchronous call from inside a generation
        await hub.orderDraft('bob', model, 'nested', input.seed + 1000)
      }
      return png(64, 64, input.seed)
    },
  })
  ;({ hub, model } = await published(gen))
  const before = hub.clientOrders('bob').length
  const outs = await Promise.all(Array.from({ length: 8 }, (_, i) => hub.playgroundGenerate('ana', model, 'koi', i + 2)))
  assert.equal(outs.length, 8)
  assert.equal(hub.clientOrders('bob').length, before + 8)
})

// R: G1, S2
test('50 concurrent promises beside synchronous calls all succeed: no hub_busy', async () => {
  const { hub, model } = await published()
  const pending = []
  for (let i = 0; i < 50; i++) {
    pending.push(i % 2 ? hub.orderDraft(`client-${i}`, model, 'koi', i + 10) : hub.playgroundGenerate('ana', model, 'koi', i + 10))
    hub.creditBalance('ana', '1')
    hub.seller('ana')
  }
  const settled = await Promise.allSettled(pending)
  assert.deepEqual(settled.filter((s) => s.status === 'rejected').map((s) => s.reason.code), [])
  assert.equal(Number(hub.seller('ana').balance.amount), 50)
  assert.equal(hub.model('ana', model).playgroundGenerations, 1 + 25)
})

// ----------------------------------------------------------------------------- across FFI

const deep = (n) => {
  let v = []
  for (let i = 0; i < n; i++) v = [v]
  return v
}

const BAD = [
  undefined, null, NaN, Infinity, -1, 1.7, 2 ** 64, 10n, '', 'a\0b', MEGA, true, {}, [], { type: 7 },
  new Date(NaN), Buffer.from('corrupt'), Symbol('s'), () => 1, deep(100_000),
]

const GOOD = ['ana', 'ana/model-1', 'bob', 'ana/order-1']

// R: D1, G1, P5, A3
test('every Hub method refuses bad arguments with a code, never a crash', async () => {
  const { hub, model } = await published()
  const order = (await hub.orderDraft('bob', model, 'koi', 3)).value
  assert.deepEqual([model, order], ['ana/model-1', 'ana/order-1'])
  const methods = Object.getOwnPropertyNames(fivergo.Hub.prototype).filter((m) => m !== 'constructor')
  assert.ok(methods.length > 50)
  let tried = 0
  for (const name of methods) {
    for (let arity = 0; arity <= 4; arity++) {
      for (let at = 0; at < Math.max(arity, 1); at++) {
        for (const bad of BAD) {
          const args = Array.from({ length: arity }, (_, i) => (i === at ? bad : GOOD[i]))
          try {
            await hub[name](...args)
          } catch (e) {
            assert.ok(e instanceof fivergo.FivergoError, `${name}(${arity} args, #${at} bad): ${e}`)
            assert.equal(typeof e.code, 'string')
            assert.notEqual(e.code, 'internal_error', `${name}: a panic reached the boundary: ${e.message}`)
          }
          tried++
        }
      }
    }
  }
  assert.ok(tried > 3000)
  assert.equal(hub.admin().order(order).client, 'bob', 'the hub is still whole')
})

// R: A3, W2, P5
test('every module function refuses bad arguments with a code, never a crash', async () => {
  const fns = {
    inspect: fivergo.inspect,
    inspectMany: fivergo.inspectMany,
    decode: fivergo.decode,
    markDraft: fivergo.markDraft,
    detectWatermark: fivergo.detectWatermark,
    loadPolicy: fivergo.loadPolicy,
    fromJson: (...a) => fivergo.Policy.fromJson(...a),
    evaluate: fivergo.evaluate,
  }
  for (const [name, fn] of Object.entries(fns)) {
    for (let arity = 0; arity <= 3; arity++) {
      for (const bad of BAD) {
        const args = Array.from({ length: arity }, (_, i) => (i === 0 ? bad : png(8, 8)))
        try {
          await fn(...args)
        } catch (e) {
          // lib.js's own checks throw TypeErrors, with `.code` like the engine's refusals.
          assert.ok(e instanceof fivergo.FivergoError || (name === 'evaluate' && e instanceof TypeError), `${name}: ${e}`)
          assert.equal(e.code === 'invalid_input' || e instanceof fivergo.FivergoError, true, `${name}: ${e}`)
          assert.notEqual(e.code, 'internal_error', `${name}: ${e.message}`)
        }
      }
    }
  }
  for (const corrupt of [Buffer.from([0xff, 0xd8, 0xff, 0x00]), Buffer.from([0x00, 0xff, 0xfe]), Buffer.from('RIFF\xff\xff\xff\xffWAVEfmt ', 'latin1'), Buffer.concat([png(8, 8).subarray(0, 40), Buffer.alloc(64, 0xff)])]) {
    await refused(() => fivergo.inspect(corrupt))
    await refused(() => fivergo.decode(corrupt))
  }
})

// ----------------------------------------------------------------------------- options

// R: C1, S5
test('the generators and gateway options refuse bad values with invalid_input, never a crash', async () => {
  // `{}` is a valid spec (every subcategory on the default registry).
  const values = [...BAD.filter((v) => v !== undefined && v !== null && !(v?.constructor === Object && Object.keys(v).length === 0)), { '*': BAD }, { tattoo: BAD }, { tattoo: { js: 'x' } }, { tattoo: { js: 7 } }]
  for (const generators of values) {
    await refused(() => new fivergo.Hub({ generators }), 'invalid_input')
  }
  for (const gateway of [...BAD.filter((v) => v !== undefined && v !== null), { charge: 'x' }, { charge: () => 'ch', deadlineMs: -1 }, { charge: () => 'ch', deadlineMs: 1.5 }, { charge: () => 'ch', deadlineMs: NaN }, { charge: () => 'ch', deadlineMs: 'soon' }, { charge: () => 'ch', deadlineMs: 2 ** 40 }]) {
    await refused(() => new fivergo.Hub({ gateway }), 'invalid_input')
  }
})

// R: S5
test('a gateway that throws anything, answers anything or awaits the hub is unavailable, never a crash', async () => {
  const nasty = [
    () => { throw null },
    () => { throw 'a string' },
    () => { throw Symbol('s') },
    () => { throw { code: 'charge_declined', get message() { throw new Error('getter') } } },
    () => Symbol('ref'),
    () => 10n,
    () => deep(1000),
    () => ({ then: 42 }),
    () => ({ get then() { throw new Error('then getter') } }),
    () => Promise.reject(new Error('rejected')),
    () => MEGA,
  ]
  for (const charge of nasty) {
    const hub = sellerHub({ gateway: { charge, deadlineMs: 50 } })
    try {
      hub.subscribe('ana', 'card')
    } catch (e) {
      assert.ok(e instanceof fivergo.FivergoError, `${charge}: ${e}`)
      assert.ok(['gateway_unavailable', 'payment_declined', 'invalid_input'].includes(e.code), `${charge}: ${e.code} ${e.message}`)
    }
    assert.equal(hub.seller('ana').id, 'ana', 'the hub is still whole')
  }
})
