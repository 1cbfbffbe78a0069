/**
 * Event bus channel on which a new registry version is announced. The message is only a hint
 * (`{ version }`): a gateway reads the version from the registry itself, so a message from another
 * registry sharing the bus costs one query and changes nothing.
 */
export const REGISTRY_CHANNEL = 'schema-registry.version';

export interface RegistryAnnouncement {
  version: number;
}
