/**
 * The ClickHouse error code of an engine error, from either connection: a server's `ClickHouseError` carries it as
 * a decimal string in `code`; the embedded engine's `ChdbQueryError` has `code: 'CHDB_QUERY'` and the number in
 * `clickhouseCode`. Causes are followed (a wrapper keeps the engine's error as its cause), and as a last resort the
 * `Code: N. DB::Exception` that starts every engine message is read. Undefined when there is none (a network error).
 */
export function clickHouseErrorCode(error: unknown): number | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== null && typeof current === 'object'; depth += 1) {
    const { code, clickhouseCode, message, cause } = current as {
      code?: unknown;
      clickhouseCode?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (typeof clickhouseCode === 'number' && Number.isInteger(clickhouseCode)) return clickhouseCode;
    if (typeof code === 'string' && /^\d+$/.test(code)) return Number(code);
    if (typeof message === 'string') {
      const match = /\bCode: (\d+)\. DB::Exception/.exec(message);
      if (match) return Number(match[1]);
    }
    current = cause;
  }
  return undefined;
}

/**
 * ClickHouse error codes that mean "these rows are bad", not "the server is unwell": retrying the same rows will
 * not help. Parse and type errors, values out of range, strings too large, a table constraint the rows violate.
 */
const ROW_CONTENT_ERROR_CODES = new Set([
  6, // CANNOT_PARSE_TEXT
  26, // CANNOT_PARSE_QUOTED_STRING
  27, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  32, // ATTEMPT_TO_READ_AFTER_EOF
  33, // CANNOT_READ_ALL_DATA
  38, // CANNOT_PARSE_DATE
  41, // CANNOT_PARSE_DATETIME
  53, // TYPE_MISMATCH
  62, // SYNTAX_ERROR (a value the row format cannot read)
  69, // ARGUMENT_OUT_OF_BOUND
  70, // CANNOT_CONVERT_TYPE
  72, // CANNOT_PARSE_NUMBER
  117, // INCORRECT_DATA
  131, // TOO_LARGE_STRING_SIZE
  190, // SIZES_OF_ARRAYS_DONT_MATCH
  349, // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
  469, // VIOLATED_CONSTRAINT
]);

/** Whether the engine refused an INSERT for its rows' content (a poison batch), on a server or the embedded engine. */
export function isRowContentError(error: unknown): boolean {
  const code = clickHouseErrorCode(error);
  return code !== undefined && ROW_CONTENT_ERROR_CODES.has(code);
}
