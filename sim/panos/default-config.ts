import { DEFAULT_DEVICE, DEFAULT_VSYS } from './object-lookup.js';
import { parseXmlDocument } from './xml-parser.js';
import { childNamed, el, entryNamed, type XmlElement } from './xml-tree.js';

export const SW_VERSION = '10.1.0';
export const MODEL = 'PA-VM';

/** Predefined objects, addressable under `/config/predefined` but not part of the running config. */
export function predefinedTree(): XmlElement {
  return parseXmlDocument(`<config><predefined><service>
    <entry name="service-http"><protocol><tcp><port>80,8080</port></tcp></protocol></entry>
    <entry name="service-https"><protocol><tcp><port>443</port></tcp></protocol></entry>
  </service></predefined></config>`);
}

/** A factory-fresh firewall: one vsys with trust/untrust zones and an empty rulebase. */
export function defaultConfigXml(hostname: string): string {
  return `<config version="${SW_VERSION}" urldb="paloaltonetworks">
  <mgt-config><users><entry name="admin"><permissions><role-based><superuser>yes</superuser></role-based></permissions></entry></users></mgt-config>
  <shared><address/><address-group/><service/><service-group/><tag/></shared>
  <devices><entry name="${DEFAULT_DEVICE}">
    <deviceconfig><system><hostname></hostname></system></deviceconfig>
    <vsys><entry name="${DEFAULT_VSYS}">
      <zone>
        <entry name="trust"><network><layer3><member>ethernet1/2</member></layer3></network></entry>
        <entry name="untrust"><network><layer3><member>ethernet1/1</member></layer3></network></entry>
      </zone>
      <address/><address-group/><service/><service-group/><tag/>
      <rulebase><security><rules/></security></rulebase>
    </entry></vsys>
  </entry></devices>
</config>`.replace('<hostname></hostname>', `<hostname>${escapeHostname(hostname)}</hostname>`);
}

function escapeHostname(hostname: string): string {
  return hostname.replace(/[&<>]/g, (ch) => (ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : '&gt;'));
}

function ensureChild(parent: XmlElement, name: string): XmlElement {
  const found = childNamed(parent, name);
  if (found !== undefined) return found;
  const created = el(name);
  parent.children.push(created);
  return created;
}

function ensureEntry(parent: XmlElement, container: string, entryName: string): XmlElement {
  const list = ensureChild(parent, container);
  const found = entryNamed(list, entryName);
  if (found !== undefined) return found;
  const created = el('entry', { name: entryName });
  list.children.push(created);
  return created;
}

/**
 * Makes sure a supplied config has the device/vsys skeleton the API paths rely on, so a partial
 * export (e.g. only a rulebase) still loads.
 */
export function withSkeleton(config: XmlElement): XmlElement {
  if (config.name !== 'config') throw new Error(`the configuration root must be <config>, not <${config.name}>`);
  ensureChild(config, 'shared');
  const device = ensureEntry(config, 'devices', DEFAULT_DEVICE);
  const vsys = ensureEntry(device, 'vsys', DEFAULT_VSYS);
  ensureChild(ensureChild(ensureChild(vsys, 'rulebase'), 'security'), 'rules');
  return config;
}

/** The hostname configured in `deviceconfig/system/hostname`, if any. */
export function configuredHostname(config: XmlElement): string | undefined {
  const device = entryNamed(childNamed(config, 'devices'), DEFAULT_DEVICE);
  const hostname = childNamed(childNamed(childNamed(device, 'deviceconfig'), 'system'), 'hostname');
  return hostname?.text.trim() || undefined;
}

