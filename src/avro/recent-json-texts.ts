/** How many objects' texts are kept: more than the JSON fields one event's records hold (about ten). */
const SLOTS = 16;

/**
 * JSON texts of the objects written last, looked up by identity. An event's destinations share
 * objects: the warehouse's `traits_json` is the traits Amplitude sends as `{"$set": traits}`, and
 * Customer.io's and the warehouse's relationship attributes are one object. JSON.stringify was the
 * transform's largest cost (a fifth of the thread's time), so each such object is serialised once.
 *
 * Identity is enough because records are never mutated once the pipeline built them (JsonTextType
 * relies on the same), and an object kept here cannot be collected, so no other object can take
 * its place under the same identity.
 */
export class RecentJsonTexts {
  private readonly values: unknown[] = new Array<unknown>(SLOTS).fill(undefined);
  private readonly texts: string[] = new Array<string>(SLOTS).fill("");
  private next = 0;

  /**
   * Exactly `JSON.stringify(value)` for JSON data (no `toJSON` methods, no cycles), or undefined
   * where JSON.stringify gives no text. An object of one key whose value is an object is written
   * around that object's text, which is then remembered for its next appearance.
   */
  textOf(value: unknown): string | undefined {
    if (typeof value !== "object" || value === null) return JSON.stringify(value);
    const known = this.lookUp(value);
    if (known !== undefined) return known;
    let text: string | undefined;
    const keys = Array.isArray(value) ? undefined : Object.keys(value);
    const key = keys?.length === 1 ? keys[0] : undefined;
    const member = key === undefined ? undefined : (value as Record<string, unknown>)[key];
    if (key !== undefined && typeof member === "object" && member !== null) {
      const inner = this.textOf(member);
      text = inner === undefined ? undefined : `{${JSON.stringify(key)}:${inner}}`;
    } else {
      text = JSON.stringify(value);
    }
    if (text !== undefined) this.remember(value, text);
    return text;
  }

  private lookUp(value: object): string | undefined {
    // Newest first: a repeat mostly follows closely.
    for (let step = 1; step <= SLOTS; step++) {
      const slot = (this.next - step + SLOTS) % SLOTS;
      if (this.values[slot] === value) return this.texts[slot];
    }
    return undefined;
  }

  private remember(value: object, text: string): void {
    this.values[this.next] = value;
    this.texts[this.next] = text;
    this.next = (this.next + 1) % SLOTS;
  }
}
