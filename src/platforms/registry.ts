import type { FileFormat } from './platform.js';
import { awsSgFormat } from './aws-sg/index.js';
import { awsNaclFormat } from './aws-nacl/index.js';
import { haloFormat } from './halo/index.js';
import { panosFormat } from './panos/index.js';

/** Every file format ruleport reads, tried in order; a new platform adds one line. */
export const FILE_FORMATS: readonly FileFormat[] = [awsSgFormat, awsNaclFormat, haloFormat, panosFormat];
