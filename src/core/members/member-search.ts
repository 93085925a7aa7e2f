import { ApiError, badRequest } from '../../common/errors.js';
import { parseUserSearch, type UserFilter } from '../search/user-search.js';
import { INVALID_MEMBER_SEARCH } from './members.errors.js';

/** `GET /users`' search syntax, answered in Coder's words for members. */
export function parseMemberSearch(q: string | undefined): UserFilter {
  try {
    return parseUserSearch(q);
  } catch (err) {
    if (err instanceof ApiError && err.getStatus() === 400)
      throw badRequest(INVALID_MEMBER_SEARCH, err.body.detail, err.body.validations);
    throw err;
  }
}
