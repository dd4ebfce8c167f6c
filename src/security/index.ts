export { loadMasterKey } from './master-key.ts';
export { Secrets } from './secrets.ts';
export { generateAccessKey, generatePassword, hashPassword, verifyPassword } from './password.ts';
