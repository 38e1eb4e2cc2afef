import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const fivergo = require('../lib.js')
const { FivergoError } = fivergo

test('version is a non-empty string', () => {
  assert.equal(typeof fivergo.version(), 'string')
  assert.ok(fivergo.version().length > 0)
})

// R: S1
test('default policy has the 25.00 monthly fee', () => {
  const text = fivergo.defaultPolicyJson()
  assert.ok(text.includes('"25.00"'), text)
  assert.equal(typeof JSON.parse(text), 'object')
})

// R: S1
test('loadPolicy round-trips the default and fills missing fields', () => {
  const def = JSON.parse(fivergo.defaultPolicyJson())
  assert.deepEqual(JSON.parse(fivergo.loadPolicy(fivergo.defaultPolicyJson())), def)
  assert.deepEqual(JSON.parse(fivergo.loadPolicy('{}')), def)
})

// R: M1
test('a zero active model limit is refused with FivergoError invalid_policy', () => {
  assert.throws(
    () => fivergo.loadPolicy('{"models": {"active_model_limit": 0}}'),
    (err) => {
      assert.ok(err instanceof FivergoError)
      assert.ok(err instanceof Error)
      assert.equal(err.name, 'FivergoError')
      assert.equal(err.code, 'invalid_policy')
      assert.equal(err.rule, null)
      assert.equal(typeof err.details, 'object')
      assert.equal(err.details.code, 'invalid_policy')
      assert.equal(err.message, err.details.message)
      assert.ok(!err.message.startsWith('FIVERGO_ERROR:'))
      return true
    },
  )
})

test('malformed JSON is refused with FivergoError', () => {
  assert.throws(() => fivergo.loadPolicy('{not json'), { name: 'FivergoError', code: 'invalid_policy' })
})

// R: S1, C1
test('Policy loads JSON, serializes back and lists the catalogue', () => {
  const { Policy } = fivergo
  const policy = Policy.fromJson('{}')
  assert.deepEqual(policy.monthlyFee(), { amount: '25.00', currency: 'USD' })
  assert.equal(policy.currency(), 'USD')
  const slugs = policy.catalogue().map((e) => e.slug)
  assert.ok(slugs.includes('tattoo'))
  assert.ok(policy.catalogue().every((e) => Array.isArray(e.pricingUnits) && typeof e.available === 'boolean'))
  assert.equal(Policy.fromJson(JSON.stringify(policy)).toJsonString(), policy.toJsonString())
  assert.throws(() => Policy.fromJson('{"models": {"active_model_limit": 0}}'), { name: 'FivergoError', code: 'invalid_policy' })
})
