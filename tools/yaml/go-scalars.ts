// Plain scalars as Kubernetes' Go YAML reader resolves them. Helm (values files and rendered manifests),
// kubectl, kubeconform and the API server's YAML path all read YAML through sigs.k8s.io/yaml, which decodes
// with go.yaml.in/yaml/v2: YAML 1.1 booleans, Go's integer syntax, and timestamps left as strings. The rules
// below follow its resolve.go (`resolve`, `resolveMapList`, `yamlStyleFloat`); its decode.go keeps a
// timestamp decoded into an interface a string, and sigs.k8s.io/yaml turns a boolean or number key into its
// text (`convertToJSONableObject`).
import type { ScalarTag } from 'yaml';

const TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const SPECIAL_FLOATS = new Map<string, number>([
  ...['.nan', '.NaN', '.NAN'].map((s) => [s, NaN] as const),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s) => [s, Infinity] as const),
  ...['-.inf', '-.Inf', '-.INF'].map((s) => [s, -Infinity] as const),
]);

/** strconv.ParseInt(s, 0, 64), then ParseUint: a sign, then 0x, 0o, 0b, a leading 0 (octal) or decimal. */
const goInteger = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
/** resolve.go yamlStyleFloat: an exponent needs its sign (`1e3` stays a string, `1e+3` is 1000). */
const yamlStyleFloat = /^[-+]?[0-9]*\.?[0-9]+([eE][-+][0-9]+)?$/;
/** strconv.ParseFloat of a scalar that starts with a dot. */
const dotFloat = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;
/** What parseTimestamp tries first: four digits and a dash; such a scalar stays a string. */
const timestampStart = /^[0-9]{4}-/;

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

function integer(text: string): number | undefined {
  const m = goInteger.exec(text);
  if (!m) return undefined;
  const [, sign, digits] = m;
  const prefixed = /^0[xXoObB]/.test(digits);
  const magnitude = prefixed ? BigInt(digits.toLowerCase()) : BigInt(digits.length > 1 && digits[0] === '0' ? `0o${digits.slice(1)}` : digits);
  const value = sign === '-' ? -magnitude : magnitude;
  // ParseInt's int64, else ParseUint's uint64 (which takes no sign)
  if (value < INT64_MIN || value > UINT64_MAX || (value > 2n ** 63n - 1n && sign !== '')) return undefined;
  return value === 0n ? 0 : Number(value);
}

/** The value go.yaml.in/yaml/v2 gives a plain scalar that is not a string; undefined for a string. */
export function goScalar(text: string): boolean | number | null | undefined {
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  if (text === '' || text === '~' || text === 'null' || text === 'Null' || text === 'NULL') return null;
  const special = SPECIAL_FLOATS.get(text);
  if (special !== undefined) return special;
  if (text[0] === '.') return dotFloat.test(text) ? Number(text) : undefined;
  if (!/^[-+0-9]/.test(text) || timestampStart.test(text)) return undefined;
  const plain = text.replaceAll('_', '');
  const int = integer(plain);
  if (int !== undefined) return int;
  if (!yamlStyleFloat.test(plain)) return undefined;
  const float = Number(plain);
  return Number.isFinite(float) ? float : undefined; // ParseFloat's range error: a string
}

const resolvedOr = (text: string) => {
  const value = goScalar(text);
  return value === undefined ? text : value;
};

/**
 * The scalar tags for the `yaml` package, in place of the schema's bool, int, float and null tags: every plain
 * scalar that can be anything but a string (resolve.go's hint: a sign, digit, dot or one of `yYnNtTfFoO~`) goes
 * through `goScalar` by the first; an explicit `!!bool`, `!!int`, `!!float` or `!!null` finds its tag by name.
 */
export const goYamlScalarTags: ScalarTag[] = ['bool', 'int', 'float', 'null'].map((name, i) => ({
  tag: `tag:yaml.org,2002:${name}`,
  default: i === 0,
  test: /^[-+.0-9yYnNtTfFoO~]|^$/,
  resolve: resolvedOr,
  identify: () => false,
}));
