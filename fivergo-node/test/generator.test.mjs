// Generators written in JavaScript, driven by the core off the main thread.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { fivergo, png, sellerHub } from './helpers.mjs'

/** A JS generator: remembers how many files it trained on, draws a textured PNG. */
function pngGenerator(overrides = {}) {
  const seen = { train: [], generate: [] }
  const gen = {
    name: 'test-png',
    train(input, ctl) {
      seen.train.push(input)
      ctl.progress(0.5)
      return { files: input.assets.filter((a) => a.content).length, tags: input.assets.flatMap((a) => a.tags) }
    },
    generate(input) {
      seen.generate.push(input)
      return png(256, 256, input.seed + input.style.files)
    },
    ...overrides,
  }
  return { gen, seen }
}

/** A hub whose tattoo models use `gen`, with one uploaded PNG selected and attested. */
function hubWith(gen) {
  const hub = sellerHub({ generators: { tattoo: gen } })
  const model = hub.createModel('ana', 'tattoo').value
  const upload = png(256, 256, 42)
  const asset = hub.uploadAsset('ana', 'portfolio', upload, 'koi.png', ['koi']).value
  hub.selectAssets('ana', model, [asset])
  hub.attestOriginality('ana', model)
  return { hub, model, upload }
}

async function publish(hub, model) {
  await hub.runTraining(hub.startTraining('ana', model).value)
  while (hub.publishChecklist('ana', model).some((r) => r.type === 'playground_generation')) {
    await hub.playgroundGenerate('ana', model, 'koi', 1)
  }
  hub.setPrice('ana', model, { type: 'per_unit', unit: 'item', unitPrice: '30' })
  hub.subscribe('ana', 'card')
  hub.publish('ana', model)
}

// R: D5, T4
test('a JS generator trains on the owner\'s files and reports progress', async () => {
  const { gen, seen } = pngGenerator()
  const { hub, model, upload } = hubWith(gen)
  const job = hub.startTraining('ana', model).value
  const out = await hub.runTraining(job)
  assert.equal(out.value, 'succeeded')
  const types = out.events.map((e) => e.type)
  assert.deepEqual(types, ['training_started', 'training_progressed', 'training_succeeded'])
  assert.equal(out.events[1].progressPct, 50)
  assert.equal(seen.train.length, 1)
  const [input] = seen.train
  assert.equal(input.subcategory, 'tattoo')
  assert.equal(input.modality, 'image')
  assert.deepEqual(input.assets[0].content, upload)
  const live = hub.model('ana', model).live
  assert.equal(live.generator, 'test-png')
  assert.equal(live.style.mediaType, 'application/vnd.fivergo.style+json')
  assert.deepEqual(hub.trainedStyle('ana', live.style).data, { files: 1, tags: ['koi'] })
})

// R: W2, G1
test('drafts of a JS generator are watermarked by the core and trace to the order', async () => {
  const { gen, seen } = pngGenerator()
  const { hub, model } = hubWith(gen)
  await publish(hub, model)
  const order = (await hub.orderDraft('bob', model, 'a koi', 7)).value
  assert.equal(seen.generate.at(-1).seed, 7)
  assert.equal(seen.generate.at(-1).brief.text, 'a koi')
  assert.deepEqual(seen.generate.at(-1).style, { files: 1, tags: ['koi'] })
  const draft = hub.draft('bob', order)
  const found = hub.trace(draft.bytes)
  assert.equal(found.order, order)
  assert.ok(found.confidence > 0)
  hub.approve('bob', order)
  hub.recordPayment('bob', order, '30.00')
  const clean = hub.download('bob', order).value
  assert.equal(hub.trace(clean.bytes), null)
})

