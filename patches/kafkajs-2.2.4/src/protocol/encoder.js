// cdp-router: kafkajs 2.2.4's encoder.js, patched at install (scripts/patch-kafkajs.mjs).
//
// Only speed changes; every encoding is byte-for-byte the stock one
// (test/unit/kafka/kafkajs-encoding.test.ts compares with the stock files):
// - buffers come from Buffer.allocUnsafe: only the bytes up to `offset` are ever read (`buffer`
//   slices there), so zero-filling them was pure cost (a 512-byte buffer per record);
// - varints are written in place instead of through a temporary array and Buffer;
// - a varlong whose value fits in 32 bits (every timestamp delta of a batch shorter than 24 days)
//   takes the varint path, which writes the same bytes without a Long per operation;
// - an encoder is a list of segments: an encoder or a buffer of BY_REFERENCE_BYTES or more written
//   into another is kept by reference, not copied, and a full buffer is left as it is for a new one
//   instead of being copied into one twice its size. Stock kafkajs copied every record's bytes at
//   each level of a produce request (record, record batch, partition, topic, request, framing) and
//   again at each doubling: the largest cost of the worker's main thread. The bytes are joined
//   once, when `buffer` is read (the socket write, the record batch's CRC).
// Why: docs/kafkajs-patch.md.

const Long = require('../utils/long')

const INT8_SIZE = 1
const INT16_SIZE = 2
const INT32_SIZE = 4
const INT64_SIZE = 8
const DOUBLE_SIZE = 8

const MOST_SIGNIFICANT_BIT = 0x80 // 128

// Written by reference from this size up; smaller ones are cheaper to copy than to keep apart.
const BY_REFERENCE_BYTES = 128
const OTHER_BITS = 0x7f // 127
const UNSIGNED_INT32_MAX_NUMBER = 0xffffff80
const UNSIGNED_INT64_MAX_NUMBER = 0xffffffffffffff80n

const fitsInInt32 = value =>
  typeof value === 'number' && Number.isInteger(value) && value >= -2147483648 && value <= 2147483647

/** Writes an unsigned varint at buffer[offset] (at most 5 bytes); returns the offset after it. */
const writeUVarIntAt = (buffer, offset, value) => {
  while ((value & UNSIGNED_INT32_MAX_NUMBER) !== 0) {
    buffer[offset++] = (value & OTHER_BITS) | MOST_SIGNIFICANT_BIT
    value >>>= 7
  }
  buffer[offset++] = value & OTHER_BITS
  return offset
}

