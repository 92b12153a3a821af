/**
 * The worker's memory bound lives in V8's young generation. On a machine with gigabytes of memory
 * V8 lets each isolate's semi-spaces grow to 32 MiB (a 64 MiB new space, measured on Node 24 here),
 * and the worker fills them: kafkajs allocates per record on the main thread, the pipeline per
 * event on the transform thread. Capped at SEMI_SPACE_MB, the short-lived objects are collected
 * sooner; `npm run bench:worker` measures peak RSS and throughput with and without the cap
 * (README, "Worker benchmark"). The flag sets every isolate's semi-space, the transform threads'
 * too (measured: their new space follows it whatever `resourceLimits` says).
 *
 * 8 rather than 4: at 4 the event loop collected its young generation about 30 times a second at
 * 5,000 events/s (2.6 s of pauses in about 45 s) and the transform thread 816 times (1.2 s); at 8,
 * 736 (1.6 s) and 438 (0.8 s) times, with as many full collections as before. Ten
 * alternating `BENCH_ONLY=alo` pairs: 96-124 against 106-144 µs of CPU per event (9 of 10 pairs
 * lower), peak RSS 247-277 against 236-254 MiB. 16 was faster still but peaked at 289-299 MiB, at
 * the edge of the 300 MiB target (README, "Worker benchmark" and "Memory").
 */
export const SEMI_SPACE_MB = 8;

/** V8's young generation is three semi-spaces (two for copying, one for new large objects). */
export const YOUNG_GENERATION_MB = 3 * SEMI_SPACE_MB;

/**
 * How far V8 lets an isolate's old generation grow past what survived its last full collection,
 * in percent. Left to itself, V8 picks a factor of its own, and `--trace-gc` showed each of the
 * worker's isolates reaching 65-75 MiB of heap with 10-30 MiB alive. At 150 (a limit 2.5 times the
 * live heap) peak RSS is 40-60 MiB lower; with the event loop transforming a share of the
 * partitions (CDP_TRANSFORM_ON_MAIN, the default) it keeps its throughput (README, "Memory").
 */
export const HEAP_GROWING_PERCENT = 150;

/**
 * Node's flags for a worker process. Both can only be set when Node starts (NODE_OPTIONS refuses
 * the second), so every launcher of a worker passes these: the Docker image's ENTRYPOINT, `npm
 * start`, the benchmark and the fault campaign (a test keeps the Dockerfile and package.json in
 * step). The transform thread gets its young generation's limit from the worker itself
 * (`resourceLimits`), however it was launched.
 */
export const WORKER_NODE_FLAGS: readonly string[] = [
  `--max-semi-space-size=${SEMI_SPACE_MB}`,
  `--heap-growing-percent=${HEAP_GROWING_PERCENT}`,
];

/**
 * The worker's environment for glibc's allocator. glibc gives each thread that allocates its own
 * malloc arena (up to 8 per core), and the worker has several (the event loop, the transform
 * thread, libuv's and V8's helpers); Buffers and the chunks passed between the threads are malloc
 * memory, and each arena keeps what it freed. Two arenas: peak RSS 260-268 MiB against 270-288 at
 * full speed (`npm run bench:worker`, alternating runs, README "Memory"), throughput unchanged.
 * Every launcher sets it like WORKER_NODE_FLAGS (the image as an ENV); a value already in the
 * environment wins. Other C libraries (musl) ignore it.
 */
export const WORKER_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: "2" };

/** `env` for spawning a worker: WORKER_ENV under whatever `env` already says. */
export function workerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...WORKER_ENV, ...env };
}
