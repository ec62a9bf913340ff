/**
 * `cluster.acl`: authentication and authorization (RocketMQ 5's ACL 2.0) on the brokers the
 * harness starts. Users with their permissions; fleets name the user they sign as
 * (`credentials:`), the `acl.revoke` fault takes a permission away mid-run. A user's secret is
 * a reference, never the value: `env:NAME`, `file:PATH` (relative to the plan file) or
 * `generated` (a random one per run). A literal still works but draws a warning, and the
 * run's copy of the plan replaces it with an `env:` reference.
 */
import { z } from 'zod';
import { list, map, oneOf, opt, patterned, req } from './schema-primitives.ts';

export const ACL_USER_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** ACL 2.0's resource syntax: `Type:name`, `Type:prefix*`, `Type:*`. */
export const ACL_RESOURCE = /^(Cluster|Namespace|Topic|Group):(\*|[A-Za-z0-9%_-]+\*?)$/;
export const ACL_ACTIONS = ['Pub', 'Sub', 'Create', 'Update', 'Delete', 'Get', 'List', 'All'] as const;
export const SECRET_ENV = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;
export const SECRET_FILE = /^file:(.+)$/;
export const SECRET_GENERATED = 'generated';

const SECRET_FORMS = 'env:NAME, file:PATH or generated';

/** Never echoes the value: a wrong secret must not be printed even in an error. */
const secret = () =>
  z
    .string({ error: () => `expected ${SECRET_FORMS} (a literal secret is refused unless it is a string)` })
    .min(1, { error: () => `expected ${SECRET_FORMS}, got an empty string` });

const permission = map(
  {
    resource: req(
      patterned(ACL_RESOURCE, 'a resource such as "Topic:orders", "Group:billing", "Topic:order*" or "Topic:*"'),
      'What the permission is on: Cluster, Namespace, Topic or Group, then ":" and a name, a prefix ending in ' +
        '"*", or "*" for all.',
    ),
    actions: req(
      list(oneOf(ACL_ACTIONS), `actions (${ACL_ACTIONS.join(', ')})`).min(1, { error: 'expected at least one action' }),
      'What the user may do there: Pub (send), Sub (consume), Create, Update, Delete, Get, List, All.',
    ),
  },
  'permission fields (resource, actions)',
);

const user = map(
  {
    name: req(
      patterned(ACL_USER_NAME, 'a user name of letters, digits, "_" and "-" such as "orders-app"'),
      'The user name (ACL 2.0 username; the access key a client signs with).',
    ),
    secret: req(
      secret(),
      'The password (secret key), by reference: env:NAME (an environment variable), file:PATH (a file, relative ' +
        'to the plan, trailing newline removed) or generated (random for each run, known only to the run). It ' +
        'is never written to a report, event log, summary or the console. A literal works but draws a warning.',
    ),
    allow: opt(
      list(permission, 'permissions'),
      'What the user may do: Allow entries of its ACL, applied on every broker. None: the user authenticates ' +
        'but may do nothing.',
    ),
  },
  'user fields (name, secret, allow)',
);

export const acl = () =>
  map(
    {
      users: req(
        list(user, 'users').min(1, { error: 'expected at least one user' }),
        'ACL users created on every broker before load (normal users; the harness signs its own admin ' +
          'requests as a super user with a generated secret).',
      ),
    },
    'acl settings (users)',
  );
