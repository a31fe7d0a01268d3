/** A configuration Hangar cannot run with (a malformed variable, a missing one): the start stops with this message, without a stack. */
export class ConfigError extends Error {}
