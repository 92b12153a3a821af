import { customerio } from "./customerio.js";
import type { Destination } from "./destination.js";

/** Every destination cdp-router can route to, in one explicit list. */
export const DESTINATIONS: readonly Destination[] = [customerio];

export const DESTINATION_IDS: readonly string[] = DESTINATIONS.map((destination) => destination.id);

export function destinationsById(ids: readonly string[]): Destination[] {
  return DESTINATIONS.filter((destination) => ids.includes(destination.id));
}
