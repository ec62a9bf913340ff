/**
 * Writes `src/cluster/server-conf/catalogue.generated.ts`: every key a RocketMQ broker reads
 * from broker.conf and a name server from its conf file, with its Java type, read from the
 * server classes in the cached jars with `javap -p` (so nothing is typed by hand).
 *
 * Why setters: both servers load their conf file with `MixAll.properties2Object`, which, for
 * each public `set*` method of the config object, reads the property named after the setter
 * (`setListenPort` → `listenPort`) and converts it by the parameter's type: int, long, double,
 * float, boolean (and their boxes) or String; any other parameter type is skipped. A String
 * setter of a field whose type is an enum (`setFlushDiskType(String)` calls `valueOf`) takes
 * that enum's constants. A value that does not convert is dropped without a word (the method
 * swallows the exception), which is why the plan checks every value against this catalogue.
 *
 * Objects: `BrokerStartup` applies broker.conf to BrokerConfig, NettyServerConfig,
 * NettyClientConfig, MessageStoreConfig and AuthConfig; `NamesrvStartup` applies its file to
 * NamesrvConfig, NettyServerConfig and NettyClientConfig (and to ControllerConfig only with
 * `enableControllerInNamesrv`, a mode rmq-chaos does not run, so it is left out).
 *
 * Run: `npm run catalogue` (after `npm run setup` has cached the jars). A unit test re-reads
 * the jars when they are cached and compares with the committed file.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cachePaths } from '../src/setup/cache-dir.ts';
import { ROCKETMQ_VERSION } from '../src/setup/versions.ts';

export const CATALOGUE_PATH = fileURLToPath(
  new URL('../src/cluster/server-conf/catalogue.generated.ts', import.meta.url),
);

/** What properties2Object converts a value to; an enum is its constants, in declaration order. */
export type JavaConfType = 'int' | 'long' | 'float' | 'double' | 'boolean' | 'String' | readonly string[];

export interface ServerConfCatalogue {
  /** key → type, grouped by the class that declares it (first class wins for a shared key). */
  broker: Record<string, Record<string, JavaConfType>>;
  namesrv: Record<string, Record<string, JavaConfType>>;
}

export const BROKER_CLASSES = [
  'org.apache.rocketmq.common.BrokerConfig',
  'org.apache.rocketmq.store.config.MessageStoreConfig',
  'org.apache.rocketmq.remoting.netty.NettyServerConfig',
  'org.apache.rocketmq.remoting.netty.NettyClientConfig',
  'org.apache.rocketmq.auth.config.AuthConfig',
] as const;

export const NAMESRV_CLASSES = [
  'org.apache.rocketmq.common.namesrv.NamesrvConfig',
  'org.apache.rocketmq.remoting.netty.NettyServerConfig',
  'org.apache.rocketmq.remoting.netty.NettyClientConfig',
] as const;

/** properties2Object's conversions, by the parameter's simple name. */
const SCALARS: Record<string, JavaConfType> = {
  int: 'int',
  'java.lang.Integer': 'int',
  long: 'long',
  'java.lang.Long': 'long',
  double: 'double',
  'java.lang.Double': 'double',
  float: 'float',
  'java.lang.Float': 'float',
  boolean: 'boolean',
  'java.lang.Boolean': 'boolean',
  'java.lang.String': 'String',
};

/** One class as `javap -p` prints it. */
export interface JavapClass {
  name: string;
  superclass?: string;
  /** Set for an enum: its constants in order. */
  enumConstants?: string[];
  /** field name → declared type. */
  fields: Map<string, string>;
  /** Public instance one-argument setters: method name → parameter types (overloads). */
  setters: Map<string, string[]>;
}

const CLASS_LINE =
  /^(?:public |protected |private )?(?:abstract |final )*(?:class|enum) ([\w.$]+)(?: extends ([\w.$]+))?/;
const FIELD_LINE = /^ {2}(?:(?:public|protected|private|static|final|volatile|transient) )*([\w.$<>[\], ]+?) (\w+);$/;
const SETTER_LINE = /^ {2}public (?!static)(?:(?:final|synchronized) )*void (set\w+)\(([\w.$[\]]+)\);$/;

