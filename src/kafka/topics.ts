/**
 * Every topic cdp-router reads or writes, by role. One list, used by the worker's topic
 * set-up, the local stack's docs and docker-compose's init step (a test keeps them in step).
 */
export const RAW_TOPICS = ["cdp.raw.group", "cdp.raw.track"] as const;

export const DESTINATION_TOPICS = [
  "cdp.dest.customerio",
  "cdp.dest.mixpanel",
  "cdp.dest.intercom",
  "cdp.dest.hubspot",
  "cdp.dest.amplitude",
  "cdp.dest.warehouse.groups",
  "cdp.dest.warehouse.memberships",
] as const;

export const DEAD_LETTER_TOPIC = "cdp.dlq";

export const ALL_TOPICS: readonly string[] = [...RAW_TOPICS, ...DESTINATION_TOPICS, DEAD_LETTER_TOPIC];
