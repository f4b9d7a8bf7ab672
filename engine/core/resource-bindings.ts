import type { Binding, BindingSet } from '../../schemas/resources/bindings';

/**
 * Which implementation runs a Task's resource under a binding set (pure: the workflow, the API's
 * validation and the activities all decide with this one function). See `schemas/resources/bindings.ts`.
 */
export type Implementation =
  /** (a) a function from FUNCTIONS_DIR on the function host. */
  | { kind: 'function'; name: string }
  /** (b) a remote function over HTTP. */
  | { kind: 'http'; url: string; headers?: Record<string, string>; timeoutSeconds?: number }
  /** (c) a Temporal activity type served by any worker on `taskQueue`. */
  | { kind: 'temporal'; taskQueue: string; activityType: string }
  /** (d) a real AWS Lambda function through the AWS SDK. */
  | { kind: 'aws-lambda'; functionName: string }
  /** (d) a built-in integration: `service` is `http`, `sqs`, …, or `aws-sdk:<service>`. */
  | { kind: 'integration'; service: string; action: string }
  /** Nothing runs it: `reason` names the resource and says how to bind it. */
  | { kind: 'unbound'; reason: string };

/** The optimized integrations Stepflow ships, by service: the actions it implements. */
export const OPTIMIZED_INTEGRATIONS: Readonly<Record<string, readonly string[]>> = {
  http: ['invoke'],
  sqs: ['sendMessage'],
  sns: ['publish'],
  dynamodb: ['getItem', 'putItem', 'updateItem', 'deleteItem'],
  events: ['putEvents'],
  s3: ['getObject', 'putObject'],
};

/** Services whose AWS SDK v3 client is installed: what `aws-sdk:<service>:<action>` can call. */
export const AWS_SDK_SERVICES: readonly string[] = ['sqs', 'sns', 'dynamodb', 'eventbridge', 's3', 'lambda'];

/** The binding set when no bindings file is configured: every built-in integration on. */
export const DEFAULT_BINDING_SET: BindingSet = { version: 'builtin', bindings: [], disabledIntegrations: [] };

const HOW_TO_BIND =
  'bind it in the file named by STEPFLOW_BINDINGS (README "Resources") to a FUNCTIONS_DIR function, an HTTP endpoint or a Temporal activity type';

/** True when `text` matches `pattern`, where `*` stands for any run of characters. */
export function globMatches(pattern: string, text: string): boolean {
  if (!pattern.includes('*')) return pattern === text;
  const parts = pattern.split('*');
  if (!text.startsWith(parts[0])) return false;
  let at = parts[0].length;
  for (let i = 1; i < parts.length - 1; i++) {
    const found = text.indexOf(parts[i], at);
    if (found < 0) return false;
    at = found + parts[i].length;
  }
  const last = parts[parts.length - 1];
  return text.length - at >= last.length && text.endsWith(last);
}

const LAMBDA_FUNCTION_PART = /:function:([^:]+)(?::[^:]*)?$/;

/** True when a binding's `resource` names the Lambda function `functionName` (by name or function ARN pattern). */
function matchesFunction(pattern: string, functionName: string): boolean {
  if (!pattern.startsWith('arn:')) return globMatches(pattern, functionName);
  const part = LAMBDA_FUNCTION_PART.exec(pattern);
  return part !== null && pattern.includes(':lambda:') && globMatches(part[1], functionName);
}

function fromBinding(binding: Binding, resource: string, fallbackName: string): Implementation {
  if (binding.http) return { kind: 'http', ...binding.http };
  if (binding.temporal) return { kind: 'temporal', ...binding.temporal };
  if (binding.lambda) return { kind: 'aws-lambda', functionName: binding.lambda.functionName ?? fallbackName };
  if (binding.function) return { kind: 'function', name: binding.function.name ?? fallbackName };
  return { kind: 'unbound', reason: `The resource '${resource}' is turned off by this deployment's bindings` };
}

/** The implementation of a Lambda-style function Task (`arn:aws:lambda:…:function:<name>` or `lambda:invoke`). */
export function functionImplementation(set: BindingSet | undefined, functionName: string): Implementation {
  for (const binding of set?.bindings ?? []) {
    if (matchesFunction(binding.resource, functionName)) return fromBinding(binding, functionName, functionName);
  }
  return { kind: 'function', name: functionName };
}

/** `arn:aws:states:::<service>:<action>` (or `aws-sdk:<service>:<action>`), without a `.waitForTaskToken` suffix. */
const INTEGRATION_ARN = /^arn:aws:states:::((?:aws-sdk:)?[a-z0-9-]+):([A-Za-z0-9]+)(\.waitForTaskToken)?$/;

function disabled(set: BindingSet | undefined, service: string, action: string): boolean {
  const off = set?.disabledIntegrations ?? [];
  if (off.includes(service) || off.includes(`${service}:${action}`)) return true;
  return service.startsWith('aws-sdk:') && off.includes('aws-sdk');
}

/**
 * The implementation of a service-integration Task (`arn:aws:states:::<service>:<action>[.waitForTaskToken]`):
 * its binding if one matches, else the built-in integration if Stepflow ships it and the
 * deployment has not turned it off, else `unbound` with the reason and how to bind it.
 */
export function integrationImplementation(set: BindingSet | undefined, resource: string): Implementation {
  const base = resource.replace(/\.waitForTaskToken$/, '');
  for (const binding of set?.bindings ?? []) {
    if (globMatches(binding.resource, resource) || globMatches(binding.resource, base))
      return fromBinding(binding, resource, base);
  }
  const parsed = INTEGRATION_ARN.exec(resource);
  if (!parsed) return { kind: 'unbound', reason: `The resource '${resource}' is not supported: ${HOW_TO_BIND}` };
  const [, service, action] = parsed;
  if (disabled(set, service, action))
    return {
      kind: 'unbound',
      reason: `The integration '${service}:${action}' is turned off by this deployment (disabledIntegrations); ${HOW_TO_BIND}`,
    };
  const sdk = service.startsWith('aws-sdk:') ? service.slice('aws-sdk:'.length) : undefined;
  if (sdk !== undefined ? AWS_SDK_SERVICES.includes(sdk) : OPTIMIZED_INTEGRATIONS[service]?.includes(action))
    return { kind: 'integration', service, action };
  const what =
    sdk !== undefined ? `no AWS SDK client for '${sdk}' is installed` : 'Stepflow has no built-in integration for it';
  return { kind: 'unbound', reason: `The resource '${resource}' cannot run: ${what}; ${HOW_TO_BIND}` };
}