/** Splits `javap -p A B C` output into classes. */
export function parseJavap(output: string): JavapClass[] {
  const classes: JavapClass[] = [];
  let current: JavapClass | undefined;
  for (const line of output.split('\n')) {
    const header = CLASS_LINE.exec(line);
    if (header) {
      const superclass = header[2];
      current = { name: header[1] ?? '', fields: new Map(), setters: new Map() };
      if (superclass === 'java.lang.Enum') current.enumConstants = [];
      else if (superclass && superclass !== 'java.lang.Object') current.superclass = superclass;
      classes.push(current);
      continue;
    }
    if (!current) continue;
    const setter = SETTER_LINE.exec(line);
    if (setter) {
      const [, method = '', parameter = ''] = setter;
      current.setters.set(method, [...(current.setters.get(method) ?? []), parameter]);
      continue;
    }
    const field = FIELD_LINE.exec(line);
    if (!field) continue;
    const [, type = '', name = ''] = field;
    if (current.enumConstants && type === current.name && /^ {2}public static final /.test(line)) {
      current.enumConstants.push(name);
    } else if (!line.includes(' static ')) {
      current.fields.set(name, type);
    }
  }
  return classes;
}

function javap(classpath: string, classNames: readonly string[]): JavapClass[] {
  const output = execFileSync('javap', ['-p', '-cp', classpath, ...classNames], { encoding: 'utf8' });
  return parseJavap(output);
}

/** `setBrokerIP1` → `brokerIP1`, exactly as properties2Object derives the property name. */
export function propertyName(setter: string): string {
  return setter.charAt(3).toLowerCase() + setter.slice(4);
}

function sameType(a: JavaConfType, b: JavaConfType): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The key's type from its setters: a String setter of an enum-typed field (or beside an
 * enum-typed overload) takes the enum's constants; otherwise the one convertible parameter.
 */
function keyType(
  owner: JavapClass,
  key: string,
  parameters: readonly string[],
  enumOf: (type: string) => string[] | undefined,
): JavaConfType | undefined {
  const candidates = [...parameters, owner.fields.get(key) ?? ''];
  const enumConstants = candidates.map(enumOf).find((constants) => constants !== undefined);
  if (enumConstants && parameters.includes('java.lang.String')) return enumConstants;
  const scalars = [...new Set(parameters.map((p) => SCALARS[p]).filter((t) => t !== undefined))];
  if (scalars.length > 1) {
    throw new Error(`${owner.name}.${key}: setters of several types (${scalars.join(', ')}); decide which one wins`);
  }
  return scalars[0];
}

/** Reads every class (with its superclasses and the enums it refers to) from the jars in `libDir`. */
export function readServerConfCatalogue(libDir: string): ServerConfCatalogue {
  const classpath = readdirSync(libDir)
    .filter((name) => name.endsWith('.jar'))
    .map((name) => join(libDir, name))
    .join(':');
  const loaded = new Map<string, JavapClass>();
  const load = (names: readonly string[]): void => {
    const missing = [...new Set(names)].filter((name) => !loaded.has(name));
    if (missing.length === 0) return;
    for (const parsed of javap(classpath, missing)) loaded.set(parsed.name, parsed);
    load(missing.flatMap((name) => loaded.get(name)?.superclass ?? []));
  };
  load([...BROKER_CLASSES, ...NAMESRV_CLASSES]);
  // Enum candidates: every rocketmq type a setter takes or a field has.
  const referenced = [...loaded.values()].flatMap((c) => [...c.fields.values(), ...[...c.setters.values()].flat()]);
  load(referenced.filter((type) => type.startsWith('org.apache.rocketmq.') && !type.endsWith('[]')));
  const enumOf = (type: string): string[] | undefined => loaded.get(type)?.enumConstants;

  const keysOf = (className: string): Record<string, JavaConfType> => {
    const keys: Record<string, JavaConfType> = {};
    // Superclass first, so a subclass's own setter of the same name wins (as getMethods() resolves it).
    const chain: JavapClass[] = [];
    for (let c = loaded.get(className); c; c = c.superclass ? loaded.get(c.superclass) : undefined) chain.unshift(c);
    for (const owner of chain) {
      for (const [setter, parameters] of owner.setters) {
        const key = propertyName(setter);
        const type = keyType(owner, key, parameters, enumOf);
        if (type !== undefined) keys[key] = type;
      }
    }
    return keys;
  };

  const server = (classNames: readonly string[]): Record<string, Record<string, JavaConfType>> => {
    const byClass: Record<string, Record<string, JavaConfType>> = {};
    const seen = new Map<string, { type: JavaConfType; className: string }>();
    for (const className of classNames) {
      const own: Record<string, JavaConfType> = {};
      for (const [key, type] of Object.entries(keysOf(className)).sort(([a], [b]) => a.localeCompare(b))) {
        const earlier = seen.get(key);
        if (earlier && !sameType(earlier.type, type)) {
          throw new Error(`${key}: ${earlier.className} and ${className} read it as different types`);
        }
        if (earlier) continue;
        seen.set(key, { type, className });
        own[key] = type;
      }
      byClass[className.slice(className.lastIndexOf('.') + 1)] = own;
    }
    return byClass;
  };
  return { broker: server(BROKER_CLASSES), namesrv: server(NAMESRV_CLASSES) };
}

