import { z } from 'zod';

const MIN_PASSWORD_LENGTH = 10;

/** Some of the most used passwords of ten characters or more: the first an attacker tries on every account. */
const COMMON_PASSWORDS = new Set([
  '1234567890',
  '0987654321',
  '12345678910',
  '1q2w3e4r5t',
  'password123',
  'password1234',
  'passwordpassword',
  'qwertyuiop',
  'qwerty123456',
  'abcdefghij',
  'abc1234567',
  'iloveyou123',
  'welcome123',
  'letmein123',
  'changeme123',
  'trustno1234',
  'sunshine123',
  'football123',
  'baseball123',
  'princess123',
  'administrator',
  'retailshop1',
]);

/** Why this password is easy to guess whoever chooses it, or undefined. */
function weakness(password: string): string | undefined {
  const lower = password.toLowerCase();
  if (new Set(lower).size < 4) return 'Use more than three different characters.';
  if (COMMON_PASSWORDS.has(lower)) return 'This is one of the most common passwords; choose another.';
  return undefined;
}

/** `POST /auth/register`: the e-mail is kept trimmed and lower-cased, the name trimmed. */
export const signUpRequest = z
  .object({
    email: z.string().trim().toLowerCase().max(254).pipe(z.email('Enter a valid e-mail address.')),
    name: z.string().trim().min(1, 'Enter your name.').max(100, 'Use at most 100 characters.'),
    password: z
      .string()
      .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`)
      .max(256, 'Use at most 256 characters.')
      .superRefine((password, ctx) => {
        const reason = weakness(password);
        if (reason) ctx.addIssue({ code: 'custom', message: reason });
      }),
  })
  .superRefine(({ email, password }, ctx) => {
    const lower = password.toLowerCase();
    if (lower === email || lower === email.split('@')[0]) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'Do not use your e-mail address as the password.' });
    }
  });
