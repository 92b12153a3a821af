import { DEAD_LETTER_TOPIC, RAW_TOPICS } from "../core/topics.js";
import { DESTINATION_TOPICS } from "../destinations/index.js";

/**
 * Every topic cdp-router reads or writes: the worker's topic set-up, `cdp-router topics` and
 * docker-compose's init step (a test keeps compose in step).
 */
export const ALL_TOPICS: readonly string[] = [...RAW_TOPICS, ...DESTINATION_TOPICS, DEAD_LETTER_TOPIC];

/** The topics the worker writes: the destinations' and the dead-letter topic (a replay's shadow topics mirror these). */
export const OUTPUT_TOPICS: readonly string[] = [...DESTINATION_TOPICS, DEAD_LETTER_TOPIC];
