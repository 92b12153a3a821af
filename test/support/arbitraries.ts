import fc from "fast-check";

// Hostile and random inputs for property-based tests, as JSON text built by hand so that keys
// such as __proto__ reach the parser exactly as written.

const HOSTILE_KEYS = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "createdAt",
  "created_at",
  "CREATED-AT",
  "objectTypeId",
  "object_type_id",
  "relationshipAttributes",
  "relationship_attributes",
  "address",
  "postal_code",
  "City",
  "objectId",
  "object_id",
  "name",
  "NAME",
];

export const key = fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 12 }));

export const scalarText = fc.oneof(
  fc.constant("null"),
  fc.boolean().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.integer().map(String),
  fc.constantFrom("0", "-0", "1e308", "9007199254740993", "1.5e-7", "2147483648", "2"),
  fc.string().map((s) => JSON.stringify(s)),
  fc.constantFrom(
    '"2015-02-23T22:28:55.6527521Z"',
    '"2015-02-23T22:28:55.111Z,"',
    '""',
    '"   "',
    '"cio_1"',
    '"a@b.io"',
  ),
);

/** JSON text built by hand, so keys such as __proto__ reach the parser as written. */
export const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalarText,
    fc.array(tie("value"), { maxLength: 5 }).map((items) => `[${items.join(",")}]`),
    fc
      .array(fc.tuple(key, tie("value")), { maxLength: 6 })
      .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`),
  ),
})).value;

const TYPES = ["group", "track", "identify", "page", "screen", "alias", "GROUP", "", "delete"];
const EVENTS = [
  "Delete Object",
  "delete  relationship",
  "Object Deleted",
  "Relationship Deleted",
  "Order Completed",
  "",
];

/** Payloads shaped like events, with every field drawn from hostile or random values. */
export const eventText = fc
  .record(
    {
      type: fc.oneof(
        fc.constantFrom(...TYPES).map((t) => JSON.stringify(t)),
        jsonText,
      ),
      groupId: fc.oneof(scalarText, jsonText),
      userId: fc.oneof(scalarText, jsonText),
      anonymousId: scalarText,
      messageId: fc.oneof(fc.constantFrom('"m1"', '"m2"', '"m3"'), scalarText),
      event: fc.oneof(
        fc.constantFrom(...EVENTS).map((e) => JSON.stringify(e)),
        scalarText,
      ),
      traits: jsonText,
      properties: jsonText,
      integrations: fc.oneof(
        jsonText,
        fc.constantFrom(
          '{"All":false,"Customer.io":true}',
          '{"All":false}',
          '{"customerio":false}',
          '{"Mixpanel":false}',
        ),
      ),
      objectTypeId: scalarText,
      timestamp: scalarText,
      receivedAt: scalarText,
      context: jsonText,
    },
    { requiredKeys: [] },
  )
  .map(
    (fields) =>
      `{${Object.entries(fields)
        .map(([k, v]) => `${JSON.stringify(k)}:${v}`)
        .join(",")}}`,
  );
