import { errorResponse, successResult, xmlResponse, type ApiResponse } from './api-response.js';
import type { Credentials } from './auth.js';
import { handleCommit } from './commit-request.js';
import { handleConfig } from './config-request.js';
import { badRequest, PanosApiError } from './errors.js';
import { handleOp } from './op-request.js';
import type { PanosDevice } from './panos-device.js';
import { handleUserId } from './user-id-request.js';
import { serializeXml } from './xml-serializer.js';
import { textEl } from './xml-tree.js';

/** A request as the API sees it: merged parameters (query string + form body) and credentials. */
export interface ApiRequest {
  readonly params: ReadonlyMap<string, string>;
  readonly credentials: Credentials;
}

export interface RoutedResponse {
  readonly response: ApiResponse;
  /** The authenticated admin, when authentication succeeded. */
  readonly admin?: string;
}

/** The `type=` values the simulator serves. */
export type RequestType = 'keygen' | 'version' | 'config' | 'op' | 'commit' | 'user-id' | 'export';
const REQUEST_TYPES: readonly RequestType[] = ['keygen', 'version', 'config', 'op', 'commit', 'user-id', 'export'];

function required(params: ReadonlyMap<string, string>, name: string): string {
  const value = params.get(name);
  if (value === undefined) throw badRequest(`Missing parameter "${name}".`);
  return value;
}

function dispatch(device: PanosDevice, type: RequestType, request: ApiRequest, admin: string): ApiResponse {
  const { params } = request;
  const get = (name: string): string | undefined => params.get(name);
  switch (type) {
    case 'keygen':
      throw new Error('keygen is handled before authentication');
    case 'version':
      return xmlResponse(
        successResult(
          textEl('sw-version', device.swVersion),
          textEl('multi-vsys', 'off'),
          textEl('model', device.model),
          textEl('serial', device.serial),
        ),
      );
    case 'config':
      return handleConfig(device, admin, get);
    case 'op':
      return handleOp(device, admin, required(params, 'cmd'));
    case 'commit':
      return handleCommit(device, admin, get);
    case 'user-id':
      return handleUserId(device, required(params, 'cmd'));
    case 'export': {
      // Only the running configuration can be exported (category=configuration).
      const category = required(params, 'category');
      if (category !== 'configuration') throw badRequest(`Illegal value for parameter "category" [${category}].`);
      return { httpStatus: 200, body: serializeXml(device.store.runningTree, { pretty: true }), contentType: 'application/xml; charset=UTF-8' };
    }
    default: {
      const exhaustive: never = type;
      throw badRequest(`Illegal value for parameter "type" [${String(exhaustive)}].`);
    }
  }
}

/** Authenticates and dispatches one API call; API errors become their documented envelopes. */
export function routeApiRequest(device: PanosDevice, request: ApiRequest): RoutedResponse {
  let admin: string | undefined;
  try {
    device.jobs.tick();
    const type = required(request.params, 'type');
    if (!(REQUEST_TYPES as readonly string[]).includes(type)) throw badRequest(`Illegal value for parameter "type" [${type}].`);
    if (type === 'keygen') {
      const key = device.keys.keygen(required(request.params, 'user'), required(request.params, 'password'));
      return { response: xmlResponse(successResult(textEl('key', key))) };
    }
    admin = device.keys.authenticate(request.credentials);
    return { response: dispatch(device, type as RequestType, request, admin), admin };
  } catch (error) {
    if (!(error instanceof PanosApiError)) throw error;
    return admin === undefined ? { response: errorResponse(error) } : { response: errorResponse(error), admin };
  }
}
