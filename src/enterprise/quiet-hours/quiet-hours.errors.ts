import { validationFailed } from '../../common/errors.js';

export const scheduleInvalid = (detail: string) => validationFailed([{ field: 'schedule', detail }]);
