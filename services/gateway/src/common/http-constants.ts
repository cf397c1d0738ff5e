/** Every Nest route of the gateway is under /api, but the compatible API's (COMPAT_PREFIX). */
export const API_PREFIX = 'api';

/** The OpenAI/Anthropic-compatible routes keep the vendors' own paths (SDKs append them to a base URL). */
export const COMPAT_PREFIX = 'v1';

/** Pattern documents may be sent as YAML; the body is then parsed into the same value JSON would give. */
export const YAML_CONTENT_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];
