import { hash, verify } from "@node-rs/argon2";

export const MIN_PASSWORD_LENGTH = 8;

export function hashPassword(password: string) {
  return hash(password); // argon2id with the library's defaults (19 MiB, 2 passes)
}

// Verifying against this when the account does not exist keeps both answers equally slow,
// so response time does not reveal which accounts exist.
const dummyHash = hash("not-a-real-password-but-a-timing-shield");

export async function verifyPassword(passwordHash: string | undefined, password: string) {
  if (!passwordHash) {
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}
