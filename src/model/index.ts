import type { z } from '@hono/zod-openapi';
import { Agency } from './agency.ts';
import { User } from './user.ts';
import { Connector } from './connector.ts';
import { Service } from './service.ts';
import { Operation } from './operation.ts';
import { Consumer } from './consumer.ts';
import { Subscription } from './subscription.ts';
import { Settings } from './settings.ts';

export { Agency, Connector, Consumer, Operation, Service, Settings, Subscription, User };

/** Every config entity kind: its schema and how its id derives from its body. Ids are unique per kind. */
export const kinds = {
  agency: { schema: Agency, id: (e: Agency) => e.slug },
  user: { schema: User, id: (e: User) => e.username },
  connector: { schema: Connector, id: (e: Connector) => `${e.agency}/${e.slug}` },
  service: { schema: Service, id: (e: Service) => `${e.agency}/${e.slug}` },
  operation: { schema: Operation, id: (e: Operation) => `${e.agency}/${e.service}/${e.slug}` },
  consumer: { schema: Consumer, id: (e: Consumer) => `${e.agency}/${e.slug}` },
  subscription: { schema: Subscription, id: (e: Subscription) => e.id },
  settings: { schema: Settings, id: () => 'settings' },
} as const;

export type Kind = keyof typeof kinds;
export type EntityOf<K extends Kind> = z.infer<(typeof kinds)[K]['schema']>;
export const kindNames = Object.keys(kinds) as Kind[];
