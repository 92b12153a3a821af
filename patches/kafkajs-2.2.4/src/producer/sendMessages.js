// cdp-router: kafkajs 2.2.4's sendMessages.js, patched at install (scripts/patch-kafkajs.mjs).
//
// Stock kafkajs kept one response per *broker* across retries. When one broker acknowledged its
// partitions and another answered NOT_LEADER, the retry refreshed metadata; if the failed
// partitions' new leader was the broker that had already answered, that broker had a response
// and was skipped, so those partitions were never sent again and send() resolved: records lost
// (tulios/kafkajs#1303, the cause described in the unmerged tulios/kafkajs#1798). Two more ways
// to resolve a partially sent request: a partition missing from refreshed metadata was silently
// left out, and a retry could start while requests of the failed attempt were still in flight
// (sending their partitions twice, with new sequence numbers).
//
// Here a send resolves only when every partition it has messages for is acknowledged:
// - messages are grouped into partitions once, on the first attempt (a retry after a partition
//   increase must not move a message into a partition already acknowledged);
// - acknowledgements are kept per topic-partition, and each attempt sends exactly the partitions
//   still unacknowledged, to their current leaders;
// - an attempt waits for all of its requests to settle before the next attempt starts;
// - a partition without a leader in the metadata fails the attempt (retriable), never vanishes;
// - a partition's sequence numbers are taken once per send and kept across its retries, never
//   handed back: stock kafkajs subtracted them again when a request failed, so the next batch for
//   that partition (of a concurrent send) reused them. When the failed request had in fact been
//   written (its answer lost to a killed or stalled broker), a reused batch of the same length
//   looked like a retry to the broker, which answered with the first batch's offset and dropped
//   it: a send resolved whose records were never written. A gap left by a send that finally
//   fails makes the next batches fail with OUT_OF_ORDER_SEQUENCE_NUMBER, which the caller answers
//   with a new producer id (cdp-router's RenewableProducer, or a new transactional producer);
// - a transactional send adds every partition of an attempt to the transaction in one
//   AddPartitionsToTxn, before its produce requests (stock kafkajs sent one per broker at once,
//   which the coordinator refuses with CONCURRENT_TRANSACTIONS).
const { KafkaJSMetadataNotLoaded } = require('../errors')
const { staleMetadata } = require('../protocol/error')
const groupMessagesPerPartition = require('./groupMessagesPerPartition')
const createTopicData = require('./createTopicData')
const responseSerializer = require('./responseSerializer')

const { keys } = Object

const partitionKey = (topic, partition) => `${topic}\u0000${partition}`

/**
 * @param {Object} options
 * @param {import("../../types").Logger} options.logger
 * @param {import("../../types").Cluster} options.cluster
 * @param {ReturnType<import("../../types").ICustomPartitioner>} options.partitioner
 * @param {import("./eosManager").EosManager} options.eosManager
 * @param {import("../retry").Retrier} options.retrier
 */
