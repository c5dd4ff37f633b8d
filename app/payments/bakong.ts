/** A Bakong account id as banks print it: a name, "@", the bank's short code (e.g. kralanh@aclb). */
export const BAKONG_ACCOUNT_ID = /^[a-z0-9._-]{1,24}@[a-z0-9]{2,8}$/;
