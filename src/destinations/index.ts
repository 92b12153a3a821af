import type { Destination } from "../core/destination.js";
import { amplitude } from "./amplitude.js";
import { customerio } from "./customerio.js";
import { hubspot } from "./hubspot.js";
import { intercom } from "./intercom.js";
import { mixpanel } from "./mixpanel.js";
import { warehouse } from "./warehouse.js";

/** Every destination cdp-router can route to, in one explicit list. */
export const DESTINATIONS: readonly Destination[] = [customerio, mixpanel, intercom, hubspot, amplitude, warehouse];

export const DESTINATION_IDS: readonly string[] = DESTINATIONS.map((destination) => destination.id);

/** Every destination topic, in the destinations' order: each destination declares its own. */
export const DESTINATION_TOPICS: readonly string[] = DESTINATIONS.flatMap((destination) => destination.topics);