module.exports = ({ logger, cluster, partitioner, eosManager, retrier }) => {
  return async ({ acks, timeout, compression, topicMessages }) => {
    /** Acknowledgements by topic-partition: the response entries of the attempt that succeeded for it. */
    const acknowledged = new Map()
    /** topic -> { partition: messages }, fixed on the first attempt. */
    const messagesPerTopic = new Map()

    const groupOnce = topic => {
      if (messagesPerTopic.has(topic)) return messagesPerTopic.get(topic)
      const partitionMetadata = cluster.findTopicPartitionMetadata(topic)
      if (partitionMetadata.length === 0) {
        logger.debug('Producing to topic without metadata', {
          topic,
          targetTopics: Array.from(cluster.targetTopics),
        })
        throw new KafkaJSMetadataNotLoaded('Producing to topic without metadata')
      }
      const messages = topicMessages
        .filter(entry => entry.topic === topic)
        .flatMap(entry => entry.messages)
      const grouped = groupMessagesPerPartition({ topic, partitionMetadata, messages, partitioner })
      messagesPerTopic.set(topic, grouped)
      return grouped
    }

    /**
     * topic-partition -> { producerId, producerEpoch, firstSequence } of its batch in this send,
     * taken when the batch is first sent and reused by every retry of it.
     */
    const sequences = new Map()
    const sequenceOf = (topic, entry) => {
      const key = partitionKey(topic, entry.partition)
      const producerId = eosManager.getProducerId()
      const producerEpoch = eosManager.getProducerEpoch()
      const taken = sequences.get(key)
      if (taken && taken.producerId === producerId && taken.producerEpoch === producerEpoch) {
        return taken.firstSequence
      }
      const firstSequence = eosManager.getSequence(topic, entry.partition)
      eosManager.updateSequence(topic, entry.partition, entry.messages.length)
      sequences.set(key, { producerId, producerEpoch, firstSequence })
      return firstSequence
    }

    const sendToBroker = async (broker, topicDataForBroker) => {
      const topicData = createTopicData(topicDataForBroker)

      await eosManager.acquireBrokerLock(broker)
      try {
        topicData.forEach(({ topic, partitions }) => {
          partitions.forEach(entry => {
            entry['firstSequence'] = sequenceOf(topic, entry)
          })
        })

        const response = await broker.produce({
          transactionalId: eosManager.isTransactional()
            ? eosManager.getTransactionalId()
            : undefined,
          producerId: eosManager.getProducerId(),
          producerEpoch: eosManager.getProducerEpoch(),
          acks,
          timeout,
          compression,
          topicData,
        })

        const entries = acks !== 0 ? responseSerializer(response) : []
        topicData.forEach(({ topic, partitions }) => {
          partitions.forEach(({ partition }) => {
            const own = entries.filter(
              entry => entry.topicName === topic && entry.partition === partition
            )
            acknowledged.set(partitionKey(topic, partition), own)
          })
        })
      } finally {
        await eosManager.releaseBrokerLock(broker)
      }
    }

    /** One attempt: every unacknowledged partition to its current leader; settles them all. */
    const sendPending = async () => {
      await cluster.refreshMetadataIfNecessary()

      const perBroker = new Map()
      for (const topic of new Set(topicMessages.map(({ topic }) => topic))) {
        const messagesPerPartition = groupOnce(topic)
        const pending = keys(messagesPerPartition).filter(
          partition => !acknowledged.has(partitionKey(topic, Number(partition)))
        )
        if (pending.length === 0) continue

        const partitionsPerLeader = cluster.findLeaderForPartitions(topic, pending)
        const led = new Set(Object.values(partitionsPerLeader).flat())
        const leaderless = pending.filter(partition => !led.has(Number(partition)))
        if (leaderless.length > 0) {
          // Retried after a metadata refresh, like a topic without metadata.
          throw new KafkaJSMetadataNotLoaded(
            `No leader known for partition(s) ${leaderless.join(', ')} of ${topic}`
          )
        }

        for (const nodeId of keys(partitionsPerLeader)) {
          const broker = await cluster.findBroker({ nodeId })
          if (!perBroker.has(broker)) perBroker.set(broker, [])
          perBroker.get(broker).push({
            topic,
            partitions: partitionsPerLeader[nodeId],
            messagesPerPartition,
          })
        }
      }

      if (eosManager.isTransactional() && perBroker.size > 0) {
        const partitionsPerTopic = new Map()
        for (const data of perBroker.values()) {
          for (const { topic, partitions } of data) {
            partitionsPerTopic.set(topic, [...(partitionsPerTopic.get(topic) || []), ...partitions])
          }
        }
        await eosManager.addPartitionsToTransaction(
          Array.from(partitionsPerTopic.entries()).map(([topic, partitions]) => ({
            topic,
            partitions: partitions.map(partition => ({ partition })),
          }))
        )
      }

      const results = await Promise.allSettled(
        Array.from(perBroker.entries()).map(([broker, data]) => sendToBroker(broker, data))
      )
      const failure = results.find(result => result.status === 'rejected')
      if (failure) throw failure.reason
    }

    return retrier(async (bail, retryCount, retryTime) => {
      const topics = topicMessages.map(({ topic }) => topic)
      await cluster.addMultipleTargetTopics(topics)

      try {
        await sendPending()
        return Array.from(messagesPerTopic.entries()).flatMap(([topic, messagesPerPartition]) =>
          keys(messagesPerPartition).flatMap(
            partition => acknowledged.get(partitionKey(topic, Number(partition))) || []
          )
        )
      } catch (e) {
        if (e.name === 'KafkaJSConnectionClosedError') {
          cluster.removeBroker({ host: e.host, port: e.port })
        }

        if (!cluster.isConnected()) {
          logger.debug(`Cluster has disconnected, reconnecting: ${e.message}`, {
            retryCount,
            retryTime,
          })
          await cluster.connect()
          await cluster.refreshMetadata()
          throw e
        }

        // This is necessary in case the metadata is stale and the number of partitions
        // for this topic has increased in the meantime
        if (
          staleMetadata(e) ||
          e.name === 'KafkaJSMetadataNotLoaded' ||
          e.name === 'KafkaJSConnectionError' ||
          e.name === 'KafkaJSConnectionClosedError' ||
          (e.name === 'KafkaJSProtocolError' && e.retriable)
        ) {
          logger.error(`Failed to send messages: ${e.message}`, { retryCount, retryTime })
          await cluster.refreshMetadata()
          throw e
        }

        logger.error(`${e.message}`, { retryCount, retryTime })
        if (e.retriable) throw e
        bail(e)
      }
    })
  }
}
