// cdp-router: kafkajs 2.2.4's groupMessagesPerPartition.js, patched at install
// (scripts/patch-kafkajs.mjs).
//
// Stock kafkajs copied a partition's array (and the result object) for every message, quadratic
// in the messages per partition of one send. This groups in one pass; the result is the same
// object (partition -> messages in their order). Why: docs/kafkajs-patch.md.
module.exports = ({ topic, partitionMetadata, messages, partitioner }) => {
  if (partitionMetadata.length === 0) {
    return {}
  }

  const result = {}
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message })
    const current = result[partition]
    if (current === undefined) {
      result[partition] = [message]
    } else {
      current.push(message)
    }
  }
  return result
}