function renderType(type: JavaConfType): string {
  return typeof type === 'string' ? `'${type}'` : `[${type.map((constant) => `'${constant}'`).join(', ')}]`;
}

function renderServer(name: string, byClass: Record<string, Record<string, JavaConfType>>): string {
  const lines = [`export const ${name} = {`];
  for (const [className, keys] of Object.entries(byClass)) {
    lines.push(`  ${className}: {`);
    for (const [key, type] of Object.entries(keys)) lines.push(`    ${key}: ${renderType(type)},`);
    lines.push('  },');
  }
  lines.push('} as const satisfies ServerConfClasses;');
  return lines.join('\n');
}

/** The module's text, formatted as biome formats it (so lint passes on the generated file). */
export function renderServerConfCatalogue(catalogue: ServerConfCatalogue): string {
  return `${[
    '// Generated by `npm run catalogue` (scripts/generate-server-conf-catalogue.ts) with `javap -p` from the',
    `// RocketMQ ${ROCKETMQ_VERSION} jars. Do not edit: regenerate it. Each key is a property the server's`,
    "// MixAll.properties2Object sets through a public setter; its type is the setter's (an enum's constants",
    '// for a String setter of an enum field), grouped by the class that reads it first.',
    '',
    '/** A Java type properties2Object converts to; an enum is its constants. */',
    "export type JavaConfType = 'int' | 'long' | 'float' | 'double' | 'boolean' | 'String' | readonly string[];",
    'type ServerConfClasses = Record<string, Record<string, JavaConfType>>;',
    '',
    `export const CATALOGUE_ROCKETMQ_VERSION = '${ROCKETMQ_VERSION}';`,
    '',
    `/** broker.conf: ${BROKER_CLASSES.map((c) => c.slice(c.lastIndexOf('.') + 1)).join(', ')}. */`,
    renderServer('BROKER_CONF_CLASSES', catalogue.broker),
    '',
    `/** The name server's conf file: ${NAMESRV_CLASSES.map((c) => c.slice(c.lastIndexOf('.') + 1)).join(', ')}. */`,
    renderServer('NAMESRV_CONF_CLASSES', catalogue.namesrv),
  ].join('\n')}\n`;
}

async function main(): Promise<void> {
  const lib = cachePaths().rocketmqLib;
  const catalogue = readServerConfCatalogue(lib);
  writeFileSync(CATALOGUE_PATH, renderServerConfCatalogue(catalogue));
  const count = (c: Record<string, Record<string, JavaConfType>>) =>
    Object.values(c).reduce((n, keys) => n + Object.keys(keys).length, 0);
  console.log(
    `wrote ${CATALOGUE_PATH}: ${count(catalogue.broker)} broker keys, ${count(catalogue.namesrv)} name server keys`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
