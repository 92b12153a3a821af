/**
 * A deterministic generator of realistic raw events for benchmarks and demos: mostly group calls
 * with 5-30 traits (some nested, reserved traits in mixed spellings), semantic and ordinary track
 * events, a few unsupported calls, and about 2% invalid input. The same seed gives the same bytes.
 */

/** mulberry32: small, fast, and good enough to vary test data; never for anything secret. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type GeneratedKind = "group" | "track_semantic" | "track_ordinary" | "unsupported" | "invalid";

export interface GeneratedEvent {
  readonly kind: GeneratedKind;
  readonly bytes: Buffer;
}

const INDUSTRIES = ["Technology", "Retail", "Education", "Finance", "Health", "Media"];
const PLANS = ["free", "starter", "growth", "enterprise"];
const NAME_SPELLINGS = ["name", "Name", "NAME"];
const CREATED_SPELLINGS = ["createdAt", "created_at", "CreatedAt", "created-at"];

export function generateEvents(count: number, seed = 42): GeneratedEvent[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const id = (prefix: string) => `${prefix}${Math.floor(random() * 1e12).toString(36)}`;
  const time = () => new Date(Date.UTC(2026, 0, 1) + int(0, 300 * 86_400_000)).toISOString();

  const context = () => ({
    active: true,
    ip: `10.${int(0, 255)}.${int(0, 255)}.${int(0, 255)}`,
    locale: "en-US",
    userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/40.0",
    channel: "browser",
    page: { path: "/pricing", title: "Pricing", url: "https://example.com/pricing" },
    campaign: random() < 0.3 ? { name: "spring", source: "newsletter", medium: "email" } : undefined,
  });

  const traits = () => {
    const result: Record<string, unknown> = {
      [pick(NAME_SPELLINGS)]: `Company ${int(1, 1e6)}`,
      industry: pick(INDUSTRIES),
      plan: pick(PLANS),
      employees: int(1, 50_000),
      [pick(CREATED_SPELLINGS)]: random() < 0.8 ? time() : int(1_400_000_000, 1_700_000_000),
    };
    if (random() < 0.4) result.website = `https://www.company${int(1, 1e6)}.example/`;
    if (random() < 0.3) {
      result.address = {
        city: "Oslo",
        postal_code: `0${int(100, 999)}`,
        country: "NO",
        Street: `${int(1, 99)} Main St`,
      };
    }
    if (random() < 0.2) result.objectTypeId = int(1, 3);
    if (random() < 0.25) result.relationshipAttributes = { role: pick(["admin", "member", "sponsor"]), since: time() };
    const custom = int(0, 24);
    for (let i = 0; i < custom; i++) {
      const roll = random();
      result[`custom_trait_${i}`] =
        roll < 0.4
          ? int(0, 1e6)
          : roll < 0.7
            ? `value ${id("")}`
            : roll < 0.8
              ? random() < 0.5
              : roll < 0.9
                ? random() * 1000
                : { nested: { level: i, tags: ["a", "b"] } };
    }
    return result;
  };

  const events: GeneratedEvent[] = [];
  for (let i = 0; i < count; i++) {
    const roll = random();
    const person = random() < 0.7 ? { userId: id("user_") } : { anonymousId: id("anon_") };
    const envelope = {
      messageId: `msg-${seed}-${i}`,
      timestamp: time(),
      receivedAt: time(),
      context: context(),
      ...person,
    };
    let kind: GeneratedKind;
    let payload: unknown;
    if (roll < 0.02) {
      kind = "invalid";
      const variant = int(0, 2);
      if (variant === 0) {
        events.push({ kind, bytes: Buffer.from(`{"type":"group","groupId":"${id("g")}",`) });
        continue;
      }
      payload =
        variant === 1
          ? { type: "group", ...envelope, traits: traits() }
          : { type: "group", groupId: id("g"), ...envelope, traits: { objectTypeId: "two" } };
    } else if (roll < 0.08) {
      kind = "track_semantic";
      payload = {
        type: "track",
        ...envelope,
        event: pick(["Delete Object", "Delete Relationship", "Object Deleted"]),
        properties: { objectId: id("g"), objectTypeId: int(1, 2) },
      };
    } else if (roll < 0.14) {
      kind = "track_ordinary";
      payload = {
        type: "track",
        ...envelope,
        event: "Order Completed",
        properties: { total: int(1, 500), currency: "EUR" },
      };
    } else if (roll < 0.16) {
      kind = "unsupported";
      payload = { type: "identify", ...envelope, traits: { email: "x@example.com" } };
    } else {
      kind = "group";
      payload = { type: "group", groupId: id("g"), ...envelope, traits: traits(), integrations: { All: true } };
    }
    events.push({ kind, bytes: Buffer.from(JSON.stringify(payload)) });
  }
  return events;
}
