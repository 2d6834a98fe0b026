import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance, FastifySchema } from 'fastify';
import type { FieldErrors } from '../errors.js';
import { isValidEmail } from '../modules/users/email-address.js';

/**
 * Request validation with two Ajv instances: bodies are checked as sent, but for the conversions DRF
 * makes too (see convertingAsDrf), while query strings and path parameters, which are always text, are
 * converted to the declared types.
 */
export function installValidation(app: FastifyInstance): void {
  const shared: Options = {
    allErrors: true,
    useDefaults: true,
    removeAdditional: true,
    verbose: true,
    keywords: ['x-error', 'example'],
  };
  // Email addresses by Django's rules, which take a domain in Unicode (IDNA) where ajv-formats' do not.
  const bodyAjv = addFormats.default(new Ajv({ ...shared, coerceTypes: false }), ['uuid']).addFormat('email', isValidEmail);
  const textAjv = addFormats.default(new Ajv({ ...shared, coerceTypes: 'array' }), ['uuid']).addFormat('email', isValidEmail);
  app.setValidatorCompiler(({ schema, httpPart }) => httpPart === 'body'
    ? convertingAsDrf(schema as BodySchema, bodyAjv.compile(schema as FastifySchema & object))
    : refusingInfinity(textAjv.compile(schema as FastifySchema & object)));
}

interface BodySchema {
  properties?: Record<string, { type?: unknown }>;
}

// DRF's IntegerField takes "42", " 42 " and "42.0" alike (it strips a decimal point followed by zeros).
const INTEGER_TEXT = /^\s*[-+]?\d+(\.0*)?\s*$/;

/**
 * What DRF's fields take besides their own type, and nothing more: an IntegerField also takes the text
 * of a whole number (every value of a form-encoded body is text), a CharField also takes a number, as
 * its text. Booleans, objects and other text stay refused.
 */
function convertingAsDrf(schema: BodySchema, validate: ValidateFunction): ValidateFunction {
  const properties = Object.entries(schema.properties ?? {});
  const integers = properties.filter(([, property]) => property.type === 'integer').map(([name]) => name);
  const strings = properties.filter(([, property]) => property.type === 'string').map(([name]) => name);
  if (integers.length === 0 && strings.length === 0) return validate;
  const converting = ((data: unknown) => {
    if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
      const body = data as Record<string, unknown>;
      for (const name of integers) {
        const value = body[name];
        if (typeof value === 'string' && INTEGER_TEXT.test(value)) body[name] = Number(value.trim().replace(/\.0*$/, ''));
      }
      for (const name of strings) {
        const value = body[name];
        if (typeof value === 'number' && Number.isFinite(value)) body[name] = String(value);
      }
    }
    const valid = validate(data);
    converting.errors = validate.errors;
    return valid;
  }) as ValidateFunction;
  return converting;
}

/**
 * Ajv's type coercion turns the text "Infinity" (or "-Infinity") into a number that then skips the
 * integer and range checks: such a value is refused here as not an integer.
 */
function refusingInfinity(validate: ValidateFunction): ValidateFunction {
  const checked = ((data: unknown) => {
    const valid = validate(data);
    checked.errors = validate.errors;
    if (!valid || typeof data !== 'object' || data === null) return valid;
    if (!hasInfinity(data as Record<string, unknown>)) return true;
    const infinite = Object.entries(data).filter(([, value]) => typeof value === 'number' && !Number.isFinite(value));
    checked.errors = infinite.map(([field, value]): ErrorObject => ({
      instancePath: `/${field.replace(/~/g, '~0').replace(/\//g, '~1')}`, schemaPath: '', keyword: 'type',
      params: { type: 'integer' }, message: 'must be integer', data: value,
    }));
    return false;
  }) as ValidateFunction;
  return checked;
}

// Every query string and path is checked: a loop, where Object.entries would make arrays each time.
function hasInfinity(data: Record<string, unknown>): boolean {
  for (const key in data) {
    const value = data[key];
    if (typeof value === 'number' && !Number.isFinite(value)) return true;
  }
  return false;
}

/** Turns Ajv's errors into DRF's `{"field": ["message", ...]}`. */
export function toFieldErrors(errors: readonly ErrorObject[], body: unknown): FieldErrors {
  const result: FieldErrors = {};
  const typeErrorFields = new Set<string>();
  for (const error of errors) {
    if (error.instancePath === '' && error.keyword === 'type') {
      return { non_field_errors: [`Invalid data. Expected a dictionary, but got ${pythonTypeName(body)}.`] };
    }
    const field = fieldOf(error);
    if (error.keyword === 'type') typeErrorFields.add(field);
    const message = messageFor(error);
    const messages = (result[field] ??= []);
    if (!messages.includes(message)) messages.push(message);
  }
  // A value of the wrong type, or a blank one, only needs that said; its other complaints follow from it.
  for (const field of typeErrorFields) result[field] = result[field].filter((m) => TYPE_MESSAGES.has(m));
  for (const messages of Object.values(result)) {
    if (messages.includes(BLANK)) messages.splice(0, messages.length, BLANK);
  }
  return result;
}

const BLANK = 'This field may not be blank.';
const TYPE_MESSAGES = new Set(['Not a valid string.', 'A valid integer is required.', 'This field may not be null.',
  'Must be a valid boolean.', 'Invalid value.']);

function fieldOf(error: ErrorObject): string {
  if (error.keyword === 'required') return String(error.params.missingProperty);
  const [first] = error.instancePath.split('/').filter(Boolean);
  return first ? decodeURIComponent(first.replace(/~1/g, '/').replace(/~0/g, '~')) : 'non_field_errors';
}

function messageFor(error: ErrorObject): string {
  const custom = (error.parentSchema as Record<string, unknown> | undefined)?.['x-error'];
  switch (error.keyword) {
    case 'required':
      return 'This field is required.';
    case 'type':
      if (error.data === null) return 'This field may not be null.';
      if (error.params.type === 'string') return 'Not a valid string.';
      if (error.params.type === 'integer' || error.params.type === 'number') return 'A valid integer is required.';
      if (error.params.type === 'boolean') return 'Must be a valid boolean.';
      return 'Invalid value.';
    case 'minLength':
      return error.params.limit === 1
        ? BLANK
        : `Ensure this field has at least ${error.params.limit} characters.`;
    case 'maxLength':
      return `Ensure this field has no more than ${error.params.limit} characters.`;
    case 'minimum':
      return `Ensure this value is greater than or equal to ${error.params.limit}.`;
    case 'maximum':
      return `Ensure this value is less than or equal to ${error.params.limit}.`;
    case 'format':
      if (error.params.format === 'email') return 'Enter a valid email address.';
      if (error.params.format === 'uuid') return 'Must be a valid UUID.';
      return typeof custom === 'string' ? custom : 'Invalid value.';
    default:
      return typeof custom === 'string' ? custom : 'Invalid value.';
  }
}

function pythonTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (value === null) return 'NoneType';
  return typeof value;
}
