import { describe, expect, it } from "vitest";
import { registerSchemas } from "../../../src/avro/schema-management.js";
import { type RegistryAdmin, RegistryError } from "../../../src/avro/schema-registry.js";
import { loadTopicSchemas } from "../../../src/avro/schemas.js";

// Two workers starting at the same moment on a fresh registry race to set each subject's rule
// and to register each schema; the registry refuses the second of each with 409. A CI campaign
// saw a worker exit 1 on "A rule named 'COMPATIBILITY' already exists" once a 409 stopped being
// retried. The race is fine; a schema the registry really refuses is not.

const [first] = [...loadTopicSchemas().values()];
if (!first) throw new Error("no schemas");
const schema = first;

function fakeRegistry(options: { ruleRace?: boolean; registerRace?: boolean; incompatible?: boolean }) {
  let rule: string | undefined;
  let registeredId: number | undefined;
  const calls: string[] = [];
  const admin = {
    async lookup() {
      calls.push("lookup");
      return registeredId === undefined ? undefined : { id: registeredId, version: 1 };
    },
    async compatibility() {
      calls.push("compatibility");
      return rule;
    },
    async setCompatibility() {
      calls.push("setCompatibility");
      if (options.ruleRace) {
        rule = "BACKWARD"; // the other worker's, a moment earlier
        throw new RegistryError(
          "setting x's compatibility: HTTP 409: A rule named 'COMPATIBILITY' already exists.",
          409,
        );
      }
      rule = "BACKWARD";
    },
    async register() {
      calls.push("register");
      if (options.registerRace) {
        registeredId = 7;
        throw new RegistryError("registering x: HTTP 409: conflict", 409);
      }
      if (options.incompatible) throw new RegistryError("registering x: HTTP 409: incompatible", 409);
      return 7;
    },
  };
  return { admin: admin as unknown as RegistryAdmin, calls };
}

describe("registering schemas beside other workers", () => {
  it("a rule another worker set a moment earlier (409) is fine once it reads BACKWARD", async () => {
    const { admin } = fakeRegistry({ ruleRace: true });
    expect(await registerSchemas(admin, [schema])).toEqual([{ subject: schema.subject, status: "registered", id: 7 }]);
  });

  it("a schema another worker registered a moment earlier (409) is found and its id used", async () => {
    const { admin, calls } = fakeRegistry({ registerRace: true });
    expect((await registerSchemas(admin, [schema]))[0]?.id).toBe(7);
    expect(calls.slice(-2)).toEqual(["register", "lookup"]);
  });

  it("a schema the registry refuses as incompatible still fails", async () => {
    const { admin } = fakeRegistry({ incompatible: true });
    await expect(registerSchemas(admin, [schema])).rejects.toThrow(/HTTP 409: incompatible/);
  });
});
