import { StatesError, StatesErrors } from '../errors';
import { copyObject } from '../object-copy';
import { MAX_EXECUTION_VARIABLE_BYTES, utf8Bytes } from './limits';

interface Variable {
  value: unknown;
  bytes: number;
}

/**
 * What a scope that assigned nothing holds (most branches and iterations): one empty map for all,
 * never written (`assign` gives a scope its own map first).
 */
const NO_VARIABLES = new Map<string, Variable>();

/** What `ownVariables` gives a scope that assigned nothing: one empty object for all, never written. */
const NO_OWN_VARIABLES: Record<string, unknown> = Object.freeze({});

/**
 * Counts the changes of any scope's variables (an `assign`, a `release` of a scope that had some):
 * a scope remakes its visible variables only after one.
 */
let changes = 0;

/**
 * Workflow variables of one scope: the top level of an execution, or one Parallel branch or
 * inline Map iteration. A scope reads its own variables and every enclosing scope's; it assigns
 * only its own (validation forbids an inner scope to assign an outer name). Sibling branches and
 * iterations are isolated, and a branch's variables vanish with it: only its output flows out.
 * A Distributed Map child starts a fresh root scope (it cannot read the parent's variables).
 */
export class VariableScope {
  /** The variables this scope assigned; the shared empty map until its first `Assign`. */
  private own: Map<string, Variable> = NO_VARIABLES;
  private ownBytes = 0;
  /** The last `visible()` object (never changed once made) and the `changes` count it was made at. */
  private visibleMade?: Record<string, unknown>;
  private visibleAt = -1;

  constructor(
    private readonly parent?: VariableScope,
    /** Byte budget shared by every scope of one execution (MAX_EXECUTION_VARIABLE_BYTES). */
    private readonly usage: { bytes: number } = parent?.usage ?? { bytes: 0 },
  ) {}

  /** A scope for a Parallel branch or Map iteration nested in this one. */
  child(): VariableScope {
    return new VariableScope(this, this.usage);
  }

  /** The value of `name` as this scope sees it (undefined when no scope has assigned it). */
  get(name: string): unknown {
    const entry = this.own.get(name);
    if (entry) return entry.value;
    return this.parent?.get(name);
  }

  /**
   * Every visible variable, outer scopes first (for JSONata bindings and JSONPath `$name`). Asked
   * at every state entry: the object is made again only after a scope's variables changed, and
   * it is shared until then, so no one may change it.
   */
  visible(): Record<string, unknown> {
    if (this.visibleAt === changes && this.visibleMade) return this.visibleMade;
    const outer = this.parent?.visible();
    let out: Record<string, unknown>;
    if (this.own.size === 0) out = outer ?? {};
    else {
      out = outer ? copyObject(outer) : {};
      for (const [name, entry] of this.own) out[name] = entry.value;
    }
    this.visibleMade = out;
    this.visibleAt = changes;
    return out;
  }

  /** The variables this scope itself assigned (what a continue-as-new must carry); never to be changed. */
  ownVariables(): Record<string, unknown> {
    // Asked before every state: most scopes assign nothing.
    if (this.own.size === 0) return NO_OWN_VARIABLES;
    return Object.fromEntries([...this.own].map(([name, entry]) => [name, entry.value]));
  }

  /**
   * Sets this scope's variables from one `Assign` (all values together, computed beforehand
   * from the values as of state entry). `serialised` are the values' JSON texts. Fails with
   * `States.DataLimitExceeded` when the execution would store more than
   * MAX_EXECUTION_VARIABLE_BYTES.
   */
  assign(values: Record<string, unknown>, serialised: Record<string, string>): void {
    let delta = 0;
    const sizes: Record<string, number> = {};
    for (const name of Object.keys(values)) {
      sizes[name] = utf8Bytes(serialised[name] ?? JSON.stringify(values[name]));
      delta += sizes[name] - (this.own.get(name)?.bytes ?? 0);
    }
    if (this.usage.bytes + delta > MAX_EXECUTION_VARIABLE_BYTES) {
      throw new StatesError(
        StatesErrors.DataLimitExceeded,
        `The workflow variables of this execution would exceed the maximum of ${MAX_EXECUTION_VARIABLE_BYTES} bytes.`,
      );
    }
    if (this.own === NO_VARIABLES) this.own = new Map();
    for (const [name, value] of Object.entries(values)) this.own.set(name, { value, bytes: sizes[name]! });
    changes++;
    this.usage.bytes += delta;
    this.ownBytes += delta;
  }

  /** Releases this scope's share of the execution budget (its branch or iteration ended). */
  release(): void {
    this.usage.bytes -= this.ownBytes;
    this.ownBytes = 0;
    if (this.own !== NO_VARIABLES && this.own.size > 0) {
      this.own.clear();
      changes++;
    }
  }
}