// R: G5
test('an exception thrown by a JS generator comes back as the cause', async () => {
  const boom = new RangeError('out of ink')
  const { gen } = pngGenerator()
  const { hub, model } = hubWith(gen)
  await publish(hub, model)
  gen.generate = () => {
    throw boom
  }
  await assert.rejects(hub.orderDraft('bob', model, 'a koi', 1), (err) => {
    assert.ok(err instanceof fivergo.FivergoError)
    assert.equal(err.code, 'generator_failed')
    assert.equal(err.cause, boom)
    assert.equal(err.reason, 'out of ink')
    assert.doesNotMatch(err.message, /cause #/)
    return true
  })
  gen.generate = async () => Promise.reject(new Error('async failure'))
  await assert.rejects(hub.orderDraft('bob', model, 'a koi', 1), (err) => err.cause?.message === 'async failure')
})

// R: T4
test('a JS generator whose training throws fails the job and returns the quota', async () => {
  const { gen } = pngGenerator({
    train: () => {
      throw new Error('simulated failure')
    },
  })
  const { hub, model } = hubWith(gen)
  const job = hub.startTraining('ana', model).value
  const out = await hub.runTraining(job)
  assert.equal(out.value, 'failed')
  const failed = out.events.find((e) => e.type === 'training_failed')
  assert.equal(failed.reason, 'simulated failure')
  assert.equal(failed.quotaReturned, true)
  assert.equal(hub.admin().job(job).failure, 'simulated failure')
  assert.equal(hub.quota('ana', model).used, 0)
})

// R: T4
test('the event loop keeps serving while a long training runs, and cancel stops it', async () => {
  let steps = 0
  const { gen } = pngGenerator({
    async train(input, ctl) {
      for (let i = 1; i <= 200; i++) {
        await sleep(5)
        steps = i
        if (ctl.progress(i / 200)) throw new Error('stopped')
      }
      return { files: 0 }
    },
  })
  const { hub, model } = hubWith(gen)
  const job = hub.startTraining('ana', model).value
  let ticks = 0
  const statuses = new Set()
  const timer = setInterval(() => {
    ticks++
    statuses.add(hub.admin().job(job).status) // the hub is not locked while the generator trains
    if (ticks === 10) hub.cancel(job)
  }, 2)
  const out = await hub.runTraining(job)
  clearInterval(timer)
  assert.ok(ticks >= 10, `the interval ran ${ticks} times during the training`)
  assert.ok(statuses.has('running'))
  assert.equal(out.value, 'cancelled')
  assert.ok(steps < 200, `the generator stopped after ${steps} steps`)
  assert.equal(hub.admin().job(job).status, 'cancelled')
})

// R: G1
test('sync calls made while a generation runs are served, even from the generator itself', async () => {
  const seen = []
  const { gen } = pngGenerator()
  const { hub, model } = hubWith(gen)
  await publish(hub, model)
  gen.generate = (input) => {
    seen.push(hub.seller('ana').id, hub.model('ana', model).status)
    return png(256, 256, input.seed)
  }
  const pending = hub.orderDraft('bob', model, 'koi', 3)
  seen.push(hub.quote(model, 1).total.amount) // the main thread, while the draft renders
  const order = (await pending).value
  assert.deepEqual(seen, ['30.00', 'ana', 'published'])
  assert.equal(hub.order('bob', order).status, 'drafted')
})

// R: C1
test('a generator without train/generate is refused when the hub is built', () => {
  assert.throws(() => new fivergo.Hub({ generators: { tattoo: { train() {} } } }), { code: 'invalid_input', field: 'generators.tattoo' })
})

// R: W2, G1
test('the core\'s reference generators serve a hub built with generators: "reference"', async () => {
  const hub = sellerHub({ generators: 'reference' })
  const model = hub.createModel('ana', 'tattoo').value
  const assets = [1, 2, 3].map((i) => hub.uploadAsset('ana', 'portfolio', png(256, 256, i), `flash-${i}.png`).value)
  hub.selectAssets('ana', model, assets)
  hub.attestOriginality('ana', model)
  await publish(hub, model)
  assert.equal(hub.model('ana', model).live.generator, 'quilt')
  const order = (await hub.orderDraft('bob', model, 'a koi', 5)).value
  assert.equal(hub.trace(hub.draft('bob', order).bytes).order, order)
  assert.throws(() => new fivergo.Hub({ generators: 'magic' }), { code: 'invalid_input', field: 'generators.*' })
})

test('the evaluation harness measures a JavaScript generator and a reference one', async () => {
  // R: W2, G2
  const own = [0, 1].map((seed) => png(256, 256, seed))
  const report = await fivergo.evaluate(
    { name: 'js-tint', train: () => ({ seedBase: 3 }), generate: ({ style, seed }) => png(256, 256, style.seedBase + seed) },
    'tattoo',
    own,
    { seeds: [1, 2] },
  )
  assert.equal(report.generator, 'js-tint')
  assert.equal(report.outputs, 2)
  assert.equal(report.deterministic, true)
  assert.equal(report.watermark.decoded, report.watermark.embedded)
  assert.match(report.table, /\| js-tint \(tattoo\) \|/)

  const formal = ['The parties hereby acknowledge the obligations set forth herein and shall comply.', 'Pursuant to the agreement, the supplier shall furnish the documentation required.']
  const playful = ['Whoa, pizza night! Grab the snacks and your friends, go go go!', 'Sunny skies, ice cream drips, and a dog who loves every stick!']
  const text = await fivergo.evaluate('markov_text', 'writing_translation', formal.map((t) => Buffer.from(t)), {
    other: playful.map((t) => Buffer.from(t)),
    briefs: [{ text: 'a note', quantity: 30 }],
    seeds: [1, 2, 3],
  })
  assert.ok(text.fidelity.ownDistance < text.fidelity.otherDistance)
})

test('an exception thrown by a JavaScript generator under evaluation is the cause', async () => {
  // R: G5
  const boom = new Error('generate exploded')
  const gen = { name: 'js-boom', train: () => ({}), generate: () => { throw boom } }
  await assert.rejects(fivergo.evaluate(gen, 'tattoo', [png(256, 256, 0)], { seeds: [1] }), (err) => err.cause === boom)
})
