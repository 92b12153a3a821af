// cdp-router: kafkajs 2.2.4's produce/v3/request.js (also the encoding of v4 to v7), patched at
// install (scripts/patch-kafkajs.mjs).
//
// Only speed: an uncompressed partition's records are framed in one pass into one buffer, instead
// of an Encoder object (with its own 512-byte buffer), a copied message object and a header list
// per record, written into the batch one by one. The bytes are the stock encoding's
// (test/unit/kafka/kafkajs-encoding.test.ts compares them with the stock files). A partition whose
// messages the fast path does not cover (headers, a timestamp delta beyond 32 bits, a key or value
// that is neither a Buffer nor a string) is encoded by stock kafkajs's path, as before.
// Why: docs/kafkajs-patch.md.

const Long = require('../../../../utils/long')
const Encoder = require('../../../encoder')
const { Produce: apiKey } = require('../../apiKeys')
const { Types } = require('../../../message/compression')
const Record = require('../../../recordBatch/record/v0')
const { RecordBatch } = require('../../../recordBatch/v0')

/**
 * Produce Request (Version: 3) => transactional_id acks timeout [topic_data]
 *   transactional_id => NULLABLE_STRING
 *   acks => INT16
 *   timeout => INT32
 *   topic_data => topic [data]
 *     topic => STRING
 *     data => partition record_set
 *       partition => INT32
 *       record_set => RECORDS
 */

/**
 * @param [transactionalId=null] {String} The transactional id or null if the producer is not transactional
 * @param acks {Integer} See producer request v0
 * @param timeout {Integer} See producer request v0
 * @param [compression=CompressionTypes.None] {CompressionTypes}
 * @param topicData {Array}
 */
module.exports = ({
  acks,
  timeout,
  transactionalId = null,
  producerId = Long.fromInt(-1),
  producerEpoch = 0,
  compression = Types.None,
  topicData,
}) => ({
  apiKey,
  apiVersion: 3,
  apiName: 'Produce',
  expectResponse: () => acks !== 0,
  encode: async () => {
    const encodeTopic = topicEncoder(compression)
    const encodedTopicData = []

    for (const data of topicData) {
      encodedTopicData.push(
        await encodeTopic({ ...data, transactionalId, producerId, producerEpoch })
      )
    }

    return new Encoder()
      .writeString(transactionalId)
      .writeInt16(acks)
      .writeInt32(timeout)
      .writeArray(encodedTopicData)
  },
})

const topicEncoder = compression => async ({
  topic,
  partitions,
  transactionalId,
  producerId,
  producerEpoch,
}) => {
  const encodePartitions = partitionsEncoder(compression)
  const encodedPartitions = []

  for (const data of partitions) {
    encodedPartitions.push(
      await encodePartitions({ ...data, transactionalId, producerId, producerEpoch })
    )
  }

  return new Encoder().writeString(topic).writeArray(encodedPartitions)
}

const partitionsEncoder = compression => async ({
  partition,
  messages,
  transactionalId,
  firstSequence,
  producerId,
  producerEpoch,
}) => {
  const dateNow = Date.now()
  const messageTimestamps = messages
    .map(m => m.timestamp)
    .filter(timestamp => timestamp != null)
    .sort()

  const timestamps = messageTimestamps.length === 0 ? [dateNow] : messageTimestamps
  const firstTimestamp = timestamps[0]
  const maxTimestamp = timestamps[timestamps.length - 1]

  const framed =
    compression === Types.None ? frameRecords(messages, dateNow, firstTimestamp) : null
  const records =
    framed !== null
      ? []
      : messages.map((message, i) =>
          Record({
            ...message,
            offsetDelta: i,
            timestampDelta: (message.timestamp || dateNow) - firstTimestamp,
          })
        )

  const recordBatch = await RecordBatch({
    compression,
    records,
    framedRecords: framed,
    firstTimestamp,
    maxTimestamp,
    producerId,
    producerEpoch,
    firstSequence,
    transactional: !!transactionalId,
    lastOffsetDelta: messages.length - 1,
  })

  return new Encoder()
    .writeInt32(partition)
    .writeInt32(recordBatch.size())
    .writeEncoder(recordBatch)
}

/** A key's or value's byte length as Record v0 writes it (-1: null), or -2 when the fast path does not cover it. */
const lengthOf = bytes => {
  if (bytes == null) return -1
  if (Buffer.isBuffer(bytes)) return bytes.length
  if (typeof bytes === 'string') return Buffer.byteLength(bytes, 'utf8')
  return -2
}

const hasHeaders = headers => headers != null && Object.keys(headers).length > 0

/**
 * The messages as Record v0 frames them, one after another, in one buffer: length, attributes
 * (0), timestamp delta, offset delta (the message's index), key, value, no headers. Null when a
 * message needs stock kafkajs's path.
 */
const frameRecords = (messages, dateNow, firstTimestamp) => {
  const count = messages.length
  // Per message: timestamp delta, key length, value length, body size.
  const sizes = new Int32Array(count * 4)
  let total = 0
  for (let i = 0; i < count; i++) {
    const message = messages[i]
    if (hasHeaders(message.headers)) return null
    const timestampDelta = (message.timestamp || dateNow) - firstTimestamp
    if (!Encoder.fitsInInt32(timestampDelta)) return null
    const keyLength = lengthOf(message.key)
    const valueLength = lengthOf(message.value)
    if (keyLength === -2 || valueLength === -2) return null
    const body =
      1 +
      Encoder.sizeOfVarInt(timestampDelta) +
      Encoder.sizeOfVarInt(i) +
      Encoder.sizeOfVarInt(keyLength) +
      Math.max(keyLength, 0) +
      Encoder.sizeOfVarInt(valueLength) +
      Math.max(valueLength, 0) +
      1
    sizes[i * 4] = timestampDelta
    sizes[i * 4 + 1] = keyLength
    sizes[i * 4 + 2] = valueLength
    sizes[i * 4 + 3] = body
    total += Encoder.sizeOfVarInt(body) + body
  }
  const buffer = Buffer.allocUnsafe(total)
  let offset = 0
  for (let i = 0; i < count; i++) {
    const message = messages[i]
    offset = Encoder.writeVarIntAt(buffer, offset, sizes[i * 4 + 3])
    buffer[offset++] = 0 // attributes: none used
    offset = Encoder.writeVarIntAt(buffer, offset, sizes[i * 4])
    offset = Encoder.writeVarIntAt(buffer, offset, i)
    offset = writeBytes(buffer, offset, message.key, sizes[i * 4 + 1])
    offset = writeBytes(buffer, offset, message.value, sizes[i * 4 + 2])
    buffer[offset++] = 0 // headers: a varint count of 0
  }
  return { count, buffer }
}

const writeBytes = (buffer, offset, bytes, length) => {
  offset = Encoder.writeVarIntAt(buffer, offset, length)
  if (length <= 0) return offset
  if (typeof bytes === 'string') return offset + buffer.write(bytes, offset, length, 'utf8')
  bytes.copy(buffer, offset)
  return offset + length
}
