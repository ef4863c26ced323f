import { timingSafeEqual } from 'crypto';

/** Compares secrets in constant time, so the answer's timing says nothing about the secret. */
export function secretsMatch(received: unknown, expected: string | undefined): boolean {
	if (typeof received !== 'string' || !expected) return false;
	const a = Buffer.from(received);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}
