import { type RegistryAdmin, RegistryError } from "./schema-registry.js";
import { avroType, type TopicSchema } from "./schemas.js";

export const COMPATIBILITY = "BACKWARD";

export interface RegisterResult {
  readonly subject: string;
  readonly status: "registered" | "unchanged";
  readonly id: number;
}

/**
 * Registers every schema under `<topic>-value` with BACKWARD compatibility. The rule is set
 * before the version, so that the registry itself refuses an incompatible one (Apicurio
 * enforces nothing without a rule). Running it again changes nothing.
 */
export async function registerSchemas(admin: RegistryAdmin, schemas: Iterable<TopicSchema>): Promise<RegisterResult[]> {
  const results: RegisterResult[] = [];
  for (const schema of schemas) {
    const existing = await admin.lookup(schema.subject, schema.text);
    await ensureCompatibility(admin, schema.subject);
    if (existing) {
      results.push({ subject: schema.subject, status: "unchanged", id: existing.id });
      continue;
    }
    results.push({ subject: schema.subject, status: "registered", id: await register(admin, schema) });
  }
  return results;
}

/** A registry conflict (409): what a second worker starting at the same moment meets. */
const isConflict = (error: unknown) => error instanceof RegistryError && error.status === 409;

/**
 * Sets the subject's BACKWARD rule unless it has it. Workers starting together race to set it,
 * and the registry refuses the second (Apicurio: 409 "A rule named 'COMPATIBILITY' already
 * exists"): a conflict is fine when the rule is there once it is read again.
 */
async function ensureCompatibility(admin: RegistryAdmin, subject: string): Promise<void> {
  if ((await admin.compatibility(subject)) === COMPATIBILITY) return;
  try {
    await admin.setCompatibility(subject, COMPATIBILITY);
  } catch (error) {
    if (!isConflict(error) || (await admin.compatibility(subject)) !== COMPATIBILITY) throw error;
  }
}

/**
 * Registers a version. A conflict is fine when another worker registered the same schema at the
 * same moment (it is then found); otherwise it is a schema the registry refuses as incompatible.
 */
async function register(admin: RegistryAdmin, schema: TopicSchema): Promise<number> {
  try {
    return await admin.register(schema.subject, schema.text);
  } catch (error) {
    const registered = isConflict(error) ? await admin.lookup(schema.subject, schema.text) : undefined;
    if (registered) return registered.id;
    throw error;
  }
}

export interface CheckResult {
  readonly subject: string;
  readonly status: "new" | "unchanged" | "compatible" | "incompatible";
  /** Why, for an incompatible schema, as avsc's resolver explains it. */
  readonly reason?: string;
  /** Set when the subject's compatibility level is not BACKWARD. */
  readonly warning?: string;
}

/** Why a reader with `next` cannot read data written with `previous`, or undefined when it can. */
export function backwardIncompatibility(previous: string, next: TopicSchema): string | undefined {
  try {
    next.type.createResolver(avroType(JSON.parse(previous)));
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Tells, before deploying, whether each local schema would be accepted by the registry. */
export async function checkSchemas(admin: RegistryAdmin, schemas: Iterable<TopicSchema>): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const schema of schemas) {
    const latest = await admin.latest(schema.subject);
    if (!latest) {
      results.push({ subject: schema.subject, status: "new" });
      continue;
    }
    const level = await admin.compatibility(schema.subject);
    const warning =
      level === COMPATIBILITY
        ? {}
        : { warning: `compatibility is ${level ?? "the registry default"}, not ${COMPATIBILITY}` };
    if (await admin.lookup(schema.subject, schema.text)) {
      results.push({ subject: schema.subject, status: "unchanged", ...warning });
      continue;
    }
    const reason = backwardIncompatibility(latest.schema, schema);
    const compatible = (await admin.isCompatible(schema.subject, schema.text)) && reason === undefined;
    results.push({
      subject: schema.subject,
      status: compatible ? "compatible" : "incompatible",
      ...(compatible ? {} : { reason: reason ?? "the registry refuses it" }),
      ...warning,
    });
  }
  return results;
}
