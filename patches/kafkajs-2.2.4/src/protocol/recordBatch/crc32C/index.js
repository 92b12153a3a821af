// cdp-router: kafkajs 2.2.4's crc32C/index.js, patched at install (scripts/patch-kafkajs.mjs).
//
// Every produced record batch is checksummed with CRC32C; kafkajs computes it in JavaScript, a
// byte at a time (about an eighth of the worker's main thread in a profile). @node-rs/crc32
// ships a prebuilt native crc32c (SSE4.2) for the platforms it supports; the JavaScript one stays
// as the fallback where its binary cannot load. Both return the unsigned 32-bit CRC.
// Why: docs/kafkajs-patch.md.
const crc32C = require('./crc32C')

const unsigned = value => value >>> 0

const loadNative = () => {
  try {
    const { crc32c } = require('@node-rs/crc32')
    return typeof crc32c === 'function' ? crc32c : null
  } catch (error) {
    return null
  }
}

const native = loadNative()

module.exports = native ? buffer => native(buffer) : buffer => unsigned(crc32C(buffer))
module.exports.implementation = native ? 'native' : 'javascript'

/**
 * The CRC32C of buffers one after another, as of their concatenation: the native one continues
 * from the CRC of the buffers before (so a record batch is checksummed without joining it first);
 * the JavaScript fallback joins them.
 */
module.exports.ofParts = native
  ? parts => parts.reduce((crc, part) => native(part, crc), 0)
  : parts => unsigned(crc32C(Buffer.concat(parts)))
