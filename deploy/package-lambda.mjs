// Builds the Lambda bundle of `ruleport sync panos`: src/lambda.ts and everything it imports (the AWS SDK
// clients included) as one CommonJS file, zipped as deploy/dist/ruleport-sync-lambda.zip with handler
// `index.handler`. `--config ruleport.yaml` adds the configuration file to the zip; `--out DIR` changes where the
// zip and the unzipped bundle go.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const outDir = resolve(option('--out') ?? join(root, 'deploy', 'dist'));
const configFile = option('--config');

mkdirSync(join(outDir, 'bundle'), { recursive: true });
const bundlePath = join(outDir, 'bundle', 'index.js');
await build({
  entryPoints: [join(root, 'src', 'lambda.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outfile: bundlePath,
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});

const files = [{ name: 'index.js', data: readFileSync(bundlePath) }];
if (configFile) files.push({ name: 'ruleport.yaml', data: readFileSync(configFile) });
const zipPath = join(outDir, 'ruleport-sync-lambda.zip');
writeFileSync(zipPath, zip(files));
process.stdout.write(`${zipPath} (${files.map((f) => f.name).join(', ')})\n`);

/** A plain zip archive (deflate, no extras): what Lambda accepts as a deployment package. */
function zip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  const time = 0x6000; // 12:00:00
  const date = ((2024 - 1980) << 9) | (1 << 5) | 1; // fixed, so equal inputs give equal zips
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(basename(name), 'utf8');
    const packed = deflateRawSync(data, { level: 9 });
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x031e, 4); // made by: Unix, 3.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // -rw-r--r--
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

function crc32(data) {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
