import { spawn } from "node:child_process";
import { kafkaTools } from "../stack/stack.js";

// Kafka's own Java producer as the ceiling of `npm run bench:worker`: ProducerPerformance from
// kafka-tools of the broker's version, on the same broker in the same run, with records of the
// worker's mean output size and the worker's acks (all) and idempotence.

export interface JavaProducerRun {
  readonly label: string;
  readonly recordsPerSecond: number;
  readonly megabytesPerSecond: number;
  /** ProducerPerformance's own summary line. */
  readonly summary: string;
}

export interface JavaProducerOptions {
  readonly brokers: string;
  readonly topic: string;
  readonly records: number;
  readonly recordBytes: number;
  /** Producer settings beyond bootstrap.servers, acks=all and enable.idempotence=true. */
  readonly extraProps: Readonly<Record<string, string>>;
  readonly label: string;
}

/** ProducerPerformance's final line: "N records sent, R records/sec (M MB/sec), ..." */
export function parseProducerPerformance(output: string): {
  recordsPerSecond: number;
  megabytesPerSecond: number;
  summary: string;
} {
  const lines = output.split("\n").filter((line) => /records sent, [\d.]+ records\/sec/.test(line));
  const summary = lines.at(-1);
  const match = summary && /([\d.]+) records\/sec \(([\d.]+) MB\/sec\)/.exec(summary);
  if (!summary || !match) throw new Error(`ProducerPerformance printed no summary line:\n${output.slice(-2_000)}`);
  return { recordsPerSecond: Number(match[1]), megabytesPerSecond: Number(match[2]), summary: summary.trim() };
}

export async function runJavaProducer(options: JavaProducerOptions): Promise<JavaProducerRun> {
  const tools = await kafkaTools({ say: (line) => console.error(`[bench] ${line}`) });
  const props = {
    "bootstrap.servers": options.brokers,
    acks: "all",
    "enable.idempotence": "true",
    ...options.extraProps,
  };
  const args = [
    "-Xmx1g",
    "-cp",
    tools.classpath,
    "org.apache.kafka.tools.ProducerPerformance",
    "--topic",
    options.topic,
    "--num-records",
    String(options.records),
    "--record-size",
    String(options.recordBytes),
    "--throughput",
    "-1",
    "--producer-props",
    ...Object.entries(props).map(([key, value]) => `${key}=${value}`),
  ];
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(tools.java, args, { stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => {
      text += chunk.toString();
    });
    let errors = "";
    child.stderr.on("data", (chunk: Buffer) => {
      errors = (errors + chunk.toString()).slice(-4_000);
    });
    child.on("error", reject);
    // "close": after stdout is read to the end (at "exit" its summary line may still be unread).
    child.on("close", (code) =>
      code === 0
        ? resolve(text)
        : reject(new Error(`ProducerPerformance exited ${code}:\n${errors}\n${text.slice(-2_000)}`)),
    );
  });
  return { label: options.label, ...parseProducerPerformance(output) };
}
