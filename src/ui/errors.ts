// Error codes of the status page and the Argo CD extension's data API (see docs/errors.md).
import { AppError } from '../shared/errors.ts';

export type UiErrorCode = 'UI_DISABLED' | 'UI_LOGIN_REQUIRED' | 'UI_LOGIN_INVALID' | 'UI_LOGIN_THROTTLED' | 'UI_PROXY_REFUSED' | 'UI_UNKNOWN_WATCH' | 'UI_ASSETS_MISSING';

const STATUS: Readonly<Record<UiErrorCode, number>> = {
  UI_DISABLED: 403,
  UI_LOGIN_REQUIRED: 401,
  UI_LOGIN_INVALID: 401,
  UI_LOGIN_THROTTLED: 429,
  UI_PROXY_REFUSED: 403,
  UI_UNKNOWN_WATCH: 404,
  UI_ASSETS_MISSING: 503,
};

export function uiError(code: UiErrorCode, message: string): AppError {
  return new AppError(code, message, { statusCode: STATUS[code] });
}
