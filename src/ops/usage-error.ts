/**
 * A mistake in what the user asked (an argument, a range, a count): the command says what and
 * exits 2, as opposed to a failure on the way (exit 1) or an operational error (its own code).
 */
export class UsageError extends Error {}

/** The exit code of a UsageError. */
export const EXIT_BAD_INPUT = 2;
