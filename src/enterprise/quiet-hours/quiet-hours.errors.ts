import { forbidden, validationFailed } from '../../common/errors.js';

export const scheduleInvalid = (detail: string) => validationFailed([{ field: 'schedule', detail }]);

/** Coder's answer (enterprise/coderd/users.go) to a PUT while CODER_ALLOW_CUSTOM_QUIET_HOURS is false. */
export const customScheduleNotAllowed = () =>
  forbidden('Users cannot set custom quiet hours schedule due to deployment configuration.');
