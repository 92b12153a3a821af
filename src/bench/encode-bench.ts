import { Command, InvalidArgumentError } from "commander";
import {
  crc32cImplementation,
  type KafkajsEncoding,
  type ProduceMessage,
  type ProduceRequest,
  patchedKafkajs,
  stockKafkajs,
} from "./kafkajs-stock.js";
import { median } from "./median.js";

// `npm run bench:encode`: the main-thread CPU that kafkajs's produce path spends per record,
// stock 2.2.4 against the install-time patch (docs/kafkajs-patch.md): grouping a send's messages
// per partition, then encoding and framing the Produce requests, as the worker's sends do. No
// broker: CPU time of this process (user + system), so the figure holds on a busy machine too.

interface Options {
  records: number;
  rounds: number;
  valueBytes: number;
  partitions: number;
  perRequest: number;
}

const positive = (text: string) => {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new InvalidArgumentError("a positive integer");
  return value;
};

const options = new Command("bench:encode")
  .option("--records <n>", "records encoded per round", positive, 200_000)
  .option("--rounds <n>", "rounds per implementation (the median is reported)", positive, 5)
  .option("--value-bytes <n>", "bytes per record value (the worker's mean Avro record is about 350)", positive, 350)
  .option("--partitions <n>", "partitions per request", positive, 6)
  .option("--per-request <n>", "records per request", positive, 600)
  .parse()
  .opts<Options>();

type Keyed = ProduceMessage & { partition: number };

function messagesFor(options: Options): Keyed[] {
  const value = Buffer.alloc(options.valueBytes, 7);
  const timestamp = Date.now();
  return Array.from({ length: options.perRequest }, (_, i) => ({
    key: `1:account-${i}`,
    value,
    timestamp: String(timestamp + i),
    partition: i % options.partitions,
  }));
}

async function encodeRequest(encoding: KafkajsEncoding, messages: Keyed[], round: number): Promise<Buffer> {
  const grouped = encoding.groupMessagesPerPartition({
    topic: "cdp.customerio",
    partitionMetadata: Array.from({ length: options.partitions }, (_, partitionId) => ({ partitionId })),
    messages,
    partitioner: ({ message }) => (message as Keyed).partition,
  });
  const request: ProduceRequest = {
    transactionalId: null,
    producerId: 4_711,
    producerEpoch: 0,
    acks: -1,
    timeout: 30_000,
    topicData: [
      {
        topic: "cdp.customerio",
        partitions: Object.entries(grouped).map(([partition, partitionMessages]) => ({
          partition: Number(partition),
          firstSequence: round * options.perRequest,
          messages: partitionMessages,
        })),
      },
    ],
  };
  return encoding.encodeProduce(request, round);
}

async function microsecondsPerRecord(encoding: KafkajsEncoding, messages: Keyed[]): Promise<number> {
  const requests = Math.ceil(options.records / options.perRequest);
  const start = process.cpuUsage();
  for (let i = 0; i < requests; i++) await encodeRequest(encoding, messages, i);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / (requests * options.perRequest);
}

async function main(): Promise<void> {
  const messages = messagesFor(options);
  const stock = stockKafkajs();
  const patched = patchedKafkajs();
  const same = (await encodeRequest(stock, messages, 1)).equals(await encodeRequest(patched, messages, 1));
  if (!same)
    throw new Error("the patched encoding differs from stock kafkajs: see test/unit/kafka/kafkajs-encoding.test.ts");
  const results = { stock: [] as number[], patched: [] as number[] };
  // Alternate the two so that a busy moment of the machine falls on both alike; one warm-up each.
  await microsecondsPerRecord(stock, messages);
  await microsecondsPerRecord(patched, messages);
  for (let round = 0; round < options.rounds; round++) {
    results.stock.push(await microsecondsPerRecord(stock, messages));
    results.patched.push(await microsecondsPerRecord(patched, messages));
  }
  const stockMedian = median(results.stock);
  const patchedMedian = median(results.patched);
  console.log(
    `bench:encode: ${options.records} records/round, ${options.valueBytes}-byte values, ${options.perRequest} records in ${options.partitions} partitions per request, CRC32C ${crc32cImplementation()}, byte-identical to stock: yes`,
  );
  console.log(`  stock kafkajs 2.2.4: ${stockMedian.toFixed(2)} µs/record (rounds: ${format(results.stock)})`);
  console.log(`  patched:             ${patchedMedian.toFixed(2)} µs/record (rounds: ${format(results.patched)})`);
  console.log(`  patched/stock: ${(patchedMedian / stockMedian).toFixed(2)}x CPU per record`);
}

const format = (values: number[]) => values.map((value) => value.toFixed(2)).join(", ");

await main();
