// Pure media functions: inspection of uploads, decoding, draft watermarks.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fivergo, png, wav } from './helpers.mjs'

const { inspect, inspectMany, decode, markDraft, detectWatermark, Policy } = fivergo

// R: A4
test('inspect measures an image upload', () => {
  const out = inspect(png(300, 200, 3))
  assert.equal(out.modality, 'image')
  assert.equal(out.meta.width, 300)
  assert.equal(out.meta.height, 200)
  assert.equal(out.meta.monochrome, false)
})

// R: A8
test('inspect measures a recording', () => {
  const out = inspect(wav(3, 22050, 5), new Policy())
  assert.equal(out.modality, 'audio')
  assert.equal(out.meta.durationMs, 3000)
  assert.equal(out.meta.sampleRateHz, 22050)
  assert.equal(out.meta.channels, 1)
})

// R: A3
test('an unreadable file is refused with asset_unreadable', () => {
  assert.throws(() => inspect(Buffer.from([0xff, 0x00, 0xfe])), { name: 'FivergoError', code: 'asset_unreadable', rule: 'A3' })
})

// R: A3
test('a WAV header at 1 Hz is refused with sample_rate_out_of_range, not taken as 600 seconds', () => {
  const header = Buffer.alloc(44)
  header.write('RIFF', 0)
  header.writeUInt32LE(36 + 600, 4)
  header.write('WAVEfmt ', 8)
  header.writeUInt32LE(16, 16)
  header.writeUInt16LE(1, 20) // PCM
  header.writeUInt16LE(1, 22) // mono
  header.writeUInt32LE(1, 24) // 1 Hz
  header.writeUInt32LE(1, 28)
  header.writeUInt16LE(1, 32)
  header.writeUInt16LE(8, 34)
  header.write('data', 36)
  header.writeUInt32LE(600, 40)
  const oneHz = Buffer.concat([header, Buffer.alloc(600, 0x80)])
  assert.throws(() => inspect(oneHz), { name: 'FivergoError', code: 'sample_rate_out_of_range', rule: 'A3', sampleRateHz: 1, minHz: 8000 })
})

// R: A3, A4
test('inspectMany runs off the main thread and reports each file', async () => {
  const pending = inspectMany([png(256, 256, 1), Buffer.from([0xff, 0x00, 0xfe]), Buffer.from('my style: dry')])
  assert.ok(pending instanceof Promise)
  const [image, bad, text] = await pending
  assert.equal(image.modality, 'image')
  assert.equal(bad.error.code, 'asset_unreadable')
  assert.equal(bad.error.rule, 'A3')
  assert.equal(text.modality, 'text')
})

// R: W1
test('decode turns files into typed artifacts', () => {
  assert.deepEqual(decode(Buffer.from('hello')), { type: 'text', text: 'hello', bytes: Buffer.from('hello') })
  const img = decode(png(64, 32, 2))
  assert.deepEqual([img.type, img.width, img.height], ['image', 64, 32])
  const audio = decode(wav(1, 8000, 1))
  assert.deepEqual([audio.type, audio.sampleRate, audio.channels, audio.durationMs], ['audio', 8000, 1, 1000])
})

// R: W1, W2
test('an image draft carries the visible mark and an invisible payload', () => {
  const clean = png(256, 256, 3)
  const marked = markDraft(clean, 'order-1', 7, 42)
  assert.equal(marked.payloadEmbedded, true)
  assert.equal(marked.reason, null)
  assert.notDeepEqual(marked.artifact.bytes, clean)
  const found = detectWatermark(marked.artifact.bytes)
  assert.equal(found.type, 'found')
  assert.equal(found.payload, 42)
  assert.deepEqual(detectWatermark(clean), { type: 'not_found' })
  assert.deepEqual(markDraft(clean, 'order-1', 7, 42).artifact.bytes, marked.artifact.bytes)
})

// R: W2
test('an audio draft carries the payload; a text only the visible header', () => {
  const marked = markDraft(wav(10, 22050, 5), 'order-2', 1, 99)
  assert.equal(marked.payloadEmbedded, true)
  assert.equal(detectWatermark(marked.artifact.bytes).payload, 99)
  const text = markDraft(Buffer.from('a slogan'), 'order-3', 1, 5)
  assert.equal(text.payloadEmbedded, false)
  assert.equal(typeof text.reason, 'string')
  assert.match(text.artifact.text, /order-3/)
  assert.throws(() => markDraft(png(64, 64, 1), 'order-4', -1), { code: 'invalid_input' })
})
