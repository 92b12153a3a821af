/**
 * The topics that are not a destination's: the raw topics cdp-router reads by default and its
 * dead-letter topic. Destination topics are declared by the destinations (DESTINATION_TOPICS).
 */
export const RAW_TOPICS = ["cdp.raw.group", "cdp.raw.track"] as const;

export const DEAD_LETTER_TOPIC = "cdp.dlq";