module.exports = class Encoder {
  /** Whether a number is an integer within 32 bits: a varlong of it is written as a varint. */
  static fitsInInt32(value) {
    return fitsInInt32(value)
  }

  /**
   * Writes a signed (zigzag) varint straight into a buffer with room for it, as writeVarInt
   * writes it into an encoder; returns the offset after it. For the produce request's one-pass
   * record framing.
   */
  static writeVarIntAt(buffer, offset, value) {
    return writeUVarIntAt(buffer, offset, Encoder.encodeZigZag(value))
  }

  static encodeZigZag(value) {
    return (value << 1) ^ (value >> 31)
  }

  static encodeZigZag64(value) {
    const longValue = Long.fromValue(value)
    return longValue.shiftLeft(1).xor(longValue.shiftRight(63))
  }

  static sizeOfVarInt(value) {
    let encodedValue = this.encodeZigZag(value)
    let bytes = 1

    while ((encodedValue & UNSIGNED_INT32_MAX_NUMBER) !== 0) {
      bytes += 1
      encodedValue >>>= 7
    }

    return bytes
  }

  static sizeOfVarLong(value) {
    if (fitsInInt32(value)) {
      return Encoder.sizeOfVarInt(value)
    }
    let longValue = Encoder.encodeZigZag64(value)
    let bytes = 1

    while (longValue.and(UNSIGNED_INT64_MAX_NUMBER).notEquals(Long.fromInt(0))) {
      bytes += 1
      longValue = longValue.shiftRightUnsigned(7)
    }

    return bytes
  }

  static sizeOfVarIntBytes(value) {
    const size = value == null ? -1 : Buffer.byteLength(value)

    if (size < 0) {
      return Encoder.sizeOfVarInt(-1)
    }

    return Encoder.sizeOfVarInt(size) + size
  }

  static nextPowerOfTwo(value) {
    return 1 << (31 - Math.clz32(value) + 1)
  }

  /**
   * Construct a new encoder with the given initial size
   *
   * @param {number} [initialSize] initial size
   */
  constructor(initialSize = 511) {
    this.buf = Buffer.allocUnsafe(Encoder.nextPowerOfTwo(initialSize))
    // The next byte goes to buf[offset]; buf's bytes before `start` are already in `segments`.
    this.offset = 0
    this.start = 0
    // The bytes before buf[start], in order (null: none), and how many they are.
    this.segments = null
    this.segmentsLength = 0
  }

  keepSegment(segment) {
    if (this.segments === null) this.segments = []
    this.segments.push(segment)
    this.segmentsLength += segment.length
  }

  /** The bytes written into buf since the last cut become a segment. */
  cut() {
    if (this.offset > this.start) {
      this.keepSegment(this.buf.subarray(this.start, this.offset))
      this.start = this.offset
    }
  }

  /**
   * @param {Buffer} buffer
   */
  writeBufferInternal(buffer) {
    const bufferLength = buffer.length
    if (bufferLength >= BY_REFERENCE_BYTES) {
      this.cut()
      this.keepSegment(buffer)
      return
    }
    this.ensureAvailable(bufferLength)
    buffer.copy(this.buf, this.offset, 0)
    this.offset += bufferLength
  }

  /** Another encoder's bytes, by reference (copied when few and in one piece). */
  writeEncoderInternal(encoder) {
    const tailLength = encoder.offset - encoder.start
    if (encoder.segments === null && tailLength < BY_REFERENCE_BYTES) {
      this.ensureAvailable(tailLength)
      encoder.buf.copy(this.buf, this.offset, encoder.start, encoder.offset)
      this.offset += tailLength
      return
    }
    this.cut()
    if (encoder.segments !== null) {
      for (const segment of encoder.segments) this.keepSegment(segment)
    }
    if (tailLength > 0) this.keepSegment(encoder.buf.subarray(encoder.start, encoder.offset))
  }

  ensureAvailable(length) {
    if (this.offset + length > this.buf.length) {
      // The full buffer stays as a segment; writing goes on in a new one, nothing is copied.
      this.cut()
      this.buf = Buffer.allocUnsafe(Encoder.nextPowerOfTwo(Math.max(length, this.buf.length)))
      this.offset = 0
      this.start = 0
    }
  }

  get buffer() {
    if (this.segments === null) {
      return this.buf.slice(this.start, this.offset)
    }
    this.cut()
    const whole = Buffer.concat(this.segments, this.segmentsLength)
    // Joined once: the encoder now holds the joined bytes, so a second read copies nothing.
    this.buf = whole
    this.start = 0
    this.offset = whole.length
    this.segments = null
    this.segmentsLength = 0
    return whole
  }

  writeInt8(value) {
    this.ensureAvailable(INT8_SIZE)
    this.buf.writeInt8(value, this.offset)
    this.offset += INT8_SIZE
    return this
  }

  writeInt16(value) {
    this.ensureAvailable(INT16_SIZE)
    this.buf.writeInt16BE(value, this.offset)
    this.offset += INT16_SIZE
    return this
  }

  writeInt32(value) {
    this.ensureAvailable(INT32_SIZE)
    this.buf.writeInt32BE(value, this.offset)
    this.offset += INT32_SIZE
    return this
  }

  writeUInt32(value) {
    this.ensureAvailable(INT32_SIZE)
    this.buf.writeUInt32BE(value, this.offset)
    this.offset += INT32_SIZE
    return this
  }

  writeInt64(value) {
    this.ensureAvailable(INT64_SIZE)
    const longValue = Long.fromValue(value)
    this.buf.writeInt32BE(longValue.getHighBits(), this.offset)
    this.buf.writeInt32BE(longValue.getLowBits(), this.offset + INT32_SIZE)
    this.offset += INT64_SIZE
    return this
  }

  writeDouble(value) {
    this.ensureAvailable(DOUBLE_SIZE)
    this.buf.writeDoubleBE(value, this.offset)
    this.offset += DOUBLE_SIZE
    return this
  }

  writeBoolean(value) {
    value ? this.writeInt8(1) : this.writeInt8(0)
    return this
  }

  writeString(value) {
    if (value == null) {
      this.writeInt16(-1)
      return this
    }

    const byteLength = Buffer.byteLength(value, 'utf8')
    this.ensureAvailable(INT16_SIZE + byteLength)
    this.writeInt16(byteLength)
    this.buf.write(value, this.offset, byteLength, 'utf8')
    this.offset += byteLength
    return this
  }

  writeVarIntString(value) {
    if (value == null) {
      this.writeVarInt(-1)
      return this
    }

    const byteLength = Buffer.byteLength(value, 'utf8')
    this.writeVarInt(byteLength)
    this.ensureAvailable(byteLength)
    this.buf.write(value, this.offset, byteLength, 'utf8')
    this.offset += byteLength
    return this
  }

  writeUVarIntString(value) {
    if (value == null) {
      this.writeUVarInt(0)
      return this
    }

    const byteLength = Buffer.byteLength(value, 'utf8')
    this.writeUVarInt(byteLength + 1)
    this.ensureAvailable(byteLength)
    this.buf.write(value, this.offset, byteLength, 'utf8')
    this.offset += byteLength
    return this
  }

  writeBytes(value) {
    if (value == null) {
      this.writeInt32(-1)
      return this
    }

    if (Buffer.isBuffer(value)) {
      // raw bytes (no room is made for them: writeBufferInternal may keep them by reference)
      this.writeInt32(value.length)
      this.writeBufferInternal(value)
    } else {
      const valueToWrite = String(value)
      const byteLength = Buffer.byteLength(valueToWrite, 'utf8')
      this.ensureAvailable(INT32_SIZE + byteLength)
      this.writeInt32(byteLength)
      this.buf.write(valueToWrite, this.offset, byteLength, 'utf8')
      this.offset += byteLength
    }

    return this
  }

  writeVarIntBytes(value) {
    if (value == null) {
      this.writeVarInt(-1)
      return this
    }

    if (Buffer.isBuffer(value)) {
      // raw bytes
      this.writeVarInt(value.length)
      this.writeBufferInternal(value)
    } else {
      const valueToWrite = String(value)
      const byteLength = Buffer.byteLength(valueToWrite, 'utf8')
      this.writeVarInt(byteLength)
      this.ensureAvailable(byteLength)
      this.buf.write(valueToWrite, this.offset, byteLength, 'utf8')
      this.offset += byteLength
    }

    return this
  }

  writeUVarIntBytes(value) {
    if (value == null) {
      this.writeVarInt(0)
      return this
    }

    if (Buffer.isBuffer(value)) {
      // raw bytes
      this.writeUVarInt(value.length + 1)
      this.writeBufferInternal(value)
    } else {
      const valueToWrite = String(value)
      const byteLength = Buffer.byteLength(valueToWrite, 'utf8')
      this.writeUVarInt(byteLength + 1)
      this.ensureAvailable(byteLength)
      this.buf.write(valueToWrite, this.offset, byteLength, 'utf8')
      this.offset += byteLength
    }

    return this
  }

  writeEncoder(value) {
    if (value == null || !Buffer.isBuffer(value.buf)) {
      throw new Error('value should be an instance of Encoder')
    }

    this.writeEncoderInternal(value)
    return this
  }

  writeEncoderArray(value) {
    if (!Array.isArray(value) || value.some(v => v == null || !Buffer.isBuffer(v.buf))) {
      throw new Error('all values should be an instance of Encoder[]')
    }

    value.forEach(v => {
      this.writeEncoderInternal(v)
    })
    return this
  }

  writeBuffer(value) {
    if (!Buffer.isBuffer(value)) {
      throw new Error('value should be an instance of Buffer')
    }

    this.writeBufferInternal(value)
    return this
  }

  /**
   * @param {any[]} array
   * @param {'int32'|'number'|'string'|'object'} [type]
   */
  writeNullableArray(array, type) {
    // A null value is encoded with length of -1 and there are no following bytes
    // On the context of this library, empty array and null are the same thing
    const length = array.length !== 0 ? array.length : -1
    this.writeArray(array, type, length)
    return this
  }

  /**
   * @param {any[]} array
   * @param {'int32'|'number'|'string'|'object'} [type]
   * @param {number} [length]
   */
  writeArray(array, type, length) {
    const arrayLength = length == null ? array.length : length
    this.writeInt32(arrayLength)
    if (type !== undefined) {
      switch (type) {
        case 'int32':
        case 'number':
          array.forEach(value => this.writeInt32(value))
          break
        case 'string':
          array.forEach(value => this.writeString(value))
          break
        case 'object':
          this.writeEncoderArray(array)
          break
      }
    } else {
      array.forEach(value => {
        switch (typeof value) {
          case 'number':
            this.writeInt32(value)
            break
          case 'string':
            this.writeString(value)
            break
          case 'object':
            this.writeEncoder(value)
            break
        }
      })
    }
    return this
  }

  writeVarIntArray(array, type) {
    if (type === 'object') {
      this.writeVarInt(array.length)
      this.writeEncoderArray(array)
    } else {
      const objectArray = array.filter(v => typeof v === 'object')
      this.writeVarInt(objectArray.length)
      this.writeEncoderArray(objectArray)
    }
    return this
  }

  writeUVarIntArray(array, type) {
    if (type === 'object') {
      this.writeUVarInt(array.length + 1)
      this.writeEncoderArray(array)
    } else if (array === null) {
      this.writeUVarInt(0)
    } else {
      const objectArray = array.filter(v => typeof v === 'object')
      this.writeUVarInt(objectArray.length + 1)
      this.writeEncoderArray(objectArray)
    }
    return this
  }

  // Based on:
  // https://en.wikipedia.org/wiki/LEB128 Using LEB128 format similar to VLQ.
  // https://github.com/addthis/stream-lib/blob/master/src/main/java/com/clearspring/analytics/util/Varint.java#L106
  writeVarInt(value) {
    return this.writeUVarInt(Encoder.encodeZigZag(value))
  }

  writeUVarInt(value) {
    // At most 5 bytes: after the first step the value is an unsigned 32-bit integer.
    this.ensureAvailable(5)
    this.offset = writeUVarIntAt(this.buf, this.offset, value)
    return this
  }

  writeVarLong(value) {
    if (fitsInInt32(value)) {
      // The zigzag of a 32-bit value is the same in 32 and 64 bits.
      return this.writeVarInt(value)
    }
    const byteArray = []
    let longValue = Encoder.encodeZigZag64(value)

    while (longValue.and(UNSIGNED_INT64_MAX_NUMBER).notEquals(Long.fromInt(0))) {
      byteArray.push(
        longValue
          .and(OTHER_BITS)
          .or(MOST_SIGNIFICANT_BIT)
          .toInt()
      )
      longValue = longValue.shiftRightUnsigned(7)
    }

    byteArray.push(longValue.toInt())

    this.writeBufferInternal(Buffer.from(byteArray))
    return this
  }

  size() {
    return this.segmentsLength + this.offset - this.start
  }

  toJSON() {
    return this.buffer.toJSON()
  }
}
