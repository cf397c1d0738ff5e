/** Every Nest route of the gateway is under /api. */
export const API_PREFIX = 'api';

/** Pattern documents may be sent as YAML; the body is then parsed into the same value JSON would give. */
export const YAML_CONTENT_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];
