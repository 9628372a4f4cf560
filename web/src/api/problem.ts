/** An RFC 9457 problem from the API, with its field errors keyed by field path. */
export interface FieldErrorItem {
  loc?: (string | number)[];
  field?: string;
  msg?: string;
}

export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: FieldErrorItem[];
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: ProblemBody;

  constructor(status: number, problem: ProblemBody) {
    super(problem.detail ?? problem.title ?? `The server answered ${status}.`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  /** Field errors keyed by the body path (`on_track.off_track_below`), for forms. */
  get fieldErrors(): Record<string, string> {
    return fieldErrors(this.problem);
  }
}

export function fieldErrors(problem: ProblemBody): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of problem.errors ?? []) {
    const loc = item.loc ?? (item.field ? item.field.split('.') : []);
    const path = (loc[0] === 'body' || loc[0] === 'query' ? loc.slice(1) : loc).join('.');
    const key = path || '_';
    const message = humanize(item.msg ?? 'is not valid');
    out[key] = out[key] ? `${out[key]} ${message}` : message;
  }
  return out;
}

// Pydantic's wording is written for programmers; the common cases read better as sentences.
function humanize(message: string): string {
  if (message.startsWith("String should match pattern '^[^@")) return 'Enter an email address.';
  if (message === 'String should have at least 1 character') return 'This cannot be empty.';
  const first = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

/** What a person reads for an error, whatever threw it. */
export function describeError(error: unknown): { title: string; detail: string } {
  if (error instanceof ApiError) {
    switch (error.status) {
      case 403:
        return { title: "You don't have access to this", detail: error.message };
      case 404:
        return {
          title: 'Not found',
          detail: 'This record does not exist, or it is not in your organization.',
        };
      case 409:
        return { title: 'This cannot be done now', detail: error.message };
      case 412:
        return {
          title: 'Someone else changed this record',
          detail:
            'It was changed after you opened it, so your edit was not saved. Reload to see the latest version, then make your change again.',
        };
      case 422:
        return { title: 'Some fields need attention', detail: error.message };
      default:
        if (error.status >= 500) {
          return {
            title: 'Something went wrong on our side',
            detail: 'Please try again in a moment.',
          };
        }
        return { title: 'That did not work', detail: error.message };
    }
  }
  if (error instanceof TypeError) {
    return {
      title: 'Cannot reach Momentum',
      detail: 'Check your connection and try again.',
    };
  }
  return {
    title: 'Something went wrong',
    detail: error instanceof Error ? error.message : String(error),
  };
}
